//! Polyak (exponential moving average) update of a target network.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::Tensor;
use std::collections::VecDeque;

/// Returns `target <- (1 - tau) * target + tau * source`, parameter by parameter.
///
/// `target` must have the same structure as `source` (typically a clone of it). The result is
/// detached from any autodiff graph.
pub fn soft_update<M: Module>(target: M, source: &M, tau: f32) -> M {
    let mut collect = Collect(VecDeque::new());
    source.visit(&mut collect);
    target.map(&mut Blend {
        sources: collect.0,
        tau,
    })
}

/// A frozen copy of `source` for use as a target network.
///
/// `source.clone().no_grad()` is not enough: burn's lazily initialised parameters share their
/// state between clones, so freezing the clone before first use would also freeze `source`.
/// Reading every parameter first materialises them, then the copy is detached and frozen.
pub fn target_copy<M: Module>(source: &M) -> M {
    soft_update(source.clone(), source, 1.0).no_grad()
}

/// `module`'s own weights, untracked: a loss scored through it still reaches its input's
/// gradient, but the backward pass skips the module's weight gradients (TD3's actor scored by
/// the critic). Nothing is copied. Reading every parameter first materialises lazy ones, for
/// the reason given at [`target_copy`].
pub fn frozen<M: Module>(module: &M) -> M {
    module.visit(&mut Materialise);
    module.clone().no_grad()
}

struct Materialise;

impl ModuleVisitor for Materialise {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        param.val();
    }
}

struct Collect(VecDeque<Tensor<1>>);

impl ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.0.push_back(param.val().detach().reshape([-1]));
    }
}

struct Blend {
    sources: VecDeque<Tensor<1>>,
    tau: f32,
}

impl ModuleMapper for Blend {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let source = self
            .sources
            .pop_front()
            .expect("soft_update: target and source modules differ in structure");
        let tau = self.tau;
        param.map(|target| {
            let source = source.reshape(target.shape());
            (target.detach().mul_scalar(1.0 - tau) + source.mul_scalar(tau)).detach()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::MlpConfig;
    use burn::tensor::Device;

    #[test]
    fn blends_every_parameter() {
        let device = Device::flex();
        let source = MlpConfig::new(vec![2, 3, 1]).init(&device);
        let target = MlpConfig::new(vec![2, 3, 1]).init(&device);
        let x = Tensor::<2>::ones([1, 2], &device);
        let blended = soft_update(target.clone(), &source, 0.25);
        // A linear layer's output is affine in its parameters only through the composite map,
        // so compare parameters directly through a visitor.
        let flat = |m: &crate::nn::Mlp| {
            let mut c = Collect(VecDeque::new());
            m.visit(&mut c);
            Tensor::cat(c.0.into_iter().collect(), 0)
                .into_data()
                .try_to_vec::<f32>()
                .unwrap()
        };
        let (s, t, b) = (flat(&source), flat(&target), flat(&blended));
        for i in 0..s.len() {
            let expected = 0.75 * t[i] + 0.25 * s[i];
            assert!(
                (b[i] - expected).abs() < 1e-6,
                "param {i}: {} vs {expected}",
                b[i]
            );
        }
        let _ = blended.forward(x);
    }

    #[test]
    fn target_copy_leaves_the_source_trainable() {
        let device = Device::flex().autodiff();
        let source = MlpConfig::new(vec![2, 3, 1]).init(&device);
        let target = target_copy(&source);
        let x = Tensor::<2>::ones([4, 2], &device);
        let grads = source.forward(x.clone()).mean().backward();
        let params = burn::optim::GradientsParams::from_grads(grads, &source);
        assert!(!params.is_empty(), "source lost its gradients");
        let same = (source.forward(x.clone()) - target.forward(x))
            .abs()
            .sum()
            .into_scalar::<f32>();
        assert!(same < 1e-6, "target differs from source by {same}");
    }

    /// Scoring through a frozen module keeps the input's gradient, drops the module's weight
    /// gradients, and leaves the module itself trainable.
    #[test]
    fn frozen_passes_input_gradients_only() {
        let device = Device::flex().autodiff();
        let module = MlpConfig::new(vec![2, 3, 1]).init(&device);
        let x = Tensor::<2>::ones([4, 2], &device).require_grad();
        let grads = frozen(&module).forward(x.clone()).sum().backward();
        let through_frozen = x.grad(&grads).expect("input gradient");
        assert!(burn::optim::GradientsParams::from_grads(grads, &module).is_empty());
        let grads = module.forward(x.clone()).sum().backward();
        let through_module = x.grad(&grads).expect("input gradient");
        let gap = (through_frozen - through_module)
            .abs()
            .max()
            .into_scalar::<f32>();
        assert_eq!(gap, 0.0);
        assert!(!burn::optim::GradientsParams::from_grads(grads, &module).is_empty());
    }
}
