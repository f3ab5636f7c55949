//! What every Ember agent offers: deterministic batched actions, updates from a batch, and
//! save/load; and the adapter that lets the runtime train an offline agent from a buffer.
//! The policy traits live in `ember_envs` (no burn needed to act) and are re-exported here.

use crate::algo::AgentCard;
use ember_datasets::StateNormalizer;
use ember_engine::burn::tensor::{Device, Tensor, TensorData};
use ember_engine::runtime::{Learner, RuntimeError};
use ember_engine::{Batch, Metrics, TransitionBuffer};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub use ember_envs::{EpisodePolicy, FnPolicy, Policy};

/// An agent trained from fixed dataset batches.
pub trait OfflineAgent: Policy {
    /// One gradient update on `batch`; `step` drives schedules such as delayed actor updates.
    fn update(&mut self, batch: &Batch, step: usize) -> Metrics;
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
    /// Action width.
    pub act_dim: usize,
    /// State normalisation fitted on the dataset (identity when the method uses none).
    pub normalizer: StateNormalizer,
    /// The environment's action box; networks work in [-1, 1] and actions are mapped onto it.
    pub action_bounds: ActionBounds,
}

/// An action box `[low, high]` per dimension and the affine map to and from [-1, 1].
#[derive(Clone, Debug, Serialize, Deserialize)]
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
        let scale = self.action_bounds.log_scale();
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
                self.action_bounds.from_unit(&mut row);
                row
            })
            .collect()
    }
}

/// An offline agent together with the device-resident data it samples from, and the card that
/// lets its checkpoints be reopened.
pub struct OfflineLearner<A> {
    /// The agent being trained.
    pub agent: A,
    /// The dataset's transitions on the agent's device.
    pub buffer: TransitionBuffer,
    /// Written as `agent.json` into every checkpoint.
    pub card: AgentCard,
    /// The run seed, from which the random streams restart at each checkpoint.
    pub seed: u64,
    /// The training device (its generator draws the minibatches).
    pub device: Device,
}

impl<A: OfflineAgent> Learner for OfflineLearner<A> {
    fn train_step(&mut self, step: usize) -> Result<Metrics, RuntimeError> {
        let batch = self.buffer.sample(self.agent.batch_size());
        Ok(self.agent.update(&batch, step))
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
