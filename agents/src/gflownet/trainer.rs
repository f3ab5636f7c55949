//! [`GflowNet`]: the estimators, their optimisers, sampling and the update, top to bottom.
//!
//! The update on a batch of trajectories:
//! 1. one forward pass over every state gives the per-row terms ([`GfnModel::row_terms`]);
//!    forward-looking losses add the energy `log R(s)` (FL) or the learned `log R̂(s)` (OP-FL)
//!    to the node flows;
//! 2. [`FlowTerms`] lays them out per trajectory;
//! 3. the base loss is [`balance_loss`]; order-preserving runs drop its sink terms and add
//!    `op_weight ×` the order loss on the learned reward (OP-TB: `log Z + Σ log P_F − Σ log P_B`,
//!    the order loss alone; OP-DB/OP-FL: the exit flow `log F(x) + log P_F(exit|x)`; OP-SubTB:
//!    every sub-trajectory that ends at the sink, grouped by length with weights `λ^(k−1)`);
//!    OP-FL also orders the learned `log R̂(s)` of the intermediate states by their partial
//!    scores.
//! 4. the gradients of the networks and of `log Z` are clipped by their joint norm
//!    ([`GfnConfig::grad_clip`]) and each optimiser takes its Adam step.

use super::losses::{balance_loss, forward_looking_flow};
use super::op::order_loss;
use super::{
    Exploration, FlowTerms, GfnConfig, GfnError, GfnModel, LogZ, LossKind, ModelShape, Replay,
    RowInputs, RowTerms, Task, Trajectory, sample_trajectories,
};
use crate::checkpoint::{
    load_json, load_module, load_optimizer, problem, save_json, save_module, save_optimizer,
};
use ember_engine::Metrics;
use ember_engine::burn::module::Module;
use ember_engine::burn::optim::{GradientsParams, ModuleOptimizer};
use ember_engine::burn::tensor::{Device, Tensor, TensorData};
use ember_engine::optim::{adam, clip_coefficient, grad_norm_sq, scale_grads};
use ember_engine::runtime::RuntimeError;
use ember_envs::gfn::GfnEnv;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A trajectory of a task's environment.
pub type TrajectoryOf<T> = Trajectory<<<T as Task>::Env as GfnEnv>::State>;

/// A GFlowNet's estimators, saved and loaded as one module.
#[derive(Module, Debug)]
struct GfnNets {
    model: GfnModel,
    log_z: LogZ,
}

/// A GFlowNet (optionally order-preserving) on a [`Task`].
pub struct GflowNet<T: Task> {
    task: T,
    config: GfnConfig,
    device: Device,
    nets: GfnNets,
    opt: ModuleOptimizer,
    opt_z: ModuleOptimizer,
    replay: Replay<<T::Env as GfnEnv>::State>,
    rng: StdRng,
    seed: u64,
}

/// The replay buffer as a checkpoint keeps it (`replay.json`): each trajectory as the forward
/// actions that rebuild it from `s_0`; states and scores are recomputed when it is loaded.
#[derive(Serialize, Deserialize)]
struct SavedReplay {
    capacity: usize,
    next: usize,
    actions: Vec<Vec<usize>>,
}

impl<T: Task> GflowNet<T> {
    /// Builds the estimators on `device` (an autodiff device) with everything random seeded
    /// by `seed`. Fails with a message naming the bad hyperparameter.
    pub fn new(task: T, config: GfnConfig, device: &Device, seed: u64) -> Result<Self, GfnError> {
        config.validate().map_err(GfnError::Config)?;
        let rng = ember_engine::seed::seed_everything(device, seed);
        let env = task.env();
        let model = ModelShape {
            features: env.feature_dim(),
            actions: env.n_actions(),
            backward_actions: env.n_backward_actions(),
            hidden: config.hidden.clone(),
            learned_pb: !config.uniform_pb,
            reward_head: config.order_preserving && config.loss == LossKind::Fl,
            logit_clip: config.logit_clip as f32,
        }
        .init(device);
        Ok(Self {
            replay: Replay::new(config.replay_capacity),
            nets: GfnNets {
                log_z: LogZ::new(device),
                model,
            },
            opt: adam(config.adam_eps).init(),
            opt_z: adam(config.adam_eps).init(),
            device: device.clone(),
            rng,
            seed,
            task,
            config,
        })
    }

