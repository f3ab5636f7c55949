//! What a GFlowNet is trained towards: a scalar log-reward, a vector of objectives, or only an
//! order between objects (order-preserving GFlowNets need nothing more).
//!
//! [`ScalarOrder`] and [`ParetoOrder`] turn the first two into a [`Comparator`];
//! [`maximal_mask`] and [`pairwise_target`] give the labels of the order-preserving loss.

use std::cmp::Ordering;

/// A scalar reward `R(x) > 0`, given as `log R(x)`.
pub trait LogReward<X> {
    /// `log R(x)` of a terminating object.
    fn log_reward(&self, x: &X) -> f64;

    /// `log R(s)` of an intermediate state, the energy of forward-looking GFlowNets (`R(s) =
    /// exp(-E(s))`). Defaults to [`LogReward::log_reward`], which suits environments whose every
    /// state is itself a valid object.
    fn log_reward_partial(&self, s: &X) -> f64 {
        self.log_reward(s)
    }
}

/// A vector of objectives, each to be maximised.
pub trait MultiObjective<X> {
    /// Number of objectives.
    fn n_objectives(&self) -> usize;

    /// The objective values of `x` (`n_objectives()` entries).
    fn objectives(&self, x: &X) -> Vec<f64>;
}

/// An order on objects: `Some(Greater)` when `a` is better than `b`, `None` when incomparable.
pub trait Comparator<X> {
    /// Compares `a` with `b`.
    fn compare(&self, a: &X, b: &X) -> Option<Ordering>;
}

impl<X, F: Fn(&X, &X) -> Option<Ordering>> Comparator<X> for F {
    fn compare(&self, a: &X, b: &X) -> Option<Ordering> {
        self(a, b)
    }
}

/// The total order of a [`LogReward`]; rewards within `tie_eps` (in log space) are equal.
#[derive(Debug, Clone)]
pub struct ScalarOrder<R> {
    /// The reward.
    pub reward: R,
    /// Tie tolerance on `log R` (order-preserving GFlowNets use `1e-6`).
    pub tie_eps: f64,
}

impl<X, R: LogReward<X>> Comparator<X> for ScalarOrder<R> {
    fn compare(&self, a: &X, b: &X) -> Option<Ordering> {
        let (ra, rb) = (self.reward.log_reward(a), self.reward.log_reward(b));
        if (ra - rb).abs() <= self.tie_eps {
            Some(Ordering::Equal)
        } else {
            ra.partial_cmp(&rb)
        }
    }
}

/// The Pareto (dominance) partial order of a [`MultiObjective`].
#[derive(Debug, Clone)]
pub struct ParetoOrder<M>(pub M);

impl<X, M: MultiObjective<X>> Comparator<X> for ParetoOrder<M> {
    fn compare(&self, a: &X, b: &X) -> Option<Ordering> {
        pareto_compare(&self.0.objectives(a), &self.0.objectives(b))
    }
}

/// Whether `a` Pareto-dominates `b` (maximisation): `a >= b` everywhere and `a > b` somewhere.
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    pareto_compare(a, b) == Some(Ordering::Greater)
}

/// Pareto comparison of two objective vectors (maximisation); equal vectors are `Equal`.
pub fn pareto_compare(a: &[f64], b: &[f64]) -> Option<Ordering> {
    let ge = a.iter().zip(b).all(|(x, y)| x >= y);
    let le = a.iter().zip(b).all(|(x, y)| x <= y);
    match (ge, le) {
        (true, true) => Some(Ordering::Equal),
        (true, false) => Some(Ordering::Greater),
        (false, true) => Some(Ordering::Less),
        (false, false) => None,
    }
}

/// The maximal elements of a batch under `cmp`: `true` for every item that no other item beats.
///
/// This is `Max(X)` of the order-preserving loss (its label distribution is uniform over the
/// `true` entries). With a [`ParetoOrder`] it is the non-dominated mask, duplicates kept.
pub fn maximal_mask<X, C: Comparator<X> + ?Sized>(items: &[X], cmp: &C) -> Vec<bool> {
    items
        .iter()
        .map(|a| {
            !items
                .iter()
                .any(|b| cmp.compare(b, a) == Some(Ordering::Greater))
        })
        .collect()
}

/// The pairwise order-preserving target for the pair `(a, b)`: `1` if `a` is better, `0.5` for a
/// tie or incomparable pair, `0` if `b` is better.
pub fn pairwise_target<X, C: Comparator<X> + ?Sized>(a: &X, b: &X, cmp: &C) -> f32 {
    match cmp.compare(a, b) {
        Some(Ordering::Greater) => 1.0,
        Some(Ordering::Less) => 0.0,
        _ => 0.5,
    }
}
