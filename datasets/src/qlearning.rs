//! `d4rl.qlearning_dataset`, reproduced exactly, and the transition table it produces.

use ndarray::{Array1, Array2, Axis};

use crate::dataset::OfflineDataset;

/// Options of [`OfflineDataset::qlearning`], named as in D4RL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QLearningOptions {
    /// Keep the rows that end an episode by time limit (still with `done = false`).
    pub terminate_on_end: bool,
    /// Episode length used to find episode ends when the file has no `timeouts` key.
    pub max_episode_steps: usize,
}

impl Default for QLearningOptions {
    fn default() -> Self {
        Self {
            terminate_on_end: false,
            max_episode_steps: 1000,
        }
    }
}

/// (s, a, r, s', done) rows as returned by `d4rl.qlearning_dataset`.
#[derive(Debug, Clone, PartialEq)]
pub struct Transitions {
    /// s, shape (M, obs_dim).
    pub observations: Array2<f32>,
    /// a, shape (M, act_dim).
    pub actions: Array2<f32>,
    /// r, shape (M,).
    pub rewards: Array1<f32>,
    /// s', shape (M, obs_dim).
    pub next_observations: Array2<f32>,
    /// Environment termination (the TD-target mask is `1 - terminal`), shape (M,).
    pub terminals: Array1<bool>,
}

impl OfflineDataset {
    /// Exactly `d4rl.qlearning_dataset`: the last row is dropped, `next_obs = observations[i+1]`
    /// (stored `next_observations` are ignored), and rows that end an episode by time limit
    /// (`timeouts`, or every `max_episode_steps`-th step counted when there is no `timeouts`
    /// column) are skipped unless `terminate_on_end`. Expects a validated dataset.
    pub fn qlearning(&self, opts: &QLearningOptions) -> Transitions {
        let mut rows = Vec::with_capacity(self.len());
        let mut episode_step = 0usize;
        for i in 0..self.len().saturating_sub(1) {
            let final_step = match &self.timeouts {
                Some(timeouts) => timeouts[i],
                None => episode_step + 1 == opts.max_episode_steps,
            };
            if final_step && !opts.terminate_on_end {
                episode_step = 0;
                continue;
            }
            if self.terminals[i] || final_step {
                episode_step = 0;
            }
            rows.push(i);
            episode_step += 1;
        }
        let next_rows: Vec<usize> = rows.iter().map(|i| i + 1).collect();
        Transitions {
            observations: self.observations.select(Axis(0), &rows),
            actions: self.actions.select(Axis(0), &rows),
            rewards: self.rewards.select(Axis(0), &rows),
            next_observations: self.observations.select(Axis(0), &next_rows),
            terminals: self.terminals.select(Axis(0), &rows),
        }
    }
}

impl Transitions {
    /// `self`'s rows followed by `other`'s (same widths; the caller checks the dimensions).
    pub fn stack(&self, other: &Self) -> Self {
        let rows2 = |a: &Array2<f32>, b: &Array2<f32>| {
            ndarray::concatenate(Axis(0), &[a.view(), b.view()]).expect("same width")
        };
        Self {
            observations: rows2(&self.observations, &other.observations),
            actions: rows2(&self.actions, &other.actions),
            rewards: ndarray::concatenate(Axis(0), &[self.rewards.view(), other.rewards.view()])
                .expect("1-d"),
            next_observations: rows2(&self.next_observations, &other.next_observations),
            terminals: ndarray::concatenate(
                Axis(0),
                &[self.terminals.view(), other.terminals.view()],
            )
            .expect("1-d"),
        }
    }

    /// Number of transitions.
    pub fn len(&self) -> usize {
        self.rewards.len()
    }

    /// Whether there are no transitions.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// IQL's trajectory ends: row i ends a trajectory when it is terminal or when
    /// `‖next_observations[i] − observations[i+1]‖ > 1e-6`; the last row always does.
    pub fn trajectory_ends(&self) -> Vec<bool> {
        let n = self.len();
        (0..n)
            .map(|i| {
                if i + 1 == n || self.terminals[i] {
                    return true;
                }
                let gap: f64 = self
                    .next_observations
                    .row(i)
                    .iter()
                    .zip(self.observations.row(i + 1))
                    .map(|(a, b)| f64::from(a - b).powi(2))
                    .sum();
                gap.sqrt() > 1e-6
            })
            .collect()
    }