    /// The task.
    pub fn task(&self) -> &T {
        &self.task
    }

    /// The hyperparameters.
    pub fn config(&self) -> &GfnConfig {
        &self.config
    }

    /// The current `log Z` (meaningless for OP-TB, which never trains it).
    pub fn log_z(&self) -> f64 {
        f64::from(self.nets.log_z.value.val().into_scalar::<f32>())
    }

    /// Restarts the random streams (the device generator and the host generator behind
    /// sampling, exploration, replay draws and order-loss pairs) from the seed given to
    /// [`GflowNet::new`] and `step`; see [`ember_engine::seed::reseed`].
    pub fn reseed(&mut self, step: usize) {
        self.rng = ember_engine::seed::reseed(&self.device, self.seed, step);
    }

    fn inference_device(&self) -> Device {
        self.device.clone().without_autodiff()
    }

    /// Samples `n` trajectories with `exploration` (no gradients).
    pub fn sample(&mut self, n: usize, exploration: Exploration) -> Vec<TrajectoryOf<T>> {
        let partial = self.config.loss == LossKind::Fl;
        let model = self.nets.model.valid();
        let device = self.inference_device();
        sample_trajectories(
            &self.task,
            &model,
            &device,
            n,
            exploration,
            partial,
            &mut self.rng,
        )
    }

    /// Forward-policy probabilities (no exploration) of `states`, row-major
    /// `states × n_actions`: the input of exact evaluations.
    pub fn policy_probabilities(&self, states: &[<T::Env as GfnEnv>::State]) -> Vec<f64> {
        let env = self.task.env();
        let (n, na, d) = (states.len(), env.n_actions(), env.feature_dim());
        let device = self.inference_device();
        let x = ember_envs::gfn::encode_batch(env, states);
        let x = Tensor::<2>::from_data(TensorData::new(x, [n, d]), &device);
        let invalid: Vec<bool> = ember_envs::gfn::forward_masks(env, states)
            .into_iter()
            .map(|ok| !ok)
            .collect();
        let invalid = Tensor::from_data(TensorData::new(invalid, [n, na]), &device);
        self.nets
            .model
            .valid()
            .forward_log_probs(x, invalid, 1.0)
            .exp()
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32 probabilities")
            .into_iter()
            .map(f64::from)
            .collect()
    }

    /// L1 distance of the exact terminating distribution to the target, where the task has one.
    pub fn l1_to_target(&self) -> Option<f64> {
        self.task
            .l1_to_target(&mut |states: &[_]| self.policy_probabilities(states))
    }

    /// One training step: samples a batch with exploration (part of it from replay once the
    /// buffer holds a batch), updates the estimators, returns the metrics and the fresh
    /// trajectories.
    pub fn train_step(&mut self) -> (Metrics, Vec<TrajectoryOf<T>>) {
        let c = &self.config;
        let exploration = Exploration {
            epsilon: c.epsilon,
            temperature: c.temperature,
        };
        let from_replay = if self.replay.len() >= c.batch_size {
            ((c.batch_size as f64) * c.replay_fraction).round() as usize
        } else {
            0
        };
        let fresh = self.sample(c.batch_size - from_replay, exploration);
        let mut batch = self.replay.sample(from_replay, &mut self.rng);
        batch.extend(fresh.iter().cloned());
        self.replay.extend(&fresh);
        let (loss, metrics) = self.loss(&batch);
        let mut grads = loss.backward();
        let model_grads = GradientsParams::from_module(&mut grads, &self.nets.model);
        let z_grads = GradientsParams::from_module(&mut grads, &self.nets.log_z);
        let (model_grads, z_grads) = clip_global_norm(
            model_grads,
            z_grads,
            &self.nets.model,
            &self.nets.log_z,
            self.config.grad_clip,
        );
        self.nets.model = self
            .opt
            .step(self.config.lr, self.nets.model.clone(), model_grads);
        self.nets.log_z = self
            .opt_z
            .step(self.config.lr_logz, self.nets.log_z.clone(), z_grads);
        (metrics, fresh)
    }

