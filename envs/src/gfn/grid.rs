//! [`Grid`]: the HyperGrid DAG on `{0..H-1}^D`, shared by [`HyperGrid`](super::HyperGrid) and
//! [`MoHyperGrid`](super::MoHyperGrid).

use super::{Enumerable, GfnEnv};
use crate::EnvError;

/// A cell of a [`Grid`]: one integer coordinate per dimension.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GridState(pub Vec<u32>);

/// The HyperGrid DAG: states `{0..H-1}^D`, `s_0 = 0`.
///
/// * Forward actions `0..D`: increment coordinate `d` (masked when `s_d = H-1`); action `D` is
///   exit, allowed everywhere, so every cell is an object.
/// * Backward actions `0..D`: decrement coordinate `d` (allowed when `s_d > 0`).
/// * With [`Grid::stopping_at_edge`] (the multi-objective variant) a cell with a coordinate at
///   `H-1` only allows exit, so cells with two or more coordinates at `H-1` are unreachable.
/// * Features: one one-hot block of width `H` per coordinate (`D·H` entries).
/// * Index: mixed radix, coordinate 0 least significant (a topological order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    dim: usize,
    side: u32,
    stop_at_edge: bool,
    n_states: usize,
}

impl Grid {
    /// The standard HyperGrid with `dim` coordinates of `side` values each.
    pub fn new(dim: usize, side: u32) -> Result<Self, EnvError> {
        Self::build(dim, side, false)
    }

    /// The variant whose episodes also end as soon as a coordinate reaches `side - 1`.
    pub fn stopping_at_edge(dim: usize, side: u32) -> Result<Self, EnvError> {
        Self::build(dim, side, true)
    }

    fn build(dim: usize, side: u32, stop_at_edge: bool) -> Result<Self, EnvError> {
        if dim == 0 || side < 2 {
            return Err(EnvError::InvalidArgument(format!(
                "grid needs dim >= 1 and side >= 2, got dim {dim}, side {side}"
            )));
        }
        let n_states = u32::try_from(dim)
            .ok()
            .and_then(|d| (side as usize).checked_pow(d))
            .ok_or_else(|| {
                EnvError::InvalidArgument(format!("grid {side}^{dim} does not fit in usize"))
            })?;
        Ok(Self {
            dim,
            side,
            stop_at_edge,
            n_states,
        })
    }

    /// Number of coordinates `D`.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of values per coordinate `H`.
    pub fn side(&self) -> u32 {
        self.side
    }

    fn at_edge(&self, s: &GridState) -> usize {
        s.0.iter().filter(|&&c| c == self.side - 1).count()
    }

    fn check(&self, s: &GridState) -> Result<(), EnvError> {
        if s.0.len() != self.dim || s.0.iter().any(|&c| c >= self.side) {
            return Err(EnvError::InvalidArgument(format!(
                "{s:?} is not a cell of this grid"
            )));
        }
        Ok(())
    }
}

impl GfnEnv for Grid {
    type State = GridState;

    fn initial(&self) -> GridState {
        GridState(vec![0; self.dim])
    }

    fn n_actions(&self) -> usize {
        self.dim + 1
    }

    fn n_backward_actions(&self) -> usize {
        self.dim
    }

    fn forward_mask(&self, s: &GridState) -> Vec<bool> {
        let frozen = self.stop_at_edge && self.at_edge(s) > 0;
        let mut mask: Vec<bool> = s.0.iter().map(|&c| !frozen && c + 1 < self.side).collect();
        mask.push(true);
        mask
    }

    fn backward_mask(&self, s: &GridState) -> Vec<bool> {
        let edge = self.at_edge(s);
        s.0.iter()
            .map(|&c| {
                let others_at_edge = edge - usize::from(c == self.side - 1);
                c > 0 && !(self.stop_at_edge && others_at_edge > 0)
            })
            .collect()
    }

    fn step(&self, s: &GridState, a: usize) -> Result<GridState, EnvError> {
        self.check(s)?;
        if a >= self.dim || !self.forward_mask(s)[a] {
            return Err(EnvError::InvalidArgument(format!(
                "forward action {a} is not allowed at {s:?} (exit has no successor state)"
            )));
        }
        let mut next = s.clone();
        next.0[a] += 1;
        Ok(next)
    }

    fn backward_step(&self, s: &GridState, b: usize) -> Result<GridState, EnvError> {
        self.check(s)?;
        if b >= self.dim || !self.backward_mask(s)[b] {
            return Err(EnvError::InvalidArgument(format!(
                "backward action {b} is not allowed at {s:?}"
            )));
        }
        let mut prev = s.clone();
        prev.0[b] -= 1;
        Ok(prev)
    }

    fn feature_dim(&self) -> usize {
        self.dim * self.side as usize
    }

    fn encode_into(&self, s: &GridState, out: &mut [f32]) {
        out.fill(0.0);
        for (d, &c) in s.0.iter().enumerate() {
            out[d * self.side as usize + c as usize] = 1.0;
        }
    }
}

impl Enumerable for Grid {
    fn n_states(&self) -> usize {
        self.n_states
    }

    fn index_of(&self, s: &GridState) -> usize {
        s.0.iter()
            .rev()
            .fold(0, |acc, &c| acc * self.side as usize + c as usize)
    }

    fn state_at(&self, mut i: usize) -> GridState {
        let side = self.side as usize;
        GridState(
            (0..self.dim)
                .map(|_| {
                    let c = i % side;
                    i /= side;
                    c as u32
                })
                .collect(),
        )
    }

    fn is_reachable(&self, i: usize) -> bool {
        !self.stop_at_edge || self.at_edge(&self.state_at(i)) <= 1
    }
}
