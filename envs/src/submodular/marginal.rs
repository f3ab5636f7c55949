//! [`MarginalGain`]: turns an environment whose states are elements of a ground set into a
//! SubRL environment whose reward is the marginal gain of each newly visited state.

use super::{GainCache, SetObjective};
use crate::{Env, EnvError, Info, Space, Step};
use std::sync::Arc;

/// An environment whose current state is an element of a finite ground set (a grid cell).
pub trait VisitedElement {
    /// The ground-set element of the current state.
    fn element(&self) -> usize;
}

/// History-dependent rewards from a [`SetObjective`] `F`: after `reset` the set holds `s_0`;
/// each step adds `s_{t+1}` and pays `Δ(s_{t+1} | s_0..s_t)`, so the rewards of an episode sum
/// to `F(τ) − F({s_0})` (telescoping). With `modular` it pays `F({s_{t+1}})` at every visit
/// instead, revisits included: the modular-reward baseline (MRL) of the paper. With `bitmap`
/// the observation gets the 0/1 indicator of the visited elements appended (SubPO-NM's input:
/// `(s_t, visited set)` is a Markov state for any `F`).
pub struct MarginalGain<E> {
    env: E,
    objective: Arc<dyn SetObjective>,
    cache: Box<dyn GainCache>,
    modular: bool,
    bitmap: Option<Vec<f32>>,
    trajectory: Vec<usize>,
    observation_space: Space,
}

impl<E: Env + VisitedElement> MarginalGain<E> {
    /// Wraps `env` (its elements must lie in `objective`'s ground set).
    pub fn new(env: E, objective: Arc<dyn SetObjective>, modular: bool, bitmap: bool) -> Self {
        let n = objective.ground_size();
        let observation_space = match env.observation_space() {
            Space::Box { low, high } if bitmap => Space::Box {
                low: low
                    .iter()
                    .copied()
                    .chain(std::iter::repeat_n(0.0, n))
                    .collect(),
                high: high
                    .iter()
                    .copied()
                    .chain(std::iter::repeat_n(1.0, n))
                    .collect(),
            },
            space => space.clone(),
        };
        Self {
            cache: objective.cache(),
            bitmap: bitmap.then(|| vec![0.0; n]),
            env,
            objective,
            modular,
            trajectory: Vec::new(),
            observation_space,
        }
    }

    /// `F` of the states visited so far.
    pub fn value(&self) -> f64 {
        self.cache.value()
    }

    /// The elements visited so far, in order, repeats included.
    pub fn trajectory(&self) -> &[usize] {
        &self.trajectory
    }

    /// The wrapped environment.
    pub fn inner(&self) -> &E {
        &self.env
    }

    /// Adds the current state to the set; returns the observation and the reward.
    fn visit(&mut self, obs: Vec<f32>) -> Result<(Vec<f32>, f64), EnvError> {
        let s = self.env.element();
        if s >= self.objective.ground_size() {
            return Err(EnvError::InvalidArgument(format!(
                "state element {s} is outside the objective's ground set 0..{}",
                self.objective.ground_size()
            )));
        }
        let gain = self.cache.add(s);
        self.trajectory.push(s);
        let mut obs = obs;
        if let Some(bitmap) = &mut self.bitmap {
            bitmap[s] = 1.0;
            obs.extend_from_slice(bitmap);
        }
        let reward = if self.modular {
            self.objective.modular(s)
        } else {
            gain
        };
        Ok((obs, reward))
    }
}

impl<E: Env + VisitedElement> Env for MarginalGain<E> {
    fn id(&self) -> &str {
        self.env.id()
    }

    fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    fn action_space(&self) -> &Space {
        self.env.action_space()
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        let (obs, info) = self.env.reset(seed);
        self.cache = self.objective.cache();
        self.trajectory.clear();
        if let Some(bitmap) = &mut self.bitmap {
            bitmap.fill(0.0);
        }
        match self.visit(obs) {
            Ok((obs, _)) => (obs, info),
            // An element outside the ground set: the first step reports it.
            Err(_) => (vec![f32::NAN; self.observation_space.dim()], info),
        }
    }

    fn step(&mut self, action: &[f32]) -> Result<Step, EnvError> {
        let step = self.env.step(action)?;
        let (obs, reward) = self.visit(step.obs)?;
        Ok(Step {
            obs,
            reward,
            ..step
        })
    }

    fn max_episode_steps(&self) -> Option<usize> {
        self.env.max_episode_steps()
    }
}
