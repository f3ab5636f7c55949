//! Trajectory Diffuser hyperparameters. `Default` is the reference code's locomotion setting
//! (`main.py` @ 214039d with the hopper row of its table: H = 16, w = 1.2, target 3600);
//! `configs/trajdiff/` holds the per-dataset rows.

use super::TrajDiff;
use crate::agent::{ActionKind, OfflineAgent};
use crate::method::{BuildContext, DataPrep, OfflineAlgo, verdict};
use ember_datasets::{RewardScaling, SegmentOptions};
use ember_engine::optim::{ADAM_EPS, adam_eps_problem};
use ember_engine::runtime::RuntimeError;
use serde::{Deserialize, Serialize};

/// How a plan is produced at every environment step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Planner {
    /// Trajectory Diffuser: the drafter rolls out H − 1 states, then `start_step` reverse
    /// steps refine the draft.
    #[default]
    Td,
    /// Decision-Diffuser mode of the same networks (latency and score baseline): no drafter,
    /// the window is denoised from N(0, I) over the full chain of `diffusion_steps`.
    Dd,
}

/// Trajectory Diffuser hyperparameters.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrajDiffConfig {
    /// Window length H (states planned per step, the current one included); a multiple of
    /// 2^(levels − 1), 8 for the reference's four U-Net levels.
    pub horizon: usize,
    /// Returns-to-go are divided by this (the reference uses 1000 for every environment).
    pub rtg_scale: f32,
    /// Return the planner asks for at the start of an episode (raw, before `rtg_scale`).
    pub target_return: f32,
    /// Classifier-free guidance weight w: ε = ε_uncond + w (ε_cond − ε_uncond).
    pub guidance: f32,
    /// Probability of dropping the return condition in training (0.5; Decision Diffuser 0.25).
    pub condition_dropout: f32,
    /// Diffusion training steps T of the linear β schedule.
    pub diffusion_steps: usize,
    /// First β of the linear schedule.
    pub beta_start: f64,
    /// Last β of the linear schedule.
    pub beta_end: f64,
    /// K: the draft is treated as x_{K−1} and refined by K reverse steps.
    pub start_step: usize,
    /// Noise the draft to level K − 1 before refining (the reference computes the constants
    /// but does not: false).
    pub inject_noise: bool,
    /// How plans are made (`td` or `dd`).
    pub planner: Planner,
    /// Candidate plans per environment step, batched.
    pub candidates: usize,
    /// Train the Monte-Carlo return regressor Q(s, a) and pick among candidates by sampling
    /// from softmax(Q); without it the first candidate is executed.
    pub critic: bool,
    /// Drafter width (state and return embeddings get half each).
    pub d_model: usize,
    /// Drafter attention heads.
    pub n_heads: usize,
    /// Drafter post-LN encoder layers.
    pub n_layers: usize,
    /// Drafter feed-forward width.
    pub d_ff: usize,
    /// Drafter dropout.
    pub dropout: f64,
    /// Causal attention in the drafter (paper); false reproduces the reference code, which
    /// passes no mask, for A/B checks.
    pub causal: bool,
    /// U-Net base channels (a multiple of 8 for GroupNorm(8)).
    pub unet_dim: usize,
    /// U-Net channel multipliers, one per resolution (the reference's four levels halve the
    /// horizon three times).
    pub dim_mults: Vec<usize>,
    /// Inverse-dynamics hidden widths.
    pub invdyn_hidden: Vec<usize>,
    /// Critic hidden widths.
    pub critic_hidden: Vec<usize>,
    /// Base learning rate of every network.
    pub lr: f64,
    /// Steps over which the learning rate falls linearly to `lr_final_fraction` of `lr`
    /// (drafter, diffusion and inverse dynamics; the critic keeps `lr`).
    pub lr_decay_steps: usize,
    /// Final learning-rate factor.
    pub lr_final_fraction: f64,
    /// AdamW weight decay of the diffusion model.
    pub weight_decay: f64,
    /// Adam epsilon of every optimiser.
    pub adam_eps: f64,
    /// EMA decay of the diffusion model (planning uses the EMA copy).
    pub ema_decay: f32,
    /// EMA update every this many steps.
    pub ema_every: usize,
    /// Before this step the EMA copy follows the online model exactly.
    pub ema_start: usize,
    /// Windows per minibatch.
    pub batch_size: usize,
    /// Standardise states with the dataset's mean and std.
    pub normalize_states: bool,
}

