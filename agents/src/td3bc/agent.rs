//! The TD3+BC agent: networks, optimizers and the update, top to bottom.

use super::{Td3BcConfig, actor_loss_share, lambda};
use crate::agent::{OfflineAgent, Policy, Spec};
use crate::td3::Td3;
use ember_engine::burn::module::Module;
use ember_engine::burn::tensor::Device;
use ember_engine::nn::MlpConfig;
use ember_engine::runtime::RuntimeError;
use ember_engine::{Batch, Metrics};
use std::path::Path;

/// TD3+BC: the TD3 core (deterministic tanh actor, twin critics, Polyak targets for both) with
/// a BC term in the actor loss. Actions live in [-1, 1] (the spec maps them onto the
/// environment's box), so max_action is 1.
pub struct Td3Bc {
    config: Td3BcConfig,
    spec: Spec,
    device: Device,
    td3: Td3,
}

impl Td3Bc {
    /// Builds the networks on `device` (an autodiff device for training).
    pub fn new(config: Td3BcConfig, spec: Spec, device: &Device) -> Self {
        let td3 = Td3::new(
            &MlpConfig::layers(spec.obs_dim, &config.hidden, spec.act_dim),
            &MlpConfig::layers(spec.obs_dim + spec.act_dim, &config.hidden, 1),
            config.adam_eps,
            device,
        );
        Self {
            td3,
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
        let target_q = self.td3.target_value(
            batch.next_observations.clone(),
            c.policy_noise,
            c.noise_clip,
            |q1, q2| q1.min_pair(q2),
        );
        let target =
            (batch.rewards.clone() + batch.masks.clone() * target_q.mul_scalar(c.gamma)).detach();
        let nets = &self.td3.nets;
        let (grads, critic_loss, q1) = nets.critic.sum_loss_grads(obs.clone(), act.clone(), |q| {
            (q - target.clone()).square().mean()
        });
        self.td3.critic_step(grads, c.critic_lr);
        metrics.push("critic_loss", critic_loss);
        metrics.push("q1", q1);

        // Actor and targets, every `policy_freq` steps.
        if step.is_multiple_of(c.policy_freq) {
            let rows = obs.dims()[0];
            let (grads, loss) = self.td3.actor_grads(
                &obs,
                |blocks| lambda(blocks.iter().map(|b| &b.q), c.alpha),
                |b, lambda| {
                    let act = act.clone().narrow(0, b.rows.start, b.rows.len());
                    actor_loss_share(b.q, b.pi, act, lambda.clone(), rows)
                },
            );
            self.td3.actor_step(grads, c.actor_lr, None);
            self.td3.update_targets(c.tau);
            metrics.push("actor_loss", loss);
        }
        metrics
    }

    fn batch_size(&self) -> usize {
        self.config.batch_size
    }

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        self.td3.save(dir)
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        self.td3.load(dir)
    }
}

impl Policy for Td3Bc {
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        self.spec.act(observations, &self.device, |obs| {
            self.td3.nets.actor.valid().forward(obs)
        })
    }
}
