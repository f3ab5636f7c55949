//! What every Ember agent offers: deterministic batched actions, updates from a batch, and
//! save/load; and the adapter that lets the runtime train an offline agent from a buffer.
//! The policy traits live in `ember_envs` (no burn needed to act) and are re-exported here.

use crate::algo::AgentCard;
use ember_datasets::StateNormalizer;
use ember_engine::burn::tensor::{Device, Tensor, TensorData};
use ember_engine::runtime::{Learner, RuntimeError};
use ember_engine::{Batch, Metrics, SegmentBatch, SegmentBuffer, TransitionBuffer};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub use ember_envs::{EpisodePolicy, FnPolicy, Policy};

/// An agent trained from fixed dataset batches. It acts as an [`EpisodePolicy`]: every
/// stateless [`Policy`] is one, and a planner that keeps memory per episode implements it
/// directly.
pub trait OfflineAgent: EpisodePolicy {
    /// One gradient update on `batch`; `step` drives schedules such as delayed actor updates.
    fn update(&mut self, batch: &Batch, step: usize) -> Metrics;
    /// One gradient update on a batch of H-step episode windows, for a method whose config
    /// asks for segments ([`crate::method::OfflineAlgo::segments`]); the learner calls it
    /// instead of [`OfflineAgent::update`] for those methods only.
    fn update_segments(&mut self, batch: &SegmentBatch, step: usize) -> Metrics {
        let _ = (batch, step);
        unreachable!("a method trained on transitions declares no segments")
    }
    /// Minibatch size the agent's hyperparameters ask for.
    fn batch_size(&self) -> usize;
    /// Writes networks, optimizers and settings into `dir`.
    fn save(&self, dir: &Path) -> Result<(), RuntimeError>;
    /// Restores what [`OfflineAgent::save`] wrote.
    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError>;
}

/// Problem shape and the observation preprocessing an agent applies before its networks.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Spec {
    /// Observation width.
    pub obs_dim: usize,
    /// Width of the environment's flat action vector (1 for a discrete space: the index).
    pub act_dim: usize,
    /// State normalisation fitted on the dataset (identity when the method uses none).
    pub normalizer: StateNormalizer,
    /// The environment's action space. Box agents' networks work in [-1, 1] and their actions
    /// are mapped onto the box. Cards written before discrete spaces call it `action_bounds`.
    #[serde(alias = "action_bounds")]
    pub action_space: ActionSpace,
}

/// The action space an agent acts in: a box with finite bounds or the indices `0..n`. Written
/// as the box's `{"low": [..], "high": [..]}` or as the count `n`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ActionSpace {
    /// Continuous actions inside a box.
    Box(ActionBounds),
    /// One of `n` actions, passed to the environment as the index (a one-element vector).
    Discrete(usize),
}

/// The kinds of action space; methods declare the kinds they act in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// [`ActionSpace::Box`].
    Box,
    /// [`ActionSpace::Discrete`].
    Discrete,
}

impl ActionSpace {
    /// The space of an environment's actions; `None` for a box with an infinite bound (no
    /// agent here acts in one).
    pub fn of(space: &ember_envs::Space) -> Option<Self> {
        match space {
            ember_envs::Space::Box { low, high } => {
                low.iter().chain(high).all(|b| b.is_finite()).then(|| {
                    Self::Box(ActionBounds {
                        low: low.clone(),
                        high: high.clone(),
                    })
                })
            }
            ember_envs::Space::Discrete(n) => Some(Self::Discrete(*n)),
        }
    }

    /// Box or discrete.
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Box(_) => ActionKind::Box,
            Self::Discrete(_) => ActionKind::Discrete,
        }
    }

    /// The box's bounds; `None` for a discrete space.
    pub fn bounds(&self) -> Option<&ActionBounds> {
        match self {
            Self::Box(bounds) => Some(bounds),
            Self::Discrete(_) => None,
        }
    }

    /// Width of one action's flat vector.
    pub fn dim(&self) -> usize {
        match self {
            Self::Box(bounds) => bounds.low.len(),
            Self::Discrete(_) => 1,
        }
    }

    /// Refuses a space whose kind is not in `accepted`, in one line naming `method` and the
    /// space (how a method says which spaces it acts in).
    pub fn require(&self, method: &str, accepted: &[ActionKind]) -> Result<(), String> {
        if accepted.contains(&self.kind()) {
            return Ok(());
        }
        let wanted: Vec<&str> = accepted
            .iter()
            .map(|kind| match kind {
                ActionKind::Box => "a continuous (box)",
                ActionKind::Discrete => "a discrete",
            })
            .collect();
        Err(format!(
            "{} acts in {} action space, not {self}",
            method.to_uppercase(),
            wanted.join(" or ")
        ))
    }

    /// A uniformly random action and its log-density (over the box, or the probability of the
    /// index).
    pub fn uniform<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> (Vec<f32>, f32) {
        match self {
            Self::Box(bounds) => {
                let mut action: Vec<f32> = (0..bounds.low.len())
                    .map(|_| rng.random_range(-1.0..=1.0))
                    .collect();
                bounds.from_unit(&mut action);
                // Uniform over [-1, 1]^dim has density 2^-dim; mapped onto the box.
                let log_prob =
                    -(bounds.low.len() as f32) * std::f32::consts::LN_2 - bounds.log_scale();
                (action, log_prob)
            }
            Self::Discrete(n) => (vec![rng.random_range(0..*n) as f32], -(*n as f32).ln()),
        }
    }
}