    /// Undiscounted return of each trajectory split by [`Self::trajectory_ends`] (IQL's rule).
    pub fn trajectory_returns(&self) -> Vec<f64> {
        let mut out = Vec::new();
        let mut acc = 0.0;
        for (r, end) in self.rewards.iter().zip(self.trajectory_ends()) {
            acc += f64::from(*r);
            if end {
                out.push(acc);
                acc = 0.0;
            }
        }
        out
    }

    /// Clips every action to `[-bound, bound]` (IQL clips dataset actions to ±(1 − 1e-5)).
    pub fn clip_actions(&mut self, bound: f32) {
        self.actions.mapv_inplace(|a| a.clamp(-bound, bound));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, array};

    #[test]
    fn iql_trajectory_rule() {
        // Row 0 → 1 continues; row 1 is terminal; row 2's next obs differs from row 3's obs
        // (by more than 1e-6); row 3 → 4 continues up to the gap of 1e-7 (not a split).
        let t = Transitions {
            observations: array![
                [0.0f32, 0.0],
                [1.0, 0.0],
                [2.0, 0.0],
                [3.0, 0.0],
                [4.0, 0.0]
            ],
            actions: Array2::zeros((5, 1)),
            rewards: array![1.0f32, 2.0, 3.0, 4.0, 5.0],
            next_observations: array![
                [1.0f32, 0.0],
                [2.0, 0.0],
                [2.5, 0.0],
                [4.0, 1e-7],
                [5.0, 0.0]
            ],
            terminals: Array1::from(vec![false, true, false, false, false]),
        };
        assert_eq!(t.trajectory_ends(), vec![false, true, true, false, true]);
        assert_eq!(t.trajectory_returns(), vec![3.0, 3.0, 9.0]);
    }

    #[test]
    fn counting_mode_restarts_after_terminals() {
        // No timeouts: with max_episode_steps 3 the counter restarts at 1 after a terminal row,
        // exactly as d4rl's loop does (reset to 0, then incremented for the emitted row).
        let n = 8;
        let mut terminals = Array1::from_elem(n, false);
        terminals[1] = true;
        let data = OfflineDataset::new(
            Array2::from_shape_fn((n, 1), |(i, _)| i as f32),
            Array2::zeros((n, 1)),
            Array1::zeros(n),
            terminals,
        )
        .unwrap();
        let t = data.qlearning(&QLearningOptions {
            terminate_on_end: false,
            max_episode_steps: 3,
        });
        // Steps: 0 (c0→1), 1 terminal (→1), 2 (c1→2), 3 final (skipped), 4 (→1), 5 (→2), 6 final.
        assert_eq!(
            t.observations.column(0).to_vec(),
            vec![0.0, 1.0, 2.0, 4.0, 5.0]
        );
        assert_eq!(
            t.next_observations.column(0).to_vec(),
            vec![1.0, 2.0, 3.0, 5.0, 6.0]
        );
        let kept = data.qlearning(&QLearningOptions {
            terminate_on_end: true,
            max_episode_steps: 3,
        });
        assert_eq!(kept.len(), n - 1);
    }

    #[test]
    fn clip_actions_bounds_both_sides() {
        let mut t = Transitions {
            observations: Array2::zeros((2, 1)),
            actions: array![[1.5f32, -0.5], [-2.0, 0.99999]],
            rewards: Array1::zeros(2),
            next_observations: Array2::zeros((2, 1)),
            terminals: Array1::from_elem(2, false),
        };
        t.clip_actions(1.0 - 1e-5);
        assert_eq!(
            t.actions,
            array![[1.0f32 - 1e-5, -0.5], [-(1.0f32 - 1e-5), 0.99999]]
        );
    }
}
