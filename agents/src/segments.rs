//! From a dataset's segment view to a device-resident [`SegmentBuffer`].

use burn::tensor::Device;
use ember_datasets::{DatasetError, OfflineDataset, SegmentOptions};
use ember_engine::segments::{HostSegments, SegmentBuffer};

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
}
