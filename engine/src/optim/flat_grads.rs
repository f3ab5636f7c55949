//! A module's gradient viewed as one flat vector over all its parameters: inner products, norms
//! and linear combinations, all on the device (no host sync). O-DICE's orthogonal-gradient update
//! is built from these, and so is the global gradient-norm clip ([`grad_norm_sq`],
//! [`clip_coefficient`], [`scale_grads`]) that burn's per-parameter `GradientClipping` is not.

use burn::module::{Module, ModuleVisitor, Param, ParamId};
use burn::optim::GradientsParams;
use burn::tensor::Tensor;

/// The gradient of every float parameter of a module, each flattened, in visiting order.
/// Parameters without a gradient count as zeros.
#[derive(Clone, Debug)]
pub struct FlatGrads {
    parts: Vec<(ParamId, Tensor<1>)>,
}

impl FlatGrads {
    /// Views `grads` over all of `module`'s float parameters.
    pub fn new<M: Module>(grads: &GradientsParams, module: &M) -> Self {
        struct Gather<'a> {
            grads: &'a GradientsParams,
            parts: Vec<(ParamId, Tensor<1>)>,
        }
        impl ModuleVisitor for Gather<'_> {
            fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
                let grad = self
                    .grads
                    .get::<D>(param.id)
                    .unwrap_or_else(|| param.val().detach().zeros_like());
                self.parts.push((param.id, grad.reshape([-1])));
            }
        }
        let mut gather = Gather {
            grads,
            parts: Vec::new(),
        };
        module.visit(&mut gather);
        Self {
            parts: gather.parts,
        }
    }

    /// `<self, other>` as a one-element tensor.
    pub fn dot(&self, other: &Self) -> Tensor<1> {
        self.zip_sum(other, |a, b| (a * b).sum())
    }

    /// The squared Euclidean norm, one element.
    pub fn norm_sq(&self) -> Tensor<1> {
        self.dot(self)
    }

    /// `self + alpha * other`, with `alpha` a one-element tensor (so it can stay on the device).
    pub fn axpy(self, alpha: Tensor<1>, other: &Self) -> Self {
        self.assert_same(other);
        let parts = self
            .parts
            .into_iter()
            .zip(&other.parts)
            .map(|((id, a), (_, b))| (id, a + b.clone() * alpha.clone()))
            .collect();
        Self { parts }
    }

    /// The component of `self` orthogonal to `direction`:
    /// `self - c * direction` with `c = <direction, self> / max(|direction|^2, 1e-10)`.
    /// A zero `direction` leaves `self` unchanged.
    pub fn orthogonal_to(self, direction: &Self) -> Self {
        let c = direction.dot(&self) / direction.norm_sq().clamp_min(1e-10);
        self.axpy(c.neg(), direction)
    }

    /// The per-parameter gradients again, shaped like `module`'s parameters, for an optimizer.
    pub fn into_params<M: Module>(self, module: &M) -> GradientsParams {
        struct Scatter {
            parts: std::vec::IntoIter<(ParamId, Tensor<1>)>,
            grads: GradientsParams,
        }
        impl ModuleVisitor for Scatter {
            fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
                let (id, flat) = self
                    .parts
                    .next()
                    .expect("FlatGrads built from another module");
                assert_eq!(id, param.id, "FlatGrads built from another module");
                self.grads.register::<D>(id, flat.reshape(param.shape()));
            }
        }
        let mut scatter = Scatter {
            parts: self.parts.into_iter(),
            grads: GradientsParams::new(),
        };
        module.visit(&mut scatter);
        scatter.grads
    }

    fn zip_sum(&self, other: &Self, f: impl Fn(Tensor<1>, Tensor<1>) -> Tensor<1>) -> Tensor<1> {
        self.assert_same(other);
        self.parts
            .iter()
            .zip(&other.parts)
            .map(|((_, a), (_, b))| f(a.clone(), b.clone()))
            .reduce(|x, y| x + y)
            .expect("a module with at least one parameter")
    }

    fn assert_same(&self, other: &Self) {
        assert!(
            self.parts.len() == other.parts.len()
                && self
                    .parts
                    .iter()
                    .zip(&other.parts)
                    .all(|((a, _), (b, _))| a == b),
            "FlatGrads of different modules"
        );
    }
}

/// The squared Euclidean norm of the gradients `grads` holds for `module`'s float parameters,
/// all of them together (one element), or `None` when it holds none. Parameters without a
/// gradient are skipped, as PyTorch's `clip_grad_norm_` skips parameters whose `grad` is None.
pub fn grad_norm_sq<M: Module>(grads: &GradientsParams, module: &M) -> Option<Tensor<1>> {
    struct Sum<'a> {
        grads: &'a GradientsParams,
        total: Option<Tensor<1>>,
    }
    impl ModuleVisitor for Sum<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            if let Some(grad) = self.grads.get::<D>(param.id) {
                let sq = grad.square().sum();
                self.total = Some(match self.total.take() {
                    Some(total) => total + sq,
                    None => sq,
                });
            }
        }
    }
    let mut sum = Sum { grads, total: None };
    module.visit(&mut sum);
    sum.total
}

