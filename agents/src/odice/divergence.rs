//! The f-divergences of the DICE dual: the convex conjugate f* (restricted to w >= 0), its
//! derivative, and the weight the official code uses for policy extraction.

use ember_engine::burn::tensor::Tensor;
use serde::{Deserialize, Serialize};

/// Weights of the policy extraction are clipped here (the code's EXP_ADV_MAX).
const MAX_WEIGHT: f32 = 100.0;

/// The divergence generator f of the DICE objective.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FDivergence {
    /// f(x) = (x - 1)^2 (the default of both official configs).
    #[default]
    PearsonChiSquare,
    /// f(x) = x log x.
    ReverseKl,
}

impl FDivergence {
    /// f*(y): Pearson `y + y^2/4` for y >= -2 and -1 below; reverse KL `exp(y - 1)`.
    pub fn f_star<const D: usize>(self, y: Tensor<D>) -> Tensor<D> {
        match self {
            Self::PearsonChiSquare => {
                let w = (y.clone().div_scalar(2.0) + 1.0).clamp_min(0.0);
                y * w.clone() - (w - 1.0).square()
            }
            Self::ReverseKl => (y - 1.0).exp(),
        }
    }

    /// f*'(y) = w*(y): Pearson `max(0, 1 + y/2)`; reverse KL `exp(y - 1)`.
    pub fn f_star_prime<const D: usize>(self, y: Tensor<D>) -> Tensor<D> {
        match self {
            Self::PearsonChiSquare => (y.div_scalar(2.0) + 1.0).clamp_min(0.0),
            Self::ReverseKl => (y - 1.0).exp(),
        }
    }

    /// The policy-extraction weight of residual `y`, detached: Pearson `min(max(0, y), 100)` (the
    /// official code's choice, not the paper's `y/2 + 1`); reverse KL `min(exp(y - 1), 100)`.
    pub fn policy_weight<const D: usize>(self, y: Tensor<D>) -> Tensor<D> {
        let w = match self {
            Self::PearsonChiSquare => y.clamp_min(0.0),
            Self::ReverseKl => (y - 1.0).exp(),
        };
        w.clamp_max(MAX_WEIGHT).detach()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_engine::burn::tensor::{Device, TensorData};

    fn apply(f: impl Fn(Tensor<1>) -> Tensor<1>, ys: &[f32]) -> Vec<f32> {
        let y = Tensor::<1>::from_data(TensorData::new(ys.to_vec(), [ys.len()]), &Device::flex());
        f(y).into_data().try_to_vec::<f32>().unwrap()
    }

    fn close(got: &[f32], expected: &[f32]) {
        assert!(
            got.iter().zip(expected).all(|(g, e)| (g - e).abs() < 1e-5),
            "{got:?} vs {expected:?}"
        );
    }

    #[test]
    fn pearson_sanity_values_from_the_spec() {
        let f = FDivergence::PearsonChiSquare;
        close(
            &apply(|y| f.f_star(y), &[0.0, 2.0, -2.0, -4.0]),
            &[0.0, 3.0, -1.0, -1.0],
        );
        close(
            &apply(|y| f.f_star_prime(y), &[0.0, -3.0, 2.0]),
            &[1.0, 0.0, 2.0],
        );
        close(
            &apply(|y| f.policy_weight(y), &[-1.0, 0.5, 250.0]),
            &[0.0, 0.5, 100.0],
        );
    }

    #[test]
    fn reverse_kl_values() {
        let f = FDivergence::ReverseKl;
        let e = std::f32::consts::E;
        close(
            &apply(|y| f.f_star(y), &[1.0, 2.0, 0.0]),
            &[1.0, e, 1.0 / e],
        );
        close(&apply(|y| f.f_star_prime(y), &[1.0]), &[1.0]);
        close(&apply(|y| f.policy_weight(y), &[1.0, 10.0]), &[1.0, 100.0]);
    }
}
