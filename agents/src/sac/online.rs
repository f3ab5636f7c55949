//! SAC as an online agent: it keeps every transition it observes in its replay buffer and
//! makes one gradient update per transition of the latest environment step.

use super::{Sac, SacCard};
use crate::agent::Policy;
use crate::checkpoint::{load_json, save_json};
use crate::online::{OnlineAgent, Transition, Updates};
use ember_engine::runtime::RuntimeError;
use ember_engine::{Metrics, ReplayBuffer};
use rand::rngs::StdRng;
use std::path::Path;

/// SAC with its replay buffer, what [`crate::online`] trains.
pub struct OnlineSac {
    sac: Sac,
    replay: ReplayBuffer,
    /// Draws the replay minibatches.
    rng: StdRng,
    /// Environment trained in, written into the card.
    env: String,
    /// Transitions observed in all (warm-up included), written into the card.
    env_steps: usize,
    /// Transitions of the latest [`OnlineAgent::observe`]: the updates the next
    /// [`OnlineAgent::update`] makes (K per runtime step of K environments: one update per
    /// environment step).
    fresh: usize,
}

impl OnlineSac {
    /// `sac` with an empty replay buffer sized by its configuration, trained in `env`,
    /// sampling minibatches with `rng`.
    pub fn new(sac: Sac, env: String, rng: StdRng) -> Self {
        let spec = sac.spec();
        let replay = ReplayBuffer::new(sac.config().replay_capacity, spec.obs_dim, spec.act_dim);
        Self {
            sac,
            replay,
            rng,
            env,
            env_steps: 0,
            fresh: 0,
        }
    }

    /// File of the replay buffer inside a checkpoint directory.
    const REPLAY: &'static str = "replay.bin";
}

/// The deterministic evaluation policy `tanh(mean)`.
impl Policy for OnlineSac {
    fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        self.sac.act(observations)
    }
}

impl OnlineAgent for OnlineSac {
    fn explore(
        &mut self,
        _slots: &[usize],
        observations: &[Vec<f32>],
    ) -> (Vec<Vec<f32>>, Option<Vec<f32>>) {
        let (actions, log_probs) = self.sac.explore(observations);
        (actions, Some(log_probs))
    }

    /// Stores the transitions with their actions mapped into [-1, 1].
    fn observe(&mut self, transitions: &[Transition<'_>]) {
        let bounds = self.sac.spec().bounds();
        for t in transitions {
            let mut action = t.action.to_vec();
            bounds.to_unit(&mut action);
            action.iter_mut().for_each(|a| *a = a.clamp(-1.0, 1.0));
            self.replay.push(
                t.observation,
                &action,
                t.reward as f32,
                t.next_observation,
                t.terminated,
            );
        }
        self.env_steps += transitions.len();
        self.fresh = transitions.len();
    }

    fn update(&mut self, _step: usize) -> Result<Updates, RuntimeError> {
        let count = std::mem::take(&mut self.fresh);
        let batch_size = self.sac.config().batch_size;
        let mut metrics = Metrics::new();
        for _ in 0..count {
            let batch = self
                .replay
                .sample(batch_size, &mut self.rng, self.sac.device());
            metrics = self.sac.update(&batch);
        }
        Ok(Updates { count, metrics })
    }

    fn warmup_steps(&self) -> usize {
        self.sac.config().warmup_steps
    }

    fn reseed(&mut self, rng: StdRng) {
        self.rng = rng;
    }

    /// Writes the card (`sac.json`), networks, optimizers and the replay buffer.
    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        let card = SacCard {
            config: self.sac.config().clone(),
            spec: self.sac.spec().clone(),
            env: self.env.clone(),
            env_steps: self.env_steps,
        };
        save_json(&card, dir, SacCard::FILE)?;
        self.sac.save(dir)?;
        self.replay.save(&dir.join(Self::REPLAY))
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        let card: SacCard = load_json(dir, SacCard::FILE)?;
        self.sac.load(dir)?;
        self.replay.load(&dir.join(Self::REPLAY))?;
        self.env_steps = card.env_steps;
        self.fresh = 0;
        Ok(())
    }
}
