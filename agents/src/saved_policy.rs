//! A trained policy of any method reopened from its checkpoint: what `ember eval` and
//! `ember collect --policy` run. Offline agents (`agent.json`), SAC snapshots (`sac.json`) and
//! GAIL snapshots (`gail.json`) are told apart by their card.

use crate::agent::Policy;
use crate::algo::AgentCard;
use crate::checkpoint::{problem, resolve_checkpoint};
use crate::gail::{GailCard, GailPolicy};
use crate::sac::{SacCard, SacPolicy};
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
    pub policy: Box<dyn Policy>,
}

impl SavedPolicy {
    /// Opens checkpoint `dir` (a run directory also works: its latest checkpoint is used) on
    /// `device`. `sample` draws SAC's actions from its tanh-Gaussian instead of taking the
    /// mean (how D4RL collected its data); offline agents act deterministically only.
    pub fn open(dir: &Path, device: &Device, sample: bool) -> Result<Self, RuntimeError> {
        let checkpoint =
            resolve_checkpoint(dir, &[AgentCard::FILE, SacCard::FILE, GailCard::FILE])?;
        if checkpoint.join(format!("{}.json", SacCard::FILE)).exists() {
            let (card, policy) = SacPolicy::open(&checkpoint, device, sample)?;
            return Ok(Self {
                method: "sac".into(),
                env: card.env,
                dataset: None,
                policy: Box::new(policy),
            });
        }
        if checkpoint.join(format!("{}.json", GailCard::FILE)).exists() && !sample {
            let (card, policy) = GailPolicy::open(&checkpoint, device)?;
            return Ok(Self {
                method: "gail".into(),
                env: card.env,
                dataset: None,
                policy: Box::new(policy),
            });
        }
        if sample {
            return Err(problem(
                &checkpoint,
                "sampling actions needs a SAC checkpoint; offline agents act deterministically",
            ));
        }
        let (card, agent) = AgentCard::open(&checkpoint, device)?;
        Ok(Self {
            method: card.config.name().to_string(),
            env: card.env,
            dataset: Some(PathBuf::from(card.dataset)),
            policy: Box::new(agent),
        })
    }
}
