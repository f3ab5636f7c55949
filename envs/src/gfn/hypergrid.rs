//! [`HyperGrid`]: the standard GFlowNet benchmark with its reward, modes and exact target.

use super::exact::target_distribution;
use super::{Enumerable, Grid, GridState, LogReward};
use crate::EnvError;

/// The HyperGrid reward `R(x) = R0 + R1·Π_d 1[0.25 < a_d ≤ 0.5] + R2·Π_d 1[0.3 < a_d < 0.4]`
/// with `a_d = |x_d/(H-1) - 0.5|` (Bengio et al. 2021).
///
/// The band tests are done in exact integer arithmetic (`a_d = |2x_d - (H-1)| / (2(H-1))`), so
/// no tolerance is needed at the band edges: the `(0.3, 0.4)` band holds `{1, 6}` for `H = 8`,
/// `{2, 13}` for `H = 16` and `{4, 5, 6, 25, 26, 27}` for `H = 32`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HyperGridReward {
    /// Base reward everywhere.
    pub r0: f64,
    /// Bonus when every coordinate is in the outer band.
    pub r1: f64,
    /// Bonus when every coordinate is in the inner band (the modes).
    pub r2: f64,
}

impl HyperGridReward {
    /// `R0 = r0` with the standard `R1 = 0.5`, `R2 = 2`.
    pub fn with_r0(r0: f64) -> Self {
        Self {
            r0,
            r1: 0.5,
            r2: 2.0,
        }
    }

    /// Easy: `R0 = 0.1` (torchgfn's default).
    pub fn easy() -> Self {
        Self::with_r0(1e-1)
    }

    /// Medium: `R0 = 1e-3` (the TB and SubTB papers' harder setting).
    pub fn medium() -> Self {
        Self::with_r0(1e-3)
    }

    /// Hard: `R0 = 1e-4` (the SubTB paper's hardest setting). The TB paper's `R0 = 0.01` is
    /// [`HyperGridReward::with_r0`]`(0.01)`.
    pub fn hard() -> Self {
        Self::with_r0(1e-4)
    }
}

/// A HyperGrid environment ([`Grid`]) with its [`HyperGridReward`].
///
/// Mode cells are those with `R(x) ≥ R0 + R1 + R2`, i.e. every coordinate in the inner band;
/// there are `band^D` of them (2^D mode *regions*). [`HyperGrid::modes`] counts cells.
#[derive(Debug, Clone, PartialEq)]
pub struct HyperGrid {
    grid: Grid,
    reward: HyperGridReward,
}

impl HyperGrid {
    /// A `dim`-dimensional grid with `side` cells per coordinate.
    pub fn new(dim: usize, side: u32, reward: HyperGridReward) -> Result<Self, EnvError> {
        Ok(Self {
            grid: Grid::new(dim, side)?,
            reward,
        })
    }

    /// The DAG (implements [`GfnEnv`](super::GfnEnv) and [`Enumerable`]).
    pub fn env(&self) -> &Grid {
        &self.grid
    }

    /// The reward parameters.
    pub fn reward(&self) -> HyperGridReward {
        self.reward
    }

    /// `R(x)`.
    pub fn reward_of(&self, x: &GridState) -> f64 {
        let h1 = i64::from(self.grid.side()) - 1;
        let dist = |c: &u32| (2 * i64::from(*c) - h1).abs();
        let outer = x.0.iter().all(|c| 2 * dist(c) > h1);
        let inner =
            x.0.iter()
                .all(|c| 5 * dist(c) > 3 * h1 && 5 * dist(c) < 4 * h1);
        let HyperGridReward { r0, r1, r2 } = self.reward;
        r0 + if outer { r1 } else { 0.0 } + if inner { r2 } else { 0.0 }
    }

    /// Whether `x` is a mode cell (`R(x) ≥ R0 + R1 + R2`).
    pub fn is_mode(&self, x: &GridState) -> bool {
        let HyperGridReward { r0, r1, r2 } = self.reward;
        self.reward_of(x) >= r0 + r1 + r2
    }

    /// Every mode cell, in index order.
    pub fn modes(&self) -> Vec<GridState> {
        (0..self.grid.n_states())
            .map(|i| self.grid.state_at(i))
            .filter(|x| self.is_mode(x))
            .collect()
    }

    /// The exact target `p(x) = R(x)/Z`, indexed by [`Enumerable::index_of`].
    pub fn target(&self) -> Vec<f64> {
        target_distribution(&self.grid, self)
    }
}

impl LogReward<GridState> for HyperGrid {
    fn log_reward(&self, x: &GridState) -> f64 {
        self.reward_of(x).ln()
    }
}
