//! Adam as the reference codes build it, with a one-pass step on the CPU.
//!
//! burn 0.22's `AdamConfig::new()` defaults to `epsilon = 1e-5`, PyTorch and optax (and every
//! paper code Ember follows) to `1e-8`: every optimiser in Ember goes through [`adam`] with the
//! method's configured `adam_eps`. burn's Adam builds its step from a dozen tensor operations,
//! each a pass over the parameter; on burn-flex (the `cpu` device) [`Adam`] reads the parameter,
//! gradient and both moments once and writes them back in place, with burn's arithmetic in
//! burn's order, so the result is the same to the bit. Other devices take burn's own step (no
//! host read-back there). The state is burn's `AdamState`, so checkpoints are interchangeable.

use burn::optim::{AdamConfig, AdamState, AdaptiveMomentumState, LearningRate, ModuleOptimizer};
use burn::optim::{Optimizer, decay::WeightDecayConfig};
use burn::tensor::{Device, Tensor, TensorData};

/// PyTorch's and optax's Adam epsilon, the default of every method's `adam_eps`.
pub const ADAM_EPS: f64 = 1e-8;

const BETA_1: f32 = 0.9;
const BETA_2: f32 = 0.999;

/// Adam (betas 0.9, 0.999, no clipping) with epsilon `eps`; the epsilon enters as in PyTorch:
/// `lr · m̂ / (√v̂ + eps)`. Add L2 weight decay with [`Adam::with_weight_decay`], then `init()`.
pub fn adam(eps: f64) -> Adam {
    Adam::new(eps as f32, None)
}

/// The problem with an `adam_eps` value, naming the field as `name`, or `None` when it is
/// usable (finite, > 0, and not 0 in f32).
pub fn adam_eps_problem(name: &str, eps: f64) -> Option<String> {
    (!(eps.is_finite() && eps > 0.0 && (eps as f32) > 0.0))
        .then(|| format!("{name} = {eps}: the Adam epsilon must be finite and > 0 (default 1e-8)"))
}

/// burn's Adam (same state, same arithmetic) whose step on the `cpu` device is one fused pass.
#[derive(Clone)]
pub struct Adam {
    epsilon: f32,
    /// L2 penalty added to the gradient (`g + wd · θ`), as burn's and PyTorch's `weight_decay`.
    weight_decay: Option<f32>,
    /// burn's own Adam with the same settings, for devices other than `cpu`.
    tensor_ops: burn::optim::Adam,
}

impl Adam {
    fn new(epsilon: f32, weight_decay: Option<f32>) -> Self {
        let tensor_ops = AdamConfig::new()
            .with_beta_1(BETA_1)
            .with_beta_2(BETA_2)
            .with_epsilon(epsilon)
            .with_weight_decay(weight_decay.map(WeightDecayConfig::new))
            .build();
        Self {
            epsilon,
            weight_decay,
            tensor_ops,
        }
    }

    /// The same Adam with L2 weight decay `penalty` added to every gradient.
    pub fn with_weight_decay(self, penalty: f32) -> Self {
        Self::new(self.epsilon, Some(penalty))
    }

    /// A module optimiser applying this Adam to every parameter.
    pub fn init(&self) -> ModuleOptimizer {
        ModuleOptimizer::from(self.clone())
    }

    /// burn's step `θ ← θ − lr · m̂ / (√v̂ + ε)` in one pass over host slices, updating `m`, `v`
    /// and `param` in place; `time` is the step count after this step (1 on the first).
    fn fused(
        &self,
        lr: f32,
        time: usize,
        param: &mut [f32],
        grad: &[f32],
        m: &mut [f32],
        v: &mut [f32],
    ) {
        let time = time as i32;
        let bias_correction2_sqrt = (1.0 - BETA_2.powi(time)).sqrt();
        let combined_factor = bias_correction2_sqrt / (1.0 - BETA_1.powi(time));
        let eps = self.epsilon * bias_correction2_sqrt;
        let (f1, f2) = (1.0 - BETA_1, 1.0 - BETA_2);
        let penalty = self.weight_decay.unwrap_or(0.0);
        let decay = self.weight_decay.is_some();
        for (((p, &g), m), v) in param
            .iter_mut()
            .zip(grad)
            .zip(m.iter_mut())
            .zip(v.iter_mut())
        {
            let g = if decay { *p * penalty + g } else { g };
            *m = *m * BETA_1 + g * f1;
            *v = *v * BETA_2 + g * g * f2;
            *p -= *m * combined_factor / (v.sqrt() + eps) * lr;
        }
    }
}

/// Whether `tensor` lives on burn-flex, whose host read-back is a move of its buffer.
fn on_flex<const D: usize>(tensor: &Tensor<D>) -> bool {
    tensor.device().inner() == Device::flex()
}

fn slice_mut(data: &mut TensorData) -> &mut [f32] {
    data.as_mut_slice::<f32>()
        .expect("Adam: parameters are f32")
}

impl Optimizer for Adam {
    type State<const D: usize> = AdamState<D>;

