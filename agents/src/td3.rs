//! The TD3 core (Fujimoto, van Hoof & Meger, ICML 2018, "Addressing Function Approximation
//! Error in Actor-Critic Methods"; official code `sfujim/TD3`) shared by the methods built on
//! it: TD3+BC ([`crate::td3bc`]) and off-policy GAIL ([`crate::gail`]). It holds a
//! deterministic tanh actor and twin critics with their Polyak targets and Adam optimisers,
//! computes the target critics' value of the smoothed target action and the actor's gradient,
//! and applies the gradient steps; each method builds its own losses (TD3+BC's BC-regularised
//! actor, GAIL's n-step Huber critic) from [`Td3::nets`] and the blocks [`Td3::actor_grads`]
//! hands it.
//! Actions live in [-1, 1] (the agent's spec maps them onto the environment's box).

use crate::checkpoint::{load_module, load_optimizer, save_module, save_optimizer};
use ember_engine::burn::module::Module;
use ember_engine::burn::optim::{GradientsParams, ModuleOptimizer};
use ember_engine::burn::tensor::{Device, Distribution, Tensor};
use ember_engine::nn::{DeterministicPolicy, MlpConfig, TwinQ};
use ember_engine::optim::{adam, clip_grad_norm, frozen, soft_update, target_copy};
use ember_engine::row_blocks::{row_block_grads, rows_in_parallel};
use ember_engine::runtime::RuntimeError;
use std::ops::Range;
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

/// One row block of the actor's loss: `Q1(s, π(s))` and `π(s)` with their graphs, for the
/// batch rows `rows`.
pub struct ActorBlock {
    /// Q1 of the actor's actions, `[rows, 1]`.
    pub q: Tensor<2>,
    /// The actor's actions, `[rows, act_dim]`.
    pub pi: Tensor<2>,
    /// Which rows of the batch.
    pub rows: Range<usize>,
}

/// TD3's networks and optimisers.
pub struct Td3 {
    /// The networks; losses are built from them.
    pub nets: Td3Nets,
    actor_opt: ModuleOptimizer,
    critic_opt: ModuleOptimizer,
    act_dim: usize,
}

impl Td3 {
    /// Actor `actor` (`[obs_dim, .., act_dim]`, tanh-squashed) and twin critics `critic`
    /// (`[obs_dim + act_dim, .., 1]`) on `device`, targets equal to them, Adam with `adam_eps`.
    pub fn new(actor: &MlpConfig, critic: &MlpConfig, adam_eps: f64, device: &Device) -> Self {
        let act_dim = *actor.sizes.last().expect("an MLP has an output size");
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
            act_dim,
        }
    }

    /// `combine(Q1', Q2')` (TD3: their minimum) of the target critics at the smoothed target
    /// action `clip(π'(s') + clip(N(0, noise²), ±noise_clip), ±1)`, `[batch, 1]`. No graph is
    /// recorded, and blocks of rows run side by side ([`rows_in_parallel`]); the noise is drawn
    /// for the whole batch first, so the random stream is that of one pass.
    pub fn target_value<C>(
        &self,
        next_observations: Tensor<2>,
        noise: f32,
        noise_clip: f32,
        combine: C,
    ) -> Tensor<2>
    where
        C: Fn(Tensor<2>, Tensor<2>) -> Tensor<2> + Sync,
    {
        let next = next_observations.without_autodiff();
        let rows = next.dims()[0];
        let noise = Tensor::<2>::random(
            [rows, self.act_dim],
            Distribution::Normal(0.0, noise as f64),
            &next.device(),
        )
        .clamp(-noise_clip, noise_clip);
        let (actor, critic) = (
            self.nets.target_actor.valid(),
            self.nets.target_critic.valid(),
        );
        rows_in_parallel(rows, &next.device(), |r| {
            let s = next.clone().narrow(0, r.start, r.len());
            let noise = noise.clone().narrow(0, r.start, r.len());
            let action = (actor.forward(s.clone()) + noise).clamp(-1.0, 1.0);
            let (q1, q2) = critic.forward(s, action);
            combine(q1, q2)
        })
        .autodiff()
    }

    /// One Adam step of the critics on `grads` (of a loss built from [`Td3Nets::critic`], e.g.
    /// by [`TwinQ::sum_loss_grads`]).
    pub fn critic_step(&mut self, grads: GradientsParams, lr: f64) {
        self.nets.critic = self.critic_opt.step(lr, self.nets.critic.clone(), grads);
    }

    /// The actor's gradient, and the loss, of a loss built from `Q1(s, π(s))` on `observations`:
    /// a batch-wide `statistic` of every row block's [`ActorBlock`], then each block's `share`
    /// of the loss, the blocks side by side ([`row_block_grads`]). The critics score with their
    /// weights untracked ([`frozen`]): the gradient still reaches the actions, but the backward
    /// pass skips the critics' weight gradients, which the actor step would drop.
    pub fn actor_grads<S, G, L>(
        &self,
        observations: &Tensor<2>,
        statistic: G,
        share: L,
    ) -> (GradientsParams, Tensor<1>)
    where
        S: Sync,
        G: FnOnce(&[ActorBlock]) -> S,
        L: Fn(ActorBlock, &S) -> Tensor<1> + Sync,
    {
        let critic = frozen(&self.nets.critic);
        row_block_grads(
            &self.nets.actor,
            observations.dims()[0],
            &observations.device(),
            |actor, rows| {
                let s = observations.clone().narrow(0, rows.start, rows.len());
                let pi = actor.forward(s.clone());
                ActorBlock {
                    q: critic.q1(s, pi.clone()),
                    pi,
                    rows,
                }
            },
            statistic,
            share,
        )
    }

    /// One Adam step of the actor on `grads` (from [`Td3::actor_grads`]), first clipped to a
    /// global norm of `max_grad_norm` when given.
    pub fn actor_step(&mut self, grads: GradientsParams, lr: f64, max_grad_norm: Option<f32>) {
        let grads = match max_grad_norm {
            Some(max) => clip_grad_norm(grads, &self.nets.actor, max).0,
            None => grads,
        };
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
