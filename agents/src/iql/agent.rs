//! The IQL agent: networks, optimizers and the update, top to bottom.

use super::{IqlConfig, awr_weights, expectile_loss};
use crate::agent::{OfflineAgent, Policy, Spec};
use crate::checkpoint::{load_module, load_optimizer, save_module, save_optimizer};
use ember_engine::burn::module::Module;
use ember_engine::burn::optim::{GradientsParams, ModuleOptimizer};
use ember_engine::burn::tensor::Device;
use ember_engine::nn::{GaussianPolicy, GaussianPolicyConfig, Mlp, MlpConfig, TwinQ};
use ember_engine::optim::{adam, cosine_decay, soft_update, target_copy};
use ember_engine::runtime::RuntimeError;
use ember_engine::{Batch, Metrics};
use std::path::Path;

/// IQL's networks, saved and loaded as one module.
#[derive(Module, Debug)]
struct IqlNets {
    actor: GaussianPolicy,
    critic: TwinQ,
    target_critic: TwinQ,
    value: Mlp,
}

/// IQL: value V(s), twin critic Q(s, a) with a Polyak target, Gaussian actor with tanh mean.
pub struct Iql {
    config: IqlConfig,
    spec: Spec,
    decay_steps: usize,
    device: Device,
    nets: IqlNets,
    actor_opt: ModuleOptimizer,
    critic_opt: ModuleOptimizer,
    value_opt: ModuleOptimizer,
}

impl Iql {
    /// Builds the networks on `device` (an autodiff device for training). `run_steps` sets the
    /// actor's cosine decay when the config leaves it open.
    pub fn new(config: IqlConfig, spec: Spec, run_steps: usize, device: &Device) -> Self {
        let gain = std::f64::consts::SQRT_2;
        let critic_config =
            MlpConfig::layers(spec.obs_dim + spec.act_dim, &config.hidden, 1).with_orthogonal(gain);
        let critic = TwinQ::new(&critic_config, device);
        let actor = GaussianPolicyConfig {
            mlp: MlpConfig::layers(spec.obs_dim, &config.hidden, spec.act_dim)
                .with_orthogonal(gain)
                .with_dropout(config.policy_dropout),
            tanh_mean: true,
            log_std_min: -5.0,
            log_std_max: 2.0,
        }
        .init(device);
        let value = MlpConfig::layers(spec.obs_dim, &config.hidden, 1)
            .with_orthogonal(gain)
            .init(device);
        Self {
            decay_steps: config.actor_decay_steps.unwrap_or(run_steps),
            nets: IqlNets {
                target_critic: target_copy(&critic),
                critic,
                actor,
                value,
            },
            actor_opt: adam(config.adam_eps).init(),
            critic_opt: adam(config.adam_eps).init(),
            value_opt: adam(config.adam_eps).init(),
            device: device.clone(),
            config,
            spec,
        }
    }

    /// The hyperparameters.
    pub fn config(&self) -> &IqlConfig {
        &self.config
    }

    /// Problem shape and observation preprocessing.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }
}

impl OfflineAgent for Iql {
    fn update(&mut self, batch: &Batch, step: usize) -> Metrics {
        let c = &self.config;
        let obs = batch.observations.clone();
        let act = batch.actions.clone();
        let mut metrics = Metrics::new();

        // Value: expectile regression towards the target critic.
        let target_q = self
            .nets
            .target_critic
            .min(obs.clone(), act.clone())
            .detach();
        let v = self.nets.value.forward(obs.clone());
        let value_loss = expectile_loss(target_q.clone() - v.clone(), c.expectile);
        let grads = GradientsParams::from_grads(value_loss.backward(), &self.nets.value);
        self.nets.value = self
            .value_opt
            .step(c.value_lr, self.nets.value.clone(), grads);

        // Actor (advantage-weighted regression) and critic (r + gamma * (1 - done) * V(s')),
        // both with the just-updated value, as in the official code. They touch disjoint
        // networks, so they run side by side (rayon's pool, usually one core each): the same
        // arithmetic as one after the other.
        let value = self.nets.value.valid();
        let (v_new, next_v) = rayon::join(
            || value.forward(obs.clone()),
            || value.forward(batch.next_observations.clone()),
        );
        let advantage = target_q - v_new;
        let actor_lr = cosine_decay(c.actor_lr, step, self.decay_steps);
        let IqlNets {
            actor,
            critic,
            target_critic,
            ..
        } = &mut self.nets;
        let (actor_opt, critic_opt) = (&mut self.actor_opt, &mut self.critic_opt);
        let actor_step = || {
            let weights = awr_weights(advantage.clone(), c.temperature, c.max_weight);
            let log_prob = actor.log_prob(obs.clone(), act.clone());
            let loss = (weights * log_prob).mean().neg();
            let grads = GradientsParams::from_grads(loss.backward(), &*actor);
            *actor = actor_opt.step(actor_lr, actor.clone(), grads);
            loss
        };
        let critic_step = || {
            let target = batch.rewards.clone() + batch.masks.clone() * next_v.mul_scalar(c.gamma);
            let (grads, loss, q1) = critic.sum_loss_grads(obs.clone(), act.clone(), |q| {
                (q - target.clone()).square().mean()
            });
            *critic = critic_opt.step(c.critic_lr, critic.clone(), grads);
            *target_critic = soft_update(target_critic.clone(), critic, c.tau);
            (loss, q1)
        };
        let (actor_loss, (critic_loss, q1)) = rayon::join(actor_step, critic_step);

        metrics.push("value_loss", value_loss);
        metrics.push("actor_loss", actor_loss);
        metrics.push("critic_loss", critic_loss);
        metrics.push("v", v);
        metrics.push("q1", q1);
        metrics.push("advantage", advantage);
        metrics
    }

    fn batch_size(&self) -> usize {
        self.config.batch_size
    }

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        save_module(&self.nets, dir, "nets")?;
        save_optimizer(&self.actor_opt, dir, "actor")?;
        save_optimizer(&self.critic_opt, dir, "critic")?;
        save_optimizer(&self.value_opt, dir, "value")
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        self.nets = load_module(self.nets.clone(), dir, "nets")?;
        self.actor_opt = load_optimizer(self.actor_opt.clone(), dir, "actor")?;
        self.critic_opt = load_optimizer(self.critic_opt.clone(), dir, "critic")?;
        self.value_opt = load_optimizer(self.value_opt.clone(), dir, "value")?;
        Ok(())
    }
}

impl Policy for Iql {
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        self.spec.act(observations, &self.device, |obs| {
            self.nets.actor.valid().act(obs)
        })
    }
}
