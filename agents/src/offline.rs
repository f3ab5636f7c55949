//! Turning a dataset into what an offline agent trains on: D4RL `qlearning` transitions, the
//! method's reward transform, actions in [-1, 1], optional state standardisation, all uploaded
//! to the device once.

use crate::agent::{ActionBounds, Spec};
use crate::algo::AlgoConfig;
use ember_datasets::{OfflineDataset, QLearningOptions, StateNormalizer};
use ember_engine::TransitionBuffer;
use ember_engine::buffer::HostTransitions;
use ember_engine::burn::tensor::Device;

/// A dataset ready for training.
pub struct Prepared {
    /// Shapes and preprocessing the agent must apply at acting time too.
    pub spec: Spec,
    /// The transitions on the device.
    pub buffer: TransitionBuffer,
}

/// Prepares `dataset` for `algo`, with the environment's action box `bounds`.
pub fn prepare(
    dataset: &OfflineDataset,
    algo: &AlgoConfig,
    bounds: ActionBounds,
    device: &Device,
) -> Prepared {
    let mut t = dataset.qlearning(&QLearningOptions::default());
    algo.reward_scaling().apply(&mut t);
    let limit = 1.0 - algo.action_clip_eps();
    for mut row in t.actions.rows_mut() {
        let row = row.as_slice_mut().expect("actions are contiguous");
        bounds.to_unit(row);
        row.iter_mut().for_each(|a| *a = a.clamp(-limit, limit));
    }
    let obs_dim = dataset.obs_dim();
    let normalizer = if algo.normalize_states() {
        StateNormalizer::fit(&t.observations, 1e-3)
    } else {
        StateNormalizer::identity(obs_dim)
    };
    normalizer.normalize(&mut t.observations);
    normalizer.normalize(&mut t.next_observations);
    let spec = Spec {
        obs_dim,
        act_dim: dataset.act_dim(),
        normalizer,
        action_bounds: bounds,
    };
    let standard =
        |a: &ndarray::Array2<f32>| a.as_standard_layout().iter().copied().collect::<Vec<_>>();
    let observations = standard(&t.observations);
    let actions = standard(&t.actions);
    let next_observations = standard(&t.next_observations);
    let rewards: Vec<f32> = t.rewards.iter().copied().collect();
    let terminals: Vec<bool> = t.terminals.iter().copied().collect();
    let buffer = TransitionBuffer::new(
        HostTransitions {
            observations: &observations,
            actions: &actions,
            rewards: &rewards,
            next_observations: &next_observations,
            terminals: &terminals,
        },
        spec.obs_dim,
        spec.act_dim,
        device,
    );
    Prepared { spec, buffer }
}
