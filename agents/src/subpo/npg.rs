//! The natural-gradient variant for softmax policies: a tabular softmax over the Markov input
//! `x = (cell, t)` of SubPO-M / MRL, updated as natural policy gradient (Kakade 2001; Agarwal
//! et al. 2021) does for softmax policies, `π_{k+1}(a | x) ∝ π_k(a | x) · exp(η · Â(x, a))`,
//! i.e. `θ(x, a) += η · Â(x, a)` on the logits.
//!
//! `Â(x, a)` is estimated from the batch: the mean credit of the samples that took `a` at `x`
//! minus the mean credit of all samples at `x` (an action not sampled at `x` keeps its logit).
//! With the reward-to-go of marginal gains as the credit this is the paper's natural-gradient
//! SubPO with `Q̂_Δ` as the action value [the spec marks the form UNVERIFIED against the
//! paper; the reference code has no NPG].

use ember_envs::submodular::N_GRID_ACTIONS;
use serde::{Deserialize, Serialize};

/// Logits `θ(x, a)` for every `x = (cell, t)`, `t < steps`; all zero (uniform) at the start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TabularSoftmax {
    n_cells: usize,
    steps: usize,
    logits: Vec<f64>,
}

impl TabularSoftmax {
    /// The uniform policy over `n_cells` cells and `steps` decision steps.
    pub fn new(n_cells: usize, steps: usize) -> Self {
        Self {
            n_cells,
            steps,
            logits: vec![0.0; n_cells * steps * N_GRID_ACTIONS],
        }
    }

    /// Whether a table of this shape fits `n_cells` and `steps`.
    pub fn fits(&self, n_cells: usize, steps: usize) -> bool {
        self.n_cells == n_cells
            && self.steps == steps
            && self.logits.len() == n_cells * steps * N_GRID_ACTIONS
    }

    fn row(&self, cell: usize, t: usize) -> usize {
        (t * self.n_cells + cell) * N_GRID_ACTIONS
    }

    /// `π(· | cell, t)`.
    pub fn probs(&self, cell: usize, t: usize) -> [f32; N_GRID_ACTIONS] {
        let i = self.row(cell, t);
        let z = &self.logits[i..i + N_GRID_ACTIONS];
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = z.iter().map(|v| (v - max).exp()).collect();
        let sum: f64 = e.iter().sum();
        std::array::from_fn(|a| (e[a] / sum) as f32)
    }

    /// One NPG step of size `eta` from a batch: `cells[t · B + b]` and `actions[t · B + b]` the
    /// input cell and action of trajectory `b` at step `t`, `credits` alike.
    pub fn npg_step(
        &mut self,
        cells: &[usize],
        actions: &[i64],
        credits: &[f32],
        batch: usize,
        eta: f64,
    ) {
        use std::collections::HashMap;
        // Per x: (sum, count) over all samples and per action.
        let mut at_x: HashMap<usize, (f64, f64, [f64; N_GRID_ACTIONS], [f64; N_GRID_ACTIONS])> =
            HashMap::new();
        for (i, (&cell, (&a, &c))) in cells.iter().zip(actions.iter().zip(credits)).enumerate() {
            let entry = at_x.entry(self.row(cell, i / batch)).or_insert((
                0.0,
                0.0,
                [0.0; N_GRID_ACTIONS],
                [0.0; N_GRID_ACTIONS],
            ));
            entry.0 += f64::from(c);
            entry.1 += 1.0;
            entry.2[a as usize] += f64::from(c);
            entry.3[a as usize] += 1.0;
        }
        for (row, (sum, count, by_action, n_action)) in at_x {
            let v = sum / count;
            for a in 0..N_GRID_ACTIONS {
                if n_action[a] > 0.0 {
                    self.logits[row + a] += eta * (by_action[a] / n_action[a] - v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npg_moves_logits_by_the_advantage() {
        let mut table = TabularSoftmax::new(3, 2);
        assert!(table.probs(1, 1).iter().all(|p| (p - 0.2).abs() < 1e-6));
        // Batch of 2 at t = 0 (cells 1, 1) and t = 1 (cells 2, 0): at (1, t0) action 1 earned
        // credit 2 and action 3 credit 0, so V = 1 and the advantages are +1 and −1.
        let cells = [1, 1, 2, 0];
        let actions = [1, 3, 4, 4];
        let credits = [2.0, 0.0, 5.0, 1.0];
        table.npg_step(&cells, &actions, &credits, 2, 0.5);
        let p = table.probs(1, 0);
        let e = [1.0, 0.5f64.exp(), 1.0, (-0.5f64).exp(), 1.0];
        let z: f64 = e.iter().sum();
        for a in 0..5 {
            assert!((f64::from(p[a]) - e[a] / z).abs() < 1e-6, "{p:?}");
        }
        // A lone sample has zero advantage: (2, t1) and (0, t1) stay uniform.
        assert!(table.probs(2, 1).iter().all(|p| (p - 0.2).abs() < 1e-6));
        assert!(table.fits(3, 2) && !table.fits(3, 3));
    }
}
