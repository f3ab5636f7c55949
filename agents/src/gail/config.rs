//! GAIL hyperparameters; defaults are the paper's experiment configs (`tasks/paper/*.yaml` of
//! the official complete-history repository, B.9), with the one-sided penalty of run_003–006.

use super::{OnlineGail, Penalty, PenaltySettings};
use crate::agent::{ActionKind, Spec};
use crate::online::{OnlineAgent, OnlineAlgo, OnlineContext};
use ember_engine::nn::MlpConfig;
use ember_engine::optim::{ADAM_EPS, adam_eps_problem};
use ember_engine::runtime::RuntimeError;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Off-policy GAIL hyperparameters.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GailConfig {
    /// Expert demonstrations (any D4RL-layout file); `ember imitate --expert F` sets it.
    pub expert: Option<PathBuf>,
    /// Complete expert episodes used (the file's first ones).
    pub demos: usize,
    /// Keep every this-many-th expert transition, from a random offset per episode (GAIL's 20).
    pub subsample: usize,
    /// DAC-style absorbing states after terminations (B.7).
    pub absorbing: bool,

    /// Discriminator hidden widths.
    pub disc_hidden: Vec<usize>,
    /// Discriminator LeakyReLU slope.
    pub disc_slope: f32,
    /// Raw states are clamped to ±this before the discriminator.
    pub disc_clamp: f32,
    /// Spectral normalisation of the discriminator's hidden layers.
    pub spectral_norm: bool,
    /// Discriminator Adam learning rate.
    pub disc_lr: f64,
    /// Policy rows per discriminator step (paired with expert mini-batches of
    /// `min(expert rows, disc_batch_size)`).
    pub disc_batch_size: usize,
    /// Weight of the binary-entropy bonus of the discriminator.
    pub entropy_reg: f32,
    /// Lipschitz penalty: `gp` (analytic gradient penalty), `fd` (finite differences), `none`.
    pub penalty: Penalty,
    /// Penalty weight λ.
    pub penalty_scale: f32,
    /// Target gradient norm k.
    pub penalty_target: f32,
    /// max(0, ‖∇D‖ − k)² (true) or (‖∇D‖ − k)² (false).
    pub one_sided: bool,
    /// Step of the finite-difference penalty.
    pub fd_step: f32,

    /// Actor hidden widths.
    pub actor_hidden: Vec<usize>,
    /// Critic hidden widths.
    pub critic_hidden: Vec<usize>,
    /// LayerNorm before each hidden activation of actor and critics.
    pub layer_norm: bool,
    /// Actor Adam learning rate.
    pub actor_lr: f64,
    /// Critic Adam learning rate.
    pub critic_lr: f64,
    /// Global gradient-norm clip of the actor.
    pub actor_clip: f32,
    /// Adam epsilon of every optimiser.
    pub adam_eps: f64,
    /// Critic minibatch size.
    pub batch_size: usize,
    /// Discount.
    pub gamma: f32,
    /// Polyak rate of the targets (after every critic update).
    pub tau: f32,
    /// n of the n-step look-ahead.
    pub n_step: usize,
    /// Target-policy smoothing noise std.
    pub policy_noise: f32,
    /// Clip of the smoothing noise.
    pub noise_clip: f32,
    /// Actor update every this many critic updates.
    pub actor_delay: usize,
    /// Weight of min(Q1', Q2') in the target value (the rest goes to the max).
    pub min_q_weight: f32,
    /// Ornstein–Uhlenbeck exploration noise σ (actions in [-1, 1]).
    pub ou_sigma: f32,
    /// OU mean reversion θ.
    pub ou_theta: f32,
    /// OU time step.
    pub ou_dt: f32,
    /// Transitions kept in the replay.
    pub replay_capacity: usize,
    /// Uniformly random environment steps before the actor acts.
    pub warmup_steps: usize,
}

impl Default for GailConfig {
    fn default() -> Self {
        Self {
            expert: None,
            demos: 4,
            subsample: 20,
            absorbing: true,
            disc_hidden: vec![100, 100],
            disc_slope: 0.1,
            disc_clamp: 5.0,
            spectral_norm: true,
            disc_lr: 5e-4,
            disc_batch_size: 64,
            entropy_reg: 1e-3,
            penalty: Penalty::Gp,
            penalty_scale: 10.0,
            penalty_target: 1.0,
            one_sided: true,
            fd_step: 1e-2,
            actor_hidden: vec![300, 200],
            critic_hidden: vec![400, 300],
            layer_norm: true,
            actor_lr: 2.5e-4,
            critic_lr: 2.5e-4,
            actor_clip: 40.0,
            adam_eps: ADAM_EPS,
            batch_size: 64,
            gamma: 0.99,
            tau: 0.005,
            n_step: 10,
            policy_noise: 0.2,
            noise_clip: 0.5,
            actor_delay: 2,
            min_q_weight: 0.75,
            ou_sigma: 0.2,
            ou_theta: 0.15,
            ou_dt: 0.01,
            replay_capacity: 100_000,
            warmup_steps: 0,
        }
    }
}

impl GailConfig {
    /// The actor's network: `[obs_dim, actor_hidden.., act_dim]`, LayerNorm as configured.
    pub fn actor_mlp(&self, spec: &Spec) -> MlpConfig {
        MlpConfig::layers(spec.obs_dim, &self.actor_hidden, spec.act_dim)
            .with_layer_norm(self.layer_norm)
    }

