//! Turning a dataset into what an offline agent trains on: D4RL `qlearning` transitions, the
//! method's reward transform, actions in [-1, 1], optional state standardisation, all uploaded
//! to the device once. With expert demonstrations (offline imitation) the environment's rewards
//! are dropped and replaced by a learned imitation reward over the union of both sets.

use crate::agent::{ActionBounds, Spec};
use crate::algo::AlgoConfig;
use crate::imitation::{ImitationConfig, imitation_rewards};
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
    /// Final loss of the imitation discriminator, when the rewards were learned.
    pub discriminator_loss: Option<f32>,
}

/// Expert demonstrations for offline imitation, and how to learn their reward.
pub struct Demonstrations<'a> {
    /// The expert's trajectories (their rewards are ignored).
    pub expert: &'a OfflineDataset,
    /// Discriminator settings.
    pub config: &'a ImitationConfig,
}

/// Prepares `dataset` (plus `demos` for imitation) for `algo`, with the environment's action
/// box `bounds` and time limit `max_episode_steps` (used by the `return_range` reward scaling).
/// Fails, with a one-line message, when the method's reward scaling cannot be applied.
pub fn prepare(
    dataset: &OfflineDataset,
    demos: Option<Demonstrations<'_>>,
    algo: &AlgoConfig,
    bounds: ActionBounds,
    max_episode_steps: Option<usize>,
    device: &Device,
) -> Result<Prepared, String> {
    let options = QLearningOptions::default();
    let mut t = dataset.qlearning(&options);
    let expert_rows = demos.as_ref().map(|d| {
        let expert = d.expert.qlearning(&options);
        let rows = expert.len();
        t = expert.stack(&t);
        rows
    });
    let prep = algo.data_prep();
    let limit = 1.0 - prep.action_clip_eps;
    for mut row in t.actions.rows_mut() {
        let row = row.as_slice_mut().expect("actions are contiguous");
        bounds.to_unit(row);
        row.iter_mut().for_each(|a| *a = a.clamp(-limit, limit));
    }
    let obs_dim = dataset.obs_dim();
    let act_dim = dataset.act_dim();
    let normalizer = if prep.normalize_states {
        StateNormalizer::fit(&t.observations, 1e-3)
    } else {
        StateNormalizer::identity(obs_dim)
    };
    normalizer.normalize(&mut t.observations);
    normalizer.normalize(&mut t.next_observations);
    let standard =
        |a: &ndarray::Array2<f32>| a.as_standard_layout().iter().copied().collect::<Vec<_>>();
    let observations = standard(&t.observations);
    let actions = standard(&t.actions);
    let next_observations = standard(&t.next_observations);
    let terminals: Vec<bool> = t.terminals.iter().copied().collect();
    let mut discriminator_loss = None;
    if let (Some(demos), Some(expert_rows)) = (demos, expert_rows) {
        let rows = HostTransitions {
            observations: &observations,
            actions: &actions,
            rewards: t.rewards.as_slice().expect("rewards are contiguous"),
            next_observations: &next_observations,
            terminals: &terminals,
        };
        let (rewards, loss) =
            imitation_rewards(&rows, expert_rows, obs_dim, act_dim, demos.config, device);
        t.rewards = rewards.into();
        discriminator_loss = Some(loss);
    }
    prep.reward_scaling.apply(&mut t, max_episode_steps)?;
    let rewards: Vec<f32> = t.rewards.iter().copied().collect();
    let spec = Spec {
        obs_dim,
        act_dim,
        normalizer,
        action_space: bounds.into(),
    };
    let buffer = TransitionBuffer::new(
        HostTransitions {
            observations: &observations,
            actions: &actions,
            rewards: &rewards,
            next_observations: &next_observations,
            terminals: &terminals,
        },
        obs_dim,
        act_dim,
        device,
    );
    Ok(Prepared {
        spec,
        buffer,
        discriminator_loss,
    })
}
