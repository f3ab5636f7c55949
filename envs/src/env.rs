//! The [`Env`] trait and the types its methods exchange.

use std::collections::BTreeMap;

use crate::{EnvError, Space};

/// Auxiliary per-step information, e.g. `"goal"` or `"success"` (a flag stored as `0.0`/`1.0`).
pub type Info = BTreeMap<String, Vec<f64>>;

/// The outcome of one [`Env::step`].
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Observation after the step.
    pub obs: Vec<f32>,
    /// Reward for the transition.
    pub reward: f64,
    /// The episode reached a terminal state of the MDP (no bootstrapping past it).
    pub terminated: bool,
    /// The episode was cut short from outside the MDP, e.g. by a time limit.
    pub truncated: bool,
    /// Auxiliary information.
    pub info: Info,
}

impl Step {
    /// Whether the episode is over (`terminated || truncated`); `reset` must be called next.
    pub fn done(&self) -> bool {
        self.terminated || self.truncated
    }
}

/// A reinforcement-learning environment with Gymnasium semantics.
///
/// Observations and actions are flat `f32` vectors described by [`Env::observation_space`] and
/// [`Env::action_space`]. `reset` must be called before the first `step` and after every step
/// whose [`Step::done`] is true; otherwise `step` returns [`EnvError::ResetNeeded`].
pub trait Env: Send {
    /// The registered id, e.g. `"Pendulum-v1"`.
    fn id(&self) -> &str;

    /// The space observations live in.
    fn observation_space(&self) -> &Space;

    /// The space actions live in. For `Discrete(n)` the action slice has one element holding the
    /// index.
    fn action_space(&self) -> &Space;

    /// Starts a new episode and returns its first observation. `Some(seed)` re-seeds the
    /// environment's random stream (as `reset(seed=...)` does in Gymnasium); `None` continues the
    /// current stream, which is seeded from OS entropy when the environment is created.
    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info);

    /// Advances the environment by one action. Fails on a malformed action (wrong length, NaN,
    /// invalid discrete index) or when no episode is running; never panics. Out-of-range
    /// continuous actions are clipped as the corresponding Gymnasium environment does.
    fn step(&mut self, action: &[f32]) -> Result<Step, EnvError>;

    /// The number of steps after which the episode is truncated, if a time limit applies.
    fn max_episode_steps(&self) -> Option<usize> {
        None
    }

    /// The simulator state that D4RL files record beside each row, read before the step (MuJoCo:
    /// `qpos` and `qvel`); empty for environments without one.
    fn state_info(&self) -> Info {
        Info::new()
    }
}

impl<E: Env + ?Sized> Env for Box<E> {
    fn id(&self) -> &str {
        (**self).id()
    }

    fn observation_space(&self) -> &Space {
        (**self).observation_space()
    }

    fn action_space(&self) -> &Space {
        (**self).action_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        (**self).reset(seed)
    }

    fn step(&mut self, action: &[f32]) -> Result<Step, EnvError> {
        (**self).step(action)
    }

    fn max_episode_steps(&self) -> Option<usize> {
        (**self).max_episode_steps()
    }

    fn state_info(&self) -> Info {
        (**self).state_info()
    }
}
