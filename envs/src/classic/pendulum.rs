//! `Pendulum-v1`: swing a frictionless pendulum up and keep it upright.

use std::f64::consts::PI;

use crate::episode::{EpisodeCore, state_from_slice};
use crate::{Env, EnvError, Info, Space, Step};
use rand::Rng;

const MAX_SPEED: f64 = 8.0;
const MAX_TORQUE: f64 = 2.0;
const DT: f64 = 0.05;
const GRAVITY: f64 = 10.0;
const MASS: f64 = 1.0;
const LENGTH: f64 = 1.0;

/// The inverted pendulum swing-up task (Gymnasium `Pendulum-v1`, default gravity 10).
///
/// * State `(θ, θ̇)`, θ = 0 upright. Observation `(cos θ, sin θ, θ̇)`.
/// * Action: torque `u`, clipped to `[-2, 2]`.
/// * Dynamics (semi-implicit Euler, dt = 0.05):
///   `θ̇' = clip(θ̇ + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, -8, 8)`, `θ' = θ + θ̇'·dt`.
/// * Reward: `-(norm(θ)² + 0.1·θ̇² + 0.001·u²)` on the state before the step, where `norm`
///   wraps the angle into `[-π, π)`. Never terminates (time limit 200 via [`crate::make`]).
/// * Reset: θ ~ U(-π, π), θ̇ ~ U(-1, 1).
pub struct Pendulum {
    state: [f64; 2],
    core: EpisodeCore,
    observation_space: Space,
    action_space: Space,
}

impl Pendulum {
    /// A pendulum with Gymnasium's default parameters.
    pub fn new() -> Self {
        Self {
            state: [0.0; 2],
            core: EpisodeCore::new(),
            observation_space: Space::Box {
                low: vec![-1.0, -1.0, -MAX_SPEED as f32],
                high: vec![1.0, 1.0, MAX_SPEED as f32],
            },
            action_space: Space::uniform_box(1, -MAX_TORQUE as f32, MAX_TORQUE as f32),
        }
    }

    /// The internal state `(θ, θ̇)`.
    pub fn state(&self) -> &[f64] {
        &self.state
    }

    /// Sets the internal state `(θ, θ̇)` exactly and allows stepping from it.
    pub fn set_state(&mut self, state: &[f64]) -> Result<(), EnvError> {
        self.state = state_from_slice(state)?;
        self.core.resume();
        Ok(())
    }

    fn observation(&self) -> Vec<f32> {
        let [theta, theta_dot] = self.state;
        vec![theta.cos() as f32, theta.sin() as f32, theta_dot as f32]
    }
}

impl Default for Pendulum {
    fn default() -> Self {
        Self::new()
    }
}

/// Wraps an angle into `[-π, π)`.
fn normalize_angle(x: f64) -> f64 {
    (x + PI).rem_euclid(2.0 * PI) - PI
}

impl Env for Pendulum {
    fn id(&self) -> &str {
        "Pendulum-v1"
    }

    fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    fn action_space(&self) -> &Space {
        &self.action_space
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        let rng = self.core.begin(seed);
        self.state = [rng.random_range(-PI..PI), rng.random_range(-1.0..1.0)];
        (self.observation(), Info::new())
    }

    fn step(&mut self, action: &[f32]) -> Result<Step, EnvError> {
        self.core.check_step(&self.action_space, action)?;
        let [theta, theta_dot] = self.state;
        let u = f64::from(action[0]).clamp(-MAX_TORQUE, MAX_TORQUE);
        let cost = normalize_angle(theta).powi(2) + 0.1 * theta_dot.powi(2) + 0.001 * u.powi(2);
        let accel =
            3.0 * GRAVITY / (2.0 * LENGTH) * theta.sin() + 3.0 / (MASS * LENGTH.powi(2)) * u;
        let new_theta_dot = (theta_dot + accel * DT).clamp(-MAX_SPEED, MAX_SPEED);
        self.state = [theta + new_theta_dot * DT, new_theta_dot];
        self.core.finish_step(false);
        Ok(Step {
            obs: self.observation(),
            reward: -cost,
            terminated: false,
            truncated: false,
            info: Info::new(),
        })
    }
}
