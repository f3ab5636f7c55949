//! The segment view of a dataset: fixed-length windows of H consecutive steps inside one
//! episode, with per-row returns-to-go, for sequence models (Diffuser, Decision Transformer).

use std::ops::Range;

use ndarray::Array1;

use crate::dataset::OfflineDataset;
use crate::error::DatasetError;

/// Options of [`OfflineDataset::segments`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentOptions {
    /// Window length H (at least 1).
    pub horizon: usize,
    /// Discount of the returns-to-go, in `[0, 1]` (1 = undiscounted, as in Decision Transformer).
    pub gamma: f64,
    /// Let windows start at every row, padding those that run past the episode end (mask 0,
    /// last observation repeated); when false, only windows that fit inside the episode start.
    pub pad: bool,
}

impl Default for SegmentOptions {
    /// Horizon 32, undiscounted, padded (Diffuser's locomotion setting with `use_padding`).
    fn default() -> Self {
        Self {
            horizon: 32,
            gamma: 1.0,
            pad: true,
        }
    }
}

/// Host columns of the segment view; rows are indexed as in the dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Segments {
    /// The options the view was built with.
    pub options: SegmentOptions,
    /// Episodes as row ranges ([`OfflineDataset::episodes`]), in row order, covering every row.
    pub episodes: Vec<Range<usize>>,
    /// Valid window starts as (episode index, offset of the first step within that episode).
    pub starts: Vec<(usize, usize)>,
    /// Per row t: `sum_k gamma^k r_{t+k}` up to the end of t's episode, shape (N,).
    pub returns_to_go: Array1<f32>,
    /// Per row: the episode ended there by environment termination (not a time limit), shape (N,).
    pub terminal: Array1<bool>,
}

impl Segments {
    /// Number of valid window starts.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether there is no valid window start.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Dataset rows of window `i`, and how many of its H steps are real (the rest is padding).
    pub fn window(&self, i: usize) -> (Range<usize>, usize) {
        let (episode, offset) = self.starts[i];
        let rows = &self.episodes[episode];
        let first = rows.start + offset;
        let last = (first + self.options.horizon).min(rows.end);
        (first..last, last - first)
    }
}

