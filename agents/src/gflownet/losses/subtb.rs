//! Sub-trajectory balance SubTB(λ).

use crate::gflownet::FlowTerms;
use ember_engine::burn::tensor::{Tensor, TensorData};

/// SubTB(λ): for every sub-trajectory from node `i` to node `j > i` the residual
/// `A_i − A_j`, squared and weighted.
///
/// * `terminal = true` (plain SubTB): every sub-trajectory, including those that end at the
///   sink (`j = n + 1`), weighted by `λ^(j−i)` normalised within each trajectory (torchgfn's
///   `geometric_within`, the SubTB paper's), then averaged over trajectories.
/// * `terminal = false` (the non-terminal term of OP-SubTB): only sub-trajectories that end at a
///   state (`j ≤ n`), weighted as OP-GFN's code does (torchgfn's `geometric`): the mean squared
///   residual over all sub-trajectories of `k` edges in the batch, weighted by
///   `(1−λ)λ^(k−1)/(1−λ^L)` (`1/L` when `λ = 1`), where `L` is the longest sub-trajectory
///   in the batch.
pub fn subtrajectory_balance(terms: &FlowTerms, lambda: f64, terminal: bool) -> Tensor<1> {
    let (b, k) = (terms.batch(), terms.width());
    let a = terms.potential.clone();
    let diff = a.clone().unsqueeze_dim::<3>(2) - a.unsqueeze_dim::<3>(1);
    let weights = if terminal {
        geometric_within(&terms.lengths, k, lambda)
    } else {
        geometric_by_length(&terms.lengths, k, lambda)
    };
    let w = Tensor::<3>::from_data(TensorData::new(weights, [b, k, k]), terms.device());
    (diff.square() * w).sum()
}

/// Pair weights `[b, k, k]` of `geometric_within` over nodes `0..=n+1`, each trajectory's
/// weights summing to 1, divided by the number of trajectories that have any pair.
fn geometric_within(lengths: &[usize], k: usize, lambda: f64) -> Vec<f32> {
    let mut weights = vec![0.0f64; lengths.len() * k * k];
    let mut used = 0;
    for (bi, &n) in lengths.iter().enumerate() {
        let last = n + 1;
        let total: f64 = (0..last)
            .flat_map(|i| (i + 1..=last).map(move |j| lambda.powi((j - i) as i32)))
            .sum();
        if total == 0.0 {
            continue;
        }
        used += 1;
        for i in 0..last {
            for j in i + 1..=last {
                weights[(bi * k + i) * k + j] = lambda.powi((j - i) as i32) / total;
            }
        }
    }
    let used = used.max(1) as f64;
    weights.into_iter().map(|w| (w / used) as f32).collect()
}

/// Pair weights `[b, k, k]` of torchgfn's `geometric` over the nodes `0..=n` (no sink): a
/// pair of `k` edges gets `w_k / c_k`, with `c_k` the number of such pairs in the batch and
/// `w_k = (1−λ)λ^(k−1)/(1−λ^L)` summing to 1 over `k = 1..=L`.
fn geometric_by_length(lengths: &[usize], k: usize, lambda: f64) -> Vec<f32> {
    let longest = lengths.iter().copied().max().unwrap_or(0);
    let mut weights = vec![0.0f32; lengths.len() * k * k];
    if longest == 0 {
        return weights;
    }
    // c[len] = Σ_b max(n_b − len + 1, 0) sub-trajectories of `len` edges.
    let count =
        |len: usize| -> usize { lengths.iter().map(|&n| (n + 1).saturating_sub(len)).sum() };
    let length_weight = |len: usize| -> f64 {
        if (lambda - 1.0).abs() < 1e-12 {
            1.0 / longest as f64
        } else {
            (1.0 - lambda) * lambda.powi(len as i32 - 1) / (1.0 - lambda.powi(longest as i32))
        }
    };
    let per_pair: Vec<f64> = (0..=longest)
        .map(|len| {
            if len == 0 {
                0.0
            } else {
                length_weight(len) / count(len) as f64
            }
        })
        .collect();
    for (bi, &n) in lengths.iter().enumerate() {
        for i in 0..n {
            for j in i + 1..=n {
                weights[(bi * k + i) * k + j] = per_pair[j - i] as f32;
            }
        }
    }
    weights
}
