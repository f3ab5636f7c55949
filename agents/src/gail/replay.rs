//! GAIL's replay (B.7): one ring per environment slot (so n-step windows never mix two
//! environments' steps), DAC-style absorbing states and n-step look-ahead windows whose rewards
//! the current discriminator recomputes at every sample.
//!
//! A row keeps the critic's fields (raw s, a in [-1, 1], s') and how it ends: `end` (the
//! episode ended here, by termination or time limit) and `terminal` (a true termination, after
//! which nothing is bootstrapped). An episode that terminates stores two rows: the terminal
//! transition, whose discriminator input is (s⊕0, a⊕0), and an absorbing self-transition whose
//! discriminator input is the absorbing pair (0⃗⊕1, 0⃗⊕1) and whose critic fields repeat the
//! terminal one's, both terminal. A time-out stores one ordinary row (indicator 0) with `end`
//! set and no `terminal`: it cuts the window and still bootstraps.
//!
//! Deviations from the official code: time-outs bootstrap (the code treats them as terminal,
//! the partial-episode bias the spec recommends removing), and a termination in the window's
//! last slot stops bootstrapping too (the code keeps bootstrapping there, pitfall B.14.6).

use crate::checkpoint::problem;
use ember_engine::runtime::RuntimeError;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One stored transition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Raw observation.
    pub obs: Vec<f32>,
    /// Action in [-1, 1].
    pub act: Vec<f32>,
    /// Raw next observation.
    pub next_obs: Vec<f32>,
    /// The episode ended at this row (termination or time limit).
    pub end: bool,
    /// The episode ended by termination (no bootstrap).
    pub terminal: bool,
    /// The discriminator sees the absorbing pair instead of (obs, act).
    pub absorbing: bool,
}

impl Row {
    /// The discriminator's input: (s⊕0, a⊕0), or the absorbing (0⃗⊕1, 0⃗⊕1); without absorbing
    /// states, (s, a).
    pub fn disc_input(&self, absorbing_states: bool, state: &mut Vec<f32>, action: &mut Vec<f32>) {
        if !absorbing_states {
            state.extend_from_slice(&self.obs);
            action.extend_from_slice(&self.act);
        } else if self.absorbing {
            state.extend(std::iter::repeat_n(0.0, self.obs.len()));
            state.push(1.0);
            action.extend(std::iter::repeat_n(0.0, self.act.len()));
            action.push(1.0);
        } else {
            state.extend_from_slice(&self.obs);
            state.push(0.0);
            action.extend_from_slice(&self.act);
            action.push(0.0);
        }
    }
}

/// The n-step window starting at a sampled row.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    /// The rows `i .. i + td_len` in order (the first is the sampled transition).
    pub rows: Vec<Row>,
    /// Whether the target bootstraps from the last row's next observation.
    pub bootstrap: bool,
}

impl Window {
    /// `(Σ_k γ^k r_k, γ^len · bootstrap)`: the n-step return from the window's rewards and the
    /// factor of the bootstrapped value.
    pub fn n_step(&self, rewards: &[f32], gamma: f32) -> (f32, f32) {
        let ret = rewards
            .iter()
            .take(self.rows.len())
            .enumerate()
            .map(|(k, r)| gamma.powi(k as i32) * r)
            .sum();
        let discount = if self.bootstrap {
            gamma.powi(self.rows.len() as i32)
        } else {
            0.0
        };
        (ret, discount)
    }
}

/// One slot's rows, a ring in logical (oldest-first) order.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Ring {
    rows: Vec<Row>,
    /// Physical index of the oldest row once full.
    head: usize,
}

impl Ring {
    fn get(&self, logical: usize) -> &Row {
        &self.rows[(self.head + logical) % self.rows.len()]
    }

    fn push(&mut self, row: Row, capacity: usize) {
        if self.rows.len() < capacity {
            self.rows.push(row);
        } else {
            self.rows[self.head] = row;
            self.head = (self.head + 1) % capacity;
        }
    }
}

/// The replay of all slots.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GailReplay {
    rings: Vec<Ring>,
    /// Rows per slot.
    capacity: usize,
    /// Store absorbing rows at terminations.
    absorbing: bool,
}

impl GailReplay {
    /// Empty rings for `slots` environments sharing `capacity` rows.
    pub fn new(capacity: usize, slots: usize, absorbing: bool) -> Self {
        Self {
            rings: Vec::new(),
            capacity: capacity.max(1),
            absorbing,
        }
        .with_slots(slots)
    }

