//! Turning a dataset into what an offline agent trains on: D4RL `qlearning` transitions, the
//! method's reward transform, actions in [-1, 1], optional state standardisation, all uploaded
//! to the device once. With expert demonstrations (offline imitation) the environment's rewards
//! are dropped: in the discriminator mode replaced by a learned imitation reward over the union
//! of both sets, in the paper mode zeroed on the expert's first episode, the only data.

use crate::agent::{ActionBounds, Spec};
use crate::algo::AlgoConfig;
use crate::imitation::{ImitationConfig, ImitationMode, imitation_rewards};
use ember_datasets::{OfflineDataset, QLearningOptions, StateNormalizer, Transitions};
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
    /// Mode and discriminator settings.
    pub config: &'a ImitationConfig,
}

/// The O-DICE paper's imitation data (`main_odice_il.py`): the `qlearning` transitions of the
/// first complete episode of `expert` (rows up to its first terminal or timeout; a timeout row
/// is dropped as `qlearning` does, as it has no next state), every reward set to 0. An error
/// naming the file when no episode is complete.
pub fn paper_demonstration(expert: &OfflineDataset) -> Result<Transitions, String> {
    let end = expert
        .episodes()
        .first()
        .filter(|r| !r.is_empty() && expert.is_episode_end(r.end - 1))
        .map(|r| r.end)
        .ok_or_else(|| {
            format!(
                "{}: no complete episode (terminal or timeout) to imitate",
                expert.label()
            )
        })?;
    // One row past the episode, so its last row's next state is the following row.
    let mut t = expert.head(end + 1).qlearning(&QLearningOptions::default());
    if t.is_empty() {
        return Err(format!(
            "{}: the first episode has no transition to imitate",
            expert.label()
        ));
    }
    t.rewards.fill(0.0);
    Ok(t)
}

/// Prepares `dataset` (plus `demos` for imitation) for `algo`, with the environment's action
/// box `bounds` and time limit `max_episode_steps` (used by the `return_range` reward scaling).
/// In the paper imitation mode `dataset` is not used: the data is [`paper_demonstration`] and
/// no reward scaling applies. Fails, with a one-line message, when the method's reward scaling
/// cannot be applied or the expert file has no complete episode.
pub fn prepare(
    dataset: &OfflineDataset,
    demos: Option<Demonstrations<'_>>,
    algo: &AlgoConfig,
    bounds: ActionBounds,
    max_episode_steps: Option<usize>,
    device: &Device,
) -> Result<Prepared, String> {
    let options = QLearningOptions::default();
    let paper = demos
        .as_ref()
        .is_some_and(|d| d.config.mode == ImitationMode::Paper);
    let mut t = match &demos {
        Some(d) if paper => paper_demonstration(d.expert)?,
        _ => dataset.qlearning(&options),
    };
    let expert_rows = demos.as_ref().filter(|_| !paper).map(|d| {
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
    if !paper {
        prep.reward_scaling.apply(&mut t, max_episode_steps)?;
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odice::OdiceConfig;
    use ember_datasets::DatasetBuilder;

    /// Expert file: a 3-step episode ending by termination (rewards 1, 2, 3), then a 2-step
    /// episode ending by time limit. Observations are the row index.
    fn expert_file() -> OfflineDataset {
        let mut b = DatasetBuilder::new();
        for (i, (terminated, truncated)) in [
            (false, false),
            (false, false),
            (true, false),
            (false, false),
            (false, true),
        ]
        .into_iter()
        .enumerate()
        {
            let o = i as f32;
            b.push(&[o], &[0.5], o + 1.0, &[o + 1.0], terminated, truncated)
                .unwrap();
        }
        b.finish().unwrap()
    }

    #[test]
    fn paper_mode_uses_the_first_episode_with_zero_rewards() {
        let expert = expert_file();
        let t = paper_demonstration(&expert).unwrap();
        assert_eq!(t.observations.column(0).to_vec(), vec![0.0, 1.0, 2.0]);
        assert_eq!(t.next_observations.column(0).to_vec(), vec![1.0, 2.0, 3.0]);
        assert_eq!(t.rewards.to_vec(), vec![0.0; 3]);
        assert_eq!(t.terminals.to_vec(), vec![false, false, true]);

        // Through `prepare`: the (different, 5-row) --dataset is not used, no discriminator,
        // the normaliser is fitted on the expert episode (mean of 0, 1, 2).
        let other = expert_file().head(5);
        let config = ImitationConfig {
            mode: ImitationMode::Paper,
            ..ImitationConfig::default()
        };
        let algo = AlgoConfig::Odice(OdiceConfig {
            normalize_states: true,
            ..OdiceConfig::default()
        });
        let demos = Demonstrations {
            expert: &expert,
            config: &config,
        };
        let bounds = ActionBounds {
            low: vec![-1.0],
            high: vec![1.0],
        };
        let device = Device::flex();
        let prepared = prepare(&other, Some(demos), &algo, bounds, Some(200), &device).unwrap();
        assert_eq!(prepared.buffer.len(), 3);
        assert!(prepared.discriminator_loss.is_none());
        assert!((prepared.spec.normalizer.mean[0] - 1.0).abs() < 1e-6);
    }

    #[test]
    fn paper_mode_needs_a_complete_episode() {
        let cut = expert_file().head(2);
        let err = paper_demonstration(&cut).unwrap_err();
        assert!(err.contains("no complete episode"), "{err}");
    }
}
