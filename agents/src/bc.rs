//! Behaviour cloning: a Gaussian policy fitted to the dataset's actions by maximum likelihood,
//! the baseline every offline method must beat (as in CORL's `any_percent_bc.py` and D4RL's
//! BC rows; no paper of its own).

use crate::agent::ActionKind;
use crate::agent::{OfflineAgent, Policy, Spec};
use crate::checkpoint::{load_module, load_optimizer, save_module, save_optimizer};
use crate::method::{BuildContext, DataPrep, OfflineAlgo, common_problems, verdict};
use ember_datasets::RewardScaling;
use ember_engine::burn::module::Module;
use ember_engine::burn::optim::{GradientsParams, ModuleOptimizer};
use ember_engine::burn::tensor::Device;
use ember_engine::nn::{GaussianPolicy, GaussianPolicyConfig, MlpConfig};
use ember_engine::optim::{ADAM_EPS, adam};
use ember_engine::runtime::RuntimeError;
use ember_engine::{Batch, Metrics};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Behaviour-cloning hyperparameters.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BcConfig {
    /// Hidden widths of the policy.
    pub hidden: Vec<usize>,
    /// Adam learning rate.
    pub lr: f64,
    /// Adam epsilon (PyTorch/optax and the reference code: 1e-8; burn's
    /// `AdamConfig::new()` would use 1e-5).
    pub adam_eps: f64,
    /// Minibatch size.
    pub batch_size: usize,
    /// Squash the policy mean with tanh.
    pub tanh_mean: bool,
    /// Standardise states with the dataset statistics.
    pub normalize_states: bool,
}

impl Default for BcConfig {
    fn default() -> Self {
        Self {
            hidden: vec![256, 256],
            lr: 3e-4,
            adam_eps: ADAM_EPS,
            batch_size: 256,
            tanh_mean: true,
            normalize_states: false,
        }
    }
}

impl OfflineAlgo for BcConfig {
    const NAME: &'static str = "bc";
    const ACTIONS: &'static [ActionKind] = &[ActionKind::Box];

    /// BC has no discount or target: only the widths, the batch and `adam_eps` are checked.
    fn validate(&self) -> Result<(), String> {
        verdict(common_problems(
            &self.hidden,
            0.0,
            1.0,
            self.batch_size,
            self.adam_eps,
        ))
    }

    /// BC ignores rewards.
    fn data_prep(&self) -> DataPrep {
        DataPrep {
            normalize_states: self.normalize_states,
            reward_scaling: RewardScaling::None,
            action_clip_eps: 0.0,
        }
    }

    fn build(&self, ctx: &BuildContext<'_>) -> Result<Box<dyn OfflineAgent>, RuntimeError> {
        Ok(Box::new(Bc::new(
            self.clone(),
            ctx.spec.clone(),
            ctx.device,
        )))
    }
}

/// BC's network, saved and loaded as one module like every agent's.
#[derive(Module, Debug)]
struct BcNets {
    policy: GaussianPolicy,
}

/// A behaviour-cloning agent.
pub struct Bc {
    config: BcConfig,
    spec: Spec,
    device: Device,
    nets: BcNets,
    opt: ModuleOptimizer,
}

impl Bc {
    /// Builds the policy on `device` (an autodiff device for training).
    pub fn new(config: BcConfig, spec: Spec, device: &Device) -> Self {
        let policy = GaussianPolicyConfig {
            mlp: MlpConfig::layers(spec.obs_dim, &config.hidden, spec.act_dim),
            tanh_mean: config.tanh_mean,
            log_std_min: -5.0,
            log_std_max: 2.0,
        }
        .init(device);
        Self {
            nets: BcNets { policy },
            opt: adam(config.adam_eps).init(),
            device: device.clone(),
            config,
            spec,
        }
    }
}

impl OfflineAgent for Bc {
    fn update(&mut self, batch: &Batch, _step: usize) -> Metrics {
        let loss = self
            .nets
            .policy
            .log_prob(batch.observations.clone(), batch.actions.clone())
            .mean()
            .neg();
        let grads = GradientsParams::from_grads(loss.backward(), &self.nets.policy);
        self.nets.policy = self
            .opt
            .step(self.config.lr, self.nets.policy.clone(), grads);
        let mut metrics = Metrics::new();
        metrics.push("bc_loss", loss);
        metrics
    }

    fn batch_size(&self) -> usize {
        self.config.batch_size
    }

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        save_module(&self.nets, dir, "nets")?;
        save_optimizer(&self.opt, dir, "policy")
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        self.nets = load_module(self.nets.clone(), dir, "nets")?;
        self.opt = load_optimizer(self.opt.clone(), dir, "policy")?;
        Ok(())
    }
}

impl Policy for Bc {
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        self.spec.act(observations, &self.device, |obs| {
            self.nets.policy.valid().act(obs)
        })
    }
}
