//! From a dataset's segment view to a device-resident [`SegmentBuffer`].

use crate::agent::{ActionBounds, Spec};
use crate::algo::AlgoConfig;
use burn::tensor::Device;
use ember_datasets::{
    DatasetError, OfflineDataset, RewardScaling, SegmentOptions, StateNormalizer,
};
use ember_engine::segments::{HostSegments, SegmentBuffer};

/// Prepares `dataset` for a sequence method (`algo` asks for the windows `opts`): actions
/// mapped into [-1, 1] with the method's clip margin, states standardised when the method asks
/// (the statistics go into the returned spec, which applies them when acting), raw rewards,
/// then the windows uploaded to `device`. One-line errors for a file that marks no episode end
/// (no terminal, no timeout: windows would straddle episodes), for a reward scaling (it applies
/// to transitions only), and for episodes all shorter than the horizon; shorter episodes among
/// longer ones contribute no window and are counted in the log.
pub fn prepare_segments(
    dataset: &OfflineDataset,
    algo: &AlgoConfig,
    bounds: ActionBounds,
    opts: &SegmentOptions,
    device: &Device,
) -> Result<(Spec, SegmentBuffer), String> {
    let label = dataset.label();
    if !(0..dataset.len())
        .any(|i| dataset.terminals[i] || dataset.timeouts.as_ref().is_some_and(|t| t[i]))
    {
        return Err(format!(
            "{label}: no terminal or timeout marks an episode end, so {}'s windows would \
             straddle episodes; add `terminals`/`timeouts` to the file",
            algo.name()
        ));
    }
    let prep = algo.data_prep();
    if prep.reward_scaling != RewardScaling::None {
        return Err(format!(
            "{}: reward_scaling applies to transitions; a sequence method scales its \
             returns-to-go itself",
            algo.name()
        ));
    }
    let mut data = dataset.clone();
    let limit = 1.0 - prep.action_clip_eps;
    for mut row in data.actions.rows_mut() {
        let row = row.as_slice_mut().expect("actions are contiguous");
        bounds.to_unit(row);
        row.iter_mut().for_each(|a| *a = a.clamp(-limit, limit));
    }
    let normalizer = if prep.normalize_states {
        StateNormalizer::fit(&data.observations, 1e-5)
    } else {
        StateNormalizer::identity(data.obs_dim())
    };
    normalizer.normalize(&mut data.observations);
    let episodes = data.episodes();
    let longest = episodes.iter().map(|e| e.len()).max().unwrap_or(0);
    if !opts.pad && longest < opts.horizon {
        return Err(format!(
            "{label}: no episode has {} rows (longest has {longest}); {} trains on windows of \
             `horizon` steps inside one episode, so lower `horizon`",
            opts.horizon,
            algo.name()
        ));
    }
    let buffer = segment_buffer(&data, opts, device).map_err(|e| e.to_string())?;
    let short = episodes.iter().filter(|e| e.len() < opts.horizon).count();
    if short > 0 && !opts.pad {
        tracing::warn!(
            "{label}: {short} episode(s) shorter than the horizon {} give no window",
            opts.horizon
        );
    }
    let spec = Spec {
        obs_dim: data.obs_dim(),
        act_dim: data.act_dim(),
        normalizer,
        action_space: bounds.into(),
    };
    Ok((spec, buffer))
}

