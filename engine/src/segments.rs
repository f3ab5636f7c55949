//! Fixed-length episode segments resident on the device, sampled on the device: the batch kind
//! of sequence models (trajectory diffusers, context-window policies).
//!
//! The rows are laid out episode after episode; an episode whose windows may run past its end
//! is followed by padding rows (mask 0, last observation and timestep repeated, zero action,
//! reward and return-to-go), so every window is `start..start + H` of one contiguous block.

use burn::tensor::{Device, Distribution, Int, Tensor, TensorData};

/// A minibatch of B windows of H steps; every tensor has the batch first and time second.
#[derive(Clone, Debug)]
pub struct SegmentBatch {
    /// States, `[B, H, obs_dim]`.
    pub observations: Tensor<3>,
    /// Actions, `[B, H, act_dim]`.
    pub actions: Tensor<3>,
    /// Rewards, `[B, H, 1]`.
    pub rewards: Tensor<3>,
    /// Discounted returns-to-go from each step to the episode end, `[B, H, 1]`.
    pub returns_to_go: Tensor<3>,
    /// 1 for a real step, 0 for padding past the episode end, `[B, H, 1]`.
    pub masks: Tensor<3>,
    /// Position of each step in its episode (padding repeats the last one), `[B, H]`.
    pub timesteps: Tensor<2, Int>,
}

/// Host-side columns in row-major order, rows grouped by episode, as the dataset layer gives them.
#[derive(Clone, Copy, Debug)]
pub struct HostSegments<'a> {
    /// `len * obs_dim` states.
    pub observations: &'a [f32],
    /// `len * act_dim` actions.
    pub actions: &'a [f32],
    /// `len` rewards.
    pub rewards: &'a [f32],
    /// `len` returns-to-go, each within its own episode.
    pub returns_to_go: &'a [f32],
    /// Lengths of the consecutive episodes; they add up to `len`.
    pub episode_lengths: &'a [usize],
    /// Valid window starts as (episode index, offset of the first step within the episode).
    pub starts: &'a [(usize, usize)],
}

/// Episode rows uploaded once to a device with the table of window starts;
/// [`SegmentBuffer::sample`] draws windows with the device's own random generator.
#[derive(Clone, Debug)]
pub struct SegmentBuffer {
    observations: Tensor<2>,
    actions: Tensor<2>,
    rewards: Tensor<2>,
    returns_to_go: Tensor<2>,
    masks: Tensor<2>,
    timesteps: Tensor<1, Int>,
    /// Row of the padded layout where each valid window starts.
    starts: Tensor<1, Int>,
    len: usize,
    horizon: usize,
}

/// The padded host layout before upload.
struct Layout {
    observations: Vec<f32>,
    actions: Vec<f32>,
    rewards: Vec<f32>,
    returns_to_go: Vec<f32>,
    masks: Vec<f32>,
    timesteps: Vec<i64>,
    starts: Vec<i64>,
}

impl Layout {
    /// Copies the episodes, each followed by as many padding rows as its latest window needs.
    fn build(host: &HostSegments<'_>, obs_dim: usize, act_dim: usize, horizon: usize) -> Self {
        let lengths = host.episode_lengths;
        let mut pad = vec![0usize; lengths.len()];
        for &(episode, offset) in host.starts {
            assert!(episode < lengths.len(), "window start in episode {episode}");
            assert!(offset < lengths[episode], "window start past its episode");
            pad[episode] = pad[episode].max((offset + horizon).saturating_sub(lengths[episode]));
        }
        let rows = lengths.iter().sum::<usize>() + pad.iter().sum::<usize>();
        let mut out = Self {
            observations: Vec::with_capacity(rows * obs_dim),
            actions: Vec::with_capacity(rows * act_dim),
            rewards: Vec::with_capacity(rows),
            returns_to_go: Vec::with_capacity(rows),
            masks: Vec::with_capacity(rows),
            timesteps: Vec::with_capacity(rows),
            starts: Vec::with_capacity(host.starts.len()),
        };
        let mut first_row = Vec::with_capacity(lengths.len());
        let mut source = 0;
        for (&len, &pad) in lengths.iter().zip(&pad) {
            first_row.push(out.rewards.len() as i64);
            let rows = source..source + len;
            out.observations
                .extend_from_slice(&host.observations[rows.start * obs_dim..rows.end * obs_dim]);
            out.actions
                .extend_from_slice(&host.actions[rows.start * act_dim..rows.end * act_dim]);
            out.rewards.extend_from_slice(&host.rewards[rows.clone()]);
            out.returns_to_go
                .extend_from_slice(&host.returns_to_go[rows.clone()]);
            out.masks.extend(std::iter::repeat_n(1.0, len));
            out.timesteps.extend(0..len as i64);
            if pad > 0 {
                let last = (rows.end - 1) * obs_dim;
                for _ in 0..pad {
                    out.observations
                        .extend_from_slice(&host.observations[last..last + obs_dim]);
                }
            }
            out.actions.extend(std::iter::repeat_n(0.0, pad * act_dim));
            out.rewards.extend(std::iter::repeat_n(0.0, pad));
            out.returns_to_go.extend(std::iter::repeat_n(0.0, pad));
            out.masks.extend(std::iter::repeat_n(0.0, pad));
            out.timesteps
                .extend(std::iter::repeat_n(len as i64 - 1, pad));
            source = rows.end;
        }
        out.starts = host
            .starts
            .iter()
            .map(|&(episode, offset)| first_row[episode] + offset as i64)
            .collect();
        out
    }
}

