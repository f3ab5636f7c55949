//! Policy heads: a diagonal Gaussian with a state-independent log-std (IQL, O-DICE) and a
//! deterministic tanh policy (TD3+BC).

use super::{Mlp, MlpConfig};
use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor, activation};
use serde::{Deserialize, Serialize};

/// Options of a [`GaussianPolicy`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GaussianPolicyConfig {
    /// Trunk and mean head: `[obs_dim, hidden.., act_dim]`.
    pub mlp: MlpConfig,
    /// Squash the mean with tanh (the distribution itself is not squashed).
    pub tanh_mean: bool,
    /// Clip range of the log standard deviation.
    pub log_std_min: f32,
    /// Clip range of the log standard deviation.
    pub log_std_max: f32,
}

/// Diagonal Gaussian policy: mean from an MLP, log-std a learned vector shared by all states.
#[derive(Module, Debug)]
pub struct GaussianPolicy {
    mean: Mlp,
    log_std: Param<Tensor<1>>,
    #[module(skip)]
    tanh_mean: bool,
    #[module(skip)]
    log_std_range: (f32, f32),
}

impl GaussianPolicyConfig {
    /// Builds the policy with log-std initialised to 0.
    pub fn init(&self, device: &Device) -> GaussianPolicy {
        let act_dim = *self.mlp.sizes.last().expect("policy sizes");
        GaussianPolicy {
            mean: self.mlp.init(device),
            log_std: Param::from_tensor(Tensor::zeros([act_dim], device)),
            tanh_mean: self.tanh_mean,
            log_std_range: (self.log_std_min, self.log_std_max),
        }
    }
}

impl GaussianPolicy {
    /// The mean action, `[batch, act_dim]`.
    pub fn mean(&self, obs: Tensor<2>) -> Tensor<2> {
        let mean = self.mean.forward(obs);
        if self.tanh_mean {
            activation::tanh(mean)
        } else {
            mean
        }
    }

    /// log pi(a|s) summed over action dimensions, `[batch, 1]`.
    pub fn log_prob(&self, obs: Tensor<2>, actions: Tensor<2>) -> Tensor<2> {
        let mean = self.mean(obs);
        let (lo, hi) = self.log_std_range;
        let log_std = self.log_std.val().clamp(lo, hi).unsqueeze::<2>();
        let z = (actions - mean) * log_std.clone().neg().exp();
        let per_dim =
            z.square().mul_scalar(-0.5) - log_std - 0.5 * (2.0 * std::f32::consts::PI).ln();
        per_dim.sum_dim(1)
    }

    /// The deterministic evaluation action: the mean clipped to [-1, 1].
    pub fn act(&self, obs: Tensor<2>) -> Tensor<2> {
        self.mean(obs).clamp(-1.0, 1.0)
    }
}

/// Deterministic policy `max_action * tanh(mlp(s))`.
#[derive(Module, Debug)]
pub struct DeterministicPolicy {
    net: Mlp,
    #[module(skip)]
    max_action: f32,
}

impl DeterministicPolicy {
    /// Builds the policy from `[obs_dim, hidden.., act_dim]`.
    pub fn new(config: &MlpConfig, max_action: f32, device: &Device) -> Self {
        Self {
            net: config.init(device),
            max_action,
        }
    }

    /// The action, `[batch, act_dim]`, inside `[-max_action, max_action]`.
    pub fn forward(&self, obs: Tensor<2>) -> Tensor<2> {
        activation::tanh(self.net.forward(obs)).mul_scalar(self.max_action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaussian_log_prob_hand_computed() {
        // log_std starts at 0 (sigma = 1): an action one unit from the mean in each of two
        // dimensions has log-prob 2 * (-0.5 - ln(2 pi) / 2) = -1 - ln(2 pi) = -2.837877.
        let device = Device::flex();
        let policy = GaussianPolicyConfig {
            mlp: MlpConfig::layers(3, &[8], 2),
            tanh_mean: true,
            log_std_min: -5.0,
            log_std_max: 2.0,
        }
        .init(&device);
        let obs = Tensor::<2>::ones([4, 3], &device);
        let actions = policy.mean(obs.clone()) + 1.0;
        let log_prob = policy
            .log_prob(obs, actions)
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        for value in log_prob {
            assert!((value + 2.837877).abs() < 1e-5, "{value}");
        }
    }
}
