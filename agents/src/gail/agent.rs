//! The off-policy GAIL agent: the TD3 core as the learner (n-step Huber critic on rewards the
//! current discriminator recomputes, soft-clipped double Q), the discriminator with its
//! Lipschitz penalty, the replay with absorbing states, and OU exploration.

use super::GailConfig;
use super::demos::{ExpertSet, load_demos};
use super::discriminator::{
    Discriminator, DiscriminatorNet, DiscriminatorShape, Penalty, bernoulli_entropy, interpolate,
    penalty, reward,
};
use super::replay::{GailReplay, Row};
use super::spectral::PowerIteration;
use crate::agent::{Policy, Spec};
use crate::checkpoint::{
    load_json, load_module, load_optimizer, save_json, save_module, save_optimizer,
};
use crate::online::{OnlineAgent, OnlineContext, Transition, Updates};
use crate::td3::Td3;
use ember_engine::Metrics;
use ember_engine::burn::module::Module;
use ember_engine::burn::optim::{GradientsParams, ModuleOptimizer};
use ember_engine::burn::tensor::activation::softplus;
use ember_engine::burn::tensor::{Device, Tensor, TensorData};
use ember_engine::optim::adam;
use ember_engine::runtime::RuntimeError;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What a checkpoint's `gail.json` holds besides the networks.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GailCard {
    /// Hyperparameters (with the expert file).
    pub config: GailConfig,
    /// Problem shape.
    pub spec: Spec,
    /// Environment trained in.
    pub env: String,
    /// Transitions observed in all.
    pub env_steps: usize,
    /// Training steps made in all (the actor delay's parity).
    pub train_steps: usize,
    /// The discriminator's spectral-norm vectors.
    pub power: Vec<PowerIteration>,
}

impl GailCard {
    /// File name inside a checkpoint.
    pub const FILE: &'static str = "gail";
}

/// Off-policy GAIL as an online agent.
pub struct OnlineGail {
    config: GailConfig,
    spec: Spec,
    device: Device,
    env: String,
    td3: Td3,
    disc: Discriminator,
    disc_opt: ModuleOptimizer,
    expert: ExpertSet,
    replay: GailReplay,
    /// OU noise state per slot.
    noise: Vec<Vec<f32>>,
    rng: StdRng,
    env_steps: usize,
    train_steps: usize,
    /// Transitions of the latest observe: the training steps the next update makes.
    fresh: usize,
}

/// `[rows, values.len() / rows]` on `device`.
fn matrix(values: Vec<f32>, rows: usize, device: &Device) -> Tensor<2> {
    let cols = values.len() / rows.max(1);
    Tensor::from_data(TensorData::new(values, [rows, cols]), device)
}

/// PyTorch's `smooth_l1_loss` (Huber, δ = 1) of a difference, batch mean: 0.5 d² inside
/// [-1, 1], |d| − 0.5 outside.
fn huber(diff: Tensor<2>) -> Tensor<1> {
    let abs = diff.abs();
    let inner = abs.clone().clamp_max(1.0);
    (inner.clone().square().mul_scalar(0.5) + (abs - inner)).mean()
}

impl OnlineGail {
    /// Builds the networks in `ctx` and loads the expert set from the configuration's file.
    pub fn new(config: GailConfig, mut ctx: OnlineContext<'_>) -> Result<Self, RuntimeError> {
        let spec = ctx.spec;
        let device = ctx.device.clone();
        let expert_path = config.expert.clone().ok_or_else(|| RuntimeError::Step {
            step: 0,
            message: "GAIL needs expert demonstrations (expert = FILE)".into(),
        })?;
        let demos = load_demos(
            &expert_path,
            config.demos,
            spec.obs_dim,
            spec.act_dim,
            &ctx.env,
        )
        .map_err(|message| RuntimeError::Step { step: 0, message })?;
        let expert = ExpertSet::new(
            &demos,
            config.subsample,
            spec.bounds(),
            config.absorbing,
            &mut ctx.rng,
        );
        let extra = usize::from(config.absorbing);
        let shape = DiscriminatorShape {
            state_dim: spec.obs_dim + extra,
            action_dim: spec.act_dim + extra,
            hidden: config.disc_hidden.clone(),
            slope: config.disc_slope,
            clamp: config.disc_clamp,
            spectral_norm: config.spectral_norm,
        };
        let disc = Discriminator::new(shape, &device, &mut ctx.rng);
        let td3 = Td3::new(
            &config.actor_mlp(&spec),
            &config.critic_mlp(&spec),
            config.adam_eps,
            &device,
        );
        Ok(Self {
            replay: GailReplay::new(config.replay_capacity, 1, config.absorbing),
            disc_opt: adam(config.adam_eps).init(),
            td3,
            disc,
            expert,
            noise: Vec::new(),
            rng: ctx.rng,
            env: ctx.env,
            env_steps: 0,
            train_steps: 0,
            fresh: 0,
            device,
            spec,
            config,
        })
    }