    /// The critics' network: `[obs_dim + act_dim, critic_hidden.., 1]`.
    pub fn critic_mlp(&self, spec: &Spec) -> MlpConfig {
        MlpConfig::layers(spec.obs_dim + spec.act_dim, &self.critic_hidden, 1)
            .with_layer_norm(self.layer_norm)
    }

    /// The penalty settings.
    pub fn penalty_settings(&self) -> PenaltySettings {
        PenaltySettings {
            kind: self.penalty,
            scale: self.penalty_scale,
            target: self.penalty_target,
            one_sided: self.one_sided,
            fd_step: self.fd_step,
        }
    }
}

impl OnlineAlgo for GailConfig {
    const NAME: &'static str = "gail";
    const ACTIONS: &'static [ActionKind] = &[ActionKind::Box];

    /// Rejects hyperparameters that cannot train, naming every offending field (the expert
    /// file is checked when the agent is built, against the environment).
    fn validate(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        if self.demos == 0 {
            problems.push("demos = 0: give at least one expert episode (--demos N, N >= 1)".into());
        }
        if self.subsample == 0 {
            problems.push("subsample = 0: must be at least 1 (1 keeps every transition)".into());
        }
        for (name, hidden) in [
            ("disc_hidden", &self.disc_hidden),
            ("actor_hidden", &self.actor_hidden),
            ("critic_hidden", &self.critic_hidden),
        ] {
            if hidden.is_empty() || hidden.contains(&0) {
                problems.push(format!(
                    "{name} = {hidden:?}: needs at least one layer, all widths > 0"
                ));
            }
        }
        for (name, lr) in [
            ("disc_lr", self.disc_lr),
            ("actor_lr", self.actor_lr),
            ("critic_lr", self.critic_lr),
        ] {
            if !(lr.is_finite() && lr >= 0.0) {
                problems.push(format!("{name} = {lr}: must be finite and >= 0"));
            }
        }
        problems.extend(adam_eps_problem("adam_eps", self.adam_eps));
        for (name, value) in [
            ("disc_clamp", self.disc_clamp),
            ("actor_clip", self.actor_clip),
            ("fd_step", self.fd_step),
        ] {
            if !(value.is_finite() && value > 0.0) {
                problems.push(format!("{name} = {value}: must be finite and > 0"));
            }
        }
        for (name, value) in [
            ("penalty_scale", self.penalty_scale),
            ("penalty_target", self.penalty_target),
            ("entropy_reg", self.entropy_reg),
            ("policy_noise", self.policy_noise),
            ("noise_clip", self.noise_clip),
            ("ou_sigma", self.ou_sigma),
            ("ou_theta", self.ou_theta),
            ("ou_dt", self.ou_dt),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                problems.push(format!("{name} = {value}: must be finite and >= 0"));
            }
        }
        if !(0.0..=1.0).contains(&self.gamma) {
            problems.push(format!("gamma = {}: must lie in [0, 1]", self.gamma));
        }
        if !(self.tau > 0.0 && self.tau <= 1.0) {
            problems.push(format!("tau = {}: must lie in (0, 1]", self.tau));
        }
        if !(0.0..=1.0).contains(&self.min_q_weight) {
            problems.push(format!(
                "min_q_weight = {}: must lie in [0, 1]",
                self.min_q_weight
            ));
        }
        for (name, value) in [
            ("batch_size", self.batch_size),
            ("disc_batch_size", self.disc_batch_size),
            ("n_step", self.n_step),
            ("actor_delay", self.actor_delay),
        ] {
            if value == 0 {
                problems.push(format!("{name} = 0: must be at least 1"));
            }
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
        Ok(Box::new(OnlineGail::new(self.clone(), ctx)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigFile;
    use crate::online::{OnlineAlgoConfig, OnlineConfig};

    /// The presets parse and validate; the MuJoCo one holds the paper's values (the defaults).
    #[test]
    fn presets_parse_and_validate() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/gail");
        for name in ["mujoco", "pendulum"] {
            let config = OnlineConfig::load(&dir.join(format!("{name}.toml"))).unwrap();
            config.algo.validate().unwrap();
            assert_eq!(config.algo.name(), "gail");
        }
        let config = OnlineConfig::load(&dir.join("mujoco.toml")).unwrap();
        let OnlineAlgoConfig::Gail(paper) = config.algo else {
            panic!("the preset configures GAIL")
        };
        let defaults = GailConfig::default();
        assert_eq!(
            (
                paper.disc_lr,
                paper.actor_lr,
                paper.batch_size,
                paper.n_step
            ),
            (
                defaults.disc_lr,
                defaults.actor_lr,
                defaults.batch_size,
                defaults.n_step
            )
        );
        assert_eq!(
            (paper.penalty, paper.penalty_scale, paper.spectral_norm),
            (Penalty::Gp, 10.0, true)
        );
    }

    #[test]
    fn bad_values_are_named() {
        let config = GailConfig {
            demos: 0,
            tau: 0.0,
            disc_hidden: vec![],
            ..GailConfig::default()
        };
        let err = config.validate().unwrap_err();
        for field in ["demos = 0", "tau = 0", "disc_hidden = []"] {
            assert!(err.contains(field), "{err}");
        }
        let err = toml::from_str::<OnlineConfig>("[algo]\nalgo = \"gail\"\npenalty = \"wgan\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("wgan"), "{err}");
    }
}