impl Default for TrajDiffConfig {
    fn default() -> Self {
        Self {
            horizon: 16,
            rtg_scale: 1000.0,
            target_return: 3600.0,
            guidance: 1.2,
            condition_dropout: 0.5,
            diffusion_steps: 100,
            beta_start: 1e-3,
            beta_end: 2e-2,
            start_step: 5,
            inject_noise: false,
            planner: Planner::Td,
            candidates: 32,
            critic: true,
            d_model: 512,
            n_heads: 4,
            n_layers: 4,
            d_ff: 512,
            dropout: 0.1,
            causal: true,
            unet_dim: 64,
            dim_mults: vec![1, 2, 4, 8],
            invdyn_hidden: vec![256, 256],
            critic_hidden: vec![128, 128],
            lr: 2e-4,
            lr_decay_steps: 100_000,
            lr_final_fraction: 0.01,
            weight_decay: 1e-4,
            adam_eps: ADAM_EPS,
            ema_decay: 0.995,
            ema_every: 2,
            ema_start: 10_000,
            batch_size: 32,
            normalize_states: true,
        }
    }
}

impl TrajDiffConfig {
    /// Every problem with the hyperparameters, one message per field.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        let halvings = self.dim_mults.len().saturating_sub(1);
        let multiple = 1usize << halvings.min(16);
        if self.horizon < 2 || !self.horizon.is_multiple_of(multiple) {
            p.push(format!(
                "horizon = {}: must be a positive multiple of {multiple} (the U-Net halves it \
                 {halvings} times) and at least 2",
                self.horizon
            ));
        }
        if self.dim_mults.is_empty() || self.dim_mults.len() > 8 || self.dim_mults.contains(&0) {
            p.push(format!(
                "dim_mults = {:?}: needs 1 to 8 positive multipliers, one per resolution",
                self.dim_mults
            ));
        }
        if self.unet_dim == 0 || !self.unet_dim.is_multiple_of(8) {
            p.push(format!(
                "unet_dim = {}: must be a positive multiple of 8 (GroupNorm with 8 groups)",
                self.unet_dim
            ));
        }
        if !(self.rtg_scale.is_finite() && self.rtg_scale > 0.0) {
            p.push(format!(
                "rtg_scale = {}: must be finite and > 0",
                self.rtg_scale
            ));
        }
        if !self.target_return.is_finite() {
            p.push(format!(
                "target_return = {}: must be finite",
                self.target_return
            ));
        }
        if !self.guidance.is_finite() {
            p.push(format!("guidance = {}: must be finite", self.guidance));
        }
        if !(0.0..1.0).contains(&self.condition_dropout) {
            p.push(format!(
                "condition_dropout = {}: must lie in [0, 1)",
                self.condition_dropout
            ));
        }
        if self.diffusion_steps < 2 {
            p.push(format!(
                "diffusion_steps = {}: needs at least 2",
                self.diffusion_steps
            ));
        }
        if !(self.beta_start > 0.0 && self.beta_start <= self.beta_end && self.beta_end < 1.0) {
            p.push(format!(
                "beta_start = {}, beta_end = {}: need 0 < beta_start <= beta_end < 1",
                self.beta_start, self.beta_end
            ));
        }
        if self.start_step == 0 || self.start_step > self.diffusion_steps {
            p.push(format!(
                "start_step = {}: must lie in 1..={} (diffusion_steps)",
                self.start_step, self.diffusion_steps
            ));
        }
        if self.candidates == 0 {
            p.push("candidates = 0: must be at least 1".into());
        }
        if self.d_model < 2 || !self.d_model.is_multiple_of(2) {
            p.push(format!(
                "d_model = {}: must be even (state and return embeddings get half each)",
                self.d_model
            ));
        }
        if self.n_heads == 0 || !self.d_model.is_multiple_of(self.n_heads.max(1)) {
            p.push(format!(
                "n_heads = {}: must divide d_model = {}",
                self.n_heads, self.d_model
            ));
        }
        if self.n_layers == 0 || self.d_ff == 0 {
            p.push("n_layers and d_ff must be at least 1".into());
        }
        if !(0.0..1.0).contains(&self.dropout) {
            p.push(format!("dropout = {}: must lie in [0, 1)", self.dropout));
        }
        for (name, hidden) in [
            ("invdyn_hidden", &self.invdyn_hidden),
            ("critic_hidden", &self.critic_hidden),
        ] {
            if hidden.is_empty() || hidden.contains(&0) {
                p.push(format!(
                    "{name} = {hidden:?}: needs at least one layer, all widths > 0"
                ));
            }
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            p.push(format!("lr = {}: must be finite and > 0", self.lr));
        }
        if !(self.lr_final_fraction > 0.0 && self.lr_final_fraction <= 1.0) {
            p.push(format!(
                "lr_final_fraction = {}: must lie in (0, 1]",
                self.lr_final_fraction
            ));
        }
        if !(self.weight_decay >= 0.0 && self.weight_decay.is_finite()) {
            p.push(format!(
                "weight_decay = {}: must be >= 0",
                self.weight_decay
            ));
        }
        if !(self.ema_decay > 0.0 && self.ema_decay < 1.0) {
            p.push(format!(
                "ema_decay = {}: must lie in (0, 1)",
                self.ema_decay
            ));
        }
        if self.ema_every == 0 {
            p.push("ema_every = 0: must be at least 1".into());
        }
        if self.batch_size == 0 {
            p.push("batch_size = 0: must be at least 1".into());
        }
        p.extend(adam_eps_problem("adam_eps", self.adam_eps));
        p
    }
}

