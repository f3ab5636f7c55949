//! Observation and action spaces.

use rand::Rng;
use rand_distr::{Exp1, StandardNormal};
use serde::{Deserialize, Serialize};

use crate::EnvError;

/// A Gymnasium-style space: a box of reals or a finite set of actions.
///
/// Every element of a space is represented as a flat `Vec<f32>` / `&[f32]`: a `Box` element has one
/// value per dimension; a `Discrete(n)` element has exactly one value holding the index `0..n`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Space {
    /// The axis-aligned box `low[i] <= x[i] <= high[i]`; bounds may be infinite.
    Box {
        /// Lower bound per dimension.
        low: Vec<f32>,
        /// Upper bound per dimension.
        high: Vec<f32>,
    },
    /// The integers `0..n`.
    Discrete(usize),
}

impl Space {
    /// A box of `dim` dimensions with the same bounds in every dimension.
    pub fn uniform_box(dim: usize, low: f32, high: f32) -> Self {
        Space::Box {
            low: vec![low; dim],
            high: vec![high; dim],
        }
    }

    /// Gymnasium's shape: `[n]` for a box of `n` dimensions, `[]` (a scalar) for `Discrete`.
    pub fn shape(&self) -> Vec<usize> {
        match self {
            Space::Box { low, .. } => vec![low.len()],
            Space::Discrete(_) => Vec::new(),
        }
    }

    /// Length of the flat vector representing one element (`n` for a box, 1 for `Discrete`).
    pub fn dim(&self) -> usize {
        match self {
            Space::Box { low, .. } => low.len(),
            Space::Discrete(_) => 1,
        }
    }

    /// Whether `x` is an element of the space (right length, inside the bounds / a valid index).
    pub fn contains(&self, x: &[f32]) -> bool {
        match self {
            Space::Box { low, high } => {
                x.len() == low.len()
                    && x.iter()
                        .zip(low.iter().zip(high))
                        .all(|(v, (lo, hi))| lo <= v && v <= hi)
            }
            Space::Discrete(n) => x.len() == 1 && discrete_index(x[0], *n).is_some(),
        }
    }

    /// Draws a random element, like Gymnasium: uniform for bounded box dimensions, a standard
    /// normal for unbounded ones, a shifted exponential for half-bounded ones, uniform indices.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Vec<f32> {
        match self {
            Space::Box { low, high } => low
                .iter()
                .zip(high)
                .map(|(&lo, &hi)| sample_interval(lo, hi, rng))
                .collect(),
            Space::Discrete(n) => vec![rng.random_range(0..*n) as f32],
        }
    }

    /// Clamps a box element into the bounds; `Discrete` elements are returned unchanged.
    pub fn clip(&self, x: &[f32]) -> Vec<f32> {
        match self {
            Space::Box { low, high } => x
                .iter()
                .zip(low.iter().zip(high))
                .map(|(v, (&lo, &hi))| v.max(lo).min(hi))
                .collect(),
            Space::Discrete(_) => x.to_vec(),
        }
    }

    /// Checks that `action` can be fed to an environment with this action space: the right
    /// length, finite values, and for `Discrete` an integral index in range. Out-of-bounds box
    /// values are accepted (environments clip them).
    pub fn validate(&self, action: &[f32]) -> Result<(), EnvError> {
        if action.len() != self.dim() {
            return Err(EnvError::ActionLength {
                expected: self.dim(),
                got: action.len(),
            });
        }
        if let Some((index, &value)) = action.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(EnvError::NonFiniteAction { index, value });
        }
        match self {
            Space::Discrete(n) if discrete_index(action[0], *n).is_none() => {
                Err(EnvError::InvalidDiscreteAction {
                    value: action[0],
                    n: *n,
                })
            }
            _ => Ok(()),
        }
    }

    /// The index held by a valid `Discrete` action (see [`Space::validate`]); `None` for boxes
    /// or invalid actions.
    pub fn discrete_action(&self, action: &[f32]) -> Option<usize> {
        match (self, action) {
            (Space::Discrete(n), [value]) => discrete_index(*value, *n),
            _ => None,
        }
    }
}

