//! `Hopper-v4`: a one-legged hopper that should hop forward.

use super::{Health, Outcome, ResetNoise, Sim, Task, ctrl_cost, positions_and_velocities, within};

/// The Hopper task (Gymnasium `Hopper-v4`, model `hopper.xml`, frame skip 4, dt 0.008).
///
/// * Observation (11): `qpos[1..]` (height, angles) and `qvel` clipped to `±10`.
/// * Reward: `forward_reward_weight · ẋ + healthy bonus − ctrl_cost_weight · Σ a²`.
/// * Healthy while every entry of `(qpos[2..], qvel)` lies strictly inside `healthy_state_range`,
///   the height `qpos[1]` inside `healthy_z_range` and the torso angle `qpos[2]` inside
///   `healthy_angle_range` (all open intervals).
/// * Reset: `U(-0.005, 0.005)` noise on positions and velocities.
#[derive(Debug, Clone, PartialEq)]
pub struct Hopper {
    /// Weight of the forward velocity.
    pub forward_reward_weight: f64,
    /// Weight of the squared action.
    pub ctrl_cost_weight: f64,
    /// Healthy bonus and termination.
    pub health: Health,
    /// Bounds on `(qpos[2..], qvel)`.
    pub healthy_state_range: (f64, f64),
    /// Bounds on the height.
    pub healthy_z_range: (f64, f64),
    /// Bounds on the torso angle.
    pub healthy_angle_range: (f64, f64),
    /// Scale of the uniform reset noise.
    pub reset_noise_scale: f64,
}

impl Default for Hopper {
    /// Gymnasium's defaults.
    fn default() -> Self {
        Self {
            forward_reward_weight: 1.0,
            ctrl_cost_weight: 1e-3,
            health: Health::default(),
            healthy_state_range: (-100.0, 100.0),
            healthy_z_range: (0.7, f64::INFINITY),
            healthy_angle_range: (-0.2, 0.2),
            reset_noise_scale: 5e-3,
        }
    }
}

impl Hopper {
    fn is_healthy(&self, sim: &Sim) -> bool {
        let qpos = sim.qpos();
        qpos[2..]
            .iter()
            .chain(sim.qvel())
            .all(|&v| within(self.healthy_state_range, v))
            && within(self.healthy_z_range, qpos[1])
            && within(self.healthy_angle_range, qpos[2])
    }
}

impl Task for Hopper {
    const ID: &'static str = "Hopper-v4";
    const MODEL_FILE: &'static str = "hopper.xml";
    const FRAME_SKIP: usize = 4;

    fn reset_noise(&self) -> ResetNoise {
        ResetNoise {
            scale: self.reset_noise_scale,
            normal_velocities: false,
        }
    }

    fn outcome(&self, sim: &Sim, x_velocity: f64, action: &[f64]) -> Outcome {
        self.health.outcome(
            self.is_healthy(sim),
            self.forward_reward_weight * x_velocity,
            ctrl_cost(self.ctrl_cost_weight, action),
        )
    }

    fn observation(&self, sim: &Sim) -> Vec<f32> {
        positions_and_velocities(sim, 1, Some(10.0))
    }
}
