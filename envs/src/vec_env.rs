//! [`VecEnv`]: several environments stepped in lockstep, in parallel.

use rayon::prelude::*;

use crate::{Env, EnvError, Info, Space, Step};

/// A fixed set of environments with identical spaces, stepped in parallel (rayon).
///
/// Environments are addressed by index; each keeps its own episode, so callers reset each one
/// when its episode ends (see [`crate::evaluate`] for a driver).
pub struct VecEnv {
    envs: Vec<Box<dyn Env>>,
}

impl VecEnv {
    /// Groups `envs`; fails if there are none or their spaces differ.
    pub fn new(envs: Vec<Box<dyn Env>>) -> Result<Self, EnvError> {
        let Some(first) = envs.first() else {
            return Err(EnvError::InvalidArgument(
                "a VecEnv needs at least one environment".into(),
            ));
        };
        if let Some(odd) = envs.iter().find(|e| {
            e.observation_space() != first.observation_space()
                || e.action_space() != first.action_space()
        }) {
            return Err(EnvError::InvalidArgument(format!(
                "environments `{}` and `{}` have different spaces",
                first.id(),
                odd.id()
            )));
        }
        Ok(Self { envs })
    }

    /// Creates `n` environments with `make_env` (in parallel) and groups them.
    pub fn from_fn(
        n: usize,
        make_env: impl Fn() -> Result<Box<dyn Env>, EnvError> + Sync,
    ) -> Result<Self, EnvError> {
        Self::new(
            (0..n)
                .into_par_iter()
                .map(|_| make_env())
                .collect::<Result<_, _>>()?,
        )
    }

    /// Number of environments.
    pub fn len(&self) -> usize {
        self.envs.len()
    }

    /// Always false: a `VecEnv` holds at least one environment.
    pub fn is_empty(&self) -> bool {
        self.envs.is_empty()
    }

    /// The common observation space.
    pub fn observation_space(&self) -> &Space {
        self.envs[0].observation_space()
    }

    /// The common action space.
    pub fn action_space(&self) -> &Space {
        self.envs[0].action_space()
    }

    /// Environment `index`, mutably (e.g. to reset it individually).
    pub fn env_mut(&mut self, index: usize) -> Result<&mut (dyn Env + 'static), EnvError> {
        let len = self.envs.len();
        self.envs.get_mut(index).map(|e| e.as_mut()).ok_or_else(|| {
            EnvError::InvalidArgument(format!("index {index} out of range 0..{len}"))
        })
    }

    /// Resets every environment, environment `i` with `seeds[i]`.
    pub fn reset(&mut self, seeds: &[Option<u64>]) -> Result<Vec<(Vec<f32>, Info)>, EnvError> {
        self.check_batch("seeds", seeds.len(), self.envs.len())?;
        Ok(self
            .envs
            .par_iter_mut()
            .zip(seeds)
            .map(|(env, &seed)| env.reset(seed))
            .collect())
    }

    /// Steps every environment, environment `i` with `actions[i]`.
    pub fn step(&mut self, actions: &[Vec<f32>]) -> Result<Vec<Step>, EnvError> {
        let all: Vec<usize> = (0..self.envs.len()).collect();
        self.step_subset(&all, actions)
    }

    /// Steps only the environments in `indices` (strictly increasing), environment `indices[j]`
    /// with `actions[j]`; returns their steps in the same order.
    pub fn step_subset(
        &mut self,
        indices: &[usize],
        actions: &[Vec<f32>],
    ) -> Result<Vec<Step>, EnvError> {
        self.check_batch("actions", actions.len(), indices.len())?;
        let increasing = indices.windows(2).all(|w| w[0] < w[1]);
        if !increasing || indices.last().is_some_and(|&i| i >= self.envs.len()) {
            return Err(EnvError::InvalidArgument(format!(
                "indices must be strictly increasing and below {}, got {indices:?}",
                self.envs.len()
            )));
        }
        let mut slots: Vec<Option<&[f32]>> = vec![None; self.envs.len()];
        for (&i, action) in indices.iter().zip(actions) {
            slots[i] = Some(action);
        }
        self.envs
            .par_iter_mut()
            .zip(slots)
            .filter_map(|(env, action)| action.map(|a| env.step(a)))
            .collect()
    }

    fn check_batch(&self, what: &str, got: usize, expected: usize) -> Result<(), EnvError> {
        if got == expected {
            Ok(())
        } else {
            Err(EnvError::InvalidArgument(format!(
                "expected {expected} {what}, got {got}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::make;

    #[test]
    fn rejects_empty_and_mixed_groups() {
        assert!(VecEnv::new(Vec::new()).is_err());
        let mixed = vec![make("pendulum").unwrap(), make("cartpole").unwrap()];
        assert!(VecEnv::new(mixed).is_err());
    }

    #[test]
    fn steps_match_individual_environments() {
        let mut venv = VecEnv::from_fn(3, || make("pendulum")).unwrap();
        assert_eq!(venv.len(), 3);
        let seeds = [Some(1), Some(2), Some(3)];
        let firsts = venv.reset(&seeds).unwrap();
        let mut singles: Vec<_> = (0..3).map(|_| make("pendulum").unwrap()).collect();
        for ((env, seed), (obs, _)) in singles.iter_mut().zip(seeds).zip(&firsts) {
            assert_eq!(&env.reset(seed).0, obs);
        }
        let actions = vec![vec![0.5], vec![-1.0], vec![2.0]];
        let all = venv.step(&actions).unwrap();
        let subset = venv.step_subset(&[0, 2], &[vec![1.0], vec![-2.0]]).unwrap();
        assert_eq!(all[1], singles[1].step(&actions[1]).unwrap());
        singles[0].step(&actions[0]).unwrap();
        singles[2].step(&actions[2]).unwrap();
        assert_eq!(subset[0], singles[0].step(&[1.0]).unwrap());
        assert_eq!(subset[1], singles[2].step(&[-2.0]).unwrap());
    }

    #[test]
    fn rejects_bad_batches() {
        let mut venv = VecEnv::from_fn(2, || make("pendulum")).unwrap();
        venv.reset(&[Some(0), Some(1)]).unwrap();
        assert!(venv.reset(&[None]).is_err());
        assert!(venv.step(&[vec![0.0]]).is_err());
        assert!(venv.step_subset(&[1, 0], &[vec![0.0], vec![0.0]]).is_err());
        assert!(venv.step_subset(&[2], &[vec![0.0]]).is_err());
        assert!(matches!(
            venv.step(&[vec![0.0], vec![0.0, 1.0]]),
            Err(EnvError::ActionLength { .. })
        ));
        assert!(venv.env_mut(2).is_err());
    }
}
