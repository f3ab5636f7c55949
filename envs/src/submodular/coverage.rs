//! [`WeightedCoverage`]: `F(A) = Σ_{n ∈ ∪_{s∈A} D(s)} w(n)`, the total weight of the cells the
//! footprints `D(s)` of the visited states cover, kept as a bitset of covered cells.

use super::{GainCache, GridWorld, SetObjective};
use crate::EnvError;
use std::sync::Arc;

/// The cells a visited state covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Footprint {
    /// The 2×2 block anchored at the state: itself and its right, lower and lower-right
    /// neighbours, clipped at the border (the reference code's `disc_size: small`).
    Small,
    /// The 3×3 block centred on the state, clipped at the border (`disc_size: large`).
    Large,
}

impl Footprint {
    /// The cells covered from `cell` of `grid` (walls do not block a footprint).
    pub fn cells(self, grid: &GridWorld, cell: usize) -> Vec<usize> {
        let (r, c) = grid.row_col(cell);
        let (r, c) = (r as isize, c as isize);
        let offsets: &[isize] = match self {
            Footprint::Small => &[0, 1],
            Footprint::Large => &[-1, 0, 1],
        };
        let mut cells = Vec::with_capacity(offsets.len() * offsets.len());
        for dr in offsets {
            for dc in offsets {
                if let Some(n) = grid.cell_at(r + dr, c + dc) {
                    cells.push(n);
                }
            }
        }
        cells
    }

    /// The best value a straight line of `horizon` states can reach with unit weights on an
    /// unbounded grid, the reference code's `MAX_Ret`: `2(H + 1)` (small) or `3(H + 2)`
    /// (large).
    pub fn max_return(self, horizon: usize) -> f64 {
        match self {
            Footprint::Small => 2.0 * (horizon as f64 + 1.0),
            Footprint::Large => 3.0 * (horizon as f64 + 2.0),
        }
    }
}

/// Weighted coverage of cells by footprints (see the module documentation).
#[derive(Clone)]
pub struct WeightedCoverage {
    inner: Arc<Coverage>,
}

struct Coverage {
    weights: Vec<f64>,
    footprints: Vec<Vec<usize>>,
}

impl WeightedCoverage {
    /// Coverage of `weights.len()` cells where state `s` covers `footprints[s]`. Weights must
    /// be finite and non-negative (negative weights would make `F` non-monotone).
    pub fn new(weights: Vec<f64>, footprints: Vec<Vec<usize>>) -> Result<Self, EnvError> {
        if let Some((i, w)) = weights
            .iter()
            .enumerate()
            .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
        {
            return Err(EnvError::InvalidArgument(format!(
                "coverage weight of cell {i} is {w}: weights must be finite and >= 0 \
                 (a negative weight makes coverage non-monotone)"
            )));
        }
        let n = weights.len();
        if let Some((s, _)) = footprints
            .iter()
            .enumerate()
            .find(|(_, f)| f.iter().any(|&c| c >= n))
        {
            return Err(EnvError::InvalidArgument(format!(
                "footprint of state {s} names a cell outside 0..{n}"
            )));
        }
        Ok(Self {
            inner: Arc::new(Coverage {
                weights,
                footprints,
            }),
        })
    }

    /// Coverage on `grid` with one weight per cell (row-major) and the given footprint.
    pub fn on_grid(
        grid: &GridWorld,
        weights: Vec<f64>,
        footprint: Footprint,
    ) -> Result<Self, EnvError> {
        if weights.len() != grid.n_cells() {
            return Err(EnvError::InvalidArgument(format!(
                "{} weights for a {}x{} grid ({} cells)",
                weights.len(),
                grid.rows(),
                grid.cols(),
                grid.n_cells()
            )));
        }
        let footprints = (0..grid.n_cells())
            .map(|s| footprint.cells(grid, s))
            .collect();
        Self::new(weights, footprints)
    }

    /// The weight of each cell.
    pub fn weights(&self) -> &[f64] {
        &self.inner.weights
    }
}

impl SetObjective for WeightedCoverage {
    fn ground_size(&self) -> usize {
        self.inner.footprints.len()
    }

    fn cache(&self) -> Box<dyn GainCache> {
        Box::new(CoverageCache {
            covered: vec![0; self.inner.weights.len().div_ceil(64)],
            objective: self.inner.clone(),
            value: 0.0,
        })
    }
}

struct CoverageCache {
    objective: Arc<Coverage>,
    /// Bit `n` set: cell `n` is covered.
    covered: Vec<u64>,
    value: f64,
}

impl CoverageCache {
    fn is_covered(&self, n: usize) -> bool {
        self.covered[n / 64] >> (n % 64) & 1 == 1
    }
}

impl GainCache for CoverageCache {
    fn gain(&self, s: usize) -> f64 {
        self.objective.footprints[s]
            .iter()
            .filter(|&&n| !self.is_covered(n))
            .map(|&n| self.objective.weights[n])
            .sum()
    }

    fn add(&mut self, s: usize) -> f64 {
        let gain = self.gain(s);
        for &n in &self.objective.footprints[s] {
            self.covered[n / 64] |= 1 << (n % 64);
        }
        self.value += gain;
        gain
    }

    fn value(&self) -> f64 {
        self.value
    }
}
