//! Policy evaluation over many episodes with batched inference.

use serde::{Deserialize, Serialize};

use crate::{Env, EnvError, EpisodePolicy, VecEnv};

/// Per-episode results of [`evaluate`], in episode order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EvalStats {
    /// Undiscounted return of each episode.
    pub returns: Vec<f64>,
    /// Length (steps) of each episode.
    pub lengths: Vec<usize>,
}

impl EvalStats {
    /// Mean return (NaN when there are no episodes).
    pub fn mean(&self) -> f64 {
        self.returns.iter().sum::<f64>() / self.returns.len() as f64
    }

    /// Population standard deviation of the returns (NaN when there are no episodes).
    pub fn std(&self) -> f64 {
        let mean = self.mean();
        let var = self.returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>()
            / self.returns.len() as f64;
        var.sqrt()
    }

    /// Mean episode length (NaN when there are no episodes).
    pub fn mean_length(&self) -> f64 {
        self.lengths.iter().sum::<usize>() as f64 / self.lengths.len() as f64
    }
}

/// Runs `episodes` complete episodes of environments from `make_env` and records their returns.
///
/// Up to `num_envs` environments run at once in a [`VecEnv`]; environment `s` is the policy's
/// slot `s` for the whole evaluation. Each round, `policy` receives the slots of the
/// still-running environments (ascending) with their current observations and must return one
/// action per observation; before each episode's first action, [`EpisodePolicy::reset`] is
/// called for its slot. Episode `k` is reset with seed `seed + k`, so for a deterministic policy
/// the result depends only on `seed`, not on `num_envs` or thread scheduling. Environments must
/// end their episodes (e.g. through a time limit), or this does not return.
pub fn evaluate(
    make_env: impl Fn() -> Result<Box<dyn Env>, EnvError> + Sync,
    episodes: usize,
    num_envs: usize,
    seed: u64,
    policy: &mut (impl EpisodePolicy + ?Sized),
) -> Result<EvalStats, EnvError> {
    if num_envs == 0 {
        return Err(EnvError::InvalidArgument(
            "num_envs must be at least 1".into(),
        ));
    }
    let slots = num_envs.min(episodes);
    let mut stats = EvalStats {
        returns: vec![0.0; episodes],
        lengths: vec![0; episodes],
    };
    if slots == 0 {
        return Ok(stats);
    }
    let mut envs = VecEnv::from_fn(slots, make_env)?;
    let episode_seed = |k: usize| Some(seed.wrapping_add(k as u64));
    // Slot s runs episode episode_of[s]; obs[s] is its current observation.
    let mut episode_of: Vec<usize> = (0..slots).collect();
    let seeds: Vec<Option<u64>> = (0..slots).map(episode_seed).collect();
    let mut obs: Vec<Vec<f32>> = envs.reset(&seeds)?.into_iter().map(|(o, _)| o).collect();
    (0..slots).for_each(|s| policy.reset(s));
    let mut next_episode = slots;
    let mut active: Vec<usize> = (0..slots).collect();
    while !active.is_empty() {
        let batch: Vec<Vec<f32>> = active
            .iter()
            .map(|&s| std::mem::take(&mut obs[s]))
            .collect();
        let actions = policy.act_in(&active, &batch);
        if actions.len() != batch.len() {
            return Err(EnvError::InvalidArgument(format!(
                "policy returned {} actions for {} observations",
                actions.len(),
                batch.len()
            )));
        }
        let steps = envs.step_subset(&active, &actions)?;
        let mut still_active = Vec::with_capacity(active.len());
        for (&s, step) in active.iter().zip(steps) {
            let k = episode_of[s];
            stats.returns[k] += step.reward;
            policy.observe_reward(s, step.reward);
            stats.lengths[k] += 1;
            if !step.done() {
                obs[s] = step.obs;
            } else if next_episode < episodes {
                episode_of[s] = next_episode;
                obs[s] = envs.env_mut(s)?.reset(episode_seed(next_episode)).0;
                policy.reset(s);
                next_episode += 1;
            } else {
                continue;
            }
            still_active.push(s);
        }
        active = still_active;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FnPolicy, Space, make};

    /// A deterministic feedback policy for Pendulum: torque against the angular velocity.
    fn damping(batch: &[Vec<f32>]) -> Vec<Vec<f32>> {
        batch.iter().map(|obs| vec![-obs[2]]).collect()
    }

    #[test]
    fn is_deterministic_and_independent_of_the_number_of_envs() {
        let run = |num_envs| {
            evaluate(
                || make("Pendulum-v1"),
                7,
                num_envs,
                42,
                &mut FnPolicy(damping),
            )
            .unwrap()
        };
        let reference = run(1);
        assert_eq!(reference.returns.len(), 7);
        assert_eq!(reference.lengths, vec![200; 7]);
        assert_eq!(run(1), reference);
        assert_eq!(run(3), reference);
        assert_eq!(run(16), reference);
        let other = evaluate(|| make("Pendulum-v1"), 7, 3, 43, &mut FnPolicy(damping)).unwrap();
        assert_ne!(other.returns, reference.returns);
    }

    #[test]
    fn handles_episodes_of_different_lengths() {
        let calls = std::cell::Cell::new(0);
        let stats = evaluate(
            || make("cartpole"),
            10,
            4,
            0,
            &mut FnPolicy(|batch: &[Vec<f32>]| {
                calls.set(calls.get() + 1);
                assert!(!batch.is_empty() && batch.len() <= 4);
                batch.iter().map(|o| vec![f32::from(o[2] > 0.0)]).collect()
            }),
        )
        .unwrap();
        let calls = calls.get();
        assert_eq!(stats.lengths.len(), 10);
        assert_eq!(
            stats.returns,
            stats.lengths.iter().map(|&l| l as f64).collect::<Vec<_>>()
        );
        assert!(calls >= *stats.lengths.iter().max().unwrap());
        assert!(stats.lengths.iter().any(|&l| l != stats.lengths[0]));
    }

    #[test]
    fn summary_statistics() {
        let stats = EvalStats {
            returns: vec![1.0, 3.0],
            lengths: vec![10, 20],
        };
        assert_eq!(
            (stats.mean(), stats.std(), stats.mean_length()),
            (2.0, 1.0, 15.0)
        );
        assert!(EvalStats::default().mean().is_nan());
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(evaluate(|| make("pendulum"), 3, 0, 0, &mut FnPolicy(damping)).is_err());
        assert_eq!(
            evaluate(|| make("pendulum"), 0, 2, 0, &mut FnPolicy(damping)).unwrap(),
            EvalStats::default()
        );
        let short = |batch: &[Vec<f32>]| vec![vec![0.0]; batch.len() - 1];
        assert!(evaluate(|| make("pendulum"), 3, 2, 0, &mut FnPolicy(short)).is_err());
        assert!(evaluate(|| make("nope"), 3, 2, 0, &mut FnPolicy(damping)).is_err());
    }

    /// An environment whose observation is the step count of its episode, whose episodes last
    /// `3 + seed % 5` steps, and which pays 1 when the action repeats the count.
    struct Clock {
        t: usize,
        length: usize,
        spaces: (Space, Space),
    }

    impl Env for Clock {
        fn id(&self) -> &str {
            "clock"
        }
        fn observation_space(&self) -> &Space {
            &self.spaces.0
        }
        fn action_space(&self) -> &Space {
            &self.spaces.1
        }
        fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, crate::Info) {
            self.t = 0;
            self.length = 3 + seed.unwrap_or(0) as usize % 5;
            (vec![0.0], crate::Info::new())
        }
        fn step(&mut self, action: &[f32]) -> Result<crate::Step, EnvError> {
            let reward = f64::from(u8::from(action[0] == self.t as f32));
            self.t += 1;
            Ok(crate::Step {
                obs: vec![self.t as f32],
                reward,
                terminated: false,
                truncated: self.t == self.length,
                info: crate::Info::new(),
            })
        }
    }

    /// Counts the steps since each slot's reset and answers with the count: it earns the
    /// clock's reward on every step only if slots are stable and resets arrive on time.
    #[derive(Default)]
    struct StepCounter {
        counts: std::collections::HashMap<usize, usize>,
    }

    impl EpisodePolicy for StepCounter {
        fn reset(&mut self, slot: usize) {
            self.counts.insert(slot, 0);
        }
        fn act_in(&mut self, slots: &[usize], observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
            slots
                .iter()
                .zip(observations)
                .map(|(slot, obs)| {
                    let count = self.counts.get_mut(slot).expect("reset before acting");
                    assert_eq!(obs[0], *count as f32, "slot {slot} saw another episode");
                    *count += 1;
                    vec![(*count - 1) as f32]
                })
                .collect()
        }
    }

    #[test]
    fn a_stateful_policy_keeps_its_memory_per_slot() {
        let clock = || -> Result<Box<dyn Env>, EnvError> {
            Ok(Box::new(Clock {
                t: 0,
                length: 0,
                spaces: (
                    Space::uniform_box(1, 0.0, 10.0),
                    Space::uniform_box(1, 0.0, 10.0),
                ),
            }))
        };
        for num_envs in [1, 3, 8] {
            let stats = evaluate(clock, 11, num_envs, 5, &mut StepCounter::default()).unwrap();
            let lengths: Vec<usize> = (0..11).map(|k| 3 + (5 + k) % 5).collect();
            assert_eq!(stats.lengths, lengths, "{num_envs} slots");
            let full: Vec<f64> = lengths.iter().map(|&l| l as f64).collect();
            assert_eq!(stats.returns, full, "{num_envs} slots: every action right");
        }
    }
}
