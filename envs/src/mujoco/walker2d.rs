//! `Walker2d-v4`: a planar biped that should walk forward.

use super::{Health, Outcome, ResetNoise, Sim, Task, ctrl_cost, positions_and_velocities, within};

/// The Walker2d task (Gymnasium `Walker2d-v4` with the v4 model `walker2d.xml`, whose left foot
/// has friction 0.9 as in gym v2/v3 and D4RL; frame skip 4, dt 0.008).
///
/// * Observation (17): `qpos[1..]` and `qvel` clipped to `±10`.
/// * Reward: `forward_reward_weight · ẋ + healthy bonus − ctrl_cost_weight · Σ a²`.
/// * Healthy while the height `qpos[1]` lies inside `healthy_z_range` and the torso angle
///   `qpos[2]` inside `healthy_angle_range` (open intervals).
/// * Reset: `U(-0.005, 0.005)` noise on positions and velocities.
#[derive(Debug, Clone, PartialEq)]
pub struct Walker2d {
    /// Weight of the forward velocity.
    pub forward_reward_weight: f64,
    /// Weight of the squared action.
    pub ctrl_cost_weight: f64,
    /// Healthy bonus and termination.
    pub health: Health,
    /// Bounds on the height.
    pub healthy_z_range: (f64, f64),
    /// Bounds on the torso angle.
    pub healthy_angle_range: (f64, f64),
    /// Scale of the uniform reset noise.
    pub reset_noise_scale: f64,
}

impl Default for Walker2d {
    /// Gymnasium's defaults.
    fn default() -> Self {
        Self {
            forward_reward_weight: 1.0,
            ctrl_cost_weight: 1e-3,
            health: Health::default(),
            healthy_z_range: (0.8, 2.0),
            healthy_angle_range: (-1.0, 1.0),
            reset_noise_scale: 5e-3,
        }
    }
}

impl Task for Walker2d {
    const ID: &'static str = "Walker2d-v4";
    const MODEL_FILE: &'static str = "walker2d.xml";
    const FRAME_SKIP: usize = 4;

    fn reset_noise(&self) -> ResetNoise {
        ResetNoise {
            scale: self.reset_noise_scale,
            normal_velocities: false,
        }
    }

    fn outcome(&self, sim: &Sim, x_velocity: f64, action: &[f64]) -> Outcome {
        let qpos = sim.qpos();
        let healthy =
            within(self.healthy_z_range, qpos[1]) && within(self.healthy_angle_range, qpos[2]);
        self.health.outcome(
            healthy,
            self.forward_reward_weight * x_velocity,
            ctrl_cost(self.ctrl_cost_weight, action),
        )
    }

    fn observation(&self, sim: &Sim) -> Vec<f32> {
        positions_and_velocities(sim, 1, Some(10.0))
    }
}
