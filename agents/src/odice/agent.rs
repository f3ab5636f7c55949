//! The O-DICE agent: (twin) value net with an EMA target, Gaussian policy, one update in the
//! order of the official code.

use super::{GradientMode, OdiceConfig};
use crate::agent::{OfflineAgent, Policy, Spec};
use crate::checkpoint::{load_module, load_optimizer, save_module, save_optimizer};
use ember_engine::burn::module::Module;
use ember_engine::burn::optim::{GradientsParams, ModuleOptimizer};
use ember_engine::burn::tensor::{Device, Tensor};
use ember_engine::nn::{GaussianPolicy, GaussianPolicyConfig, Mlp, MlpConfig};
use ember_engine::optim::{FlatGrads, adam, soft_update, target_copy};
use ember_engine::runtime::RuntimeError;
use ember_engine::{Batch, Metrics};
use std::path::Path;

/// O-DICE's networks, saved and loaded as one module.
#[derive(Module, Debug)]
struct OdiceNets {
    value: Vec<Mlp>,
    target_value: Vec<Mlp>,
    policy: GaussianPolicy,
}

/// O-DICE: value heads V(s) trained on the f-divergence dual, policy by weighted BC.
pub struct Odice {
    config: OdiceConfig,
    spec: Spec,
    device: Device,
    nets: OdiceNets,
    value_opt: ModuleOptimizer,
    policy_opt: ModuleOptimizer,
}

/// Every head's value, `[batch, heads]`.
fn heads(value: &[Mlp], obs: Tensor<2>) -> Tensor<2> {
    Tensor::cat(
        value.iter().map(|head| head.forward(obs.clone())).collect(),
        1,
    )
}

impl Odice {
    /// Builds the networks on `device` (an autodiff device for training).
    pub fn new(config: OdiceConfig, spec: Spec, device: &Device) -> Self {
        let value_config = MlpConfig::layers(spec.obs_dim, &config.value_hidden, 1)
            .with_layer_norm(config.layer_norm);
        let value: Vec<Mlp> = (0..if config.twin_v { 2 } else { 1 })
            .map(|_| value_config.init(device))
            .collect();
        let policy = GaussianPolicyConfig {
            mlp: MlpConfig::layers(spec.obs_dim, &config.policy_hidden, spec.act_dim),
            tanh_mean: config.tanh_mean,
            log_std_min: -5.0,
            log_std_max: 2.0,
        }
        .init(device);
        let policy_opt = adam(config.adam_eps)
            .with_weight_decay(config.policy_weight_decay)
            .init();
        Self {
            nets: OdiceNets {
                target_value: target_copy(&value),
                value,
                policy,
            },
            value_opt: adam(config.adam_eps).init(),
            policy_opt,
            device: device.clone(),
            config,
            spec,
        }
    }

    /// The hyperparameters.
    pub fn config(&self) -> &OdiceConfig {
        &self.config
    }

    /// The online V(s) and the residual the value loss differentiates, both still in the
    /// autodiff graph: `r + γ min V̄(s') − V(s)` (target at s') for the semi and orthogonal
    /// modes, `r + γ V(s') − V(s)` (online at both ends) for true. As in the official code the
    /// policy is weighted by this same residual, detached.
    fn value_residual(&self, batch: &Batch) -> (Tensor<2>, Tensor<2>) {
        let c = &self.config;
        let discount = batch.masks.clone().mul_scalar(c.gamma);
        let v_s = heads(&self.nets.value, batch.observations.clone());
        let next = match c.mode {
            GradientMode::True => heads(&self.nets.value, batch.next_observations.clone()),
            GradientMode::Semi | GradientMode::Orthogonal => {
                heads(&self.nets.target_value, batch.next_observations.clone())
                    .min_dim(1)
                    .detach()
            }
        };
        let delta = batch.rewards.clone() + discount * next - v_s.clone();
        (v_s, delta)
    }
}