impl SegmentBuffer {
    /// Lays the episodes out with their padding and copies them to `device`. Panics only on
    /// inconsistent columns or starts, which the dataset layer has already validated.
    pub fn new(
        host: HostSegments<'_>,
        obs_dim: usize,
        act_dim: usize,
        horizon: usize,
        device: &Device,
    ) -> Self {
        let len = host.rewards.len();
        assert!(horizon >= 1, "segment horizon must be at least 1");
        assert!(!host.starts.is_empty(), "no window start");
        assert_eq!(
            host.episode_lengths.iter().sum::<usize>(),
            len,
            "episode lengths"
        );
        assert_eq!(
            host.observations.len(),
            len * obs_dim,
            "observations length"
        );
        assert_eq!(host.actions.len(), len * act_dim, "actions length");
        assert_eq!(host.returns_to_go.len(), len, "returns_to_go length");
        let layout = Layout::build(&host, obs_dim, act_dim, horizon);
        let rows = layout.rewards.len();
        let matrix = |values: Vec<f32>, width: usize| {
            Tensor::<2>::from_data(TensorData::new(values, [rows, width]), device)
        };
        let ints = |values: Vec<i64>| {
            let n = values.len();
            Tensor::<1, Int>::from_data(TensorData::new(values, [n]), device)
        };
        Self {
            observations: matrix(layout.observations, obs_dim),
            actions: matrix(layout.actions, act_dim),
            rewards: matrix(layout.rewards, 1),
            returns_to_go: matrix(layout.returns_to_go, 1),
            masks: matrix(layout.masks, 1),
            timesteps: ints(layout.timesteps),
            starts: ints(layout.starts),
            len: host.starts.len(),
            horizon,
        }
    }

    /// Number of valid window starts.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is no window start (never true for a built buffer).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Window length H.
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// Rows held on the device, padding included.
    pub fn rows(&self) -> usize {
        self.masks.dims()[0]
    }

