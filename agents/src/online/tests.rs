//! The online loop with a test-only agent on CartPole (Discrete(2)): it counts what it
//! observes, acts by a fixed rule, and checks every transition as it arrives.

use super::learner::OnlineLearner;
use super::{OnlineAgent, Transition, Updates, env_spec};
use crate::agent::EpisodePolicy;
use crate::checkpoint::{load_json, save_json};
use crate::evaluate::evaluate_policy;
use ember_engine::burn::tensor::Device;
use ember_engine::runtime::{self, RunConfig, RuntimeError};
use ember_engine::{Metrics, seed::seed_everything};
use ember_envs::VecEnv;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

/// What the agent saves: its counters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Counts {
    observed: usize,
    updates: usize,
}

/// What the test reads after the run (the agent itself is boxed inside the loop).
#[derive(Default)]
struct Seen {
    counts: Counts,
    /// Per slot: the last transition's next observation, or `None` after a reset.
    last: Vec<Option<Vec<f32>>>,
    resets: usize,
    warmup_actions: [usize; 2],
    explored: usize,
}

/// Pushes the cart towards the side the pole falls to.
fn rule(observation: &[f32]) -> f32 {
    if observation[2] + observation[3] > 0.0 {
        1.0
    } else {
        0.0
    }
}

struct Counter {
    seen: Rc<RefCell<Seen>>,
    envs: usize,
    warmup: usize,
}

/// Evaluation: the fixed rule, no memory.
impl EpisodePolicy for Counter {
    fn reset(&mut self, _slot: usize) {}

    fn act_in(&mut self, _slots: &[usize], observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        observations.iter().map(|o| vec![rule(o)]).collect()
    }
}

impl OnlineAgent for Counter {
    fn start_episode(&mut self, slot: usize) {
        let mut seen = self.seen.borrow_mut();
        seen.last[slot] = None;
        seen.resets += 1;
    }

    fn explore(
        &mut self,
        slots: &[usize],
        observations: &[Vec<f32>],
    ) -> (Vec<Vec<f32>>, Option<Vec<f32>>) {
        assert_eq!(slots, (0..self.envs).collect::<Vec<_>>());
        self.seen.borrow_mut().explored += slots.len();
        (self.act_in(slots, observations), None)
    }

    fn observe(&mut self, transitions: &[Transition<'_>]) {
        let mut seen = self.seen.borrow_mut();
        let warming_up = seen.counts.observed < self.warmup;
        assert_eq!(transitions.len(), self.envs);
        for (i, t) in transitions.iter().enumerate() {
            assert_eq!(t.slot, i, "transitions arrive in slot order");
            assert_eq!(t.action.len(), 1);
            let index = t.action[0];
            assert!(
                index == 0.0 || index == 1.0,
                "action {index} of Discrete(2)"
            );
            if warming_up {
                seen.warmup_actions[index as usize] += 1;
            } else {
                assert_eq!(
                    index,
                    rule(t.observation),
                    "explored action reached the env"
                );
            }
            // Within an episode each transition starts where the slot's last one ended.
            if let Some(last) = &seen.last[t.slot] {
                assert_eq!(
                    last.as_slice(),
                    t.observation,
                    "slot {} out of order",
                    t.slot
                );
            }
            seen.last[t.slot] = (!t.done()).then(|| t.next_observation.to_vec());
        }
        seen.counts.observed += transitions.len();
    }

    fn update(&mut self, _step: usize) -> Result<Updates, RuntimeError> {
        self.seen.borrow_mut().counts.updates += 1;
        Ok(Updates {
            count: 1,
            metrics: Metrics::new(),
        })
    }

    fn warmup_steps(&self) -> usize {
        self.warmup
    }

    fn reseed(&mut self, _rng: StdRng) {}

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        save_json(&self.seen.borrow().counts, dir, "counter")
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        self.seen.borrow_mut().counts = load_json(dir, "counter")?;
        Ok(())
    }
}

/// Runs the counter for `steps` runtime steps in `run_dir` (resuming from its checkpoints);
/// returns what it saw and the loop's environment steps and updates.
fn run(run_dir: &Path, steps: usize) -> (Rc<RefCell<Seen>>, usize, usize) {
    const ENVS: usize = 2;
    let device = Device::flex();
    let rng = seed_everything(&device, 0);
    let seen = Rc::new(RefCell::new(Seen {
        last: vec![None; ENVS],
        ..Seen::default()
    }));
    let agent = Counter {
        seen: seen.clone(),
        envs: ENVS,
        warmup: 50,
    };
    let spec = env_spec(ember_envs::make("cartpole").unwrap().as_ref()).unwrap();
    let envs = VecEnv::from_fn(ENVS, || ember_envs::make("cartpole")).unwrap();
    let mut learner = OnlineLearner::new(
        Box::new(agent),
        spec.action_space,
        envs,
        0,
        rng,
        &device,
        false,
    );
    let config = RunConfig {
        steps,
        eval_every: 0,
        checkpoint_every: 50,
        progress: false,
        ..RunConfig::default()
    };
    let summary = runtime::train(&mut learner, run_dir, &config, |learner, _| {
        evaluate_policy(learner.agent.as_mut(), "cartpole", 2, 100, None).map_err(|e| e.to_string())
    })
    .unwrap();
    assert_eq!(summary.steps, steps);
    (seen, learner.env_steps, learner.updates)
}

/// A discrete agent through the generic loop: valid random warm-up indices, its own actions
/// afterwards, every transition in order in its slot, resets at episode ends; a resumed run
/// restores the agent's counters and the loop's environment steps.
#[test]
fn discrete_agent_runs_and_resumes_through_the_loop() {
    let dir = tempfile::tempdir().unwrap();
    let (seen, env_steps, updates) = run(dir.path(), 150);
    // 50 warm-up steps (25 of each environment), then 150 runtime steps of 2 environments.
    assert_eq!((env_steps, updates), (50 + 300, 150));
    {
        let seen = seen.borrow();
        assert_eq!(
            seen.counts,
            Counts {
                observed: 350,
                updates: 150
            }
        );
        assert_eq!(seen.explored, 300);
        let [zeros, ones] = seen.warmup_actions;
        assert_eq!(zeros + ones, 50);
        assert!(
            zeros > 10 && ones > 10,
            "uniform warm-up: {zeros} vs {ones}"
        );
        // Two episode starts at the start, one at every episode end (random CartPole episodes
        // are short).
        assert!(seen.resets > 2, "{} resets", seen.resets);
    }

    let (seen, env_steps, updates) = run(dir.path(), 250);
    assert_eq!((env_steps, updates), (350 + 200, 100));
    let seen = seen.borrow();
    assert_eq!(
        seen.counts,
        Counts {
            observed: 550,
            updates: 250
        }
    );
    assert_eq!(
        seen.warmup_actions,
        [0, 0],
        "no second warm-up after a resume"
    );
}