    /// The training loss of `batch` and its parts as metrics.
    pub fn loss(&mut self, batch: &[TrajectoryOf<T>]) -> (Tensor<1>, Metrics) {
        let c = self.config.clone();
        let env = self.task.env();
        let inputs = RowInputs::new(env, batch);
        let (mut rows, learned_reward) = self.nets.model.row_terms(&inputs, &self.device);
        let clip = |v: f64| v.max(c.log_reward_min) as f32;
        if c.loss == LossKind::Fl {
            let energy = match &learned_reward {
                Some(r) => r.clone(),
                None => {
                    let e: Vec<f32> = batch
                        .iter()
                        .flat_map(|t| t.partial.iter().map(|s| clip(s.log_reward)))
                        .collect();
                    Tensor::from_data(TensorData::new(e, [inputs.rows()]), &self.device)
                }
            };
            rows.log_flow = forward_looking_flow(rows.log_flow, energy);
        }
        let lengths: Vec<usize> = batch.iter().map(Trajectory::n_moves).collect();
        let log_r: Vec<f32> = batch.iter().map(|t| clip(t.score.log_reward)).collect();
        let op = c.order_preserving;
        let terms = FlowTerms::new(&rows, &lengths, (!op).then_some(&log_r[..]), &self.device);
        let log_z = self.nets.log_z.value.val();
        let mut metrics = Metrics::new();
        let balance = balance_loss(c.loss, &terms, log_z.clone(), c.subtb_lambda, !op);
        let mut total = balance.clone();
        if let Some(b) = &balance {
            metrics.push("balance_loss", b.clone());
        }
        if op {
            let order = self.order_term(batch, &terms, &rows, learned_reward, log_z.clone());
            metrics.push("order_loss", order.clone());
            let weighted = if c.loss == LossKind::Tb {
                order
            } else {
                order.mul_scalar(c.op_weight as f32)
            };
            total = Some(match total {
                Some(b) => b + weighted,
                None => weighted,
            });
        }
        let mut total = total.expect("every loss has a balance or an order term");
        if c.kl_weight > 0.0
            && let Some(kl) = self.nets.model.backward_kl(&inputs, &self.device)
        {
            metrics.push("kl_pb", kl.clone());
            total = total + kl.mul_scalar(c.kl_weight as f32);
        }
        metrics.push("loss", total.clone());
        metrics.push("log_z", log_z);
        (total, metrics)
    }

    /// The order loss of an order-preserving run (see the module documentation).
    fn order_term(
        &mut self,
        batch: &[TrajectoryOf<T>],
        terms: &FlowTerms,
        rows: &RowTerms,
        learned_reward: Option<Tensor<1>>,
        log_z: Tensor<1>,
    ) -> Tensor<1> {
        let b = batch.len();
        let objectives: Vec<Vec<f64>> = batch.iter().map(|t| t.score.objectives.clone()).collect();
        let lengths = &terms.lengths;
        let terminal = match self.config.loss {
            LossKind::Tb => {
                let pred = terms.total_log_ratio() + log_z.reshape([1, 1]);
                order_loss(pred, &objectives, &vec![true; b], &[1.0], &mut self.rng)
            }
            LossKind::Db | LossKind::Fl => {
                let starts = lengths.iter().map(|&n| n as i64).collect();
                let pred = terms.predicted_log_reward(starts, 1);
                order_loss(pred, &objectives, &vec![true; b], &[1.0], &mut self.rng)
            }
            LossKind::Subtb => {
                // Column k−1 holds the sub-trajectories of k edges that end at the sink.
                let g = lengths.iter().max().map_or(1, |n| n + 1);
                let mut starts = vec![0i64; b * g];
                let mut valid = vec![false; b * g];
                for (i, &n) in lengths.iter().enumerate() {
                    for k in 1..=n + 1 {
                        starts[i * g + k - 1] = (n + 1 - k) as i64;
                        valid[i * g + k - 1] = true;
                    }
                }
                let lambda = self.config.subtb_lambda;
                let weights: Vec<f64> = (0..g).map(|k| lambda.powi(k as i32)).collect();
                let pred = terms.predicted_log_reward(starts, g);
                order_loss(pred, &objectives, &valid, &weights, &mut self.rng)
            }
        };
        match learned_reward {
            // OP-FL: the learned rewards of the intermediate states follow their partial order.
            Some(reward) => {
                let n = rows.log_flow.dims()[0];
                let mut valid = Vec::with_capacity(n);
                let mut partial: Vec<Vec<f64>> = Vec::with_capacity(n);
                for t in batch {
                    for (i, s) in t.partial.iter().enumerate() {
                        valid.push(i > 0);
                        partial.push(s.objectives.clone());
                    }
                }
                let pred = reward.reshape([n, 1]);
                terminal + order_loss(pred, &partial, &valid, &[1.0], &mut self.rng)
            }
            None => terminal,
        }
    }

