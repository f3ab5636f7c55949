//! The SAC agent: networks, optimizers and the update, top to bottom.

use super::{SacConfig, actor_loss, alpha_loss, soft_target};
use crate::agent::{Policy, Spec};
use crate::checkpoint::{load_module, load_optimizer, save_module, save_optimizer};
use ember_engine::burn::module::{Module, Param};
use ember_engine::burn::optim::{GradientsParams, ModuleOptimizer};
use ember_engine::burn::tensor::{Device, Tensor};
use ember_engine::nn::{MlpConfig, TanhGaussianPolicy, TwinQ};
use ember_engine::optim::{adam, frozen, soft_update, target_copy};
use ember_engine::runtime::RuntimeError;
use ember_engine::{Batch, Metrics};
use std::path::Path;

/// The entropy temperature, learned as `log alpha`.
#[derive(Module, Debug)]
struct Temperature {
    log_alpha: Param<Tensor<1>>,
}

/// SAC's networks, saved and loaded as one module ([`super::SacPolicy`] reopens the actor alone).
#[derive(Module, Debug)]
struct SacNets {
    actor: TanhGaussianPolicy,
    critic: TwinQ,
    target_critic: TwinQ,
    temperature: Temperature,
}

/// SAC: tanh-Gaussian actor, twin critics with a Polyak target, automatic entropy tuning.
/// Actions live in [-1, 1]; the spec maps them onto the environment's box.
pub struct Sac {
    config: SacConfig,
    spec: Spec,
    device: Device,
    target_entropy: f32,
    nets: SacNets,
    actor_opt: ModuleOptimizer,
    critic_opt: ModuleOptimizer,
    alpha_opt: ModuleOptimizer,
}

impl Sac {
    /// Builds the networks on `device` (an autodiff device for training).
    pub fn new(config: SacConfig, spec: Spec, device: &Device) -> Self {
        let actor = TanhGaussianPolicy::new(spec.obs_dim, &config.hidden, spec.act_dim, device);
        let critic = TwinQ::new(
            &MlpConfig::layers(spec.obs_dim + spec.act_dim, &config.hidden, 1),
            device,
        );
        let temperature = Temperature {
            log_alpha: Param::from_tensor(Tensor::from_floats([config.initial_alpha.ln()], device)),
        };
        Self {
            target_entropy: config.target_entropy.unwrap_or(-(spec.act_dim as f32)),
            nets: SacNets {
                target_critic: target_copy(&critic),
                critic,
                actor,
                temperature,
            },
            actor_opt: adam(config.adam_eps).init(),
            critic_opt: adam(config.adam_eps).init(),
            alpha_opt: adam(config.adam_eps).init(),
            device: device.clone(),
            config,
            spec,
        }
    }

    /// The hyperparameters.
    pub fn config(&self) -> &SacConfig {
        &self.config
    }

    /// Problem shape and action box.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// The training device.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// One gradient step of the critics, the actor and the temperature on `batch`, then the
    /// Polyak update of the target critics.
    pub fn update(&mut self, batch: &Batch) -> Metrics {
        let c = &self.config;
        let obs = batch.observations.clone();
        let alpha = self.nets.temperature.log_alpha.val().exp().detach();
        let mut metrics = Metrics::new();

        // Critics: regress both onto the soft Bellman target of the target critics, computed
        // without recording a graph.
        let next_obs = batch.next_observations.clone().without_autodiff();
        let (next_action, next_log_prob) = self.nets.actor.valid().sample(next_obs.clone());
        let next_q = self.nets.target_critic.valid().min(next_obs, next_action);
        let target = soft_target(
            batch.rewards.clone().without_autodiff(),
            batch.masks.clone().without_autodiff(),
            next_q,
            next_log_prob,
            alpha.clone().without_autodiff(),
            c.gamma,
        );
        let target = target.autodiff();
        let (grads, critic_loss, q1) =
            self.nets
                .critic
                .sum_loss_grads(obs.clone(), batch.actions.clone(), |q| {
                    (q - target.clone()).square().mean().mul_scalar(0.5)
                });
        self.nets.critic = self
            .critic_opt
            .step(c.critic_lr, self.nets.critic.clone(), grads);

        // Actor: maximise the soft value of its own reparameterised actions, scored by the
        // critics with untracked weights so the backward pass skips their weight gradients.
        let (action, log_prob) = self.nets.actor.sample(obs.clone());
        let q = frozen(&self.nets.critic).min(obs, action);
        let actor_loss = actor_loss(log_prob.clone(), q, alpha.clone());
        let grads = GradientsParams::from_grads(actor_loss.backward(), &self.nets.actor);
        self.nets.actor = self
            .actor_opt
            .step(c.actor_lr, self.nets.actor.clone(), grads);

        // Temperature: move the policy's entropy towards the target.
        let alpha_loss = alpha_loss(
            self.nets.temperature.log_alpha.val(),
            log_prob.clone(),
            self.target_entropy,
        );
        let grads = GradientsParams::from_grads(alpha_loss.backward(), &self.nets.temperature);
        self.nets.temperature =
            self.alpha_opt
                .step(c.alpha_lr, self.nets.temperature.clone(), grads);

        self.nets.target_critic =
            soft_update(self.nets.target_critic.clone(), &self.nets.critic, c.tau);

        metrics.push("critic_loss", critic_loss);
        metrics.push("actor_loss", actor_loss);
        metrics.push("alpha_loss", alpha_loss);
        metrics.push("alpha", alpha);
        metrics.push("entropy", log_prob.neg());
        metrics.push("q1", q1);
        metrics
    }

    /// Environment actions sampled from the stochastic policy (exploration), with their
    /// log-densities over the action box.
    pub fn explore(&self, observations: &[Vec<f32>]) -> (Vec<Vec<f32>>, Vec<f32>) {
        sample(&self.nets.actor, &self.spec, &self.device, observations)
    }

    /// Writes networks and optimizers into `dir`.
    pub fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        save_module(&self.nets, dir, "nets")?;
        save_optimizer(&self.actor_opt, dir, "actor")?;
        save_optimizer(&self.critic_opt, dir, "critic")?;
        save_optimizer(&self.alpha_opt, dir, "temperature")
    }

    /// Restores what [`Sac::save`] wrote.
    pub fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        self.nets = load_module(self.nets.clone(), dir, "nets")?;
        self.actor_opt = load_optimizer(self.actor_opt.clone(), dir, "actor")?;
        self.critic_opt = load_optimizer(self.critic_opt.clone(), dir, "critic")?;
        self.alpha_opt = load_optimizer(self.alpha_opt.clone(), dir, "temperature")?;
        Ok(())
    }
}

/// The deterministic evaluation policy `tanh(mean)`.
impl Policy for Sac {
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        act(&self.nets.actor, &self.spec, &self.device, observations)
    }
}

/// Runs `actor` on raw observations on the inference side of `device` and returns the
/// environment actions `tanh(mean)`.
pub(super) fn act(
    actor: &TanhGaussianPolicy,
    spec: &Spec,
    device: &Device,
    observations: &[Vec<f32>],
) -> Vec<Vec<f32>> {
    spec.act(observations, device, |obs| actor.valid().act(obs))
}

/// Samples `actor` on raw observations on the inference side of `device`: environment actions
/// and their log-densities over the action box.
pub(super) fn sample(
    actor: &TanhGaussianPolicy,
    spec: &Spec,
    device: &Device,
    observations: &[Vec<f32>],
) -> (Vec<Vec<f32>>, Vec<f32>) {
    spec.sample(observations, device, |obs| actor.valid().sample(obs))
}
