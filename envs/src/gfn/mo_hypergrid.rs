//! [`MoHyperGrid`]: the multi-objective HyperGrid of order-preserving GFlowNets.

use super::metrics::pareto_mask;
use super::{Enumerable, Grid, GridFunction, GridState, MultiObjective};
use crate::EnvError;

/// A 2-D grid of side `H` that stops at the edge ([`Grid::stopping_at_edge`]), scored by a
/// subset of [`GridFunction`]s.
///
/// Each objective is min–max normalised over the reachable cells, so it lies exactly in
/// `[0, 1]` with 1 the best cell. With `H = 32` there are `31² + 2·31 = 1023` reachable cells.
#[derive(Debug, Clone, PartialEq)]
pub struct MoHyperGrid {
    grid: Grid,
    functions: Vec<GridFunction>,
    ranges: Vec<(f64, f64)>,
}

impl MoHyperGrid {
    /// A grid of side `side` scored by `functions` (at least one).
    pub fn new(side: u32, functions: &[GridFunction]) -> Result<Self, EnvError> {
        if functions.is_empty() {
            return Err(EnvError::InvalidArgument("no objective functions".into()));
        }
        let grid = Grid::stopping_at_edge(2, side)?;
        let mut this = Self {
            grid,
            functions: functions.to_vec(),
            ranges: vec![(0.0, 1.0); functions.len()],
        };
        let raw: Vec<Vec<f64>> = this.reachable().map(|s| this.raw(&s)).collect();
        this.ranges = (0..functions.len())
            .map(|k| {
                raw.iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                        (lo.min(v[k]), hi.max(v[k]))
                    })
            })
            .collect();
        Ok(this)
    }

    /// The DAG (implements [`GfnEnv`](super::GfnEnv) and [`Enumerable`]).
    pub fn env(&self) -> &Grid {
        &self.grid
    }

    /// The objective functions, in objective order.
    pub fn functions(&self) -> &[GridFunction] {
        &self.functions
    }

    /// The reachable cells, in index order.
    pub fn reachable(&self) -> impl Iterator<Item = GridState> + '_ {
        (0..self.grid.n_states())
            .filter(|&i| self.grid.is_reachable(i))
            .map(|i| self.grid.state_at(i))
    }

    /// The true Pareto front: every reachable cell that no other cell dominates, with its
    /// objective values.
    pub fn pareto_front(&self) -> Vec<(GridState, Vec<f64>)> {
        let cells: Vec<GridState> = self.reachable().collect();
        let values: Vec<Vec<f64>> = cells.iter().map(|s| self.objectives(s)).collect();
        let mask = pareto_mask(&values);
        cells
            .into_iter()
            .zip(values)
            .zip(mask)
            .filter_map(|(cv, keep)| keep.then_some(cv))
            .collect()
    }

    fn raw(&self, s: &GridState) -> Vec<f64> {
        let h1 = f64::from(self.grid.side() - 1);
        let u = [f64::from(s.0[0]) / h1, f64::from(s.0[1]) / h1];
        self.functions.iter().map(|f| f.eval(u)).collect()
    }
}

impl MultiObjective<GridState> for MoHyperGrid {
    fn n_objectives(&self) -> usize {
        self.functions.len()
    }

    fn objectives(&self, x: &GridState) -> Vec<f64> {
        self.raw(x)
            .into_iter()
            .zip(&self.ranges)
            .map(|(v, &(lo, hi))| if hi > lo { (v - lo) / (hi - lo) } else { 1.0 })
            .collect()
    }
}