/// The factor of a global-norm clip, `min(1, max_norm / (norm + 1e-6))` with
/// `norm = sqrt(norm_sq)` (PyTorch's `clip_grad_norm_`), one element, on the device.
pub fn clip_coefficient(norm_sq: Tensor<1>, max_norm: f32) -> Tensor<1> {
    norm_sq
        .sqrt()
        .add_scalar(1e-6)
        .recip()
        .mul_scalar(max_norm)
        .clamp_max(1.0)
}

/// Multiplies every gradient `grads` holds for `module`'s float parameters by `factor` (one
/// element); parameters without a gradient stay without one.
pub fn scale_grads<M: Module>(
    mut grads: GradientsParams,
    module: &M,
    factor: Tensor<1>,
) -> GradientsParams {
    struct Scale<'a> {
        grads: &'a mut GradientsParams,
        factor: Tensor<1>,
    }
    impl ModuleVisitor for Scale<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            if let Some(grad) = self.grads.remove::<D>(param.id) {
                let factor: Tensor<D> = self.factor.clone().unsqueeze();
                self.grads.register::<D>(param.id, grad * factor);
            }
        }
    }
    module.visit(&mut Scale {
        grads: &mut grads,
        factor,
    });
    grads
}

/// Clips `module`'s gradients to a global Euclidean norm of at most `max_norm` over all its
/// parameters together; returns them with the norm before clipping (zero when there are none).
/// For gradients split over several modules (several optimisers), add their [`grad_norm_sq`],
/// take one [`clip_coefficient`] and [`scale_grads`] each with it.
pub fn clip_grad_norm<M: Module>(
    grads: GradientsParams,
    module: &M,
    max_norm: f32,
) -> (GradientsParams, Option<Tensor<1>>) {
    match grad_norm_sq(&grads, module) {
        Some(sq) => {
            let factor = clip_coefficient(sq.clone(), max_norm);
            (scale_grads(grads, module, factor), Some(sq.sqrt()))
        }
        None => (grads, None),
    }
}

