//! Policy heads: a diagonal Gaussian with a state-independent log-std (IQL, O-DICE), a
//! deterministic tanh policy (TD3+BC) and a tanh-squashed Gaussian with a state-dependent
//! log-std (SAC).

use super::{Mlp, MlpConfig};
use burn::module::{Module, Param};
use burn::tensor::{Device, Distribution, Tensor, activation};
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

/// SAC's actor: `a = tanh(u)`, `u ~ N(mean(s), exp(log_std(s))^2)`, mean and log-std from one
/// MLP whose output is split in two halves; the log-std is clamped to
/// `[LOG_STD_MIN, LOG_STD_MAX]`.
#[derive(Module, Debug)]
pub struct TanhGaussianPolicy {
    net: Mlp,
    #[module(skip)]
    act_dim: usize,
}

impl TanhGaussianPolicy {
    /// Lower clamp of the log standard deviation (Haarnoja et al.'s code).
    pub const LOG_STD_MIN: f32 = -20.0;
    /// Upper clamp of the log standard deviation.
    pub const LOG_STD_MAX: f32 = 2.0;

    /// Builds the policy: an MLP `[obs_dim, hidden.., 2 * act_dim]` with burn's default init.
    pub fn new(obs_dim: usize, hidden: &[usize], act_dim: usize, device: &Device) -> Self {
        Self {
            net: MlpConfig::layers(obs_dim, hidden, 2 * act_dim).init(device),
            act_dim,
        }
    }

    /// Mean and clamped log-std of the Gaussian before the squash, each `[batch, act_dim]`.
    pub fn distribution(&self, obs: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let out = self.net.forward(obs);
        let mean = out.clone().narrow(1, 0, self.act_dim);
        let log_std = out
            .narrow(1, self.act_dim, self.act_dim)
            .clamp(Self::LOG_STD_MIN, Self::LOG_STD_MAX);
        (mean, log_std)
    }

    /// A reparameterised sample `tanh(mean + std * eps)`, `eps ~ N(0, I)` from the device's
    /// generator, and its log-probability `[batch, 1]` (differentiable in the parameters).
    pub fn sample(&self, obs: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let (mean, log_std) = self.distribution(obs);
        let noise =
            Tensor::<2>::random(mean.shape(), Distribution::Normal(0.0, 1.0), &mean.device());
        let pre_tanh = mean + log_std.clone().exp() * noise.clone();
        let log_prob = squashed_log_prob(noise, pre_tanh.clone(), log_std);
        (activation::tanh(pre_tanh), log_prob)
    }

    /// The deterministic evaluation action `tanh(mean)`.
    pub fn act(&self, obs: Tensor<2>) -> Tensor<2> {
        activation::tanh(self.distribution(obs).0)
    }
}

/// Log-density of `a = tanh(u)` for `u ~ N(mean, exp(log_std)^2)`, summed over action
/// dimensions, `[batch, 1]`: the Gaussian log-density of `u` minus the log-determinant of the
/// squash, `sum log(1 - tanh(u)^2)`.
pub fn tanh_gaussian_log_prob(
    pre_tanh: Tensor<2>,
    mean: Tensor<2>,
    log_std: Tensor<2>,
) -> Tensor<2> {
    let noise = (pre_tanh.clone() - mean) * log_std.clone().neg().exp();
    squashed_log_prob(noise, pre_tanh, log_std)
}

/// [`tanh_gaussian_log_prob`] with the standardised noise `(u - mean) / std` already known.
/// `log(1 - tanh(u)^2) = 2 (ln 2 - u - softplus(-2u))` stays finite where `tanh(u)` rounds to 1.
fn squashed_log_prob(noise: Tensor<2>, pre_tanh: Tensor<2>, log_std: Tensor<2>) -> Tensor<2> {
    let gaussian =
        noise.square().mul_scalar(-0.5) - log_std - 0.5 * (2.0 * std::f32::consts::PI).ln();
    let log_det = (pre_tanh.clone().neg() - activation::softplus(pre_tanh.mul_scalar(-2.0), 1.0)
        + std::f32::consts::LN_2)
        .mul_scalar(2.0);
    (gaussian - log_det).sum_dim(1)
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

    #[test]
    fn tanh_gaussian_log_prob_hand_computed() {
        // Row 1: u = 0, mean 0, sigma 1 (one dim): log N = -ln(2 pi)/2 = -0.918939, tanh'(0) = 1.
        // Row 2: u = 1, mean 0.5, log_std = ln 0.5 (z = 1): log N = -0.5 - ln 0.5 - 0.918939
        //   = -0.725791; log(1 - tanh(1)^2) = log(0.419974) = -0.867562; total 0.141770.
        let device = Device::flex();
        let column = |v: [f32; 2]| Tensor::<1>::from_floats(v, &device).reshape([2, 1]);
        let log_prob = tanh_gaussian_log_prob(
            column([0.0, 1.0]),
            column([0.0, 0.5]),
            column([0.0, 0.5f32.ln()]),
        )
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
        assert!((log_prob[0] + 0.918939).abs() < 1e-5, "{}", log_prob[0]);
        assert!((log_prob[1] - 0.141770).abs() < 1e-5, "{}", log_prob[1]);

        // Two dimensions add; a saturated u = 20 stays finite: log(1 - tanh(20)^2) = 2 ln 2 - 40
        // to f32 precision (the naive form gives log(0) = -inf).
        let pair = |v: [f32; 2]| Tensor::<1>::from_floats(v, &device).reshape([1, 2]);
        let log_prob =
            tanh_gaussian_log_prob(pair([0.0, 20.0]), pair([0.0, 20.0]), pair([0.0, 0.0]))
                .into_scalar::<f32>();
        let expected = 2.0 * -0.918939 - (2.0 * std::f32::consts::LN_2 - 40.0);
        assert!(
            (log_prob - expected).abs() < 1e-3,
            "{log_prob} vs {expected}"
        );
    }

    #[test]
    fn tanh_gaussian_samples_match_their_log_prob() {
        let device = Device::flex();
        device.seed(3);
        let policy = TanhGaussianPolicy::new(3, &[16], 2, &device);
        let obs = Tensor::<2>::random([64, 3], Distribution::Normal(0.0, 1.0), &device);
        let (action, log_prob) = policy.sample(obs.clone());
        let (mean, log_std) = policy.distribution(obs.clone());
        // Invert the squash and score the sample with the public formula.
        let pre_tanh = (action.clone().add_scalar(1.0) / action.clone().neg().add_scalar(1.0))
            .log()
            .mul_scalar(0.5);
        let rescored = tanh_gaussian_log_prob(pre_tanh, mean, log_std);
        let gap = (rescored - log_prob).abs().max().into_scalar::<f32>();
        assert!(gap < 1e-2, "log-prob of a sample disagrees by {gap}");
        let bound = action.abs().max().into_scalar::<f32>();
        assert!(bound <= 1.0, "{bound}");
        assert_eq!(policy.act(obs).dims(), [64, 2]);
    }
}
