//! [`SubpoLearner`]: the categorical policy, batched rollouts through the marginal-gain
//! wrapper, the REINFORCE update, and what a checkpoint holds.

use super::{SubpoConfig, TabularSoftmax, credits};
use crate::checkpoint::{
    load_json, load_module, load_optimizer, problem, save_json, save_module, save_optimizer,
};
use ember_engine::Metrics;
use ember_engine::burn::module::Module;
use ember_engine::burn::optim::{GradientsParams, ModuleOptimizer};
use ember_engine::burn::tensor::{Device, Int, Tensor, TensorData, activation};
use ember_engine::nn::{Activation, Mlp, MlpConfig};
use ember_engine::optim::adam;
use ember_engine::runtime::{Learner, RuntimeError};
use ember_envs::submodular::{N_GRID_ACTIONS, SubrlSetup, VisitedElement};
use ember_envs::{Env, EnvError};
use rand::Rng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A batch of trajectories and what the update needs of it.
pub struct Rollout {
    /// Policy inputs, time-major rows `t · B + b` of width [`Rollout::dim`] (empty when not
    /// kept).
    pub inputs: Vec<f32>,
    /// Input width.
    pub dim: usize,
    /// Actions, time-major.
    pub actions: Vec<i64>,
    /// `rewards[b][t]`: the reward of action `t` (marginal gain, or modular for MRL).
    pub rewards: Vec<Vec<f64>>,
    /// `F({s_0})`.
    pub first: f64,
    /// `F(τ)` of each trajectory (the true submodular value, for every method).
    pub values: Vec<f64>,
    /// The cells each trajectory visits.
    pub paths: Vec<Vec<usize>>,
}

/// Statistics of normalised `F(τ) / MAX_Ret` over a batch.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FStats {
    /// Mean.
    pub mean: f64,
    /// Largest.
    pub max: f64,
    /// Median.
    pub median: f64,
    /// Smallest.
    pub min: f64,
    /// Mean of the raw `F(τ)`.
    pub raw_mean: f64,
}

impl FStats {
    /// The statistics of `values`, normalised by `scale`.
    pub fn of(values: &[f64], scale: f64) -> Self {
        let mut v: Vec<f64> = values.iter().map(|x| x / scale).collect();
        v.sort_by(f64::total_cmp);
        let n = v.len().max(1);
        let median = match v.len() {
            0 => 0.0,
            len if len % 2 == 1 => v[len / 2],
            len => 0.5 * (v[len / 2 - 1] + v[len / 2]),
        };
        Self {
            mean: v.iter().sum::<f64>() / n as f64,
            max: v.last().copied().unwrap_or(0.0),
            median,
            min: v.first().copied().unwrap_or(0.0),
            raw_mean: values.iter().sum::<f64>() / n as f64,
        }
    }
}

/// The policy and how it learns.
enum Policy {
    /// A tanh MLP of the policy input, trained by REINFORCE with Adam.
    Net {
        /// Logits of the 5 moves.
        mlp: Mlp,
        /// Adam.
        opt: ModuleOptimizer,
    },
    /// A tabular softmax over `(cell, t)`, trained by natural policy gradient of step `eta`.
    Table {
        /// The logits.
        table: TabularSoftmax,
        /// NPG step size.
        eta: f64,
    },
}

/// SubPO (or MRL) on one task: the policy `π(a | x)`, a softmax over the 5 grid moves from an
/// MLP (tanh) of the policy input trained by REINFORCE on batches of whole trajectories, or
/// (with [`SubpoConfig::npg_step`]) a tabular softmax over `(cell, t)` trained by natural
/// policy gradient.
pub struct SubpoLearner {
    setup: SubrlSetup,
    config: SubpoConfig,
    device: Device,
    policy: Policy,
    rng: StdRng,
    seed: u64,
}

impl SubpoLearner {
    /// A fresh policy for `setup` on `device` (an autodiff device), everything random seeded
    /// by `seed`.
    pub fn new(
        setup: SubrlSetup,
        config: SubpoConfig,
        device: &Device,
        seed: u64,
    ) -> Result<Self, crate::Error> {
        config.validate().map_err(crate::Error::Invalid)?;
        let rng = ember_engine::seed::seed_everything(device, seed);
        let dim = setup
            .env(config.method.modular(), config.method.bitmap())?
            .observation_space()
            .dim();
        let policy = match config.npg_step {
            Some(eta) => Policy::Table {
                table: TabularSoftmax::new(setup.grid.n_cells(), setup.horizon - 1),
                eta,
            },
            None => {
                let mut mlp = MlpConfig::layers(dim, &config.hidden, N_GRID_ACTIONS);
                mlp.activation = Activation::Tanh;
                Policy::Net {
                    mlp: mlp.init(device),
                    opt: adam(config.adam_eps).init(),
                }
            }
        };
        Ok(Self {
            policy,
            device: device.clone(),
            rng,
            seed,
            setup,
            config,
        })
    }