impl std::fmt::Display for ActionSpace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Box(bounds) => write!(f, "Box({})", bounds.low.len()),
            Self::Discrete(n) => write!(f, "Discrete({n})"),
        }
    }
}

impl From<ActionBounds> for ActionSpace {
    fn from(bounds: ActionBounds) -> Self {
        Self::Box(bounds)
    }
}

/// An action box `[low, high]` per dimension and the affine map to and from [-1, 1].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionBounds {
    /// Lower bounds.
    pub low: Vec<f32>,
    /// Upper bounds.
    pub high: Vec<f32>,
}

impl ActionBounds {
    /// The unit box [-1, 1]^dim (D4RL's convention).
    pub fn unit(dim: usize) -> Self {
        Self {
            low: vec![-1.0; dim],
            high: vec![1.0; dim],
        }
    }

    /// Maps an environment action into [-1, 1].
    pub fn to_unit(&self, action: &mut [f32]) {
        for ((a, lo), hi) in action.iter_mut().zip(&self.low).zip(&self.high) {
            *a = 2.0 * (*a - lo) / (hi - lo) - 1.0;
        }
    }

    /// `sum ln((high - low) / 2)`, the log-volume factor of the map from [-1, 1] onto the box:
    /// a log-density over unit actions minus this is one over environment actions.
    pub fn log_scale(&self) -> f32 {
        self.low
            .iter()
            .zip(&self.high)
            .map(|(lo, hi)| (0.5 * (hi - lo)).ln())
            .sum()
    }

    /// Maps a [-1, 1] action onto the environment's box.
    pub fn from_unit(&self, action: &mut [f32]) {
        for ((a, lo), hi) in action.iter_mut().zip(&self.low).zip(&self.high) {
            *a = lo + (*a + 1.0) * 0.5 * (hi - lo);
        }
    }
}

impl Spec {
    /// The action box of a box agent's spec.
    ///
    /// # Panics
    /// On a discrete spec: box agents are only built for box specs (their method requires
    /// [`ActionKind::Box`] before building).
    pub fn bounds(&self) -> &ActionBounds {
        self.action_space
            .bounds()
            .expect("box agents are built only for box action spaces")
    }

    /// Runs `policy` (a `[batch, obs_dim]` -> `[batch, act_dim]` map into [-1, 1]) on raw
    /// environment observations, on the inference (non-autodiff) side of `device`, and returns
    /// environment actions.
    pub(crate) fn act(
        &self,
        observations: &[Vec<f32>],
        device: &Device,
        policy: impl FnOnce(Tensor<2>) -> Tensor<2>,
    ) -> Vec<Vec<f32>> {
        let device = device.clone().without_autodiff();
        self.actions(policy(self.observations(observations, &device)))
    }

    /// Like [`Spec::act`] for a sampling `policy` that also returns the log-density `[batch, 1]`
    /// of its [-1, 1] actions; returns environment actions and their log-densities over the box.
    pub(crate) fn sample(
        &self,
        observations: &[Vec<f32>],
        device: &Device,
        policy: impl FnOnce(Tensor<2>) -> (Tensor<2>, Tensor<2>),
    ) -> (Vec<Vec<f32>>, Vec<f32>) {
        let device = device.clone().without_autodiff();
        let (actions, log_probs) = policy(self.observations(observations, &device));
        let scale = self.bounds().log_scale();
        let log_probs = log_probs
            .into_data()
            .try_to_vec::<f32>()
            .expect("log-densities are f32")
            .into_iter()
            .map(|l| l - scale)
            .collect();
        (self.actions(actions), log_probs)
    }

