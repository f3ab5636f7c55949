//! The Trajectory Diffuser agent: its four networks, their optimisers, one training step for
//! each on the same batch of windows, and checkpoints. Planning is in `planner.rs`.

use super::TrajDiffConfig;
use super::diffusion::epsilon_loss;
use super::drafter::{Drafter, DrafterShape};
use super::planner::Episode;
use super::schedule::DiffusionSchedule;
use super::unet::TemporalUnet;
use crate::agent::{OfflineAgent, Spec};
use crate::checkpoint::{load_module, load_optimizer, save_module, save_optimizer};
use ember_engine::burn::module::Module;
use ember_engine::burn::optim::{AdamWConfig, GradientsParams, ModuleOptimizer};
use ember_engine::burn::tensor::{Device, Tensor};
use ember_engine::nn::{Mlp, MlpConfig};
use ember_engine::optim::{adam, linear_decay, soft_update, target_copy};
use ember_engine::runtime::RuntimeError;
use ember_engine::{Batch, Metrics, SegmentBatch};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::path::Path;

/// The networks, saved and loaded as one module.
#[derive(Module, Debug)]
pub(super) struct TrajDiffNets {
    /// Autoregressive draft generator.
    pub drafter: Drafter,
    /// Diffusion denoiser being trained.
    pub unet: TemporalUnet,
    /// Its exponential moving average, used for planning.
    pub ema: TemporalUnet,
    /// a_t = f(s_t, s_{t+1}), in [-1, 1].
    pub invdyn: Mlp,
    /// Monte-Carlo return regressor Q(s, a) ≈ R_t / scale (candidate selector), when enabled.
    pub critic: Option<Mlp>,
}

/// Trajectory Diffuser: drafter, return-conditioned state diffusion (EMA copy for planning),
/// inverse dynamics and optional critic, each trained on the same windows with its own
/// optimiser; a replanning [`crate::agent::EpisodePolicy`] with per-slot history.
pub struct TrajDiff {
    pub(super) config: TrajDiffConfig,
    pub(super) spec: Spec,
    pub(super) device: Device,
    pub(super) schedule: DiffusionSchedule,
    pub(super) nets: TrajDiffNets,
    drafter_opt: ModuleOptimizer,
    unet_opt: ModuleOptimizer,
    invdyn_opt: ModuleOptimizer,
    critic_opt: ModuleOptimizer,
    /// Per-slot planning memory.
    pub(super) episodes: Vec<Option<Episode>>,
    /// Draws the executed candidate from softmax(Q).
    pub(super) rng: StdRng,
}

impl TrajDiff {
    /// Builds the networks on `device` (an autodiff device for training).
    pub fn new(config: TrajDiffConfig, spec: Spec, device: &Device) -> Self {
        let s = spec.obs_dim;
        let a = spec.act_dim;
        let drafter = Drafter::new(
            &DrafterShape {
                state_dim: s,
                d_model: config.d_model,
                n_heads: config.n_heads,
                n_layers: config.n_layers,
                d_ff: config.d_ff,
                dropout: config.dropout,
                max_len: config.horizon - 1,
                causal: config.causal,
            },
            device,
        );
        let unet = TemporalUnet::new(s, config.unet_dim, &config.dim_mults, device);
        let invdyn = MlpConfig::layers(2 * s, &config.invdyn_hidden, a).init(device);
        let critic = config
            .critic
            .then(|| MlpConfig::layers(s + a, &config.critic_hidden, 1).init(device));
        let unet_opt = AdamWConfig::new()
            .with_epsilon(config.adam_eps as f32)
            .with_weight_decay(config.weight_decay as f32)
            .init();
        Self {
            schedule: DiffusionSchedule::linear(
                config.diffusion_steps,
                config.beta_start,
                config.beta_end,
            ),
            nets: TrajDiffNets {
                ema: target_copy(&unet),
                drafter,
                unet,
                invdyn,
                critic,
            },
            drafter_opt: adam(config.adam_eps).init(),
            unet_opt,
            invdyn_opt: adam(config.adam_eps).init(),
            critic_opt: adam(config.adam_eps).init(),
            episodes: Vec::new(),
            rng: StdRng::seed_from_u64(0),
            device: device.clone(),
            config,
            spec,
        }
    }

    /// The hyperparameters.
    pub fn config(&self) -> &TrajDiffConfig {
        &self.config
    }

    /// Plans with `planner` from now on (the networks serve both modes).
    pub fn set_planner(&mut self, planner: super::Planner) {
        self.config.planner = planner;
    }

