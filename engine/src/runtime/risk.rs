//! Lower-tail risk of episode returns: Value-at-Risk and Conditional Value-at-Risk, the risk
//! metrics of the CDSA paper (Liu, Yang, Li, arXiv 2406.07541), reported by every evaluation.

/// The tail level every evaluation reports (α = 0.1: the worst 10 % of episodes). The CDSA
/// paper's α is not known; 5 % and 10 % are the usual choices.
pub const RISK_ALPHA: f64 = 0.1;

/// VaR_α and CVaR_α of a sample of returns (higher is better, the tail is the lower one).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TailRisk {
    /// Value-at-Risk: the empirical α-quantile of the returns.
    pub var: f64,
    /// Conditional Value-at-Risk: the mean of the returns in the α tail.
    pub cvar: f64,
}

/// The empirical lower-tail risk of `returns` at level `alpha` in (0, 1]: with the returns
/// sorted ascending and `k = ceil(alpha * N)` (at least 1), VaR is the k-th smallest return and
/// CVaR the mean of the k smallest, i.e. of the returns at or below VaR (ties at VaR counted only
/// up to k). With 10 episodes and α = 0.1 both are the worst episode. `None` for an empty
/// sample or `alpha` outside (0, 1].
pub fn tail_risk(returns: &[f64], alpha: f64) -> Option<TailRisk> {
    if returns.is_empty() || !(alpha > 0.0 && alpha <= 1.0) {
        return None;
    }
    let mut sorted = returns.to_vec();
    sorted.sort_by(f64::total_cmp);
    // The small slack keeps 0.1 * 30 (3.0000000000000004 in f64) at 3.
    let k = ((alpha * sorted.len() as f64 - 1e-9).ceil() as usize).clamp(1, sorted.len());
    let tail = &sorted[..k];
    Some(TailRisk {
        var: tail[k - 1],
        cvar: tail.iter().sum::<f64>() / k as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-computed quantiles: 20 returns 1..=20 shuffled; α = 0.1 takes the 2 smallest
    /// (VaR 2, CVaR 1.5), α = 0.25 the 5 smallest (VaR 5, CVaR 3), α = 1 all (CVaR = mean).
    #[test]
    fn matches_hand_computed_quantiles() {
        let returns: Vec<f64> = [
            7, 3, 20, 1, 15, 2, 11, 5, 19, 4, 8, 6, 13, 9, 18, 10, 12, 14, 16, 17,
        ]
        .iter()
        .map(|&r| f64::from(r))
        .collect();
        let at = |alpha| tail_risk(&returns, alpha).unwrap();
        assert_eq!(
            at(0.1),
            TailRisk {
                var: 2.0,
                cvar: 1.5
            }
        );
        assert_eq!(
            at(0.25),
            TailRisk {
                var: 5.0,
                cvar: 3.0
            }
        );
        assert_eq!(
            at(1.0),
            TailRisk {
                var: 20.0,
                cvar: 10.5
            }
        );
        // 0.1 * 30 is 3.0000000000000004 in f64: still the 3 worst of 30.
        let thirty: Vec<f64> = (0..30).map(f64::from).collect();
        assert_eq!(
            tail_risk(&thirty, 0.1).unwrap(),
            TailRisk {
                var: 2.0,
                cvar: 1.0
            }
        );
        // Fewer episodes than 1/α: the worst one.
        let few = [-3.0, -1.0, -2.0];
        assert_eq!(
            tail_risk(&few, 0.1).unwrap(),
            TailRisk {
                var: -3.0,
                cvar: -3.0
            }
        );
        // Negative returns (Pendulum): 10 episodes at α = 0.3 take the 3 worst.
        let pendulum = [
            -150.0, -900.0, -120.0, -300.0, -130.0, -1200.0, -140.0, -125.0, -600.0, -135.0,
        ];
        let risk = tail_risk(&pendulum, 0.3).unwrap();
        assert_eq!(risk.var, -600.0);
        assert!((risk.cvar - (-900.0 - 1200.0 - 600.0) / 3.0).abs() < 1e-9);
    }

    #[test]
    fn rejects_empty_samples_and_bad_levels() {
        assert!(tail_risk(&[], 0.1).is_none());
        assert!(tail_risk(&[1.0], 0.0).is_none());
        assert!(tail_risk(&[1.0], 1.5).is_none());
        assert!(tail_risk(&[1.0], f64::NAN).is_none());
    }
}