    /// Expert rows the discriminator sees.
    pub fn expert_rows(&self) -> usize {
        self.expert.len
    }

    /// Discriminator inputs of `rows` (wrapped), `[rows.len(), state_dim]` and
    /// `[rows.len(), action_dim]`; `None` entries are zero padding.
    fn disc_inputs(&self, rows: &[Option<&Row>]) -> (Tensor<2>, Tensor<2>) {
        let (ds, da) = (self.disc.shape.state_dim, self.disc.shape.action_dim);
        let mut states = Vec::with_capacity(rows.len() * ds);
        let mut actions = Vec::with_capacity(rows.len() * da);
        for row in rows {
            match row {
                Some(row) => row.disc_input(self.config.absorbing, &mut states, &mut actions),
                None => {
                    states.extend(std::iter::repeat_n(0.0, ds));
                    actions.extend(std::iter::repeat_n(0.0, da));
                }
            }
        }
        (
            matrix(states, rows.len(), &self.device),
            matrix(actions, rows.len(), &self.device),
        )
    }

    /// One critic update on n-step windows (rewards from the current discriminator), the
    /// delayed actor update, the targets.
    fn learner_step(&mut self, metrics: &mut Metrics) {
        let c = &self.config;
        let (batch, n) = (c.batch_size, c.n_step);
        let windows = self.replay.sample_windows(batch, n, &mut self.rng);
        let rows: Vec<Option<&Row>> = windows
            .iter()
            .flat_map(|w| (0..n).map(move |k| w.rows.get(k)))
            .collect();
        let (states, actions) = self.disc_inputs(&rows);
        let rewards = reward(self.disc.logits(states, actions).detach()).reshape([batch, n]);
        let mut weights = Vec::with_capacity(batch * n);
        let mut discounts = Vec::with_capacity(batch);
        let (mut obs, mut act, mut next) = (Vec::new(), Vec::new(), Vec::new());
        for w in &windows {
            weights.extend((0..n).map(|k| {
                if k < w.rows.len() {
                    c.gamma.powi(k as i32)
                } else {
                    0.0
                }
            }));
            // The factor of the bootstrapped value (rewards enter through the weights).
            discounts.push(w.n_step(&[], c.gamma).1);
            obs.extend_from_slice(&w.rows[0].obs);
            act.extend_from_slice(&w.rows[0].act);
            next.extend_from_slice(&w.rows[w.rows.len() - 1].next_obs);
        }
        let returns = (rewards.clone() * matrix(weights, batch, &self.device)).sum_dim(1);
        let discounts = matrix(discounts, batch, &self.device);
        let (obs, act, next) = (
            matrix(obs, batch, &self.device),
            matrix(act, batch, &self.device),
            matrix(next, batch, &self.device),
        );

        let target_q = self
            .td3
            .target_value(next, c.policy_noise, c.noise_clip, |t1, t2| {
                t1.clone().min_pair(t2.clone()).mul_scalar(c.min_q_weight)
                    + t1.max_pair(t2).mul_scalar(1.0 - c.min_q_weight)
            });
        let target = (returns + discounts * target_q).detach();
        let (grads, critic_loss, q1) = self
            .td3
            .nets
            .critic
            .sum_loss_grads(obs.clone(), act, |q| huber(q - target.clone()));
        self.td3.critic_step(grads, c.critic_lr);
        metrics.push("critic_loss", critic_loss);
        metrics.push("q1", q1.mean());
        metrics.push("reward", rewards.mean());

        if self.train_steps.is_multiple_of(c.actor_delay) {
            let rows = obs.dims()[0] as f32;
            let (grads, loss) =
                self.td3
                    .actor_grads(&obs, |_| (), |b, _| b.q.sum().div_scalar(rows).neg());
            self.td3.actor_step(grads, c.actor_lr, Some(c.actor_clip));
            metrics.push("actor_loss", loss);
        }
        self.td3.update_targets(c.tau);
    }

