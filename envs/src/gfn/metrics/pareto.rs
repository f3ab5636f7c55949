//! Pareto (non-dominated) filtering.

use crate::gfn::objective::dominates;

/// `true` for every point that no other point dominates (maximisation; duplicates are all kept).
pub fn pareto_mask(points: &[Vec<f64>]) -> Vec<bool> {
    points
        .iter()
        .map(|p| !points.iter().any(|q| dominates(q, p)))
        .collect()
}
