//! The online loop, the runtime's [`Learner`] for every [`OnlineAgent`]: K environments stepped
//! in parallel, uniformly random warm-up actions, every transition handed to the agent (and to
//! the recording) in order, training-return and environment-step metrics, and the environment
//! step counter in every checkpoint.

use super::recording::Recording;
use super::{OnlineAgent, Transition};
use crate::agent::ActionSpace;
use crate::checkpoint::{load_json, save_json};
use ember_engine::burn::tensor::{Device, Tensor};
use ember_engine::runtime::{Learner, RuntimeError};
use ember_engine::{Metrics, seed};
use ember_envs::{Info, VecEnv};
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::path::Path;

/// Training episodes averaged into the `train_return` metric.
const RECENT_EPISODES: usize = 10;

/// The loop's own counters in a checkpoint (`online.json`).
#[derive(Serialize, Deserialize)]
struct Progress {
    /// Environment steps taken in all, warm-up included.
    env_steps: usize,
}

impl Progress {
    const FILE: &'static str = "online";
}

/// An online agent acting in parallel environments (slot `i` is environment `i`).
pub(crate) struct OnlineLearner {
    /// The agent being trained.
    pub(crate) agent: Box<dyn OnlineAgent>,
    space: ActionSpace,
    envs: VecEnv,
    observations: Vec<Vec<f32>>,
    episode_returns: Vec<f64>,
    /// Returns of the last finished training episodes (newest last).
    recent_returns: VecDeque<f64>,
    /// Draws the warm-up actions.
    rng: StdRng,
    device: Device,
    seed: u64,
    /// Environment steps taken in all, warm-up included.
    pub(crate) env_steps: usize,
    /// Gradient updates made by this process.
    pub(crate) updates: usize,
    /// Every transition in order, when the job records them.
    pub(crate) log: Option<Recording>,
}

/// A host generator for the agent, drawn from the loop's.
pub(super) fn split(rng: &mut StdRng) -> StdRng {
    StdRng::seed_from_u64(rng.random())
}

impl OnlineLearner {
    /// The loop around `agent` acting in `space` in `envs`, seeded from `seed` (environment
    /// `i`'s first episode is seeded `seed + i`); `rng` draws the warm-up actions.
    pub(crate) fn new(
        agent: Box<dyn OnlineAgent>,
        space: ActionSpace,
        envs: VecEnv,
        seed: u64,
        rng: StdRng,
        device: &Device,
        record: bool,
    ) -> Self {
        let mut learner = Self {
            agent,
            space,
            observations: Vec::new(),
            episode_returns: vec![0.0; envs.len()],
            envs,
            recent_returns: VecDeque::new(),
            rng,
            device: device.clone(),
            seed,
            env_steps: 0,
            updates: 0,
            log: record.then(Recording::default),
        };
        learner.reset_envs(seed);
        learner
    }

    /// Starts a fresh episode in every environment, environment `i` seeded `seed + i`.
    fn reset_envs(&mut self, seed: u64) {
        let seeds: Vec<Option<u64>> = (0..self.envs.len())
            .map(|i| Some(seed.wrapping_add(i as u64)))
            .collect();
        self.observations = self
            .envs
            .reset(&seeds)
            .expect("one seed per environment")
            .into_iter()
            .map(|(obs, _)| obs)
            .collect();
        self.episode_returns.iter_mut().for_each(|r| *r = 0.0);
        for slot in 0..self.envs.len() {
            self.agent.start_episode(slot);
        }
    }

