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
    /// O-DICE's official rule (`util.return_range`): `r / (max − min return) ·
    /// max_episode_steps`, the returns summed over the transition rows split at
    /// `terminal or length == max_episode_steps`, the last incomplete piece dropped.
    /// `max_episode_steps` is the evaluation environment's time limit.
    ReturnRange,
    /// `r * scale + shift` (e.g. O-DICE AntMaze: scale 3, shift −3 maps {0, 1} to {−3, 0}).
    Affine {
        /// Multiplier.
        scale: f32,
        /// Offset added after scaling.
        shift: f32,
    },
}

impl RewardScaling {
    /// Rewrites `t.rewards` in place; `max_episode_steps` is the environment's time limit
    /// (needed by [`Self::ReturnRange`] only, an error when it is `None` there). `Locomotion`
    /// and `ReturnRange` leave rewards unchanged (with a warning) when all returns are equal,
    /// where the reference codes would divide by zero.
    pub fn apply(
        &self,
        t: &mut Transitions,
        max_episode_steps: Option<usize>,
    ) -> Result<(), String> {
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
            Self::ReturnRange => {
                let steps = max_episode_steps.filter(|&s| s > 0).ok_or_else(|| {
                    "reward_scaling = \"return_range\" needs an environment with a time limit \
                     (max_episode_steps)"
                        .to_string()
                })?;
                let returns = return_range_returns(t, steps);
                let max = returns.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let min = returns.iter().copied().fold(f64::INFINITY, f64::min);
                let range = (max - min) as f32;
                if range > 0.0 && range.is_finite() {
                    let steps = steps as f32;
                    t.rewards.mapv_inplace(|r| r / range * steps);
                } else {
                    tracing::warn!(
                        "return_range reward scaling skipped: episode return range is {range}"
                    );
                }
            }
            Self::AntMaze => t.rewards.mapv_inplace(|r| r - 1.0),
            Self::Affine { scale, shift } => t.rewards.mapv_inplace(|r| r * scale + shift),
        }
        Ok(())
    }
}

/// The episode returns of O-DICE's `util.return_range`: rows summed in order, a piece ending at
/// a terminal row or after `max_episode_steps` rows, the last incomplete piece dropped.
pub fn return_range_returns(t: &Transitions, max_episode_steps: usize) -> Vec<f64> {
    let mut returns = Vec::new();
    let (mut acc, mut len) = (0.0f64, 0usize);
    for (r, &done) in t.rewards.iter().zip(t.terminals.iter()) {
        acc += f64::from(*r);
        len += 1;
        if done || len == max_episode_steps {
            returns.push(acc);
            acc = 0.0;
            len = 0;
        }
    }
    returns
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
        RewardScaling::Locomotion.apply(&mut t, Some(3)).unwrap();
        assert_eq!(
            t.rewards,
            array![1.0f32, 2.0, 4.0, 5.0, -1.0].mapv(|r| r / 10.0 * 1000.0)
        );
    }

    /// Same rows, O-DICE's rule with a 3-step time limit: pieces are rows 0-2 (return 7, cut
    /// by the limit) and row 3 (5, terminal); row 4 is incomplete and dropped. Range 2, so
    /// r · 3 / 2, where `Locomotion` (split by observation gaps, × 1000 / 10) gives r · 100.
    #[test]
    fn return_range_splits_at_terminal_or_time_limit() {
        let mut t = transitions();
        assert_eq!(return_range_returns(&t, 3), vec![7.0, 5.0]);
        RewardScaling::ReturnRange.apply(&mut t, Some(3)).unwrap();
        assert_eq!(t.rewards, array![1.5f32, 3.0, 6.0, 7.5, -1.5]);
        let mut loco = transitions();
        RewardScaling::Locomotion.apply(&mut loco, Some(3)).unwrap();
        assert_eq!(loco.rewards, array![100.0f32, 200.0, 400.0, 500.0, -100.0]);
        // Without a time limit: one-line error, rewards untouched.
        let mut t = transitions();
        let err = RewardScaling::ReturnRange.apply(&mut t, None).unwrap_err();
        assert!(err.contains("max_episode_steps"), "{err}");
        assert_eq!(t.rewards, transitions().rewards);
        assert_eq!(
            serde_json::to_string(&RewardScaling::ReturnRange).unwrap(),
            "\"return_range\""
        );
    }

    #[test]
    fn antmaze_affine_and_none() {
        let mut t = transitions();
        RewardScaling::None.apply(&mut t, None).unwrap();
        assert_eq!(t.rewards, transitions().rewards);
        RewardScaling::AntMaze.apply(&mut t, None).unwrap();
        assert_eq!(t.rewards, array![0.0f32, 1.0, 3.0, 4.0, -2.0]);
        let mut t = transitions();
        RewardScaling::Affine {
            scale: 3.0,
            shift: -3.0,
        }
        .apply(&mut t, None)
        .unwrap();
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
