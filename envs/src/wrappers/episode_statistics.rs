//! The [`EpisodeStatistics`] wrapper.

use crate::{Env, EnvError, Info, Space, Step};

/// Info key holding the undiscounted return of the episode that just ended.
pub const EPISODE_RETURN: &str = "episode_return";
/// Info key holding the length of the episode that just ended.
pub const EPISODE_LENGTH: &str = "episode_length";

/// Tracks the running return and length of the current episode and, on the step that ends it,
/// puts them into the info under [`EPISODE_RETURN`] and [`EPISODE_LENGTH`] (Gymnasium's
/// `RecordEpisodeStatistics`).
pub struct EpisodeStatistics<E> {
    inner: E,
    episode_return: f64,
    episode_length: usize,
}

impl<E: Env> EpisodeStatistics<E> {
    /// Wraps `inner`.
    pub fn new(inner: E) -> Self {
        Self {
            inner,
            episode_return: 0.0,
            episode_length: 0,
        }
    }

    /// Undiscounted return accumulated so far in the current episode.
    pub fn episode_return(&self) -> f64 {
        self.episode_return
    }

    /// Steps taken so far in the current episode.
    pub fn episode_length(&self) -> usize {
        self.episode_length
    }

    /// The wrapped environment.
    pub fn inner(&self) -> &E {
        &self.inner
    }

    /// The wrapped environment, mutably.
    pub fn inner_mut(&mut self) -> &mut E {
        &mut self.inner
    }

    /// Unwraps the environment.
    pub fn into_inner(self) -> E {
        self.inner
    }
}

impl<E: Env> Env for EpisodeStatistics<E> {
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
        self.episode_return = 0.0;
        self.episode_length = 0;
        self.inner.reset(seed)
    }

    fn step(&mut self, action: &[f32]) -> Result<Step, EnvError> {
        let mut step = self.inner.step(action)?;
        self.episode_return += step.reward;
        self.episode_length += 1;
        if step.done() {
            step.info
                .insert(EPISODE_RETURN.to_owned(), vec![self.episode_return]);
            step.info
                .insert(EPISODE_LENGTH.to_owned(), vec![self.episode_length as f64]);
        }
        Ok(step)
    }

    fn max_episode_steps(&self) -> Option<usize> {
        self.inner.max_episode_steps()
    }

    fn state_info(&self) -> Info {
        self.inner.state_info()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TimeLimit;
    use crate::classic::CartPole;

    #[test]
    fn reports_return_and_length_at_episode_end() {
        let mut env = EpisodeStatistics::new(TimeLimit::new(CartPole::new(), 5));
        for _ in 0..2 {
            env.reset(Some(3));
            let mut steps = 0;
            loop {
                let step = env.step(&[1.0]).unwrap();
                steps += 1;
                assert_eq!(env.episode_length(), steps);
                if step.done() {
                    assert_eq!(step.info[EPISODE_LENGTH], vec![steps as f64]);
                    assert_eq!(step.info[EPISODE_RETURN], vec![steps as f64]);
                    break;
                }
                assert!(!step.info.contains_key(EPISODE_RETURN));
            }
            assert_eq!(env.episode_return(), steps as f64);
        }
    }
}
