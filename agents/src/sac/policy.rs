//! SAC snapshots as policies: the card a checkpoint carries and the actor reopened from it, for
//! evaluation and dataset collection.

use super::SacConfig;
use super::agent::{act, sample};
use crate::agent::{Policy, Spec};
use crate::checkpoint::{load_json, load_module_part, resolve_checkpoint};
use ember_engine::burn::module::Module;
use ember_engine::burn::tensor::Device;
use ember_engine::nn::TanhGaussianPolicy;
use ember_engine::runtime::RuntimeError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What a SAC checkpoint says about itself (`sac.json`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SacCard {
    /// Hyperparameters.
    pub config: SacConfig,
    /// Shapes and action box.
    pub spec: Spec,
    /// Environment the agent was trained in.
    pub env: String,
    /// Environment steps taken when the checkpoint was written.
    pub env_steps: usize,
}

impl SacCard {
    /// File name of the card inside a checkpoint directory.
    pub const FILE: &'static str = "sac";
}

/// The actor out of a SAC checkpoint's networks (`nets.bpk` also holds the critics and the
/// temperature); the field is named as in the agent's networks.
#[derive(Module, Debug)]
struct SavedActor {
    actor: TanhGaussianPolicy,
}

/// A trained SAC actor: deterministic `tanh(mean)` actions, or samples of the tanh-Gaussian
/// when `stochastic` (drawn with the device's generator; seed it for repeatable rollouts).
pub struct SacPolicy {
    actor: TanhGaussianPolicy,
    spec: Spec,
    device: Device,
    /// Sample actions instead of taking the mean.
    pub stochastic: bool,
}

impl SacPolicy {
    /// Loads the actor of checkpoint `dir` (a run directory also works: its latest checkpoint
    /// is used) onto `device`.
    pub fn open(
        dir: &Path,
        device: &Device,
        stochastic: bool,
    ) -> Result<(SacCard, Self), RuntimeError> {
        let dir = resolve_checkpoint(dir, &[SacCard::FILE])?;
        let card: SacCard = load_json(&dir, SacCard::FILE)?;
        let spec = &card.spec;
        let actor =
            TanhGaussianPolicy::new(spec.obs_dim, &card.config.hidden, spec.act_dim, device);
        let SavedActor { actor } = load_module_part(SavedActor { actor }, &dir, "nets")?;
        let policy = Self {
            actor,
            spec: card.spec.clone(),
            device: device.clone(),
            stochastic,
        };
        Ok((card, policy))
    }
}

impl Policy for SacPolicy {
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        match self.sample_with_log_prob(observations) {
            Some((actions, _)) => actions,
            None => act(&self.actor, &self.spec, &self.device, observations),
        }
    }

    fn sample_with_log_prob(&self, observations: &[Vec<f32>]) -> Option<(Vec<Vec<f32>>, Vec<f32>)> {
        self.stochastic
            .then(|| sample(&self.actor, &self.spec, &self.device, observations))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::ActionBounds;
    use crate::checkpoint::save_json;
    use crate::sac::Sac;
    use ember_datasets::StateNormalizer;

    /// The actor reopened out of a saved agent's networks acts like the agent.
    #[test]
    fn reopened_actor_acts_like_the_agent() {
        let device = Device::flex().autodiff();
        let spec = Spec {
            obs_dim: 3,
            act_dim: 1,
            normalizer: StateNormalizer::identity(3),
            action_space: ActionBounds::unit(1).into(),
        };
        let config = SacConfig {
            hidden: vec![8, 8],
            ..SacConfig::default()
        };
        let sac = Sac::new(config.clone(), spec.clone(), &device);
        let dir = tempfile::tempdir().unwrap();
        sac.save(dir.path()).unwrap();
        let card = SacCard {
            config,
            spec,
            env: "pendulum".into(),
            env_steps: 0,
        };
        save_json(&card, dir.path(), SacCard::FILE).unwrap();
        let (_, policy) = SacPolicy::open(dir.path(), &device, false).unwrap();
        let obs = vec![vec![0.1, -0.2, 0.3], vec![1.0, 0.5, -0.7]];
        assert_eq!(policy.act(&obs), sac.act(&obs));
    }
}