    /// Writes everything training continues from into `dir`: the estimators with `log Z`
    /// (`nets.bpk`), the states of both Adam optimisers (`model.optim`, `log_z.optim`) and, when
    /// replay is on, the replay buffer (`replay.json`). The host generator is not saved: runs
    /// restart it with [`GflowNet::reseed`].
    pub fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        std::fs::create_dir_all(dir).map_err(|e| RuntimeError::io(dir, e))?;
        save_module(&self.nets, dir, "nets")?;
        save_optimizer(&self.opt, dir, "model")?;
        save_optimizer(&self.opt_z, dir, "log_z")?;
        if self.config.replay_capacity > 0 {
            let (items, next) = self.replay.slots();
            let saved = SavedReplay {
                capacity: self.config.replay_capacity,
                next,
                actions: items
                    .iter()
                    .map(|t| {
                        t.forward
                            .iter()
                            .filter_map(|a| a.first().copied())
                            .collect()
                    })
                    .collect(),
            };
            save_json(&saved, dir, "replay")?;
        }
        Ok(())
    }

    /// Restores the state written by [`GflowNet::save`] (same task and hyperparameters).
    pub fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        let nets = load_module(self.nets.clone(), dir, "nets")?;
        let opt = load_optimizer(self.opt.clone(), dir, "model")?;
        let opt_z = load_optimizer(self.opt_z.clone(), dir, "log_z")?;
        let replay = match self.config.replay_capacity {
            0 => Replay::new(0),
            capacity => {
                let saved: SavedReplay = load_json(dir, "replay")?;
                let path = dir.join("replay.json");
                if saved.capacity != capacity {
                    return Err(problem(
                        &path,
                        format!(
                            "replay capacity {} but this run has {capacity}",
                            saved.capacity
                        ),
                    ));
                }
                let items = saved
                    .actions
                    .iter()
                    .map(|actions| self.rebuild(actions))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| problem(&path, e))?;
                Replay::from_slots(capacity, items, saved.next).map_err(|e| problem(&path, e))?
            }
        };
        self.nets = nets;
        self.opt = opt;
        self.opt_z = opt_z;
        self.replay = replay;
        Ok(())
    }

    /// The trajectory taking the forward `actions` from `s_0`, scored as the sampler scores it.
    fn rebuild(&self, actions: &[usize]) -> Result<TrajectoryOf<T>, String> {
        let env = self.task.env();
        let mut states = vec![env.initial()];
        let mut forward = Vec::with_capacity(actions.len());
        let mut backward = Vec::with_capacity(actions.len());
        for &a in actions {
            let s = states.last().expect("a trajectory starts at s_0");
            let next = env
                .step(s, a)
                .map_err(|e| format!("a replayed trajectory cannot take action {a}: {e}"))?;
            forward.push(env.forward_actions_between(s, &next));
            backward.push(env.backward_actions_between(&next, s));
            states.push(next);
        }
        let partial = match self.config.loss {
            LossKind::Fl => states.iter().map(|s| self.task.score_partial(s)).collect(),
            _ => Vec::new(),
        };
        let x = states.last().expect("a trajectory starts at s_0");
        Ok(Trajectory {
            score: self.task.score(x),
            states,
            forward,
            backward,
            partial,
        })
    }
}