impl OfflineDataset {
    /// Splits the dataset into episodes (terminals, timeouts and the end of the table end one)
    /// and lists the windows of `opts.horizon` steps that never cross an episode end.
    pub fn segments(&self, opts: &SegmentOptions) -> Result<Segments, DatasetError> {
        let file = self.label();
        if opts.horizon == 0 {
            return Err(DatasetError::invalid(
                &file,
                "segment horizon must be at least 1 (got 0)",
            ));
        }
        if !(0.0..=1.0).contains(&opts.gamma) {
            return Err(DatasetError::invalid(
                &file,
                format!(
                    "segment discount gamma must be in [0, 1] (got {})",
                    opts.gamma
                ),
            ));
        }
        let episodes = self.episodes();
        let mut starts = Vec::new();
        let mut returns_to_go = Array1::<f32>::zeros(self.len());
        for (e, rows) in episodes.iter().enumerate() {
            let len = rows.len();
            let count = if opts.pad {
                len
            } else {
                (len + 1).saturating_sub(opts.horizon)
            };
            starts.extend((0..count).map(|offset| (e, offset)));
            let mut acc = 0.0f64;
            for i in rows.clone().rev() {
                acc = f64::from(self.rewards[i]) + opts.gamma * acc;
                returns_to_go[i] = acc as f32;
            }
        }
        if starts.is_empty() {
            let longest = episodes.iter().map(Range::len).max().unwrap_or(0);
            return Err(DatasetError::invalid(
                &file,
                format!(
                    "no episode has {} rows for an unpadded segment horizon (longest has {longest}); \
                     shorten the horizon or enable padding",
                    opts.horizon
                ),
            ));
        }
        Ok(Segments {
            options: *opts,
            episodes,
            starts,
            returns_to_go,
            terminal: self.terminals.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// Rows 0-2 end by terminal, 3-6 by timeout, 7-8 are cut by the end of the table.
    /// Rewards are 1, 2, 3, ... so returns are easy to add up by hand.
    fn three_episodes() -> OfflineDataset {
        let n = 9;
        let mut data = OfflineDataset::new(
            Array2::from_shape_fn((n, 2), |(i, j)| (10 * i + j) as f32),
            Array2::zeros((n, 1)),
            Array1::from_shape_fn(n, |i| (i + 1) as f32),
            Array1::from_shape_fn(n, |i| i == 2),
        )
        .unwrap();
        data.timeouts = Some(Array1::from_shape_fn(n, |i| i == 6));
        data
    }

    fn opts(horizon: usize, gamma: f64, pad: bool) -> SegmentOptions {
        SegmentOptions {
            horizon,
            gamma,
            pad,
        }
    }

    #[test]
    fn segments_unpadded_starts_fit_inside_each_episode() {
        let seg = three_episodes().segments(&opts(3, 1.0, false)).unwrap();
        assert_eq!(seg.episodes, vec![0..3, 3..7, 7..9]);
        // Lengths 3, 4, 2 give 1, 2 and 0 full windows of 3.
        assert_eq!(seg.starts, vec![(0, 0), (1, 0), (1, 1)]);
        assert_eq!(seg.window(2), (4..7, 3));
        for i in 0..seg.len() {
            let (rows, real) = seg.window(i);
            assert_eq!(real, 3);
            assert!(
                seg.episodes
                    .iter()
                    .any(|e| e.start <= rows.start && rows.end <= e.end)
            );
        }
    }

    #[test]
    fn segments_padded_starts_cover_every_row() {
        let seg = three_episodes().segments(&opts(3, 1.0, true)).unwrap();
        let expected: Vec<(usize, usize)> = [(0, 3), (1, 4), (2, 2)]
            .into_iter()
            .flat_map(|(e, len)| (0..len).map(move |o| (e, o)))
            .collect();
        assert_eq!(seg.starts, expected);
        assert_eq!(seg.len(), 9);
        // Window at row 5 holds rows 5, 6 and one padding step; row 8 holds itself and two.
        assert_eq!(seg.window(5), (5..7, 2));
        assert_eq!(seg.window(8), (8..9, 1));
        assert_eq!(
            seg.terminal.to_vec(),
            (0..9).map(|i| i == 2).collect::<Vec<_>>()
        );
    }

    #[test]
    fn segments_returns_to_go_by_hand() {
        let data = three_episodes();
        let undiscounted = data.segments(&opts(1, 1.0, false)).unwrap();
        // Episodes (1,2,3), (4,5,6,7), (8,9).
        let want: [f32; 9] = [6.0, 5.0, 3.0, 22.0, 18.0, 13.0, 7.0, 17.0, 9.0];
        assert_eq!(undiscounted.returns_to_go.to_vec(), want);
        let half = data.segments(&opts(1, 0.5, false)).unwrap();
        // 1 + 2/2 + 3/4 = 2.75; 2 + 3/2 = 3.5; 4 + 5/2 + 6/4 + 7/8 = 8.875; ...
        let want: [f32; 9] = [2.75, 3.5, 3.0, 8.875, 9.75, 9.5, 7.0, 12.5, 9.0];
        assert_eq!(half.returns_to_go.to_vec(), want);
        let myopic = data.segments(&opts(1, 0.0, false)).unwrap();
        assert_eq!(myopic.returns_to_go, data.rewards);
    }

    #[test]
    fn segments_bad_options_are_one_line_errors() {
        let data = three_episodes();
        let message = |o: SegmentOptions| data.segments(&o).unwrap_err().to_string();
        assert_eq!(
            message(opts(0, 1.0, true)),
            "<in-memory dataset>: segment horizon must be at least 1 (got 0)"
        );
        assert_eq!(
            message(opts(2, 1.5, true)),
            "<in-memory dataset>: segment discount gamma must be in [0, 1] (got 1.5)"
        );
        assert_eq!(
            message(opts(2, f64::NAN, true)),
            "<in-memory dataset>: segment discount gamma must be in [0, 1] (got NaN)"
        );
        let short = message(opts(5, 1.0, false));
        assert_eq!(
            short,
            "<in-memory dataset>: no episode has 5 rows for an unpadded segment horizon \
             (longest has 4); shorten the horizon or enable padding"
        );
        assert!(!short.contains('\n'));
        // With padding the same horizon is fine.
        assert_eq!(data.segments(&opts(5, 1.0, true)).unwrap().len(), 9);
    }
}
