//! SAC hyperparameters; defaults are the standard MuJoCo ones (Haarnoja et al. 2018, v2).

use super::{OnlineSac, Sac};
use crate::agent::ActionKind;
use crate::online::{OnlineAgent, OnlineAlgo, OnlineContext};
use ember_engine::optim::{ADAM_EPS, adam_eps_problem};
use ember_engine::runtime::RuntimeError;
use serde::{Deserialize, Serialize};

/// SAC hyperparameters.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SacConfig {
    /// Hidden widths of the actor and both critics.
    pub hidden: Vec<usize>,
    /// Discount.
    pub gamma: f32,
    /// Polyak rate of the target critics.
    pub tau: f32,
    /// Adam learning rate of the actor.
    pub actor_lr: f64,
    /// Adam learning rate of the critics.
    pub critic_lr: f64,
    /// Adam learning rate of the entropy temperature.
    pub alpha_lr: f64,
    /// Adam epsilon of every optimiser (PyTorch/optax and the reference code: 1e-8; burn's
    /// `AdamConfig::new()` would use 1e-5).
    pub adam_eps: f64,
    /// Temperature at the start (tuned automatically from there).
    pub initial_alpha: f32,
    /// Entropy target; `None` means `-act_dim`.
    pub target_entropy: Option<f32>,
    /// Minibatch size.
    pub batch_size: usize,
    /// Transitions kept in the replay buffer.
    pub replay_capacity: usize,
    /// Uniformly random environment steps that fill the replay buffer before learning starts.
    pub warmup_steps: usize,
}

impl Default for SacConfig {
    fn default() -> Self {
        Self {
            hidden: vec![256, 256],
            gamma: 0.99,
            tau: 0.005,
            actor_lr: 3e-4,
            critic_lr: 3e-4,
            alpha_lr: 3e-4,
            adam_eps: ADAM_EPS,
            initial_alpha: 1.0,
            target_entropy: None,
            batch_size: 256,
            replay_capacity: 1_000_000,
            warmup_steps: 10_000,
        }
    }
}

impl OnlineAlgo for SacConfig {
    const NAME: &'static str = "sac";
    const ACTIONS: &'static [ActionKind] = &[ActionKind::Box];

    /// Rejects hyperparameters that cannot train, naming every offending field.
    fn validate(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        if self.hidden.is_empty() || self.hidden.contains(&0) {
            problems.push(format!(
                "hidden = {:?}: needs at least one layer, all widths > 0",
                self.hidden
            ));
        }
        if !(0.0..=1.0).contains(&self.gamma) {
            problems.push(format!("gamma = {}: must lie in [0, 1]", self.gamma));
        }
        if !(self.tau > 0.0 && self.tau <= 1.0) {
            problems.push(format!("tau = {}: must lie in (0, 1]", self.tau));
        }
        for (name, lr) in [
            ("actor_lr", self.actor_lr),
            ("critic_lr", self.critic_lr),
            ("alpha_lr", self.alpha_lr),
        ] {
            if !(lr.is_finite() && lr >= 0.0) {
                problems.push(format!("{name} = {lr}: must be finite and >= 0"));
            }
        }
        problems.extend(adam_eps_problem("adam_eps", self.adam_eps));
        if !(self.initial_alpha.is_finite() && self.initial_alpha > 0.0) {
            problems.push(format!(
                "initial_alpha = {}: must be finite and > 0",
                self.initial_alpha
            ));
        }
        if let Some(target) = self.target_entropy.filter(|t| !t.is_finite()) {
            problems.push(format!("target_entropy = {target}: must be finite"));
        }
        if self.batch_size == 0 {
            problems.push("batch_size = 0: must be at least 1".into());
        }
        if self.replay_capacity < self.batch_size.max(1) {
            problems.push(format!(
                "replay_capacity = {}: must hold at least one batch ({})",
                self.replay_capacity, self.batch_size
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }

    fn build(&self, ctx: OnlineContext<'_>) -> Result<Box<dyn OnlineAgent>, RuntimeError> {
        let sac = Sac::new(self.clone(), ctx.spec, ctx.device);
        Ok(Box::new(OnlineSac::new(sac, ctx.env, ctx.rng)))
    }
}
