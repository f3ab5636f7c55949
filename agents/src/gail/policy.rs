//! A GAIL checkpoint's actor reopened as a deterministic policy: what `ember eval` and
//! `ember collect --policy` run (through [`crate::saved_policy::SavedPolicy`]).

use super::GailCard;
use crate::agent::{Policy, Spec};
use crate::checkpoint::{load_json, load_module_part, resolve_checkpoint};
use ember_engine::burn::module::Module;
use ember_engine::burn::tensor::Device;
use ember_engine::nn::DeterministicPolicy;
use ember_engine::runtime::RuntimeError;
use std::path::Path;

/// The part of the checkpoint's `nets` this policy reads.
#[derive(Module, Debug)]
struct SavedActor {
    actor: DeterministicPolicy,
}

/// GAIL's actor π(s), acting deterministically.
pub struct GailPolicy {
    actor: DeterministicPolicy,
    spec: Spec,
    device: Device,
}

impl GailPolicy {
    /// Opens checkpoint `dir` (or a run directory's latest checkpoint) on `device`.
    pub fn open(dir: &Path, device: &Device) -> Result<(GailCard, Self), RuntimeError> {
        let dir = resolve_checkpoint(dir, &[GailCard::FILE])?;
        let card: GailCard = load_json(&dir, GailCard::FILE)?;
        let actor = DeterministicPolicy::new(&card.config.actor_mlp(&card.spec), 1.0, device);
        let SavedActor { actor } = load_module_part(SavedActor { actor }, &dir, "nets")?;
        let policy = Self {
            actor,
            spec: card.spec.clone(),
            device: device.clone(),
        };
        Ok((card, policy))
    }
}

impl Policy for GailPolicy {
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        self.spec.act(observations, &self.device, |obs| {
            self.actor.valid().forward(obs)
        })
    }
}
