//! A trained policy of any method reopened from its checkpoint: what `ember eval` and
//! `ember collect --policy` run. Offline agents (`agent.json`), SAC snapshots (`sac.json`) and
//! GAIL snapshots (`gail.json`) are told apart by their card.

use crate::agent::{EpisodePolicy, Policy};
use crate::algo::AgentCard;
use crate::checkpoint::{problem, resolve_checkpoint};
use crate::collect::Behaviour;
use crate::gail::{GailCard, GailPolicy};
use crate::sac::{SacCard, SacPolicy};
use ember_datasets::scores::RefScores;
use ember_engine::burn::tensor::Device;
use ember_engine::runtime::RuntimeError;
use std::path::{Path, PathBuf};

/// A reopened policy and what its checkpoint says about it.
pub struct SavedPolicy {
    /// Method name (`iql`, `sac`, ...).
    pub method: String,
    /// Environment it was trained in.
    pub env: String,
    /// Dataset an offline agent was trained on (its reference scores normalise returns).
    pub dataset: Option<PathBuf>,
    /// The policy.
    pub policy: SavedActor,
}

/// A reopened policy: stateless (SAC, which can also sample with log-densities; GAIL's actor)
/// or one that may keep memory per episode (an offline agent such as a replanning diffuser, or
/// a policy wrapped by a CDSA denoiser). Acts as an [`EpisodePolicy`] either way.
pub enum SavedActor {
    /// A stateless policy.
    Stateless(Box<dyn Policy>),
    /// An offline agent or a wrapped policy.
    Episodes(Box<dyn EpisodePolicy>),
}

impl EpisodePolicy for SavedActor {
    fn reset(&mut self, slot: usize) {
        match self {
            Self::Stateless(policy) => policy.reset(slot),
            Self::Episodes(policy) => policy.reset(slot),
        }
    }

    fn act_in(&mut self, slots: &[usize], observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        match self {
            Self::Stateless(policy) => policy.act_in(slots, observations),
            Self::Episodes(policy) => policy.act_in(slots, observations),
        }
    }

    fn observe_reward(&mut self, slot: usize, reward: f64) {
        match self {
            Self::Stateless(policy) => policy.observe_reward(slot, reward),
            Self::Episodes(policy) => policy.observe_reward(slot, reward),
        }
    }
}

impl From<SavedActor> for Behaviour {
    /// A stateless policy is collected from as such (with its log-densities when it samples),
    /// any other as an episode policy.
    fn from(actor: SavedActor) -> Self {
        match actor {
            SavedActor::Stateless(policy) => Behaviour::Policy(policy),
            SavedActor::Episodes(policy) => Behaviour::Episodes(policy),
        }
    }
}

impl SavedPolicy {
    /// The reference scores that normalise this policy's returns: those of `dataset` when
    /// given (a suite file gives a SAC snapshot the suite's scores), else those of the dataset
    /// an offline agent was trained on; `None`, with a warning when a file cannot be read,
    /// otherwise.
    pub fn reference_scores(&self, dataset: Option<&Path>) -> Option<RefScores> {
        let dataset = dataset.or(self.dataset.as_deref())?;
        match ember_datasets::load(dataset) {
            Ok(data) => data.reference_scores(),
            Err(error) => {
                tracing::warn!("no reference scores: {error}");
                None
            }
        }
    }

    /// Opens checkpoint `dir` (a run directory also works: its latest checkpoint is used) on
    /// `device`. `sample` draws SAC's actions from its tanh-Gaussian instead of taking the
    /// mean (how D4RL collected its data); offline agents act deterministically only.
    pub fn open(dir: &Path, device: &Device, sample: bool) -> Result<Self, RuntimeError> {
        Self::open_with(dir, device, sample, &[])
    }

    /// Like [`SavedPolicy::open`], an offline agent's acting hyperparameters overridden first
    /// ([`AgentCard::open_with`]); SAC and GAIL snapshots take none.
    pub fn open_with(
        dir: &Path,
        device: &Device,
        sample: bool,
        overrides: &[(String, String)],
    ) -> Result<Self, RuntimeError> {
        let checkpoint =
            resolve_checkpoint(dir, &[AgentCard::FILE, SacCard::FILE, GailCard::FILE])?;
        if checkpoint.join(format!("{}.json", SacCard::FILE)).exists() {
            if !overrides.is_empty() {
                return Err(problem(
                    &checkpoint,
                    "a SAC snapshot takes no --set overrides",
                ));
            }
            let (card, policy) = SacPolicy::open(&checkpoint, device, sample)?;
            return Ok(Self {
                method: "sac".into(),
                env: card.env,
                dataset: None,
                policy: SavedActor::Stateless(Box::new(policy)),
            });
        }
        if checkpoint.join(format!("{}.json", GailCard::FILE)).exists() && !sample {
            if !overrides.is_empty() {
                return Err(problem(
                    &checkpoint,
                    "a GAIL snapshot takes no --set overrides",
                ));
            }
            let (card, policy) = GailPolicy::open(&checkpoint, device)?;
            return Ok(Self {
                method: "gail".into(),
                env: card.env,
                dataset: None,
                policy: SavedActor::Stateless(Box::new(policy)),
            });
        }
        if sample {
            return Err(problem(
                &checkpoint,
                "sampling actions needs a SAC checkpoint; offline agents act deterministically",
            ));
        }
        let (card, agent) = AgentCard::open_with(&checkpoint, device, overrides)?;
        Ok(Self {
            method: card.config.name().to_string(),
            env: card.env,
            dataset: Some(PathBuf::from(card.dataset)),
            policy: SavedActor::Episodes(agent),
        })
    }
}
