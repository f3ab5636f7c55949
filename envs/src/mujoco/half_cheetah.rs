//! `HalfCheetah-v4`: a planar cheetah that should run forward.

use super::{Outcome, ResetNoise, Sim, Task, ctrl_cost, positions_and_velocities};

/// The HalfCheetah task (Gymnasium `HalfCheetah-v4`, model `half_cheetah.xml`, frame skip 5,
/// dt 0.05).
///
/// * Observation (17): `qpos[1..]` and `qvel` (unclipped).
/// * Reward: `forward_reward_weight · ẋ − ctrl_cost_weight · Σ a²`. Never terminates.
/// * Reset: `U(-0.1, 0.1)` noise on positions, `0.1 · N(0, 1)` on velocities.
#[derive(Debug, Clone, PartialEq)]
pub struct HalfCheetah {
    /// Weight of the forward velocity.
    pub forward_reward_weight: f64,
    /// Weight of the squared action.
    pub ctrl_cost_weight: f64,
    /// Scale of the reset noise.
    pub reset_noise_scale: f64,
}

impl Default for HalfCheetah {
    /// Gymnasium's defaults.
    fn default() -> Self {
        Self {
            forward_reward_weight: 1.0,
            ctrl_cost_weight: 0.1,
            reset_noise_scale: 0.1,
        }
    }
}

impl Task for HalfCheetah {
    const ID: &'static str = "HalfCheetah-v4";
    const MODEL_FILE: &'static str = "half_cheetah.xml";
    const FRAME_SKIP: usize = 5;

    fn reset_noise(&self) -> ResetNoise {
        ResetNoise {
            scale: self.reset_noise_scale,
            normal_velocities: true,
        }
    }

    fn outcome(&self, _sim: &Sim, x_velocity: f64, action: &[f64]) -> Outcome {
        Outcome {
            reward: self.forward_reward_weight * x_velocity
                - ctrl_cost(self.ctrl_cost_weight, action),
            terminated: false,
        }
    }

    fn observation(&self, sim: &Sim) -> Vec<f32> {
        positions_and_velocities(sim, 1, None)
    }
}