impl OfflineAlgo for TrajDiffConfig {
    const NAME: &'static str = "trajdiff";
    const ACTIONS: &'static [ActionKind] = &[ActionKind::Box];

    fn validate(&self) -> Result<(), String> {
        verdict(self.problems())
    }

    fn data_prep(&self) -> DataPrep {
        DataPrep {
            normalize_states: self.normalize_states,
            reward_scaling: RewardScaling::None,
            action_clip_eps: 0.0,
        }
    }

    /// Unpadded, undiscounted windows of H steps (the reference's `range(path_len - H)` minus
    /// its off-by-one: a window may end on the episode's last row).
    fn segments(&self) -> Option<SegmentOptions> {
        Some(SegmentOptions {
            horizon: self.horizon,
            gamma: 1.0,
            pad: false,
        })
    }

    fn build(&self, ctx: &BuildContext<'_>) -> Result<Box<dyn OfflineAgent>, RuntimeError> {
        Ok(Box::new(TrajDiff::new(
            self.clone(),
            ctx.spec.clone(),
            ctx.device,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_horizons_and_widths_are_named() {
        let bad = TrajDiffConfig {
            horizon: 12,
            unet_dim: 20,
            start_step: 0,
            ..TrajDiffConfig::default()
        };
        let message = bad.validate().unwrap_err();
        assert!(
            message.starts_with("horizon = 12: must be a positive multiple of 8"),
            "{message}"
        );
        assert!(message.contains("unet_dim = 20"), "{message}");
        assert!(message.contains("start_step = 0"), "{message}");
        assert!(!message.contains('\n'));
        TrajDiffConfig::default().validate().unwrap();
    }
}