/// One gradient of the value loss per the configured mode, from [`Odice::value_residual`]'s
/// `v_s` and `delta` (whose graph it consumes).
fn value_gradient(
    c: &OdiceConfig,
    nets: (&Vec<Mlp>, &Vec<Mlp>),
    device: &Device,
    batch: &Batch,
    v_s: Tensor<2>,
    delta: Tensor<2>,
) -> GradientsParams {
    let (value, target_value) = nets;
    let grads_of = |loss: Tensor<1>| GradientsParams::from_grads(loss.backward(), value);
    match c.mode {
        GradientMode::Semi | GradientMode::True => grads_of(
            v_s.mean().mul_scalar(1.0 - c.lambda) + c.f.f_star(delta).mean().mul_scalar(c.lambda),
        ),
        GradientMode::Orthogonal => {
            // Three graphs, as burn's backward consumes its graph: the dual's forward part
            // (through V(s)), its backward part (through V(s')) and the linear term.
            let (obs, next) = (batch.observations.clone(), batch.next_observations.clone());
            let discount = batch.masks.clone().mul_scalar(c.gamma);
            let target_s = heads(target_value, obs.clone()).min_dim(1).detach();
            let flat = |grads: GradientsParams| FlatGrads::new(&grads, value);
            let g_f = flat(grads_of(c.f.f_star(delta).mean().mul_scalar(c.lambda)));
            let v_next = heads(value, next);
            let delta_b = batch.rewards.clone() + discount * v_next - target_s;
            let g_b = flat(grads_of(
                c.f.f_star(delta_b).mean().mul_scalar(c.lambda * c.eta),
            ));
            let v_s_again = heads(value, obs);
            let g_v = flat(grads_of(v_s_again.mean().mul_scalar(1.0 - c.lambda)));
            let one = Tensor::<1>::ones([1], device);
            g_v.axpy(one.clone(), &g_f)
                .axpy(one, &g_b.orthogonal_to(&g_f))
                .into_params(value)
        }
    }
}

impl OfflineAgent for Odice {
    fn update(&mut self, batch: &Batch, _step: usize) -> Metrics {
        let (v_s, delta) = self.value_residual(batch);
        let residual = delta.clone().detach();
        let Self {
            config: c,
            device,
            nets,
            value_opt,
            policy_opt,
            ..
        } = self;
        let OdiceNets {
            value,
            target_value,
            policy,
        } = nets;
        // The value step and the policy step touch disjoint networks and the policy's weights
        // come from the residual above, so they run side by side (rayon's pool, usually one core
        // each): the same arithmetic as one after the other, as the official code orders them.
        let value_step = || {
            let grads = value_gradient(c, (value, target_value), device, batch, v_s.clone(), delta);
            *value = value_opt.step(c.value_lr, value.clone(), grads);
            *target_value = soft_update(target_value.clone(), value, c.tau);
        };
        let policy_step = || {
            // Weighted behaviour cloning; with twin V the two heads' weights are averaged.
            let weights = c.f.policy_weight(residual.clone()).mean_dim(1);
            let log_prob = policy.log_prob(batch.observations.clone(), batch.actions.clone());
            let loss = (weights.clone() * log_prob).mean().neg();
            let grads = GradientsParams::from_grads(loss.backward(), &*policy);
            *policy = policy_opt.step(c.policy_lr, policy.clone(), grads);
            (loss, weights)
        };
        let ((), (policy_loss, weights)) = rayon::join(value_step, policy_step);

        let mut metrics = Metrics::new();
        metrics.push("policy_loss", policy_loss);
        metrics.push("v", v_s);
        metrics.push("residual", residual);
        metrics.push("weight", weights);
        metrics
    }

    fn batch_size(&self) -> usize {
        self.config.batch_size
    }

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        save_module(&self.nets, dir, "nets")?;
        save_optimizer(&self.value_opt, dir, "value")?;
        save_optimizer(&self.policy_opt, dir, "policy")
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        self.nets = load_module(self.nets.clone(), dir, "nets")?;
        self.value_opt = load_optimizer(self.value_opt.clone(), dir, "value")?;
        self.policy_opt = load_optimizer(self.policy_opt.clone(), dir, "policy")?;
        Ok(())
    }
}

