//! [`RewardScaling`]: the per-domain reward transforms used by IQL/CORL-style training.

use serde::{Deserialize, Serialize};

use crate::qlearning::Transitions;

/// A reward transform applied to a transition table before training.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RewardScaling {
    /// Leave rewards unchanged.
    #[default]
    None,
    /// IQL locomotion: `r * 1000 / (max − min trajectory return)`, trajectories split by
    /// [`Transitions::trajectory_ends`].
    Locomotion,
    /// IQL/CORL AntMaze: `r − 1`.
    AntMaze,
    /// `r * scale + shift` (e.g. O-DICE AntMaze: scale 3, shift −3 maps {0, 1} to {−3, 0}).
    Affine {
        /// Multiplier.
        scale: f32,
        /// Offset added after scaling.
        shift: f32,
    },
}

impl RewardScaling {
    /// Rewrites `t.rewards` in place. `Locomotion` leaves rewards unchanged (with a warning)
    /// when all trajectory returns are equal, where IQL would divide by zero.
    pub fn apply(&self, t: &mut Transitions) {
        match *self {
            Self::None => {}
            Self::Locomotion => {
                let returns = t.trajectory_returns();
                let max = returns.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let min = returns.iter().copied().fold(f64::INFINITY, f64::min);
                let range = (max - min) as f32;
                if range > 0.0 && range.is_finite() {
                    t.rewards.mapv_inplace(|r| r / range * 1000.0);
                } else {
                    tracing::warn!(
                        "locomotion reward scaling skipped: trajectory return range is {range}"
                    );
                }
            }
            Self::AntMaze => t.rewards.mapv_inplace(|r| r - 1.0),
            Self::Affine { scale, shift } => t.rewards.mapv_inplace(|r| r * scale + shift),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, array};

    /// Two trajectories (returns 3 and 9) split by an observation gap, then a terminal one (−1).
    fn transitions() -> Transitions {
        let obs = array![[0.0f32], [1.0], [5.0], [6.0], [9.0]];
        let next = array![[1.0f32], [2.0], [6.0], [7.0], [10.0]];
        Transitions {
            observations: obs,
            actions: array![[0.0f32], [0.0], [0.0], [0.0], [0.0]],
            rewards: array![1.0f32, 2.0, 4.0, 5.0, -1.0],
            next_observations: next,
            terminals: Array1::from(vec![false, false, false, true, false]),
        }
    }

    #[test]
    fn locomotion_scales_by_return_range() {
        let mut t = transitions();
        assert_eq!(t.trajectory_returns(), vec![3.0, 9.0, -1.0]);
        RewardScaling::Locomotion.apply(&mut t);
        assert_eq!(
            t.rewards,
            array![1.0f32, 2.0, 4.0, 5.0, -1.0].mapv(|r| r / 10.0 * 1000.0)
        );
    }

    #[test]
    fn antmaze_affine_and_none() {
        let mut t = transitions();
        RewardScaling::None.apply(&mut t);
        assert_eq!(t.rewards, transitions().rewards);
        RewardScaling::AntMaze.apply(&mut t);
        assert_eq!(t.rewards, array![0.0f32, 1.0, 3.0, 4.0, -2.0]);
        let mut t = transitions();
        RewardScaling::Affine {
            scale: 3.0,
            shift: -3.0,
        }
        .apply(&mut t);
        assert_eq!(t.rewards, array![0.0f32, 3.0, 9.0, 12.0, -6.0]);
    }

    #[test]
    fn serde_names_are_snake_case() {
        assert_eq!(
            serde_json::to_string(&RewardScaling::AntMaze).unwrap(),
            "\"ant_maze\""
        );
        let affine: RewardScaling =
            serde_json::from_str(r#"{"affine":{"scale":2.0,"shift":1.0}}"#).unwrap();
        assert_eq!(
            affine,
            RewardScaling::Affine {
                scale: 2.0,
                shift: 1.0
            }
        );
    }
}
