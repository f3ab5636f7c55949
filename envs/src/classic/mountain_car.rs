//! `MountainCarContinuous-v0`: drive an under-powered car up a hill.

use crate::episode::{EpisodeCore, state_from_slice};
use crate::{Env, EnvError, Info, Space, Step};
use rand::Rng;

const MIN_POSITION: f64 = -1.2;
const MAX_POSITION: f64 = 0.6;
const MAX_SPEED: f64 = 0.07;
const GOAL_POSITION: f64 = 0.45;
const GOAL_VELOCITY: f64 = 0.0;
const POWER: f64 = 0.0015;

/// The continuous mountain car (Gymnasium `MountainCarContinuous-v0`).
///
/// * State and observation `(position, velocity)`.
/// * Action: force `a`; the dynamics use `f = clip(a, -1, 1)`.
/// * Dynamics: `v' = clip(v + 0.0015·f - 0.0025·cos(3p), -0.07, 0.07)`,
///   `p' = clip(p + v', -1.2, 0.6)`; at the left wall (`p' = -1.2`) a negative `v'` becomes 0.
///   As in Gymnasium, the state is stored in `f32` precision after every step.
/// * Terminates when `p' >= 0.45` and `v' >= 0`.
/// * Reward: `100·[terminated] - 0.1·a²`, with the *unclipped* action `a` (as Gymnasium does).
/// * Reset: `p ~ U(-0.6, -0.4)`, `v = 0`. Time limit 999 via [`crate::make`].
pub struct MountainCarContinuous {
    state: [f64; 2],
    core: EpisodeCore,
    observation_space: Space,
    action_space: Space,
}

impl MountainCarContinuous {
    /// A mountain car with Gymnasium's parameters.
    pub fn new() -> Self {
        Self {
            state: [0.0; 2],
            core: EpisodeCore::new(),
            observation_space: Space::Box {
                low: vec![MIN_POSITION as f32, -MAX_SPEED as f32],
                high: vec![MAX_POSITION as f32, MAX_SPEED as f32],
            },
            action_space: Space::uniform_box(1, -1.0, 1.0),
        }
    }

    /// The internal state `(position, velocity)`.
    pub fn state(&self) -> &[f64] {
        &self.state
    }

    /// Sets the internal state `(position, velocity)` exactly and allows stepping from it.
    pub fn set_state(&mut self, state: &[f64]) -> Result<(), EnvError> {
        self.state = state_from_slice(state)?;
        self.core.resume();
        Ok(())
    }

    fn observation(&self) -> Vec<f32> {
        self.state.iter().map(|&v| v as f32).collect()
    }
}

impl Default for MountainCarContinuous {
    fn default() -> Self {
        Self::new()
    }
}

/// Rounds to `f32` precision (Gymnasium keeps this environment's state as `float32`).
fn round_f32(x: f64) -> f64 {
    f64::from(x as f32)
}

impl Env for MountainCarContinuous {
    fn id(&self) -> &str {
        "MountainCarContinuous-v0"
    }

    fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    fn action_space(&self) -> &Space {
        &self.action_space
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        let rng = self.core.begin(seed);
        self.state = [rng.random_range(-0.6..-0.4), 0.0];
        (self.observation(), Info::new())
    }

    fn step(&mut self, action: &[f32]) -> Result<Step, EnvError> {
        self.core.check_step(&self.action_space, action)?;
        let [position, velocity] = self.state;
        let raw = f64::from(action[0]);
        let force = raw.clamp(-1.0, 1.0);
        let mut velocity = (velocity + force * POWER - 0.0025 * (3.0 * position).cos())
            .clamp(-MAX_SPEED, MAX_SPEED);
        let position = (position + velocity).clamp(MIN_POSITION, MAX_POSITION);
        if position == MIN_POSITION && velocity < 0.0 {
            velocity = 0.0;
        }
        self.state = [round_f32(position), round_f32(velocity)];
        let terminated = self.state[0] >= GOAL_POSITION && self.state[1] >= GOAL_VELOCITY;
        let bonus = if terminated { 100.0 } else { 0.0 };
        self.core.finish_step(terminated);
        Ok(Step {
            obs: self.observation(),
            reward: bonus - 0.1 * raw * raw,
            terminated,
            truncated: false,
            info: Info::new(),
        })
    }
}
