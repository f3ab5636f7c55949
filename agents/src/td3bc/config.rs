//! TD3+BC hyperparameters; defaults are the paper's (all D4RL datasets share them).

use super::Td3Bc;
use crate::agent::ActionKind;
use crate::agent::OfflineAgent;
use crate::method::{BuildContext, DataPrep, OfflineAlgo, common_problems, verdict};
use ember_datasets::RewardScaling;
use ember_engine::optim::ADAM_EPS;
use ember_engine::runtime::RuntimeError;
use serde::{Deserialize, Serialize};

/// TD3+BC hyperparameters.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Td3BcConfig {
    /// Hidden widths of the actor and both critics.
    pub hidden: Vec<usize>,
    /// Discount.
    pub gamma: f32,
    /// Polyak rate of both targets.
    pub tau: f32,
    /// Std of the target-policy smoothing noise.
    pub policy_noise: f32,
    /// Clip of the smoothing noise.
    pub noise_clip: f32,
    /// Actor and target update every this many critic steps.
    pub policy_freq: usize,
    /// BC trade-off alpha; lambda = alpha / mean|Q|.
    pub alpha: f32,
    /// Adam learning rate of the actor.
    pub actor_lr: f64,
    /// Adam learning rate of the critics.
    pub critic_lr: f64,
    /// Adam epsilon of every optimiser (PyTorch/optax and the reference code: 1e-8; burn's
    /// `AdamConfig::new()` would use 1e-5).
    pub adam_eps: f64,
    /// Minibatch size.
    pub batch_size: usize,
    /// Standardise states with the dataset mean and std (+1e-3).
    pub normalize_states: bool,
    /// Reward transform applied to the dataset (the paper uses raw rewards).
    pub reward_scaling: RewardScaling,
}

impl Default for Td3BcConfig {
    fn default() -> Self {
        Self {
            hidden: vec![256, 256],
            gamma: 0.99,
            tau: 0.005,
            policy_noise: 0.2,
            noise_clip: 0.5,
            policy_freq: 2,
            alpha: 2.5,
            actor_lr: 3e-4,
            critic_lr: 3e-4,
            adam_eps: ADAM_EPS,
            batch_size: 256,
            normalize_states: true,
            reward_scaling: RewardScaling::None,
        }
    }
}

impl OfflineAlgo for Td3BcConfig {
    const NAME: &'static str = "td3bc";
    const ACTIONS: &'static [ActionKind] = &[ActionKind::Box];

    fn validate(&self) -> Result<(), String> {
        let mut problems = common_problems(
            &self.hidden,
            self.gamma,
            self.tau,
            self.batch_size,
            self.adam_eps,
        );
        if self.policy_freq == 0 {
            problems.push("policy_freq = 0: must be at least 1".into());
        }
        verdict(problems)
    }

    fn data_prep(&self) -> DataPrep {
        DataPrep {
            normalize_states: self.normalize_states,
            reward_scaling: self.reward_scaling,
            action_clip_eps: 0.0,
        }
    }

    fn build(&self, ctx: &BuildContext<'_>) -> Result<Box<dyn OfflineAgent>, RuntimeError> {
        Ok(Box::new(Td3Bc::new(
            self.clone(),
            ctx.spec.clone(),
            ctx.device,
        )))
    }
}
