//! [`StateNormalizer`]: per-dimension standardisation of observations (TD3+BC style).

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use crate::qlearning::Transitions;

/// `x ↦ (x − mean) / std`, with `std` already including the epsilon it was fitted with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateNormalizer {
    /// Per-dimension mean.
    pub mean: Vec<f32>,
    /// Per-dimension standard deviation plus epsilon.
    pub std: Vec<f32>,
}

impl StateNormalizer {
    /// Mean and population standard deviation (+ `eps`; TD3+BC uses 1e-3) over the rows of `obs`.
    pub fn fit(obs: &Array2<f32>, eps: f32) -> Self {
        let n = obs.nrows().max(1) as f64;
        let columns = obs.axis_iter(Axis(1));
        let (mean, std) = columns
            .map(|col| {
                let mean = col.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
                let var = col
                    .iter()
                    .map(|&v| (f64::from(v) - mean).powi(2))
                    .sum::<f64>()
                    / n;
                (mean as f32, var.sqrt() as f32 + eps)
            })
            .unzip();
        Self { mean, std }
    }

    /// Mean 0, std 1: leaves observations unchanged.
    pub fn identity(dim: usize) -> Self {
        Self {
            mean: vec![0.0; dim],
            std: vec![1.0; dim],
        }
    }

    /// Observation width this normaliser expects.
    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// Normalises every row of `obs` in place.
    ///
    /// # Panics
    /// If the width of `obs` differs from [`Self::dim`].
    pub fn normalize(&self, obs: &mut Array2<f32>) {
        assert_eq!(
            obs.ncols(),
            self.dim(),
            "StateNormalizer: observation width mismatch"
        );
        for mut row in obs.rows_mut() {
            row.iter_mut()
                .zip(self.mean.iter().zip(&self.std))
                .for_each(|(x, (m, s))| *x = (*x - m) / s);
        }
    }

    /// Normalises one observation in place (used at evaluation time).
    ///
    /// # Panics
    /// If `row.len()` differs from [`Self::dim`].
    pub fn normalize_row(&self, row: &mut [f32]) {
        assert_eq!(
            row.len(),
            self.dim(),
            "StateNormalizer: observation width mismatch"
        );
        row.iter_mut()
            .zip(self.mean.iter().zip(&self.std))
            .for_each(|(x, (m, s))| *x = (*x - m) / s);
    }

    /// Normalises both `observations` and `next_observations` of a transition table.
    pub fn normalize_transitions(&self, t: &mut Transitions) {
        self.normalize(&mut t.observations);
        self.normalize(&mut t.next_observations);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn fit_matches_hand_computed_statistics() {
        // Column 0: mean 2, population std sqrt(2/3); column 1: constant 5, std 0.
        let obs = array![[1.0f32, 5.0], [2.0, 5.0], [3.0, 5.0]];
        let n = StateNormalizer::fit(&obs, 1e-3);
        assert_eq!(n.mean, vec![2.0, 5.0]);
        assert!((n.std[0] - ((2.0f64 / 3.0).sqrt() as f32 + 1e-3)).abs() < 1e-7);
        assert_eq!(n.std[1], 1e-3);
        let mut x = obs.clone();
        n.normalize(&mut x);
        assert!((x[[2, 0]] - 1.0 / n.std[0]).abs() < 1e-6);
        assert_eq!(x[[0, 1]], 0.0);
        let mut row = [3.0, 5.0];
        n.normalize_row(&mut row);
        assert_eq!(row, [x[[2, 0]], 0.0]);
    }

    #[test]
    fn identity_is_a_no_op_and_serde_round_trips() {
        let mut obs = array![[1.5f32, -2.0]];
        StateNormalizer::identity(2).normalize(&mut obs);
        assert_eq!(obs, array![[1.5f32, -2.0]]);
        let n = StateNormalizer {
            mean: vec![0.5],
            std: vec![2.0],
        };
        let back: StateNormalizer =
            serde_json::from_str(&serde_json::to_string(&n).unwrap()).unwrap();
        assert_eq!(back, n);
    }
}