    /// The task.
    pub fn setup(&self) -> &SubrlSetup {
        &self.setup
    }

    /// The hyperparameters.
    pub fn config(&self) -> &SubpoConfig {
        &self.config
    }

    /// Rolls out `n` trajectories with the current policy (sampled, or the most likely action
    /// with `greedy`), keeping the policy inputs when `keep_inputs`.
    pub fn rollout(
        &mut self,
        n: usize,
        greedy: bool,
        keep_inputs: bool,
    ) -> Result<Rollout, EnvError> {
        if n == 0 {
            return Err(EnvError::InvalidArgument(
                "a rollout needs at least one trajectory".into(),
            ));
        }
        let method = self.config.method;
        let mut envs = (0..n)
            .map(|_| self.setup.env(method.modular(), method.bitmap()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut obs: Vec<Vec<f32>> = envs.iter_mut().map(|e| e.reset(None).0).collect();
        let dim = obs[0].len();
        let steps = self.setup.horizon - 1;
        let device = self.device.clone().without_autodiff();
        let mut rollout = Rollout {
            inputs: Vec::with_capacity(if keep_inputs { steps * n * dim } else { 0 }),
            dim,
            actions: Vec::with_capacity(steps * n),
            rewards: vec![Vec::with_capacity(steps); n],
            first: envs[0].value(),
            values: Vec::new(),
            paths: Vec::new(),
        };
        for t in 0..steps {
            let probs: Vec<f32> = match &self.policy {
                Policy::Net { mlp, .. } => {
                    let flat: Vec<f32> = obs.concat();
                    let x =
                        Tensor::<2>::from_data(TensorData::new(flat.clone(), [n, dim]), &device);
                    if keep_inputs {
                        rollout.inputs.extend_from_slice(&flat);
                    }
                    activation::softmax(mlp.valid().forward(x), 1)
                        .into_data()
                        .try_to_vec::<f32>()
                        .expect("f32 probabilities")
                }
                Policy::Table { table, .. } => envs
                    .iter()
                    .flat_map(|e| table.probs(e.inner().element(), t))
                    .collect(),
            };
            for (b, env) in envs.iter_mut().enumerate() {
                let p = &probs[b * N_GRID_ACTIONS..(b + 1) * N_GRID_ACTIONS];
                let a = if greedy {
                    argmax(p)
                } else {
                    sample(p, &mut self.rng)
                };
                let step = env.step(&[a as f32])?;
                rollout.actions.push(a as i64);
                rollout.rewards[b].push(step.reward);
                obs[b] = step.obs;
            }
        }
        rollout.values = envs.iter().map(|e| e.value()).collect();
        rollout.paths = envs.iter().map(|e| e.trajectory().to_vec()).collect();
        Ok(rollout)
    }

    /// The credit of each action of `rollout`, time-major.
    fn credits(&self, rollout: &Rollout) -> Vec<f32> {
        let c = &self.config;
        credits(
            &rollout.rewards,
            rollout.first,
            c.credit,
            c.baseline,
            self.setup.max_return,
        )
    }

    /// Statistics of normalised `F` over `rollout`.
    pub fn stats(&self, rollout: &Rollout) -> FStats {
        FStats::of(&rollout.values, self.setup.max_return)
    }

    fn scalar(&self, v: f64) -> Tensor<1> {
        Tensor::from_data(TensorData::new(vec![v as f32], [1]), &self.device)
    }
}

/// The policy-gradient loss of `rollout` for the network `mlp` with credits `w` at epoch
/// `epoch` (the entropy bonus decays as `c / (epoch + 1)`), with its parts as metrics.
fn policy_loss(
    mlp: &Mlp,
    rollout: &Rollout,
    w: Vec<f32>,
    c: &SubpoConfig,
    d: &Device,
    epoch: usize,
) -> (Tensor<1>, Metrics) {
    let rows = rollout.actions.len();
    let x = Tensor::<2>::from_data(
        TensorData::new(rollout.inputs.clone(), [rows, rollout.dim]),
        d,
    );
    let log_p = activation::log_softmax(mlp.forward(x), 1);
    let idx = Tensor::<2, Int>::from_data(TensorData::new(rollout.actions.clone(), [rows, 1]), d);
    let chosen = log_p.clone().gather(1, idx).reshape([rows]);
    let w = Tensor::<1>::from_data(TensorData::new(w, [rows]), d);
    let pg = (chosen * w).mean().neg();
    let entropy = (log_p.clone().exp() * log_p).sum_dim(1).mean().neg();
    let coef = (c.entropy_coef / (epoch as f64 + 1.0)) as f32;
    let loss = pg.clone() - entropy.clone().mul_scalar(coef);
    let mut metrics = Metrics::new();
    metrics.push("loss", loss.clone());
    metrics.push("pg_loss", pg);
    metrics.push("entropy", entropy);
    (loss, metrics)
}

fn argmax(p: &[f32]) -> usize {
    (0..p.len()).fold(0, |best, i| if p[i] > p[best] { i } else { best })
}

fn sample(p: &[f32], rng: &mut StdRng) -> usize {
    let u: f32 = rng.random::<f32>() * p.iter().sum::<f32>();
    let mut acc = 0.0;
    for (i, &pi) in p.iter().enumerate() {
        acc += pi;
        if u < acc {
            return i;
        }
    }
    p.len() - 1
}

impl Learner for SubpoLearner {
    /// One epoch: `batch` trajectories, one Adam step; the metrics are the loss, the policy
    /// entropy and the batch's normalised `F` (`f_mean`, `f_max`, `f_median`, `f_min`) and raw
    /// mean `f_raw`.
    fn train_step(&mut self, step: usize) -> Result<Metrics, RuntimeError> {
        let net = matches!(self.policy, Policy::Net { .. });
        let rollout =
            self.rollout(self.config.batch, false, net)
                .map_err(|e| RuntimeError::Step {
                    step,
                    message: e.to_string(),
                })?;
        let w = self.credits(&rollout);
        let mut metrics = Metrics::new();
        match &mut self.policy {
            Policy::Net { mlp, opt } => {
                let (loss, loss_metrics) =
                    policy_loss(mlp, &rollout, w, &self.config, &self.device, step);
                metrics = loss_metrics;
                let grads = GradientsParams::from_grads(loss.backward(), mlp);
                *mlp = opt.step(self.config.lr, mlp.clone(), grads);
            }
            Policy::Table { table, eta } => {
                let steps = self.setup.horizon - 1;
                let cells: Vec<usize> = (0..steps)
                    .flat_map(|t| rollout.paths.iter().map(move |p| p[t]))
                    .collect();
                table.npg_step(&cells, &rollout.actions, &w, self.config.batch, *eta);
            }
        }
        let s = self.stats(&rollout);
        for (name, v) in [
            ("f_mean", s.mean),
            ("f_max", s.max),
            ("f_median", s.median),
            ("f_min", s.min),
            ("f_raw", s.raw_mean),
        ] {
            metrics.push(name, self.scalar(v));
        }
        Ok(metrics)
    }

    fn reseed(&mut self, step: usize) {
        self.rng = ember_engine::seed::reseed(&self.device, self.seed, step);
    }

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        std::fs::create_dir_all(dir).map_err(|e| RuntimeError::io(dir, e))?;
        match &self.policy {
            Policy::Net { mlp, opt } => {
                save_module(mlp, dir, "policy")?;
                save_optimizer(opt, dir, "policy")
            }
            Policy::Table { table, .. } => save_json(table, dir, "table"),
        }
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        match &mut self.policy {
            Policy::Net { mlp, opt } => {
                let loaded = load_module(mlp.clone(), dir, "policy")?;
                *opt = load_optimizer(opt.clone(), dir, "policy")?;
                *mlp = loaded;
            }
            Policy::Table { table, .. } => {
                let loaded: TabularSoftmax = load_json(dir, "table")?;
                if !loaded.fits(self.setup.grid.n_cells(), self.setup.horizon - 1) {
                    let path = dir.join("table.json");
                    return Err(problem(
                        &path,
                        "the table does not match this task's grid and horizon",
                    ));
                }
                *table = loaded;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_statistics() {
        let s = FStats::of(&[4.0, 1.0, 3.0, 2.0], 2.0);
        assert_eq!(
            (s.mean, s.max, s.median, s.min, s.raw_mean),
            (1.25, 2.0, 1.25, 0.5, 2.5)
        );
        assert_eq!(FStats::of(&[3.0, 1.0, 2.0], 1.0).median, 2.0);
    }

    #[test]
    fn sampling_follows_the_probabilities() {
        let mut rng = rand::SeedableRng::seed_from_u64(1);
        let p = [0.1, 0.0, 0.6, 0.3, 0.0];
        let mut counts = [0usize; 5];
        for _ in 0..10_000 {
            counts[sample(&p, &mut rng)] += 1;
        }
        assert_eq!((counts[1], counts[4]), (0, 0));
        assert!(
            (counts[2] as f64 / 10_000.0 - 0.6).abs() < 0.03,
            "{counts:?}"
        );
        assert_eq!(argmax(&p), 2);
    }
}
