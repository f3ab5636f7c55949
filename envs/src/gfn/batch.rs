//! Batched helpers over [`GfnEnv`]: row-major flat buffers for tensor code.

use super::GfnEnv;

/// Forward masks of a batch, row-major (`states.len() × n_actions()`).
pub fn forward_masks<E: GfnEnv>(env: &E, states: &[E::State]) -> Vec<bool> {
    states.iter().flat_map(|s| env.forward_mask(s)).collect()
}

/// Backward masks of a batch, row-major (`states.len() × n_backward_actions()`).
pub fn backward_masks<E: GfnEnv>(env: &E, states: &[E::State]) -> Vec<bool> {
    states.iter().flat_map(|s| env.backward_mask(s)).collect()
}

/// Features of a batch, row-major (`states.len() × feature_dim()`).
pub fn encode_batch<E: GfnEnv>(env: &E, states: &[E::State]) -> Vec<f32> {
    let dim = env.feature_dim();
    let mut out = vec![0.0; states.len() * dim];
    for (s, row) in states.iter().zip(out.chunks_exact_mut(dim.max(1))) {
        env.encode_into(s, row);
    }
    out
}