/// One draw from the interval `[lo, hi]` (see [`Space::sample`]).
fn sample_interval<R: Rng + ?Sized>(lo: f32, hi: f32, rng: &mut R) -> f32 {
    match (lo.is_finite(), hi.is_finite()) {
        (true, true) if lo < hi => rng.random_range(lo..hi),
        (true, true) => lo,
        (false, false) => rng.sample(StandardNormal),
        (true, false) => lo + rng.sample::<f32, _>(Exp1),
        (false, true) => hi - rng.sample::<f32, _>(Exp1),
    }
}

/// `value` as an index into `0..n`, if it is exactly such an integer.
fn discrete_index(value: f32, n: usize) -> Option<usize> {
    (value >= 0.0 && value.fract() == 0.0 && (value as usize) < n).then_some(value as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn shapes_and_dims() {
        let b = Space::uniform_box(3, -1.0, 1.0);
        assert_eq!((b.shape(), b.dim()), (vec![3], 3));
        let d = Space::Discrete(4);
        assert_eq!((d.shape(), d.dim()), (vec![], 1));
    }

    #[test]
    fn contains_checks_length_bounds_and_indices() {
        let b = Space::Box {
            low: vec![-1.0, 0.0],
            high: vec![1.0, f32::INFINITY],
        };
        assert!(b.contains(&[0.5, 1e30]));
        assert!(b.contains(&[-1.0, 0.0]));
        assert!(!b.contains(&[1.5, 0.0]));
        assert!(!b.contains(&[0.0]));
        assert!(!b.contains(&[f32::NAN, 0.0]));
        let d = Space::Discrete(3);
        assert!(d.contains(&[2.0]));
        assert!(!d.contains(&[3.0]));
        assert!(!d.contains(&[0.5]));
        assert!(!d.contains(&[1.0, 1.0]));
    }

    #[test]
    fn samples_are_contained() {
        let mut rng = StdRng::seed_from_u64(7);
        let spaces = [
            Space::uniform_box(2, -2.0, 3.0),
            Space::Box {
                low: vec![f32::NEG_INFINITY, 0.0, f32::NEG_INFINITY, 4.0],
                high: vec![f32::INFINITY, f32::INFINITY, 1.0, 4.0],
            },
            Space::Discrete(5),
        ];
        for space in &spaces {
            for _ in 0..1000 {
                let x = space.sample(&mut rng);
                assert!(space.contains(&x), "{x:?} not in {space:?}");
            }
        }
        let mut seen = [false; 5];
        for _ in 0..200 {
            seen[spaces[2].sample(&mut rng)[0] as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn clip_clamps_boxes_only() {
        let b = Space::Box {
            low: vec![-1.0, 0.0],
            high: vec![1.0, 2.0],
        };
        assert_eq!(b.clip(&[-3.0, 1.5]), vec![-1.0, 1.5]);
        assert_eq!(b.clip(&[3.0, 5.0]), vec![1.0, 2.0]);
        assert_eq!(Space::Discrete(2).clip(&[1.0]), vec![1.0]);
    }

    #[test]
    fn validate_reports_bad_actions() {
        let b = Space::uniform_box(2, -1.0, 1.0);
        assert_eq!(b.validate(&[5.0, -5.0]), Ok(()));
        assert_eq!(
            b.validate(&[0.0]),
            Err(EnvError::ActionLength {
                expected: 2,
                got: 1
            })
        );
        assert!(matches!(
            b.validate(&[0.0, f32::NAN]),
            Err(EnvError::NonFiniteAction { index: 1, .. })
        ));
        assert!(matches!(
            b.validate(&[f32::INFINITY, 0.0]),
            Err(EnvError::NonFiniteAction { index: 0, .. })
        ));
        let d = Space::Discrete(2);
        assert_eq!(d.validate(&[1.0]), Ok(()));
        assert_eq!(d.discrete_action(&[1.0]), Some(1));
        for bad in [2.0, -1.0, 0.5] {
            assert_eq!(
                d.validate(&[bad]),
                Err(EnvError::InvalidDiscreteAction { value: bad, n: 2 })
            );
        }
        assert!(matches!(
            d.validate(&[]),
            Err(EnvError::ActionLength { .. })
        ));
    }
}