/// For tests: per parameter of `module`, in visiting order, the largest |a − b| between two
/// gradients of it and the largest |b| (panics where either lacks the parameter).
#[cfg(test)]
pub(crate) fn grad_gaps<M: Module>(
    module: &M,
    a: &GradientsParams,
    b: &GradientsParams,
) -> Vec<(f32, f32)> {
    struct Gaps<'a> {
        a: &'a GradientsParams,
        b: &'a GradientsParams,
        gaps: Vec<(f32, f32)>,
    }
    impl ModuleVisitor for Gaps<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let a = self.a.get::<D>(param.id).expect("first gradient");
            let b = self.b.get::<D>(param.id).expect("second gradient");
            let scale = b.clone().abs().max().into_scalar::<f32>();
            let gap = (a - b).abs().max().into_scalar::<f32>();
            self.gaps.push((gap, scale));
        }
    }
    let mut gaps = Gaps {
        a,
        b,
        gaps: Vec::new(),
    };
    module.visit(&mut gaps);
    gaps.gaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, TensorData};

    #[derive(Module, Debug)]
    struct Pair {
        w: Param<Tensor<1>>,
    }

    fn pair() -> Pair {
        Pair {
            w: Param::from_tensor(Tensor::zeros([2], &Device::flex())),
        }
    }

    fn grads(module: &Pair, g: [f32; 2]) -> FlatGrads {
        let mut params = GradientsParams::new();
        let value = Tensor::<1>::from_data(TensorData::new(g.to_vec(), [2]), &Device::flex());
        params.register::<1>(module.w.id, value);
        FlatGrads::new(&params, module)
    }

    fn values(module: &Pair, g: FlatGrads) -> Vec<f32> {
        let params = g.into_params(module);
        params
            .get::<1>(module.w.id)
            .unwrap()
            .into_data()
            .try_to_vec::<f32>()
            .unwrap()
    }

    /// O-DICE's combination `g_f + (g_b)_perp` on the spec's worked examples.
    #[test]
    fn odice_worked_projections() {
        let m = pair();
        for (gf, gb, expected) in [
            ([1.0, 0.0], [1.0, 1.0], [1.0, 1.0]),
            ([2.0, 0.0], [-1.0, 3.0], [2.0, 3.0]),
            ([0.0, 0.0], [-1.0, 3.0], [-1.0, 3.0]),
        ] {
            let (f, b) = (grads(&m, gf), grads(&m, gb));
            let one = Tensor::<1>::ones([1], &Device::flex());
            let combined = f.clone().axpy(one, &b.orthogonal_to(&f));
            let got = values(&m, combined);
            assert!(
                got.iter().zip(expected).all(|(g, e)| (g - e).abs() < 1e-6),
                "g_f {gf:?}, g_b {gb:?}: {got:?} vs {expected:?}"
            );
        }
    }

    #[test]
    fn dot_norm_and_missing_gradients() {
        let m = pair();
        let a = grads(&m, [3.0, 4.0]);
        assert_eq!(a.norm_sq().into_scalar::<f32>(), 25.0);
        let zero = FlatGrads::new(&GradientsParams::new(), &m);
        assert_eq!(a.dot(&zero).into_scalar::<f32>(), 0.0);
    }

    #[derive(Module, Debug)]
    struct Two {
        a: Param<Tensor<1>>,
        b: Param<Tensor<2>>,
    }

    fn two_with_grads(ga: [f32; 2], gb: [f32; 2]) -> (Two, GradientsParams) {
        let device = Device::flex();
        let two = Two {
            a: Param::from_tensor(Tensor::zeros([2], &device)),
            b: Param::from_tensor(Tensor::zeros([1, 2], &device)),
        };
        let mut grads = GradientsParams::new();
        let t = |g: [f32; 2]| TensorData::new(g.to_vec(), [2]);
        grads.register::<1>(two.a.id, Tensor::from_data(t(ga), &device));
        grads.register::<2>(
            two.b.id,
            Tensor::<1>::from_data(t(gb), &device).reshape([1, 2]),
        );
        (two, grads)
    }

    fn grad_of<const D: usize>(grads: &GradientsParams, p: &Param<Tensor<D>>) -> Vec<f32> {
        grads
            .get::<D>(p.id)
            .unwrap()
            .into_data()
            .try_to_vec::<f32>()
            .unwrap()
    }

    fn close(got: &[f32], want: &[f32]) -> bool {
        got.iter().zip(want).all(|(g, w)| (g - w).abs() < 1e-5)
    }

    /// Two parameters with gradient norms 3 and 4 under a limit of 4.5: each alone is within it,
    /// together (norm 5) they are not, so both are scaled by 4.5 / 5 = 0.9. burn's per-parameter
    /// `GradientClipping::Norm` (what the GFlowNet trainer used before) leaves both unchanged.
    #[test]
    fn global_norm_clip_scales_every_parameter_together() {
        let (two, grads) = two_with_grads([3.0, 0.0], [0.0, 4.0]);
        let per_tensor = burn::grad_clipping::GradientClipping::Norm(4.5);
        let alone = per_tensor.clip_gradient(grads.get::<1>(two.a.id).unwrap());
        assert_eq!(alone.into_data().try_to_vec::<f32>().unwrap(), [3.0, 0.0]);

        let (clipped, norm) = clip_grad_norm(grads, &two, 4.5);
        assert!((norm.unwrap().into_scalar::<f32>() - 5.0).abs() < 1e-6);
        let (a, b) = (grad_of(&clipped, &two.a), grad_of(&clipped, &two.b));
        assert!(
            close(&a, &[2.7, 0.0]) && close(&b, &[0.0, 3.6]),
            "{a:?} {b:?}"
        );
    }

    /// Under the limit nothing changes; a parameter without a gradient stays without one.
    #[test]
    fn global_norm_clip_below_the_limit_and_missing_gradients() {
        let (two, grads) = two_with_grads([3.0, 0.0], [0.0, 4.0]);
        let (clipped, _) = clip_grad_norm(grads, &two, 10.0);
        assert!(close(&grad_of(&clipped, &two.a), &[3.0, 0.0]));
        assert!(close(&grad_of(&clipped, &two.b), &[0.0, 4.0]));

        let (two, mut grads) = two_with_grads([6.0, 8.0], [0.0, 0.0]);
        grads.remove::<2>(two.b.id);
        let (clipped, norm) = clip_grad_norm(grads, &two, 5.0);
        assert!((norm.unwrap().into_scalar::<f32>() - 10.0).abs() < 1e-5);
        assert!(close(&grad_of(&clipped, &two.a), &[3.0, 4.0]));
        assert!(clipped.get::<2>(two.b.id).is_none());
        assert!(
            clip_grad_norm(GradientsParams::new(), &two, 1.0)
                .1
                .is_none()
        );
    }

    #[test]
    fn round_trips_a_real_network() {
        let device = Device::flex().autodiff();
        let mlp = crate::nn::MlpConfig::new(vec![3, 4, 1]).init(&device);
        let loss = mlp
            .forward(Tensor::<2>::ones([5, 3], &device))
            .square()
            .mean();
        let params = GradientsParams::from_grads(loss.backward(), &mlp);
        let flat = FlatGrads::new(&params, &mlp);
        let back = FlatGrads::new(&flat.clone().into_params(&mlp), &mlp);
        let (norm, cross) = (
            flat.norm_sq().into_scalar::<f32>(),
            flat.dot(&back).into_scalar::<f32>(),
        );
        assert!(
            norm > 0.0 && (norm - cross).abs() <= 1e-6 * norm,
            "{norm} vs {cross}"
        );
    }
}
