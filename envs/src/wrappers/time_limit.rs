//! The [`TimeLimit`] wrapper.

use crate::{Env, EnvError, Info, Space, Step};

/// Truncates episodes after a fixed number of steps (Gymnasium's `TimeLimit`).
///
/// The step that reaches the limit has `truncated = true` (even if it also terminated); stepping
/// again without a reset returns [`EnvError::ResetNeeded`].
pub struct TimeLimit<E> {
    inner: E,
    max_steps: usize,
    elapsed: usize,
    done: bool,
}

impl<E: Env> TimeLimit<E> {
    /// Wraps `inner`, truncating each episode after `max_steps` steps.
    pub fn new(inner: E, max_steps: usize) -> Self {
        Self {
            inner,
            max_steps,
            elapsed: 0,
            done: false,
        }
    }

    /// Steps taken in the current episode.
    pub fn elapsed_steps(&self) -> usize {
        self.elapsed
    }

    /// The wrapped environment.
    pub fn inner(&self) -> &E {
        &self.inner
    }

    /// The wrapped environment, mutably (e.g. to set its state after a reset).
    pub fn inner_mut(&mut self) -> &mut E {
        &mut self.inner
    }

    /// Unwraps the environment.
    pub fn into_inner(self) -> E {
        self.inner
    }
}

impl<E: Env> Env for TimeLimit<E> {
    fn id(&self) -> &str {
        self.inner.id()
    }

    fn observation_space(&self) -> &Space {
        self.inner.observation_space()
    }

    fn action_space(&self) -> &Space {
        self.inner.action_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        self.elapsed = 0;
        self.done = false;
        self.inner.reset(seed)
    }

    fn step(&mut self, action: &[f32]) -> Result<Step, EnvError> {
        if self.done {
            return Err(EnvError::ResetNeeded);
        }
        let mut step = self.inner.step(action)?;
        self.elapsed += 1;
        step.truncated |= self.elapsed >= self.max_steps;
        self.done = step.done();
        Ok(step)
    }

    fn max_episode_steps(&self) -> Option<usize> {
        Some(self.max_steps)
    }

    fn state_info(&self) -> Info {
        self.inner.state_info()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classic::Pendulum;

    #[test]
    fn truncates_at_the_limit_and_requires_reset() {
        let mut env = TimeLimit::new(Pendulum::new(), 3);
        assert_eq!(env.max_episode_steps(), Some(3));
        for _ in 0..2 {
            env.reset(Some(0));
            for t in 1..=3 {
                let step = env.step(&[0.0]).unwrap();
                assert_eq!(step.truncated, t == 3);
                assert!(!step.terminated);
                assert_eq!(env.elapsed_steps(), t);
            }
            assert_eq!(env.step(&[0.0]), Err(EnvError::ResetNeeded));
        }
    }

    #[test]
    fn bad_actions_do_not_count_as_steps() {
        let mut env = TimeLimit::new(Pendulum::new(), 3);
        env.reset(Some(0));
        assert!(env.step(&[0.0, 1.0]).is_err());
        assert_eq!(env.elapsed_steps(), 0);
    }
}