/// Clips the networks' and `log Z`'s gradients to a joint Euclidean norm of at most `max_norm`
/// (both scaled by one factor, see [`GfnConfig::grad_clip`]); `max_norm = 0` leaves them as
/// they are. The two are clipped together although two optimisers step them.
fn clip_global_norm<A: Module, B: Module>(
    a_grads: GradientsParams,
    b_grads: GradientsParams,
    a: &A,
    b: &B,
    max_norm: f64,
) -> (GradientsParams, GradientsParams) {
    if max_norm <= 0.0 {
        return (a_grads, b_grads);
    }
    let norm_sq = match (grad_norm_sq(&a_grads, a), grad_norm_sq(&b_grads, b)) {
        (Some(x), Some(y)) => x + y,
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => return (a_grads, b_grads),
    };
    let factor = clip_coefficient(norm_sq, max_norm as f32);
    (
        scale_grads(a_grads, a, factor.clone()),
        scale_grads(b_grads, b, factor),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_engine::burn::module::Param;

    #[derive(Module, Debug)]
    struct Weights {
        w: Param<Tensor<1>>,
    }

    fn value(grads: &GradientsParams, p: &Param<Tensor<1>>) -> Vec<f32> {
        grads
            .get::<1>(p.id)
            .unwrap()
            .into_data()
            .try_to_vec::<f32>()
            .unwrap()
    }

    /// `kl_weight` adds `kl_weight × KL(U ‖ P_B)` to the loss and logs the KL (positive for a
    /// randomly initialised learned `P_B`); without it there is no KL term.
    #[test]
    fn kl_weight_adds_the_backward_kl_to_the_loss() {
        use ember_envs::gfn::{HyperGrid, HyperGridReward};
        let device = Device::flex().autodiff();
        let task = || HyperGrid::new(2, 6, HyperGridReward::with_r0(0.1)).unwrap();
        let config = |kl_weight| GfnConfig {
            hidden: vec![16],
            kl_weight,
            ..GfnConfig::default()
        };
        let mut plain = GflowNet::new(task(), config(0.0), &device, 7).unwrap();
        let mut with_kl = GflowNet::new(task(), config(0.5), &device, 7).unwrap();
        let batch = plain.sample(16, Exploration::ON_POLICY);
        let (_, m) = plain.loss(&batch);
        let m = m.read();
        assert!(!m.contains_key("kl_pb"));
        assert!((m["loss"] - m["balance_loss"]).abs() < 1e-6, "{m:?}");
        let (_, m) = with_kl.loss(&batch);
        let m = m.read();
        let kl = m["kl_pb"];
        assert!(kl > 1e-4, "{kl}");
        let want = m["balance_loss"] + 0.5 * kl;
        assert!((m["loss"] - want).abs() < 1e-4, "{m:?}");
    }

    /// The networks' gradient has norm 3 and `log Z`'s norm 4, each under the limit 4.5; their
    /// joint norm 5 is not, so both are scaled by 4.5 / 5 = 0.9. Per-tensor clipping (burn's
    /// `GradientClipping`, what the trainer used before) would leave both unchanged.
    #[test]
    fn networks_and_log_z_are_clipped_by_their_joint_norm() {
        let device = Device::flex();
        let net = Weights {
            w: Param::from_tensor(Tensor::zeros([2], &device)),
        };
        let log_z = LogZ::new(&device);
        let grads = |id, g: Vec<f32>| {
            let mut grads = GradientsParams::new();
            let n = g.len();
            grads.register::<1>(id, Tensor::from_data(TensorData::new(g, [n]), &device));
            grads
        };
        let (net_grads, z_grads) = clip_global_norm(
            grads(net.w.id, vec![3.0, 0.0]),
            grads(log_z.value.id, vec![4.0]),
            &net,
            &log_z,
            4.5,
        );
        let (w, z) = (value(&net_grads, &net.w), value(&z_grads, &log_z.value));
        assert!(
            (w[0] - 2.7).abs() < 1e-5 && w[1] == 0.0 && (z[0] - 3.6).abs() < 1e-5,
            "{w:?} {z:?}"
        );
        let (net_grads, _) = clip_global_norm(
            grads(net.w.id, vec![3.0, 0.0]),
            grads(log_z.value.id, vec![4.0]),
            &net,
            &log_z,
            0.0,
        );
        assert_eq!(value(&net_grads, &net.w), [3.0, 0.0]);
    }
}