    /// `batch_size` windows with starts drawn uniformly, with replacement, on the device; the
    /// rows `start..start + H` are gathered there too.
    pub fn sample(&self, batch_size: usize) -> SegmentBatch {
        let device = self.observations.device();
        let (b, h) = (batch_size, self.horizon);
        let pick =
            Tensor::<1, Int>::random([b], Distribution::Uniform(0.0, self.len as f64), &device);
        let first = self.starts.clone().select(0, pick);
        let steps = Tensor::<1, Int>::arange(0..h as i64, &device);
        let index = first.reshape([b, 1]).repeat_dim(1, h) + steps.reshape([1, h]).repeat_dim(0, b);
        let index = index.reshape([b * h]);
        let gather = |column: &Tensor<2>| {
            let width = column.dims()[1];
            column
                .clone()
                .select(0, index.clone())
                .reshape([b, h, width])
        };
        SegmentBatch {
            observations: gather(&self.observations),
            actions: gather(&self.actions),
            rewards: gather(&self.rewards),
            returns_to_go: gather(&self.returns_to_go),
            masks: gather(&self.masks),
            timesteps: self.timesteps.clone().select(0, index).reshape([b, h]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floats(t: Tensor<3>) -> Vec<f32> {
        t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
    }

    /// Episodes of lengths 3, 4, 2 (rows 0-2, 3-6, 7-8); observation row i is `[i, 100 + i]`,
    /// action `-i`, reward `i`, return-to-go `1000 + i`.
    fn host_columns() -> (Vec<f32>, Vec<f32>, Vec<f32>, Vec<f32>) {
        let n = 9;
        let obs = (0..n).flat_map(|i| [i as f32, 100.0 + i as f32]).collect();
        let act = (0..n).map(|i| -(i as f32)).collect();
        let rew = (0..n).map(|i| i as f32).collect();
        let rtg = (0..n).map(|i| 1000.0 + i as f32).collect();
        (obs, act, rew, rtg)
    }

    const LENGTHS: [usize; 3] = [3, 4, 2];
    const FIRST: [usize; 3] = [0, 3, 7];

    fn buffer(horizon: usize, starts: &[(usize, usize)]) -> SegmentBuffer {
        let (obs, act, rew, rtg) = host_columns();
        let host = HostSegments {
            observations: &obs,
            actions: &act,
            rewards: &rew,
            returns_to_go: &rtg,
            episode_lengths: &LENGTHS,
            starts,
        };
        SegmentBuffer::new(host, 2, 1, horizon, &Device::flex())
    }

    #[test]
    fn segments_layout_pads_only_where_a_window_runs_over() {
        let full = buffer(3, &[(0, 0), (1, 0), (1, 1)]);
        assert_eq!((full.len(), full.rows(), full.horizon()), (3, 9, 3));
        // Every row may start: episode 0 needs 2 padding rows, episode 1 needs 2, episode 2 needs 2.
        let all: Vec<(usize, usize)> = (0..3)
            .flat_map(|e| (0..LENGTHS[e]).map(move |o| (e, o)))
            .collect();
        let padded = buffer(3, &all);
        assert_eq!((padded.len(), padded.rows()), (9, 15));
        let starts = padded.starts.clone().into_data().convert::<i64>();
        assert_eq!(
            starts.try_to_vec::<i64>().unwrap(),
            vec![0, 1, 2, 5, 6, 7, 8, 11, 12]
        );
        let masks = padded.masks.clone().into_data().convert::<f32>();
        let ones = |k| std::iter::repeat_n(1.0f32, k);
        let zeros = |k| std::iter::repeat_n(0.0f32, k);
        let want: Vec<f32> = ones(3)
            .chain(zeros(2))
            .chain(ones(4))
            .chain(zeros(2))
            .chain(ones(2))
            .chain(zeros(2))
            .collect();
        assert_eq!(masks.try_to_vec::<f32>().unwrap(), want);
    }

    /// Every sampled window is consecutive rows of one episode, then padding that repeats the
    /// episode's last row with mask 0; all valid starts are drawn over enough samples.
    #[test]
    fn segments_sampled_windows_are_consecutive_rows_of_one_episode() {
        let horizon = 3;
        let all: Vec<(usize, usize)> = (0..3)
            .flat_map(|e| (0..LENGTHS[e]).map(move |o| (e, o)))
            .collect();
        let buffer = buffer(horizon, &all);
        let batch_size = 256;
        let batch = buffer.sample(batch_size);
        assert_eq!(batch.observations.dims(), [batch_size, horizon, 2]);
        assert_eq!(batch.actions.dims(), [batch_size, horizon, 1]);
        assert_eq!(batch.timesteps.dims(), [batch_size, horizon]);
        let obs = floats(batch.observations);
        let act = floats(batch.actions);
        let rew = floats(batch.rewards);
        let rtg = floats(batch.returns_to_go);
        let mask = floats(batch.masks);
        let time = batch
            .timesteps
            .into_data()
            .convert::<i64>()
            .try_to_vec::<i64>()
            .unwrap();
        let mut seen = [false; 9];
        for w in 0..batch_size {
            let start = obs[w * horizon * 2] as usize;
            assert!(start < 9, "window {w} starts at row {start}");
            seen[start] = true;
            let episode = FIRST.iter().rposition(|&f| f <= start).unwrap();
            let end = FIRST[episode] + LENGTHS[episode];
            for k in 0..horizon {
                let at = w * horizon + k;
                let row = start + k;
                if row < end {
                    let r = row as f32;
                    assert_eq!(
                        obs[2 * at..2 * at + 2],
                        [r, 100.0 + r],
                        "window {w} step {k}"
                    );
                    assert_eq!(
                        (act[at], rew[at], rtg[at], mask[at]),
                        (-r, r, 1000.0 + r, 1.0)
                    );
                    assert_eq!(time[at], (row - FIRST[episode]) as i64);
                } else {
                    let last = (end - 1) as f32;
                    assert_eq!(obs[2 * at..2 * at + 2], [last, 100.0 + last]);
                    assert_eq!((act[at], rew[at], rtg[at], mask[at]), (0.0, 0.0, 0.0, 0.0));
                    assert_eq!(time[at], (LENGTHS[episode] - 1) as i64);
                }
            }
        }
        assert!(seen.iter().all(|&s| s), "starts drawn: {seen:?}");
    }

    #[test]
    fn segments_unpadded_windows_hold_only_real_rows() {
        let buffer = buffer(4, &[(1, 0)]);
        assert_eq!(buffer.rows(), 9);
        let batch = buffer.sample(5);
        let obs = floats(batch.observations);
        let want: Vec<f32> = (0..5)
            .flat_map(|_| (3..7).flat_map(|i| [i as f32, 100.0 + i as f32]))
            .collect();
        assert_eq!(obs, want);
        assert!(floats(batch.masks).iter().all(|&m| m == 1.0));
    }
}