    /// One discriminator "step" (B.2): a fresh batch of policy rows, then one pass over the
    /// expert set in mini-batches of `min(expert rows, disc_batch_size)` (last partial one
    /// dropped), each paired with a reshuffle of the same policy rows.
    fn disc_step(&mut self, metrics: &mut Metrics) {
        let c = &self.config;
        let policy_rows: Vec<Row> = self
            .replay
            .sample_rows(c.disc_batch_size, &mut self.rng)
            .into_iter()
            .cloned()
            .collect();
        let size = self.expert.len.min(c.disc_batch_size);
        let mut order: Vec<usize> = (0..self.expert.len).collect();
        order.shuffle(&mut self.rng);
        let settings = c.penalty_settings();
        let (ds, da) = (self.disc.shape.state_dim, self.disc.shape.action_dim);
        let mut last = None;
        for chunk in order.chunks_exact(size) {
            let mut shuffled: Vec<&Row> = policy_rows.iter().collect();
            shuffled.shuffle(&mut self.rng);
            let picked: Vec<Option<&Row>> = shuffled.into_iter().take(size).map(Some).collect();
            let (p_s, p_a) = self.disc_inputs(&picked);
            let mut e_s = Vec::with_capacity(size * ds);
            let mut e_a = Vec::with_capacity(size * da);
            for &i in chunk {
                e_s.extend_from_slice(&self.expert.states[i * ds..(i + 1) * ds]);
                e_a.extend_from_slice(&self.expert.actions[i * da..(i + 1) * da]);
            }
            let (e_s, e_a) = (
                matrix(e_s, size, &self.device),
                matrix(e_a, size, &self.device),
            );

            self.disc.power_step();
            let policy_logits = self.disc.logits(p_s.clone(), p_a.clone());
            let expert_logits = self.disc.logits(e_s.clone(), e_a.clone());
            let bce = softplus(policy_logits.clone(), 1.0).mean()
                + softplus(expert_logits.clone().neg(), 1.0).mean();
            let entropy = bernoulli_entropy(Tensor::cat(
                vec![policy_logits.clone(), expert_logits.clone()],
                0,
            ));
            let mut loss = bce.clone() - entropy.mul_scalar(c.entropy_reg);
            let (i_s, i_a) = interpolate((&p_s, &p_a), (&e_s, &e_a));
            let direction = Tensor::cat(vec![e_s - p_s, e_a - p_a], 1);
            let (penalty_value, lipschitz) = match penalty(
                &self.disc,
                i_s.clone(),
                i_a.clone(),
                direction.clone(),
                &settings,
            ) {
                Some(term) => {
                    loss = loss + term.value.clone().mul_scalar(settings.scale);
                    (term.value.detach(), term.lipschitz)
                }
                // Monitoring only: the analytic estimate at the same points.
                None => {
                    let monitor = super::PenaltySettings {
                        kind: Penalty::Gp,
                        ..settings
                    };
                    let term = penalty(&self.disc, i_s, i_a, direction, &monitor)
                        .expect("gp gives a term");
                    (term.value.detach(), term.lipschitz)
                }
            };
            let grads = GradientsParams::from_grads(loss.backward(), &self.disc.net);
            let net = self.disc.net.clone();
            self.disc.net = self.disc_opt.step(c.disc_lr, net, grads);
            let accuracy = (policy_logits.lower_elem(0.0).float().mean()
                + expert_logits.greater_elem(0.0).float().mean())
            .mul_scalar(0.5);
            last = Some((bce, accuracy, penalty_value, lipschitz));
        }
        if let Some((bce, accuracy, penalty_value, lipschitz)) = last {
            metrics.push("d_loss", bce);
            metrics.push("d_accuracy", accuracy);
            metrics.push("penalty", penalty_value);
            metrics.push("lipschitz", lipschitz);
        }
    }
}

/// The deterministic evaluation policy π(s).
impl Policy for OnlineGail {
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        self.spec.act(observations, &self.device, |obs| {
            self.td3.nets.actor.valid().forward(obs)
        })
    }
}