    /// One step in every environment, with uniformly random actions or the agent's
    /// exploration; hands the transitions to the agent and the recording. Fails when an
    /// environment refuses an action or a recorded row does not fit the log.
    fn step_envs(&mut self, random: bool) -> Result<(), String> {
        let k = self.envs.len();
        let slots: Vec<usize> = (0..k).collect();
        let (mut actions, log_probs) = if random {
            let (actions, log_probs) = (0..k).map(|_| self.space.uniform(&mut self.rng)).unzip();
            (actions, Some(log_probs))
        } else {
            self.agent.explore(&slots, &self.observations)
        };
        let log_probs = log_probs.unwrap_or_else(|| vec![f32::NAN; k]);
        // A diverged actor's NaN actions would be refused by the environment; the runtime's
        // NaN guard stops the run on the losses instead.
        for value in actions.iter_mut().flatten() {
            if !value.is_finite() {
                *value = 0.0;
            }
        }
        let states: Vec<Info> = match self.log {
            Some(_) => (0..k)
                .map(|i| self.envs.env_mut(i).expect("index in range").state_info())
                .collect(),
            None => Vec::new(),
        };
        let steps = self.envs.step(&actions).map_err(|e| e.to_string())?;
        let transitions: Vec<Transition<'_>> = steps
            .iter()
            .enumerate()
            .map(|(slot, step)| Transition {
                slot,
                observation: &self.observations[slot],
                action: &actions[slot],
                reward: step.reward,
                next_observation: &step.obs,
                terminated: step.terminated,
                truncated: step.truncated,
            })
            .collect();
        if let Some(log) = &mut self.log {
            for (t, state) in transitions.iter().zip(&states) {
                log.push(t, log_probs[t.slot], state)
                    .map_err(|e| e.to_string())?;
            }
        }
        self.agent.observe(&transitions);
        for (slot, step) in steps.into_iter().enumerate() {
            self.episode_returns[slot] += step.reward;
            self.observations[slot] = if step.done() {
                if self.recent_returns.len() == RECENT_EPISODES {
                    self.recent_returns.pop_front();
                }
                self.recent_returns.push_back(self.episode_returns[slot]);
                self.episode_returns[slot] = 0.0;
                self.agent.start_episode(slot);
                let env = self.envs.env_mut(slot).expect("index in range");
                env.reset(None).0
            } else {
                step.obs
            };
        }
        self.env_steps += k;
        Ok(())
    }

    /// Host numbers as metrics (one-element tensors like the losses).
    fn scalar(&self, value: f64) -> Tensor<1> {
        Tensor::from_floats([value as f32], &self.device)
    }
}

impl Learner for OnlineLearner {
    fn train_step(&mut self, step: usize) -> Result<Metrics, RuntimeError> {
        let failed = |message| RuntimeError::Step { step, message };
        while self.env_steps < self.agent.warmup_steps() {
            self.step_envs(true).map_err(failed)?;
        }
        self.step_envs(false).map_err(failed)?;
        let updates = self.agent.update(step)?;
        self.updates += updates.count;
        let mut metrics = updates.metrics;
        if !self.recent_returns.is_empty() {
            let mean = self.recent_returns.iter().sum::<f64>() / self.recent_returns.len() as f64;
            metrics.push("train_return", self.scalar(mean));
        }
        metrics.push("env_steps", self.scalar(self.env_steps as f64));
        Ok(metrics)
    }

    fn reseed(&mut self, step: usize) {
        let mut rng = seed::reseed(&self.device, self.seed, step);
        self.agent.reseed(split(&mut rng));
        self.rng = rng;
    }

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        let progress = Progress {
            env_steps: self.env_steps,
        };
        save_json(&progress, dir, Progress::FILE)?;
        self.agent.save(dir)?;
        match &self.log {
            Some(log) => log.save(dir),
            None => Ok(()),
        }
    }

    /// Restores the agent and the environment step counter; the environments start fresh
    /// episodes seeded from the run seed and the environment steps taken (the runtime then
    /// restarts the generators, see [`Learner::reseed`]).
    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        let progress: Progress = load_json(dir, Progress::FILE)?;
        self.agent.load(dir)?;
        if let Some(log) = &mut self.log {
            log.load(dir, progress.env_steps)?;
        }
        self.env_steps = progress.env_steps;
        self.reset_envs(self.seed.wrapping_add(progress.env_steps as u64));
        self.recent_returns.clear();
        Ok(())
    }
}