/// Builds the segment view of `data` (see [`OfflineDataset::segments`]) and uploads its rows,
/// as stored (normalise the dataset first if wanted), with the window starts to `device`.
pub fn segment_buffer(
    data: &OfflineDataset,
    opts: &SegmentOptions,
    device: &Device,
) -> Result<SegmentBuffer, DatasetError> {
    let view = data.segments(opts)?;
    let standard =
        |a: &ndarray::Array2<f32>| a.as_standard_layout().iter().copied().collect::<Vec<_>>();
    let observations = standard(&data.observations);
    let actions = standard(&data.actions);
    let rewards: Vec<f32> = data.rewards.iter().copied().collect();
    let returns_to_go: Vec<f32> = view.returns_to_go.iter().copied().collect();
    let episode_lengths: Vec<usize> = view.episodes.iter().map(|e| e.len()).collect();
    let host = HostSegments {
        observations: &observations,
        actions: &actions,
        rewards: &rewards,
        returns_to_go: &returns_to_go,
        episode_lengths: &episode_lengths,
        starts: &view.starts,
    };
    Ok(SegmentBuffer::new(
        host,
        data.obs_dim(),
        data.act_dim(),
        opts.horizon,
        device,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2};

    /// Episodes rows 0-2 (terminal), 3-6 (timeout), 7-8 (cut by the end of the table);
    /// observation row i is `[i]`, reward 1.
    #[test]
    fn segments_buffer_from_dataset_keeps_windows_inside_episodes() {
        let n = 9;
        let mut data = OfflineDataset::new(
            Array2::from_shape_fn((n, 1), |(i, _)| i as f32),
            Array2::zeros((n, 1)),
            Array1::ones(n),
            Array1::from_shape_fn(n, |i| i == 2),
        )
        .unwrap();
        data.timeouts = Some(Array1::from_shape_fn(n, |i| i == 6));
        let device = Device::flex();
        let opts = SegmentOptions {
            horizon: 3,
            gamma: 1.0,
            pad: false,
        };
        let buffer = segment_buffer(&data, &opts, &device).unwrap();
        assert_eq!((buffer.len(), buffer.rows()), (3, 9));
        let batch = buffer.sample(64);
        let read = |t: burn::tensor::Tensor<3>| {
            t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
        };
        let obs = read(batch.observations);
        let rtg = read(batch.returns_to_go);
        for (w, window) in obs.chunks(3).enumerate() {
            assert!(
                [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [4.0, 5.0, 6.0]]
                    .contains(&[window[0], window[1], window[2]]),
                "window {w}: {window:?}"
            );
            // Undiscounted returns-to-go of unit rewards count the steps left in the episode.
            let end = if window[0] < 3.0 { 3.0 } else { 7.0 };
            let want: Vec<f32> = window.iter().map(|&i| end - i).collect();
            assert_eq!(rtg[3 * w..3 * w + 3], want[..]);
        }
        let too_long = SegmentOptions { horizon: 5, ..opts };
        let err = segment_buffer(&data, &too_long, &device).unwrap_err();
        assert!(err.to_string().contains("no episode has 5 rows"), "{err}");
    }

    fn trajdiff(horizon: usize) -> AlgoConfig {
        AlgoConfig::Trajdiff(crate::trajdiff::TrajDiffConfig {
            horizon,
            normalize_states: false,
            ..Default::default()
        })
    }

    /// 30 rows: episodes 0-9 (terminal), 10-19 (timeout), 20-29 (end of table); observation
    /// row i is `[i]`.
    fn three_episodes(marked: bool) -> OfflineDataset {
        let n = 30;
        let mut data = OfflineDataset::new(
            Array2::from_shape_fn((n, 1), |(i, _)| i as f32),
            Array2::zeros((n, 1)),
            Array1::ones(n),
            Array1::from_shape_fn(n, |i| marked && i == 9),
        )
        .unwrap();
        data.timeouts = Some(Array1::from_shape_fn(n, |i| marked && i == 19));
        data
    }

    #[test]
    fn prepared_windows_never_cross_an_episode_end() {
        let algo = trajdiff(8);
        let opts = algo.segments().unwrap();
        let device = Device::flex();
        let (spec, buffer) = prepare_segments(
            &three_episodes(true),
            &algo,
            ActionBounds::unit(1),
            &opts,
            &device,
        )
        .unwrap();
        assert_eq!((spec.obs_dim, buffer.len()), (1, 9));
        let obs = buffer
            .sample(256)
            .observations
            .into_data()
            .convert::<f32>()
            .try_to_vec::<f32>()
            .unwrap();
        for window in obs.chunks(8) {
            let episode = (window[0] / 10.0).floor();
            for (k, &v) in window.iter().enumerate() {
                assert_eq!(v, window[0] + k as f32, "{window:?}");
                assert_eq!(
                    (v / 10.0).floor(),
                    episode,
                    "{window:?} crosses an episode end"
                );
            }
        }
    }

    #[test]
    fn unmarked_or_short_episodes_are_one_line_errors() {
        let device = Device::flex();
        let run = |data: &OfflineDataset, horizon| {
            let algo = trajdiff(horizon);
            let opts = algo.segments().unwrap();
            prepare_segments(data, &algo, ActionBounds::unit(1), &opts, &device).unwrap_err()
        };
        let err = run(&three_episodes(false), 8);
        assert!(
            err.contains("no terminal or timeout marks an episode end"),
            "{err}"
        );
        let err = run(&three_episodes(true), 16);
        assert!(err.contains("no episode has 16 rows"), "{err}");
        for err in [run(&three_episodes(false), 8), err] {
            assert!(!err.contains('\n'), "{err}");
        }
    }
}
