//! Detailed balance.

use super::masked_mean_square;
use crate::gflownet::FlowTerms;
use ember_engine::burn::tensor::Tensor;

/// DB: mean over edges of `(log F(s) + log P_F(s'|s) − log F(s') − log P_B(s|s'))² =
/// (A_t − A_{t+1})²`; the exit edge matches `log F(x) + log P_F(exit|x)` to `log R(x)`.
/// `terminal = false` keeps only the moves between states.
pub fn detailed_balance(terms: &FlowTerms, terminal: bool) -> Tensor<1> {
    let (b, k) = (terms.batch(), terms.width());
    let a = &terms.potential;
    let diff = a.clone().slice([0..b, 0..k - 1]) - a.clone().slice([0..b, 1..k]);
    let mut mask = vec![0.0f32; b * (k - 1)];
    let mut count = 0;
    for (i, &n) in terms.lengths.iter().enumerate() {
        let edges = if terminal { n + 1 } else { n };
        mask[i * (k - 1)..i * (k - 1) + edges].fill(1.0);
        count += edges;
    }
    masked_mean_square(diff, terms.host(mask, k - 1), count)
}