    fn with_slots(mut self, slots: usize) -> Self {
        self.rings.resize_with(slots.max(1), Ring::default);
        self
    }

    /// Rows held in all.
    pub fn len(&self) -> usize {
        self.rings.iter().map(|r| r.rows.len()).sum()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes room for `slots` environments (their rings share the capacity); call before the
    /// first push of a run.
    pub fn ensure_slots(&mut self, slots: usize) {
        if slots > self.rings.len() {
            self.rings.resize_with(slots, Ring::default);
        }
    }

    /// Stores a transition of `slot` (see [`GailReplay::ensure_slots`]): one row, plus the
    /// absorbing row after a termination when absorbing states are on.
    pub fn push(&mut self, slot: usize, row: Row) {
        self.ensure_slots(slot + 1);
        let per_slot = self.capacity.div_ceil(self.rings.len()).max(2);
        let absorbing = (self.absorbing && row.terminal).then(|| Row {
            absorbing: true,
            ..row.clone()
        });
        let ring = &mut self.rings[slot];
        ring.push(row, per_slot);
        if let Some(absorbing) = absorbing {
            ring.push(absorbing, per_slot);
        }
    }

    /// A uniformly drawn row: (slot, logical index).
    fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> (usize, usize) {
        let mut index = rng.random_range(0..self.len());
        for (slot, ring) in self.rings.iter().enumerate() {
            if index < ring.rows.len() {
                return (slot, index);
            }
            index -= ring.rows.len();
        }
        unreachable!("index below len")
    }

    /// `count` rows drawn uniformly with replacement. Panics when empty.
    pub fn sample_rows<R: Rng + ?Sized>(&self, count: usize, rng: &mut R) -> Vec<&Row> {
        (0..count)
            .map(|_| {
                let (slot, i) = self.draw(rng);
                self.rings[slot].get(i)
            })
            .collect()
    }

    /// `count` n-step windows starting at uniformly drawn rows. Panics when empty.
    pub fn sample_windows<R: Rng + ?Sized>(
        &self,
        count: usize,
        n: usize,
        rng: &mut R,
    ) -> Vec<Window> {
        (0..count)
            .map(|_| {
                let (slot, i) = self.draw(rng);
                self.window(slot, i, n)
            })
            .collect()
    }

    /// The window of up to `n` rows from row `i` of `slot`, cut after the first episode end;
    /// it bootstraps unless that end is a termination. A window cut short by the newest row
    /// (the episode still running) bootstraps from it.
    pub fn window(&self, slot: usize, i: usize, n: usize) -> Window {
        let ring = &self.rings[slot];
        let mut rows = Vec::with_capacity(n);
        let mut bootstrap = true;
        for k in i..(i + n.max(1)).min(ring.rows.len()) {
            let row = ring.get(k);
            rows.push(row.clone());
            if row.end {
                bootstrap = !row.terminal;
                break;
            }
        }
        Window { rows, bootstrap }
    }

    /// Writes the rows into `path` (JSON).
    pub fn save(&self, path: &Path) -> Result<(), RuntimeError> {
        let file = std::fs::File::create(path).map_err(|e| RuntimeError::io(path, e))?;
        serde_json::to_writer(std::io::BufWriter::new(file), self).map_err(|e| problem(path, e))
    }

    /// Restores what [`GailReplay::save`] wrote.
    pub fn load(&mut self, path: &Path) -> Result<(), RuntimeError> {
        let file = std::fs::File::open(path).map_err(|e| RuntimeError::io(path, e))?;
        *self =
            serde_json::from_reader(std::io::BufReader::new(file)).map_err(|e| problem(path, e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: usize, end: bool, terminal: bool) -> Row {
        Row {
            obs: vec![i as f32],
            act: vec![0.5],
            next_obs: vec![i as f32 + 1.0],
            end,
            terminal,
            absorbing: false,
        }
    }

    /// A synthetic episode with its end at every position of the window, by termination or by
    /// time limit: the n-step return and the bootstrap factor equal the closed form
    /// R = Σ_{k ≤ j} γ^k r_k with γ^{j+1} after a time-out and 0 after a termination, and an
    /// end-free window bootstraps with γ^n from its last row.
    #[test]
    fn n_step_targets_match_the_closed_form() {
        let (n, gamma) = (5usize, 0.9f32);
        let rewards: Vec<f32> = (0..n).map(|k| 1.0 + k as f32).collect();
        for terminal in [true, false] {
            for j in 0..n {
                let mut replay = GailReplay::new(100, 1, false);
                for i in 0..12 {
                    replay.push(0, row(i, i == j, terminal && i == j));
                }
                let window = replay.window(0, 0, n);
                assert_eq!(window.rows.len(), j + 1);
                assert_eq!(window.rows.last().unwrap().next_obs, vec![j as f32 + 1.0]);
                let (ret, discount) = window.n_step(&rewards, gamma);
                let expected: f32 = (0..=j).map(|k| gamma.powi(k as i32) * rewards[k]).sum();
                assert!(
                    (ret - expected).abs() < 1e-5,
                    "end at {j}: {ret} vs {expected}"
                );
                let expected = if terminal {
                    0.0
                } else {
                    gamma.powi(j as i32 + 1)
                };
                assert!((discount - expected).abs() < 1e-6, "end at {j}: {discount}");
            }
        }
        // No end inside: n rows, γ^n, from the n-th row's next observation.
        let mut replay = GailReplay::new(100, 1, false);
        for i in 0..12 {
            replay.push(0, row(i, false, false));
        }
        let window = replay.window(0, 2, n);
        assert_eq!(window.rows.len(), n);
        assert_eq!(window.rows.last().unwrap().next_obs, vec![7.0]);
        assert!((window.n_step(&rewards, gamma).1 - gamma.powi(n as i32)).abs() < 1e-6);
        // Cut by the newest row: bootstraps from it.
        let window = replay.window(0, 10, n);
        assert_eq!((window.rows.len(), window.bootstrap), (2, true));
    }

    /// A termination stores the terminal row (indicator 0) and the absorbing row (absorbing
    /// pair, critic fields repeated), both terminal; a time-out stores one ordinary row that
    /// ends the episode but bootstraps. Without absorbing states a termination stores one row.
    #[test]
    fn absorbing_states_on_terminations_not_time_outs() {
        let mut replay = GailReplay::new(100, 2, true);
        replay.push(0, row(0, true, true));
        replay.push(1, row(5, true, false));
        assert_eq!(replay.len(), 3);
        let (mut s, mut a) = (Vec::new(), Vec::new());
        let terminal = replay.rings[0].get(0).clone();
        let absorbing = replay.rings[0].get(1).clone();
        assert!(terminal.terminal && !terminal.absorbing);
        assert!(absorbing.terminal && absorbing.end && absorbing.absorbing);
        assert_eq!(
            (&absorbing.obs, &absorbing.act, &absorbing.next_obs),
            (&terminal.obs, &terminal.act, &terminal.next_obs)
        );
        terminal.disc_input(true, &mut s, &mut a);
        absorbing.disc_input(true, &mut s, &mut a);
        assert_eq!(s, vec![0.0, 0.0, 0.0, 1.0]);
        assert_eq!(a, vec![0.5, 0.0, 0.0, 1.0]);
        // Each of the two terminal rows is a one-step window without bootstrap.
        for i in 0..2 {
            let window = replay.window(0, i, 10);
            assert_eq!((window.rows.len(), window.bootstrap), (1, false));
        }
        // The time-out: one row, indicator 0, bootstraps.
        assert_eq!(replay.rings[1].rows.len(), 1);
        let (mut s, mut a) = (Vec::new(), Vec::new());
        replay.rings[1].get(0).disc_input(true, &mut s, &mut a);
        assert_eq!((s, a), (vec![5.0, 0.0], vec![0.5, 0.0]));
        let window = replay.window(1, 0, 10);
        assert_eq!((window.rows.len(), window.bootstrap), (1, true));

        let mut plain = GailReplay::new(100, 1, false);
        plain.push(0, row(0, true, true));
        assert_eq!(plain.len(), 1);
    }

    #[test]
    fn ring_overwrites_the_oldest_and_round_trips() {
        let mut replay = GailReplay::new(4, 1, false);
        for i in 0..6 {
            replay.push(0, row(i, false, false));
        }
        assert_eq!(replay.len(), 4);
        let window = replay.window(0, 0, 10);
        let firsts: Vec<f32> = window.rows.iter().map(|r| r.obs[0]).collect();
        assert_eq!(firsts, vec![2.0, 3.0, 4.0, 5.0]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("replay.json");
        replay.save(&path).unwrap();
        let mut restored = GailReplay::new(4, 1, false);
        restored.load(&path).unwrap();
        assert_eq!(restored.window(0, 0, 10), replay.window(0, 0, 10));
    }
}
