//! Trajectory balance.

use crate::gflownet::FlowTerms;
use ember_engine::burn::tensor::Tensor;

/// TB: mean over trajectories of `(log Z + Σ log P_F − log R(x) − Σ log P_B)²`, i.e.
/// `(log Z − A_{n+1})²`.
pub fn trajectory_balance(terms: &FlowTerms, log_z: Tensor<1>) -> Tensor<1> {
    let cols = terms.lengths.iter().map(|&n| (n + 1) as i64).collect();
    let end = terms.pick(&terms.potential, cols, 1);
    (log_z.reshape([1, 1]) - end).square().mean()
}
