//! IQL hyperparameters; defaults are the official MuJoCo-locomotion preset.

use super::Iql;
use crate::agent::ActionKind;
use crate::agent::OfflineAgent;
use crate::method::{BuildContext, DataPrep, OfflineAlgo, common_problems, verdict};
use ember_datasets::RewardScaling;
use ember_engine::optim::ADAM_EPS;
use ember_engine::runtime::RuntimeError;
use serde::{Deserialize, Serialize};

/// IQL hyperparameters (see `configs/iql/*.toml` for the per-domain presets).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IqlConfig {
    /// Hidden widths of every network.
    pub hidden: Vec<usize>,
    /// Discount.
    pub gamma: f32,
    /// Polyak rate of the target critic.
    pub tau: f32,
    /// Expectile of the value regression (0.7 locomotion, 0.9 AntMaze).
    pub expectile: f32,
    /// Inverse temperature beta of the AWR weights (3 locomotion, 10 AntMaze, 0.5 Kitchen/Adroit).
    pub temperature: f32,
    /// Clip of the AWR weights.
    pub max_weight: f32,
    /// Adam learning rate of the actor (cosine-decayed to 0 over the run).
    pub actor_lr: f64,
    /// Adam learning rate of the critic.
    pub critic_lr: f64,
    /// Adam learning rate of the value network.
    pub value_lr: f64,
    /// Adam epsilon of every optimiser (PyTorch/optax and the reference code: 1e-8; burn's
    /// `AdamConfig::new()` would use 1e-5).
    pub adam_eps: f64,
    /// Steps of the actor's cosine decay; `None` uses the run's step budget.
    pub actor_decay_steps: Option<usize>,
    /// Dropout in the policy trunk (0.1 for Kitchen/Adroit).
    pub policy_dropout: f64,
    /// Minibatch size.
    pub batch_size: usize,
    /// Reward transform applied to the dataset.
    pub reward_scaling: RewardScaling,
    /// Dataset actions are clipped to +-(1 - this).
    pub action_clip_eps: f32,
}

impl Default for IqlConfig {
    fn default() -> Self {
        Self {
            hidden: vec![256, 256],
            gamma: 0.99,
            tau: 0.005,
            expectile: 0.7,
            temperature: 3.0,
            max_weight: 100.0,
            actor_lr: 3e-4,
            critic_lr: 3e-4,
            value_lr: 3e-4,
            adam_eps: ADAM_EPS,
            actor_decay_steps: None,
            policy_dropout: 0.0,
            batch_size: 256,
            reward_scaling: RewardScaling::Locomotion,
            action_clip_eps: 1e-5,
        }
    }
}

impl OfflineAlgo for IqlConfig {
    const NAME: &'static str = "iql";
    const ACTIONS: &'static [ActionKind] = &[ActionKind::Box];

    fn validate(&self) -> Result<(), String> {
        let mut problems = common_problems(
            &self.hidden,
            self.gamma,
            self.tau,
            self.batch_size,
            self.adam_eps,
        );
        if !(self.expectile > 0.0 && self.expectile < 1.0) {
            problems.push(format!(
                "expectile = {}: must lie in (0, 1)",
                self.expectile
            ));
        }
        verdict(problems)
    }

    /// IQL keeps raw states and clips dataset actions just inside (-1, 1).
    fn data_prep(&self) -> DataPrep {
        DataPrep {
            normalize_states: false,
            reward_scaling: self.reward_scaling,
            action_clip_eps: self.action_clip_eps,
        }
    }

    fn build(&self, ctx: &BuildContext<'_>) -> Result<Box<dyn OfflineAgent>, RuntimeError> {
        let agent = Iql::new(self.clone(), ctx.spec.clone(), ctx.run_steps, ctx.device);
        Ok(Box::new(agent))
    }
}
