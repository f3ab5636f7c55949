//! The TD3 core (Fujimoto, van Hoof & Meger, ICML 2018, "Addressing Function Approximation
//! Error in Actor-Critic Methods"; official code `sfujim/TD3`) shared by the methods built on
//! it: TD3+BC ([`crate::td3bc`]) and off-policy GAIL ([`crate::gail`]). It holds a
//! deterministic tanh actor and twin critics with their Polyak targets and Adam optimisers, draws
//! the target-policy smoothing action, and applies the gradient steps; each method builds its
//! own losses (TD3+BC's BC-regularised actor, GAIL's n-step Huber critic) from [`Td3::nets`].
//! Actions live in [-1, 1] (the agent's spec maps them onto the environment's box).

use crate::checkpoint::{load_module, load_optimizer, save_module, save_optimizer};
use ember_engine::burn::module::Module;
use ember_engine::burn::optim::{GradientsParams, ModuleOptimizer};
use ember_engine::burn::tensor::{Device, Distribution, Tensor};
use ember_engine::nn::{DeterministicPolicy, MlpConfig, TwinQ};
use ember_engine::optim::{adam, clip_grad_norm, soft_update, target_copy};
use ember_engine::runtime::RuntimeError;
use std::path::Path;

/// The four networks, saved and loaded as one module (`nets`).
#[derive(Module, Debug)]
pub struct Td3Nets {
    /// π(s) in [-1, 1].
    pub actor: DeterministicPolicy,
    /// Polyak copy of the actor.
    pub target_actor: DeterministicPolicy,
    /// Q1, Q2 on concat(s, a).
    pub critic: TwinQ,
    /// Polyak copy of the critics.
    pub target_critic: TwinQ,
}

/// TD3's networks and optimisers.
pub struct Td3 {
    /// The networks; losses are built from them.
    pub nets: Td3Nets,
    actor_opt: ModuleOptimizer,
    critic_opt: ModuleOptimizer,
}

impl Td3 {
    /// Actor `actor` (`[obs_dim, .., act_dim]`, tanh-squashed) and twin critics `critic`
    /// (`[obs_dim + act_dim, .., 1]`) on `device`, targets equal to them, Adam with `adam_eps`.
    pub fn new(actor: &MlpConfig, critic: &MlpConfig, adam_eps: f64, device: &Device) -> Self {
        let actor = DeterministicPolicy::new(actor, 1.0, device);
        let critic = TwinQ::new(critic, device);
        Self {
            nets: Td3Nets {
                target_actor: target_copy(&actor),
                target_critic: target_copy(&critic),
                actor,
                critic,
            },
            actor_opt: adam(adam_eps).init(),
            critic_opt: adam(adam_eps).init(),
        }
    }

    /// Target-policy smoothing: `clip(π'(s') + clip(N(0, noise²), ±noise_clip), ±1)`.
    pub fn smoothed_target_action(
        &self,
        next_observations: Tensor<2>,
        noise: f32,
        noise_clip: f32,
    ) -> Tensor<2> {
        let action = self.nets.target_actor.forward(next_observations);
        let noise = Tensor::<2>::random(
            action.shape(),
            Distribution::Normal(0.0, noise as f64),
            &action.device(),
        )
        .clamp(-noise_clip, noise_clip);
        (action + noise).clamp(-1.0, 1.0)
    }

    /// One Adam step of the critics on `grads` (of a loss built from [`Td3Nets::critic`], e.g.
    /// by [`TwinQ::sum_loss_grads`]).
    pub fn critic_step(&mut self, grads: GradientsParams, lr: f64) {
        self.nets.critic = self.critic_opt.step(lr, self.nets.critic.clone(), grads);
    }

    /// One Adam step of the actor on `loss` (built from [`Td3Nets::actor`]; the critics'
    /// gradients are dropped), its gradient first clipped to a global norm of `max_grad_norm`
    /// when given.
    pub fn actor_step(&mut self, loss: &Tensor<1>, lr: f64, max_grad_norm: Option<f32>) {
        let mut grads = loss.backward();
        let mut grads = GradientsParams::from_module(&mut grads, &self.nets.actor);
        if let Some(max) = max_grad_norm {
            grads = clip_grad_norm(grads, &self.nets.actor, max).0;
        }
        self.nets.actor = self.actor_opt.step(lr, self.nets.actor.clone(), grads);
    }

    /// Polyak-averages both targets towards their networks (critics first).
    pub fn update_targets(&mut self, tau: f32) {
        self.nets.target_critic =
            soft_update(self.nets.target_critic.clone(), &self.nets.critic, tau);
        self.nets.target_actor = soft_update(self.nets.target_actor.clone(), &self.nets.actor, tau);
    }

    /// Writes the networks (`nets`) and both optimisers (`actor`, `critic`) into `dir`.
    pub fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        save_module(&self.nets, dir, "nets")?;
        save_optimizer(&self.actor_opt, dir, "actor")?;
        save_optimizer(&self.critic_opt, dir, "critic")
    }

    /// Restores what [`Td3::save`] wrote.
    pub fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        self.nets = load_module(self.nets.clone(), dir, "nets")?;
        self.actor_opt = load_optimizer(self.actor_opt.clone(), dir, "actor")?;
        self.critic_opt = load_optimizer(self.critic_opt.clone(), dir, "critic")?;
        Ok(())
    }
}