    fn step<M: Module>(opt: &mut ModuleOptimizer, lr: f64, module: M, loss: Tensor<1>) -> M {
        let grads = GradientsParams::from_grads(loss.backward(), &module);
        opt.step(lr, module, grads)
    }
}

impl OfflineAgent for TrajDiff {
    fn update(&mut self, _batch: &Batch, _step: usize) -> Metrics {
        unreachable!("trajdiff trains on segments (TrajDiffConfig::segments)")
    }

    fn update_segments(&mut self, batch: &SegmentBatch, step: usize) -> Metrics {
        let c = &self.config;
        let [b, h, s] = batch.observations.dims();
        let a = batch.actions.dims()[2];
        let states = batch.observations.clone();
        let actions = batch.actions.clone();
        let rtg = batch.returns_to_go.clone().div_scalar(c.rtg_scale);
        let lr = linear_decay(c.lr, step, c.lr_decay_steps, c.lr_final_fraction);
        let mut metrics = Metrics::new();

        // Drafter: next state and next return-to-go from the first H − 1 steps.
        let (next_s, next_r) = self.nets.drafter.forward(
            states.clone().narrow(1, 0, h - 1),
            rtg.clone().narrow(1, 0, h - 1),
        );
        let draft_loss = (next_s - states.clone().narrow(1, 1, h - 1))
            .square()
            .mean()
            + (next_r - rtg.clone().narrow(1, 1, h - 1)).square().mean();
        let drafter = self.nets.drafter.clone();
        self.nets.drafter = Self::step(&mut self.drafter_opt, lr, drafter, draft_loss.clone());
        metrics.push("draft_loss", draft_loss);

        // Diffusion: ε-prediction on the window, conditioned on R_0 with CFG dropout.
        let returns = rtg.clone().narrow(1, 0, 1).reshape([b, 1]);
        let diffusion_loss = epsilon_loss(
            &self.nets.unet,
            &self.schedule,
            states.clone(),
            returns,
            c.condition_dropout,
        );
        let unet = self.nets.unet.clone();
        self.nets.unet = Self::step(&mut self.unet_opt, lr, unet, diffusion_loss.clone());
        metrics.push("diffusion_loss", diffusion_loss);
        if step < c.ema_start {
            self.nets.ema = soft_update(self.nets.ema.clone(), &self.nets.unet, 1.0);
        } else if step.is_multiple_of(c.ema_every) {
            self.nets.ema = soft_update(self.nets.ema.clone(), &self.nets.unet, 1.0 - c.ema_decay);
        }

        // Inverse dynamics on the H − 1 consecutive pairs of the window.
        let pairs = Tensor::cat(
            vec![
                states.clone().narrow(1, 0, h - 1),
                states.clone().narrow(1, 1, h - 1),
            ],
            2,
        )
        .reshape([b * (h - 1), 2 * s]);
        let taken = actions
            .clone()
            .narrow(1, 0, h - 1)
            .reshape([b * (h - 1), a]);
        let invdyn_loss = (self.nets.invdyn.forward(pairs) - taken).square().mean();
        let invdyn = self.nets.invdyn.clone();
        self.nets.invdyn = Self::step(&mut self.invdyn_opt, lr, invdyn, invdyn_loss.clone());
        metrics.push("invdyn_loss", invdyn_loss);

        // Critic: Monte-Carlo regression of the scaled return-to-go (no LR schedule).
        if let Some(critic) = self.nets.critic.clone() {
            let inputs = Tensor::cat(vec![states, actions], 2).reshape([b * h, s + a]);
            let loss = (critic.forward(inputs) - rtg.reshape([b * h, 1]))
                .square()
                .mean();
            self.nets.critic = Some(Self::step(&mut self.critic_opt, c.lr, critic, loss.clone()));
            metrics.push("critic_loss", loss);
        }
        metrics
    }

    fn batch_size(&self) -> usize {
        self.config.batch_size
    }

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        save_module(&self.nets, dir, "nets")?;
        save_optimizer(&self.drafter_opt, dir, "drafter")?;
        save_optimizer(&self.unet_opt, dir, "unet")?;
        save_optimizer(&self.invdyn_opt, dir, "invdyn")?;
        save_optimizer(&self.critic_opt, dir, "critic")
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        self.nets = load_module(self.nets.clone(), dir, "nets")?;
        self.drafter_opt = load_optimizer(self.drafter_opt.clone(), dir, "drafter")?;
        self.unet_opt = load_optimizer(self.unet_opt.clone(), dir, "unet")?;
        self.invdyn_opt = load_optimizer(self.invdyn_opt.clone(), dir, "invdyn")?;
        self.critic_opt = load_optimizer(self.critic_opt.clone(), dir, "critic")?;
        Ok(())
    }
}
