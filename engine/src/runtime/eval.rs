//! What one periodic evaluation returns: any [`Evaluation`] becomes a row of `eval.csv`;
//! [`EvalReport`] is the return-based kind that control tasks use.

use super::risk::{RISK_ALPHA, TailRisk, tail_risk};
use crate::MetricsRow;
use serde::{Deserialize, Serialize};

/// The result of one evaluation, as the runtime logs and shows it.
pub trait Evaluation {
    /// The metrics written to `eval.csv` and `metrics.jsonl` (fixed keys across evaluations).
    fn row(&self) -> MetricsRow;
    /// A few words for the progress bar and the log, e.g. `score 95.1`.
    fn headline(&self) -> String;
}

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

    /// VaR and CVaR of the episode returns at [`RISK_ALPHA`] (`None` without episodes).
    pub fn risk(&self) -> Option<TailRisk> {
        tail_risk(&self.returns, RISK_ALPHA)
    }

    /// VaR and CVaR of the normalised episode scores at [`RISK_ALPHA`], when reference scores
    /// are known.
    pub fn normalized_risk(&self) -> Option<TailRisk> {
        tail_risk(self.normalized_returns.as_deref()?, RISK_ALPHA)
    }
}

impl Evaluation for EvalReport {
    /// `return_mean`, `return_std`, the returns' `return_var` and `return_cvar` (α = 0.1), and
    /// `normalized_score`, `normalized_var`, `normalized_cvar` when reference scores are known.
    fn row(&self) -> MetricsRow {
        let mut row = MetricsRow::new();
        row.insert("return_mean".into(), self.mean());
        row.insert("return_std".into(), self.std());
        if let Some(risk) = self.risk() {
            row.insert("return_var".into(), risk.var);
            row.insert("return_cvar".into(), risk.cvar);
        }
        if let Some(score) = self.normalized {
            row.insert("normalized_score".into(), score);
        }
        if let Some(risk) = self.normalized_risk() {
            row.insert("normalized_var".into(), risk.var);
            row.insert("normalized_cvar".into(), risk.cvar);
        }
        row
    }

    fn headline(&self) -> String {
        match self.normalized {
            Some(score) => format!("score {score:.1}"),
            None => format!("return {:.1} ± {:.1}", self.mean(), self.std()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every evaluation row carries VaR and CVaR (α = 0.1) of the returns, and of the normalised
    /// scores when there are any: 10 episodes, so both are the worst one.
    #[test]
    fn rows_carry_the_tail_risk() {
        let returns: Vec<f64> = (1..=10).map(|r| f64::from(r) * 10.0).collect();
        let normalized: Vec<f64> = returns.iter().map(|r| r / 2.0).collect();
        let report = EvalReport {
            returns,
            normalized: Some(27.5),
            normalized_returns: Some(normalized),
        };
        let row = report.row();
        assert_eq!(row["return_var"], 10.0);
        assert_eq!(row["return_cvar"], 10.0);
        assert_eq!(row["normalized_var"], 5.0);
        assert_eq!(row["normalized_cvar"], 5.0);
        let raw = EvalReport {
            normalized: None,
            normalized_returns: None,
            ..report
        };
        let row = raw.row();
        assert!(row.contains_key("return_cvar") && !row.contains_key("normalized_cvar"));
    }
}
