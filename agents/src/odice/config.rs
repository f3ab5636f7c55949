//! O-DICE hyperparameters; defaults are the official offline-RL configuration.

use super::FDivergence;
use super::Odice;
use crate::agent::ActionKind;
use crate::agent::OfflineAgent;
use crate::method::{BuildContext, DataPrep, OfflineAlgo, common_problems, verdict};
use ember_datasets::RewardScaling;
use ember_engine::optim::ADAM_EPS;
use ember_engine::runtime::RuntimeError;
use serde::{Deserialize, Serialize};

/// How the value gradient treats the two ends of the residual r + gamma V(s') - V(s).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradientMode {
    /// Forward gradient only (target net at s'): the S-DICE ablation.
    Semi,
    /// Gradient through both ends, online net at s and s'; the policy weights come from the
    /// same online residual (the official `true_g_update`).
    True,
    /// Forward gradient plus the part of the backward gradient orthogonal to it: O-DICE.
    #[default]
    Orthogonal,
}

/// O-DICE hyperparameters.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OdiceConfig {
    /// Hidden widths of each value head.
    pub value_hidden: Vec<usize>,
    /// Hidden widths of the policy (the official scripts hard-code 1024, 1024).
    pub policy_hidden: Vec<usize>,
    /// LayerNorm in the value heads (MuJoCo yes, AntMaze no).
    pub layer_norm: bool,
    /// Two value heads trained together, targets from their minimum.
    pub twin_v: bool,
    /// The f-divergence of the dual.
    pub f: FDivergence,
    /// Value-gradient mode.
    pub mode: GradientMode,
    /// lambda: weight of the dual term against (1 - lambda) E[V(s)].
    pub lambda: f32,
    /// eta: strength of the (orthogonalised) backward gradient.
    pub eta: f32,
    /// Discount.
    pub gamma: f32,
    /// EMA rate of the target value net.
    pub tau: f32,
    /// Adam learning rate of the value net.
    pub value_lr: f64,
    /// Adam learning rate of the policy.
    pub policy_lr: f64,
    /// Coupled L2 weight decay of the policy's Adam.
    pub policy_weight_decay: f32,
    /// Adam epsilon of every optimiser (PyTorch/optax and the reference code: 1e-8; burn's
    /// `AdamConfig::new()` would use 1e-5).
    pub adam_eps: f64,
    /// Squash the policy mean with tanh (the IL configuration).
    pub tanh_mean: bool,
    /// Minibatch size.
    pub batch_size: usize,
    /// Standardise states with the dataset statistics (IL yes, RL no).
    pub normalize_states: bool,
    /// Reward transform: the official `return_range` rule by default (r / (max − min return) ·
    /// the environment's time limit); AntMaze: affine 0 -> -3, 1 -> 0.
    pub reward_scaling: RewardScaling,
}

impl Default for OdiceConfig {
    fn default() -> Self {
        Self {
            value_hidden: vec![256, 256],
            policy_hidden: vec![1024, 1024],
            layer_norm: true,
            twin_v: true,
            f: FDivergence::PearsonChiSquare,
            mode: GradientMode::Orthogonal,
            lambda: 0.6,
            eta: 1.0,
            gamma: 0.99,
            tau: 0.005,
            value_lr: 2e-4,
            policy_lr: 2e-4,
            policy_weight_decay: 1e-4,
            adam_eps: ADAM_EPS,
            tanh_mean: false,
            batch_size: 256,
            normalize_states: false,
            reward_scaling: RewardScaling::ReturnRange,
        }
    }
}

impl OfflineAlgo for OdiceConfig {
    const NAME: &'static str = "odice";
    const ACTIONS: &'static [ActionKind] = &[ActionKind::Box];

    fn validate(&self) -> Result<(), String> {
        let mut problems = common_problems(
            &self.value_hidden,
            self.gamma,
            self.tau,
            self.batch_size,
            self.adam_eps,
        );
        if !(self.lambda > 0.0 && self.lambda < 1.0 && self.eta >= 0.0) {
            problems.push(format!(
                "lambda = {}, eta = {}: need 0 < lambda < 1, eta >= 0",
                self.lambda, self.eta
            ));
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
        Ok(Box::new(Odice::new(
            self.clone(),
            ctx.spec.clone(),
            ctx.device,
        )))
    }
}
