//! The TD3+BC agent: networks, optimizers and the update, top to bottom.

use super::{Td3BcConfig, actor_loss};
use crate::agent::{OfflineAgent, Policy, Spec};
use crate::checkpoint::{load_module, load_optimizer, save_module, save_optimizer};
use ember_engine::burn::module::Module;
use ember_engine::burn::optim::{GradientsParams, ModuleOptimizer};
use ember_engine::burn::tensor::{Device, Distribution, Tensor};
use ember_engine::nn::{DeterministicPolicy, MlpConfig, TwinQ};
use ember_engine::optim::{adam, soft_update, target_copy};
use ember_engine::runtime::RuntimeError;
use ember_engine::{Batch, Metrics};
use std::path::Path;

/// TD3+BC's networks, saved and loaded as one module.
#[derive(Module, Debug)]
struct Td3BcNets {
    actor: DeterministicPolicy,
    target_actor: DeterministicPolicy,
    critic: TwinQ,
    target_critic: TwinQ,
}

/// TD3+BC: deterministic tanh actor, twin critics, Polyak targets for both. Actions live in
/// [-1, 1] (the spec maps them onto the environment's box), so max_action is 1.
pub struct Td3Bc {
    config: Td3BcConfig,
    spec: Spec,
    device: Device,
    nets: Td3BcNets,
    actor_opt: ModuleOptimizer,
    critic_opt: ModuleOptimizer,
}

impl Td3Bc {
    /// Builds the networks on `device` (an autodiff device for training).
    pub fn new(config: Td3BcConfig, spec: Spec, device: &Device) -> Self {
        let actor = DeterministicPolicy::new(
            &MlpConfig::layers(spec.obs_dim, &config.hidden, spec.act_dim),
            1.0,
            device,
        );
        let critic = TwinQ::new(
            &MlpConfig::layers(spec.obs_dim + spec.act_dim, &config.hidden, 1),
            device,
        );
        Self {
            nets: Td3BcNets {
                target_actor: target_copy(&actor),
                target_critic: target_copy(&critic),
                actor,
                critic,
            },
            actor_opt: adam(config.adam_eps).init(),
            critic_opt: adam(config.adam_eps).init(),
            device: device.clone(),
            config,
            spec,
        }
    }

    /// The hyperparameters.
    pub fn config(&self) -> &Td3BcConfig {
        &self.config
    }

    /// Problem shape and observation preprocessing.
    pub fn spec(&self) -> &Spec {
        &self.spec
    }
}

impl OfflineAgent for Td3Bc {
    fn update(&mut self, batch: &Batch, step: usize) -> Metrics {
        let c = &self.config;
        let obs = batch.observations.clone();
        let act = batch.actions.clone();
        let mut metrics = Metrics::new();

        // Critic: clipped double-Q target with target-policy smoothing.
        let noise = Tensor::<2>::random(
            act.shape(),
            Distribution::Normal(0.0, c.policy_noise as f64),
            &act.device(),
        )
        .clamp(-c.noise_clip, c.noise_clip);
        let next_action = (self
            .nets
            .target_actor
            .forward(batch.next_observations.clone())
            + noise)
            .clamp(-1.0, 1.0);
        let target_q = self
            .nets
            .target_critic
            .min(batch.next_observations.clone(), next_action);
        let target =
            (batch.rewards.clone() + batch.masks.clone() * target_q.mul_scalar(c.gamma)).detach();
        let (q1, q2) = self.nets.critic.forward(obs.clone(), act.clone());
        let critic_loss =
            (q1.clone() - target.clone()).square().mean() + (q2 - target).square().mean();
        let grads = GradientsParams::from_grads(critic_loss.backward(), &self.nets.critic);
        self.nets.critic = self
            .critic_opt
            .step(c.critic_lr, self.nets.critic.clone(), grads);
        metrics.push("critic_loss", critic_loss);
        metrics.push("q1", q1);

        // Actor and targets, every `policy_freq` steps.
        if step.is_multiple_of(c.policy_freq) {
            let pi = self.nets.actor.forward(obs.clone());
            let q = self.nets.critic.q1(obs, pi.clone());
            let loss = actor_loss(q, pi, act, c.alpha);
            let mut grads = loss.backward();
            let grads = GradientsParams::from_module(&mut grads, &self.nets.actor);
            self.nets.actor = self
                .actor_opt
                .step(c.actor_lr, self.nets.actor.clone(), grads);
            self.nets.target_critic =
                soft_update(self.nets.target_critic.clone(), &self.nets.critic, c.tau);
            self.nets.target_actor =
                soft_update(self.nets.target_actor.clone(), &self.nets.actor, c.tau);
            metrics.push("actor_loss", loss);
        }
        metrics
    }

    fn batch_size(&self) -> usize {
        self.config.batch_size
    }

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        save_module(&self.nets, dir, "nets")?;
        save_optimizer(&self.actor_opt, dir, "actor")?;
        save_optimizer(&self.critic_opt, dir, "critic")
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        self.nets = load_module(self.nets.clone(), dir, "nets")?;
        self.actor_opt = load_optimizer(self.actor_opt.clone(), dir, "actor")?;
        self.critic_opt = load_optimizer(self.critic_opt.clone(), dir, "critic")?;
        Ok(())
    }
}

impl Policy for Td3Bc {
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        self.spec.act(observations, &self.device, |obs| {
            self.nets.actor.valid().forward(obs)
        })
    }
}