    fn step<const D: usize>(
        &self,
        lr: LearningRate,
        tensor: Tensor<D>,
        grad: Tensor<D>,
        state: Option<Self::State<D>>,
    ) -> (Tensor<D>, Option<Self::State<D>>) {
        if !on_flex(&tensor) || tensor.dtype() != burn::tensor::DType::F32 {
            return self.tensor_ops.step(lr, tensor, grad, state);
        }
        let device = tensor.device();
        let shape = tensor.shape();
        let (time, m, v) = match state {
            Some(state) => {
                let momentum = state.momentum;
                (
                    momentum.time + 1,
                    momentum.moment_1.into_data(),
                    momentum.moment_2.into_data(),
                )
            }
            None => {
                let zeros = || TensorData::new(vec![0.0_f32; shape.num_elements()], shape.clone());
                (1, zeros(), zeros())
            }
        };
        // flex hands over a buffer it owns alone without copying it.
        let (mut param, grad, mut m, mut v) = (tensor.into_data(), grad.into_data(), m, v);
        let grad = grad.as_slice::<f32>().expect("Adam: gradients are f32");
        self.fused(
            lr as f32,
            time,
            slice_mut(&mut param),
            grad,
            slice_mut(&mut m),
            slice_mut(&mut v),
        );
        let tensor = |data: TensorData| Tensor::<D>::from_data(data, &device);
        let momentum = AdaptiveMomentumState::new(time, tensor(m), tensor(v));
        (tensor(param), Some(AdamState::new(momentum)))
    }

    fn to_device<const D: usize>(state: Self::State<D>, device: &Device) -> Self::State<D> {
        burn::optim::Adam::to_device(state, device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::module::{Module, Param};
    use burn::optim::GradientsParams;
    use burn::tensor::{Device, Distribution, Tensor};

    #[derive(Module, Debug)]
    struct One {
        w: Param<Tensor<1>>,
    }

    /// The parameter after one Adam step with lr 1 from 0 on gradient `g`.
    fn one_step(eps: f64, g: f32) -> f32 {
        let device = Device::flex().autodiff();
        let module = One {
            w: Param::from_tensor(Tensor::zeros([1], &device)),
        };
        // d/dw (g · w) = g.
        let loss = module.w.val().mul_scalar(g).sum();
        let grads = GradientsParams::from_grads(loss.backward(), &module);
        let mut opt = adam(eps).init();
        let module = opt.step(1.0, module, grads);
        module.w.val().into_scalar::<f32>()
    }

    /// Adam's first step is `-lr · g / (|g| + eps)` (m̂ = g, √v̂ = |g|): with g = 1e-5 that is
    /// -0.5 under burn's default eps 1e-5 and -1/1.001 under PyTorch's 1e-8.
    #[test]
    fn epsilon_reaches_the_update() {
        let g = 1e-5_f32;
        let torch = one_step(ADAM_EPS, g);
        let expected = -(1e-5 / (1e-5 + 1e-8)) as f32;
        assert!(
            (torch - expected).abs() < 1e-4,
            "eps 1e-8: {torch} vs {expected}"
        );
        let burn_default = one_step(1e-5, g);
        assert!(
            (burn_default + 0.5).abs() < 1e-4,
            "eps 1e-5: {burn_default} vs -0.5"
        );
    }

    /// Five steps of the fused CPU Adam (with and without weight decay) land on the bits of
    /// burn's tensor-op Adam from the same start and gradients, the moments included.
    #[test]
    fn fused_step_equals_burns_adam() {
        let device = Device::flex();
        for decay in [None, Some(0.01_f32)] {
            let ours = Adam::new(1e-8, decay);
            let theirs = ours.tensor_ops.clone();
            let mut a = Tensor::<2>::random([7, 5], Distribution::Normal(0.0, 1.0), &device);
            let mut b = a.clone();
            let (mut sa, mut sb) = (None, None);
            for step in 0..5 {
                let grad = Tensor::<2>::random([7, 5], Distribution::Normal(0.0, 0.1), &device)
                    .add_scalar(step as f32 * 0.01);
                (a, sa) = ours.step(3e-3, a, grad.clone(), sa);
                (b, sb) = theirs.step(3e-3, b, grad, sb);
            }
            let bits = |t: Tensor<2>| t.into_data().try_to_vec::<f32>().unwrap();
            assert_eq!(bits(a), bits(b), "parameters, decay {decay:?}");
            let (ma, mb) = (sa.unwrap().momentum, sb.unwrap().momentum);
            assert_eq!(ma.time, mb.time);
            assert_eq!(bits(ma.moment_1), bits(mb.moment_1), "first moment");
            assert_eq!(bits(ma.moment_2), bits(mb.moment_2), "second moment");
        }
    }

    #[test]
    fn bad_epsilons_are_named() {
        for eps in [0.0, -1e-8, f64::NAN, f64::INFINITY, 1e-60] {
            let problem = adam_eps_problem("adam_eps", eps).expect("rejected");
            assert!(problem.starts_with("adam_eps = "), "{problem}");
        }
        assert!(adam_eps_problem("adam_eps", ADAM_EPS).is_none());
    }
}