    /// Normalises observations and stacks them into a `[batch, obs_dim]` tensor on `device`.
    fn observations(&self, rows: &[Vec<f32>], device: &Device) -> Tensor<2> {
        let mut flat = Vec::with_capacity(rows.len() * self.obs_dim);
        for row in rows {
            let mut row = row.clone();
            self.normalizer.normalize_row(&mut row);
            flat.extend_from_slice(&row);
        }
        Tensor::from_data(TensorData::new(flat, [rows.len(), self.obs_dim]), device)
    }

    /// Splits a `[batch, act_dim]` tensor of [-1, 1] actions into environment actions.
    fn actions(&self, tensor: Tensor<2>) -> Vec<Vec<f32>> {
        let flat = tensor
            .into_data()
            .try_to_vec::<f32>()
            .expect("policy output is f32");
        flat.chunks(self.act_dim.max(1))
            .map(|row| {
                let mut row = row.to_vec();
                self.bounds().from_unit(&mut row);
                row
            })
            .collect()
    }
}

/// The dataset on the training device, in the form the method trains on (boxed: the buffers
/// hold many tensor handles).
pub enum OfflineData {
    /// Single transitions (most methods).
    Transitions(Box<TransitionBuffer>),
    /// Windows of H consecutive steps inside one episode (sequence models and planners).
    Segments(Box<SegmentBuffer>),
}

/// An offline agent together with the device-resident data it samples from, and the card that
/// lets its checkpoints be reopened.
pub struct OfflineLearner<A> {
    /// The agent being trained.
    pub agent: A,
    /// The dataset on the agent's device.
    pub buffer: OfflineData,
    /// Written as `agent.json` into every checkpoint.
    pub card: AgentCard,
    /// The run seed, from which the random streams restart at each checkpoint.
    pub seed: u64,
    /// The training device (its generator draws the minibatches).
    pub device: Device,
}

impl<A: OfflineAgent> Learner for OfflineLearner<A> {
    fn train_step(&mut self, step: usize) -> Result<Metrics, RuntimeError> {
        let size = self.agent.batch_size();
        Ok(match &self.buffer {
            OfflineData::Transitions(buffer) => self.agent.update(&buffer.sample(size), step),
            OfflineData::Segments(buffer) => self.agent.update_segments(&buffer.sample(size), step),
        })
    }

    fn reseed(&mut self, step: usize) {
        ember_engine::seed::reseed(&self.device, self.seed, step);
    }

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        crate::checkpoint::save_json(&self.card, dir, AgentCard::FILE)?;
        self.agent.save(dir)
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        self.agent.load(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cards written before discrete spaces (`action_bounds`) still open; box and discrete
    /// specs round-trip.
    #[test]
    fn specs_read_old_cards_and_round_trip() {
        let old = r#"{"obs_dim": 3, "act_dim": 1,
            "normalizer": {"mean": [0.0, 0.0, 0.0], "std": [1.0, 1.0, 1.0]},
            "action_bounds": {"low": [-2.0], "high": [2.0]}}"#;
        let normalizer = serde_json::to_string(&StateNormalizer::identity(3)).unwrap();
        let old = old.replace(
            r#"{"mean": [0.0, 0.0, 0.0], "std": [1.0, 1.0, 1.0]}"#,
            &normalizer,
        );
        let spec: Spec = serde_json::from_str(&old).unwrap();
        assert_eq!(spec.bounds().high, vec![2.0]);
        for space in [spec.action_space.clone(), ActionSpace::Discrete(4)] {
            let spec = Spec {
                action_space: space.clone(),
                ..spec.clone()
            };
            let text = serde_json::to_string(&spec).unwrap();
            let back: Spec = serde_json::from_str(&text).unwrap();
            assert_eq!(back.action_space, space, "{text}");
        }
    }

    /// Uniform actions lie in the space, with the log-density of the uniform distribution.
    #[test]
    fn uniform_actions_are_valid() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(0);
        let discrete = ActionSpace::Discrete(3);
        for _ in 0..50 {
            let (action, log_prob) = discrete.uniform(&mut rng);
            assert!(action.len() == 1 && [0.0, 1.0, 2.0].contains(&action[0]));
            assert!((log_prob + 3f32.ln()).abs() < 1e-6);
        }
        let boxed = ActionSpace::Box(ActionBounds {
            low: vec![-2.0, 0.0],
            high: vec![2.0, 1.0],
        });
        let (action, log_prob) = boxed.uniform(&mut rng);
        assert!((-2.0..=2.0).contains(&action[0]) && (0.0..=1.0).contains(&action[1]));
        // Density 1 / (4 * 1).
        assert!((log_prob + 4f32.ln()).abs() < 1e-5, "{log_prob}");
        let err = discrete.require("iql", &[ActionKind::Box]).unwrap_err();
        assert_eq!(
            err,
            "IQL acts in a continuous (box) action space, not Discrete(3)"
        );
    }
}