impl OnlineAgent for OnlineGail {
    /// Restarts the slot's Ornstein–Uhlenbeck noise at zero.
    fn start_episode(&mut self, slot: usize) {
        if slot >= self.noise.len() {
            self.noise.resize(slot + 1, Vec::new());
        }
        self.noise[slot] = vec![0.0; self.spec.act_dim];
    }

    /// π(s) plus OU noise (x ← x − θ x dt + σ √dt N(0, 1)) in [-1, 1], clipped.
    fn explore(
        &mut self,
        slots: &[usize],
        observations: &[Vec<f32>],
    ) -> (Vec<Vec<f32>>, Option<Vec<f32>>) {
        let c = &self.config;
        let mut actions = self.act(observations);
        let bounds = self.spec.bounds().clone();
        for (&slot, action) in slots.iter().zip(&mut actions) {
            if slot >= self.noise.len() {
                self.noise.resize(slot + 1, Vec::new());
            }
            let noise = &mut self.noise[slot];
            noise.resize(action.len(), 0.0);
            bounds.to_unit(action);
            for (a, x) in action.iter_mut().zip(noise.iter_mut()) {
                let normal: f32 = StandardNormal.sample(&mut self.rng);
                *x += -c.ou_theta * *x * c.ou_dt + c.ou_sigma * c.ou_dt.sqrt() * normal;
                *a = (*a + *x).clamp(-1.0, 1.0);
            }
            bounds.from_unit(action);
        }
        (actions, None)
    }

    /// Stores the transitions (actions mapped into [-1, 1]); a termination adds the absorbing
    /// row.
    fn observe(&mut self, transitions: &[Transition<'_>]) {
        let bounds = self.spec.bounds().clone();
        self.replay.ensure_slots(transitions.len());
        for t in transitions {
            let mut action = t.action.to_vec();
            bounds.to_unit(&mut action);
            action.iter_mut().for_each(|a| *a = a.clamp(-1.0, 1.0));
            self.replay.push(
                t.slot,
                Row {
                    obs: t.observation.to_vec(),
                    act: action,
                    next_obs: t.next_observation.to_vec(),
                    end: t.done(),
                    terminal: t.terminated,
                    absorbing: false,
                },
            );
        }
        self.env_steps += transitions.len();
        self.fresh = transitions.len();
    }

    /// One training step (critic, delayed actor, targets, one discriminator step) per fresh
    /// transition, once the replay holds a batch.
    fn update(&mut self, _step: usize) -> Result<Updates, RuntimeError> {
        let fresh = std::mem::take(&mut self.fresh);
        let mut metrics = Metrics::new();
        if self.replay.len() < self.config.batch_size {
            return Ok(Updates { count: 0, metrics });
        }
        for _ in 0..fresh {
            metrics = Metrics::new();
            self.learner_step(&mut metrics);
            self.disc_step(&mut metrics);
            self.train_steps += 1;
        }
        Ok(Updates {
            count: fresh,
            metrics,
        })
    }

    fn warmup_steps(&self) -> usize {
        self.config.warmup_steps
    }

    fn reseed(&mut self, rng: StdRng) {
        self.rng = rng;
    }

    /// Writes the card (`gail.json`), the TD3 networks and optimisers, the discriminator and
    /// its optimiser, and the replay.
    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        let card = GailCard {
            config: self.config.clone(),
            spec: self.spec.clone(),
            env: self.env.clone(),
            env_steps: self.env_steps,
            train_steps: self.train_steps,
            power: self.disc.power.clone(),
        };
        save_json(&card, dir, GailCard::FILE)?;
        self.td3.save(dir)?;
        save_module(&self.disc.net, dir, "discriminator")?;
        save_optimizer(&self.disc_opt, dir, "discriminator")?;
        self.replay.save(&dir.join("replay.json"))
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        let card: GailCard = load_json(dir, GailCard::FILE)?;
        self.td3.load(dir)?;
        let net: DiscriminatorNet = load_module(self.disc.net.clone(), dir, "discriminator")?;
        self.disc.net = net;
        self.disc.power = card.power;
        self.disc_opt = load_optimizer(self.disc_opt.clone(), dir, "discriminator")?;
        self.replay.load(&dir.join("replay.json"))?;
        self.env_steps = card.env_steps;
        self.train_steps = card.train_steps;
        self.fresh = 0;
        Ok(())
    }
}