impl Policy for Odice {
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        self.spec.act(observations, &self.device, |obs| {
            self.nets.policy.valid().act(obs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::ActionBounds;
    use ember_datasets::StateNormalizer;
    use ember_engine::burn::tensor::TensorData;

    const OBS: usize = 3;
    const B: usize = 8;

    fn batch(device: &Device) -> Batch {
        let m = |n: usize, w: usize, salt: f32| {
            let v = (0..n * w).map(|i| (i as f32 * 0.71 + salt).sin()).collect();
            Tensor::<2>::from_data(TensorData::new(v, [n, w]), device)
        };
        Batch {
            observations: m(B, OBS, 0.1),
            actions: m(B, 1, 0.2),
            rewards: m(B, 1, 0.3),
            next_observations: m(B, OBS, 0.4),
            masks: Tensor::ones([B, 1], device),
        }
    }

    /// With eta = 0 the orthogonal mode takes exactly the semi-gradient step.
    #[test]
    fn orthogonal_with_zero_eta_is_semi_gradient() {
        let device = Device::flex().autodiff();
        let spec = Spec {
            obs_dim: OBS,
            act_dim: 1,
            normalizer: StateNormalizer::identity(OBS),
            action_space: ActionBounds::unit(1).into(),
        };
        let config = |mode| OdiceConfig {
            value_hidden: vec![16, 16],
            policy_hidden: vec![16],
            mode,
            eta: 0.0,
            ..OdiceConfig::default()
        };
        let weights = tempfile::tempdir().unwrap();
        let mut semi = Odice::new(config(GradientMode::Semi), spec.clone(), &device);
        semi.save(weights.path()).unwrap();
        let mut orthogonal = Odice::new(config(GradientMode::Orthogonal), spec, &device);
        orthogonal.load(weights.path()).unwrap();
        semi.update(&batch(&device), 0);
        orthogonal.update(&batch(&device), 0);
        let probe = batch(&device).next_observations;
        let diff = (heads(&semi.nets.value, probe.clone()) - heads(&orthogonal.nets.value, probe))
            .abs()
            .max()
            .into_scalar::<f32>();
        assert!(diff < 1e-6, "value nets differ by {diff}");
    }

    /// The true-gradient mode weights the policy by the residual of its own loss, online V at
    /// both ends (`true_g_update`'s `pi_residual`), not by the target-at-s' residual.
    #[test]
    fn true_gradient_policy_residual_is_online() {
        let device = Device::flex().autodiff();
        let spec = Spec {
            obs_dim: OBS,
            act_dim: 1,
            normalizer: StateNormalizer::identity(OBS),
            action_space: ActionBounds::unit(1).into(),
        };
        let config = OdiceConfig {
            value_hidden: vec![16, 16],
            policy_hidden: vec![16],
            mode: GradientMode::True,
            ..OdiceConfig::default()
        };
        let mut agent = Odice::new(config.clone(), spec, &device);
        // A target unlike the online heads, as after many steps.
        let fresh: Vec<Mlp> = (0..2)
            .map(|_| {
                MlpConfig::layers(OBS, &config.value_hidden, 1)
                    .with_layer_norm(config.layer_norm)
                    .init(&device)
            })
            .collect();
        agent.nets.target_value = target_copy(&fresh);
        let b = batch(&device);
        let (_, residual) = agent.value_residual(&b);
        let discount = b.masks.clone().mul_scalar(config.gamma);
        let value = |nets: &[Mlp], obs: Tensor<2>| heads(nets, obs).detach();
        let online = b.rewards.clone()
            + discount.clone() * value(&agent.nets.value, b.next_observations.clone())
            - value(&agent.nets.value, b.observations.clone());
        let with_target = b.rewards.clone()
            + discount * value(&agent.nets.target_value, b.next_observations.clone()).min_dim(1)
            - value(&agent.nets.value, b.observations.clone());
        let gap = |x: Tensor<2>, y: Tensor<2>| (x - y).abs().max().into_scalar::<f32>();
        assert!(
            gap(with_target, online.clone()) > 1e-3,
            "the test needs target and online values apart"
        );
        let diff = gap(residual, online);
        assert!(
            diff < 1e-6,
            "policy residual is {diff} from the online residual"
        );
    }
}
