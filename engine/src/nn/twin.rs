//! Two independent Q-networks on concat(state, action), as in TD3 and IQL.

use super::{Mlp, MlpConfig};
use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::tensor::{Device, Tensor};

/// A pair of critics Q1, Q2 with identical shapes and independent weights.
#[derive(Module, Debug)]
pub struct TwinQ {
    q1: Mlp,
    q2: Mlp,
}

impl TwinQ {
    /// Builds both critics from one configuration whose input is `obs_dim + act_dim` and output 1.
    pub fn new(config: &MlpConfig, device: &Device) -> Self {
        Self {
            q1: config.init(device),
            q2: config.init(device),
        }
    }

    /// Both critics' values, each `[batch, 1]`, computed side by side (rayon's pool).
    pub fn forward(&self, obs: Tensor<2>, act: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let input = Tensor::cat(vec![obs, act], 1);
        rayon::join(
            || self.q1.forward(input.clone()),
            || self.q2.forward(input.clone()),
        )
    }

    /// The first critic alone (TD3+BC's actor loss uses Q1).
    pub fn q1(&self, obs: Tensor<2>, act: Tensor<2>) -> Tensor<2> {
        self.q1.forward(Tensor::cat(vec![obs, act], 1))
    }

    /// The element-wise minimum of the two critics, `[batch, 1]`.
    pub fn min(&self, obs: Tensor<2>, act: Tensor<2>) -> Tensor<2> {
        let (q1, q2) = self.forward(obs, act);
        q1.min_pair(q2)
    }

    /// The gradient of `loss(Q1) + loss(Q2)` over both critics, with that sum and Q1's
    /// values. The heads share no weights, so each head's forward and backward runs as its own
    /// rayon task (one core each on a 2-core machine instead of both cores splitting every
    /// matmul): the same gradient as one backward of the sum.
    pub fn sum_loss_grads<L>(
        &self,
        obs: Tensor<2>,
        act: Tensor<2>,
        loss: L,
    ) -> (GradientsParams, Tensor<1>, Tensor<2>)
    where
        L: Fn(Tensor<2>) -> Tensor<1> + Sync,
    {
        let input = Tensor::cat(vec![obs, act], 1);
        let head = |mlp: &Mlp| {
            let q = mlp.forward(input.clone());
            let l = loss(q.clone());
            (GradientsParams::from_grads(l.backward(), mlp), l, q)
        };
        let ((mut grads, l1, q1), (mut grads2, l2, _)) =
            rayon::join(|| head(&self.q1), || head(&self.q2));
        self.q2.visit(&mut MoveGrads {
            from: &mut grads2,
            to: &mut grads,
        });
        (grads, l1 + l2, q1)
    }
}

/// Moves the gradients of a module's parameters from one [`GradientsParams`] to another.
struct MoveGrads<'a> {
    from: &'a mut GradientsParams,
    to: &'a mut GradientsParams,
}

impl ModuleVisitor for MoveGrads<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(grad) = self.from.remove::<D>(param.id) {
            self.to.register(param.id, grad);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::grad_gaps;
    use burn::tensor::Distribution;

    /// The per-head backward passes give the gradient of one backward of the summed loss.
    #[test]
    fn per_head_gradients_equal_the_summed_backward() {
        let device = Device::flex().autodiff();
        let twin = TwinQ::new(&MlpConfig::layers(5, &[16, 16], 1), &device);
        let obs = Tensor::<2>::random([8, 3], Distribution::Normal(0.0, 1.0), &device);
        let act = Tensor::<2>::random([8, 2], Distribution::Normal(0.0, 1.0), &device);
        let target = Tensor::<2>::random([8, 1], Distribution::Normal(0.0, 1.0), &device);
        let loss = |q: Tensor<2>| (q - target.clone()).square().mean();
        let (split, total, q1) = twin.sum_loss_grads(obs.clone(), act.clone(), loss);
        let (a, b) = twin.forward(obs.clone(), act.clone());
        let sum = loss(a) + loss(b);
        let expected = sum.clone().into_scalar::<f32>();
        let whole = GradientsParams::from_grads(sum.backward(), &twin);
        let total = total.into_scalar::<f32>();
        assert!((total - expected).abs() < 1e-6, "{total} vs {expected}");
        let q1_gap = (q1 - twin.q1(obs, act)).abs().max().into_scalar::<f32>();
        assert!(q1_gap < 1e-6);

        let gaps = grad_gaps(&twin, &split, &whole);
        assert_eq!(gaps.len(), 12, "3 layers x (weight, bias) x 2 heads");
        for (gap, _) in gaps {
            assert!(gap < 1e-6, "gradient differs by {gap}");
        }
    }
}
