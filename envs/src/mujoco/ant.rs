//! `Ant-v4` with contact forces: a quadruped that should walk in the +x direction.

use super::{Health, Outcome, ResetNoise, Sim, Task, ctrl_cost, positions_and_velocities};

/// The Ant task (Gymnasium `Ant-v4`, model `ant.xml`, frame skip 5, dt 0.05). By default it
/// includes the contact forces in the observation and the cost, like D4RL's ant
/// (`use_contact_forces=True` in Gymnasium, whose own default is `False`).
///
/// * Observation (111): `qpos[2..]` (13), `qvel` (14) and, with contact forces, the external
///   forces `cfrc_ext` of all 14 bodies (84) clipped to `contact_force_range`; 27 without.
/// * Reward: `ẋ + healthy bonus − ctrl_cost_weight · Σ a² − contact_cost_weight · Σ f²` (the
///   last term only with contact forces), where `ẋ` is the x velocity of the torso frame.
/// * Healthy while the state is finite and the torso height `qpos[2]` lies in
///   `healthy_z_range` (closed interval).
/// * Reset: `U(-0.1, 0.1)` noise on positions, `0.1 · N(0, 1)` on velocities.
#[derive(Debug, Clone, PartialEq)]
pub struct Ant {
    /// Weight of the squared action.
    pub ctrl_cost_weight: f64,
    /// Include contact forces in the observation and the cost.
    pub use_contact_forces: bool,
    /// Weight of the squared clipped contact forces.
    pub contact_cost_weight: f64,
    /// Healthy bonus and termination.
    pub health: Health,
    /// Bounds on the torso height.
    pub healthy_z_range: (f64, f64),
    /// Clipping range of each contact-force component.
    pub contact_force_range: (f64, f64),
    /// Scale of the reset noise.
    pub reset_noise_scale: f64,
}

impl Default for Ant {
    /// Gymnasium's defaults, except `use_contact_forces = true` (D4RL's layout).
    fn default() -> Self {
        Self {
            ctrl_cost_weight: 0.5,
            use_contact_forces: true,
            contact_cost_weight: 5e-4,
            health: Health::default(),
            healthy_z_range: (0.2, 1.0),
            contact_force_range: (-1.0, 1.0),
            reset_noise_scale: 0.1,
        }
    }
}

impl Ant {
    fn contact_forces(&self, sim: &Sim) -> impl Iterator<Item = f64> {
        let (low, high) = self.contact_force_range;
        sim.cfrc_ext()
            .iter()
            .flatten()
            .map(move |f| f.clamp(low, high))
    }
}

impl Task for Ant {
    const ID: &'static str = "Ant-v4";
    const MODEL_FILE: &'static str = "ant.xml";
    const FRAME_SKIP: usize = 5;

    fn reset_noise(&self) -> ResetNoise {
        ResetNoise {
            scale: self.reset_noise_scale,
            normal_velocities: true,
        }
    }

    fn x_position(&self, sim: &Sim) -> f64 {
        sim.body_xpos("torso").expect("ant.xml has a torso")[0]
    }

    fn outcome(&self, sim: &Sim, x_velocity: f64, action: &[f64]) -> Outcome {
        let (low, high) = self.healthy_z_range;
        let z = sim.qpos()[2];
        let finite = sim.qpos().iter().chain(sim.qvel()).all(|v| v.is_finite());
        let mut cost = ctrl_cost(self.ctrl_cost_weight, action);
        if self.use_contact_forces {
            cost += self.contact_cost_weight * self.contact_forces(sim).map(|f| f * f).sum::<f64>();
        }
        self.health
            .outcome(finite && low <= z && z <= high, x_velocity, cost)
    }

    fn observation(&self, sim: &Sim) -> Vec<f32> {
        let mut obs = positions_and_velocities(sim, 2, None);
        if self.use_contact_forces {
            obs.extend(self.contact_forces(sim).map(|f| f as f32));
        }
        obs
    }
}
