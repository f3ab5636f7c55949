//! The result of one periodic evaluation.

use serde::{Deserialize, Serialize};

/// Returns of N evaluation episodes and their D4RL-style normalised score.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EvalReport {
    /// Undiscounted return of each episode.
    pub returns: Vec<f64>,
    /// `100 * (return - ref_min) / (ref_max - ref_min)` of the mean return, when reference
    /// scores are known for the dataset.
    pub normalized: Option<f64>,
    /// Normalised score of each episode, when reference scores are known.
    pub normalized_returns: Option<Vec<f64>>,
}

impl EvalReport {
    /// Mean episode return.
    pub fn mean(&self) -> f64 {
        self.returns.iter().sum::<f64>() / self.returns.len().max(1) as f64
    }

    /// Population standard deviation of the episode returns.
    pub fn std(&self) -> f64 {
        let mean = self.mean();
        let n = self.returns.len().max(1) as f64;
        (self.returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / n).sqrt()
    }
}
