//! Sub-trajectory balance SubTB(λ).

use crate::gflownet::FlowTerms;
use ember_engine::burn::tensor::{Tensor, TensorData};

/// SubTB(λ): for every sub-trajectory from node `i` to node `j > i` the residual
/// `A_i − A_j`, squared and weighted by `λ^(j−i)` normalised within each trajectory
/// (torchgfn's `geometric_within`), then averaged over trajectories. `terminal = false` keeps
/// only sub-trajectories that end at a state (`j ≤ n`).
pub fn subtrajectory_balance(terms: &FlowTerms, lambda: f64, terminal: bool) -> Tensor<1> {
    let (b, k) = (terms.batch(), terms.width());
    let a = terms.potential.clone();
    let diff = a.clone().unsqueeze_dim::<3>(2) - a.unsqueeze_dim::<3>(1);
    let mut weights = vec![0.0f32; b * k * k];
    let mut used = 0;
    for (bi, &n) in terms.lengths.iter().enumerate() {
        let last = if terminal { n + 1 } else { n };
        let total: f64 = (0..last)
            .flat_map(|i| (i + 1..=last).map(move |j| lambda.powi((j - i) as i32)))
            .sum();
        if total == 0.0 {
            continue;
        }
        used += 1;
        for i in 0..last {
            for j in i + 1..=last {
                weights[(bi * k + i) * k + j] = (lambda.powi((j - i) as i32) / total) as f32;
            }
        }
    }
    let w = Tensor::<3>::from_data(TensorData::new(weights, [b, k, k]), terms.device());
    (diff.square() * w).sum().div_scalar(used.max(1) as f32)
}
