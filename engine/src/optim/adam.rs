//! Adam as the reference codes build it: burn 0.22's `AdamConfig::new()` defaults to
//! `epsilon = 1e-5`, PyTorch and optax (and every paper code Ember follows) to `1e-8`. Every
//! optimiser in Ember goes through [`adam`] with the method's configured `adam_eps`.

use burn::optim::AdamConfig;

/// PyTorch's and optax's Adam epsilon, the default of every method's `adam_eps`.
pub const ADAM_EPS: f64 = 1e-8;

/// Adam (betas 0.9, 0.999, no weight decay, no clipping) with epsilon `eps`; the epsilon enters
/// as in PyTorch: `lr · m̂ / (√v̂ + eps)`.
pub fn adam(eps: f64) -> AdamConfig {
    AdamConfig::new().with_epsilon(eps as f32)
}

/// The problem with an `adam_eps` value, naming the field as `name`, or `None` when it is
/// usable (finite, > 0, and not 0 in f32).
pub fn adam_eps_problem(name: &str, eps: f64) -> Option<String> {
    (!(eps.is_finite() && eps > 0.0 && (eps as f32) > 0.0))
        .then(|| format!("{name} = {eps}: the Adam epsilon must be finite and > 0 (default 1e-8)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::module::{Module, Param};
    use burn::optim::GradientsParams;
    use burn::tensor::{Device, Tensor};

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

    #[test]
    fn bad_epsilons_are_named() {
        for eps in [0.0, -1e-8, f64::NAN, f64::INFINITY, 1e-60] {
            let problem = adam_eps_problem("adam_eps", eps).expect("rejected");
            assert!(problem.starts_with("adam_eps = "), "{problem}");
        }
        assert!(adam_eps_problem("adam_eps", ADAM_EPS).is_none());
    }
}
