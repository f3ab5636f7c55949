//! Rolling out a behaviour policy in an environment and recording the D4RL layout, so every
//! dataset can be rebuilt from a seed.

use crate::agent::{EpisodePolicy, Policy};
use crate::scripted::Controller;
use ember_datasets::{DatasetBuilder, DatasetError, MetaValue, OfflineDataset};
use ember_envs::{Env, EnvError, Info, Space};
use indicatif::{ProgressBar, ProgressStyle};
use rand::{Rng, SeedableRng, rngs::StdRng};
use rand_distr::{Distribution, Normal};

/// Where the behaviour actions come from.
pub enum Behaviour {
    /// Uniform actions over the action box.
    Random,
    /// A hand-written controller.
    Scripted(Controller),
    /// A trained agent's policy; a stochastic one's log-densities are recorded as
    /// `infos/action_log_probs`.
    Policy(Box<dyn Policy>),
    /// A policy that keeps memory per episode: run in slot 0 and reset at each episode start.
    Episodes(Box<dyn EpisodePolicy>),
}

/// How much and how noisily to collect.
#[derive(Clone, Debug)]
pub struct CollectOptions {
    /// Number of rows (environment steps) to record.
    pub steps: usize,
    /// Seed of the environment and of the noise.
    pub seed: u64,
    /// Std of Gaussian noise added to each action, relative to the half-width of the box.
    pub noise: f64,
    /// Probability of replacing the action by a uniform random one.
    pub epsilon: f64,
    /// Label written to `metadata/algorithm`.
    pub label: String,
    /// Show a progress bar.
    pub progress: bool,
}

impl CollectOptions {
    fn validate(&self) -> Result<(), CollectError> {
        if self.steps == 0 {
            return Err(CollectError::Options("steps must be at least 1".into()));
        }
        if !(self.noise.is_finite() && self.noise >= 0.0) {
            return Err(CollectError::Options(format!(
                "noise must be a finite std >= 0, got {}",
                self.noise
            )));
        }
        if !(0.0..=1.0).contains(&self.epsilon) {
            return Err(CollectError::Options(format!(
                "epsilon must lie in [0, 1], got {}",
                self.epsilon
            )));
        }
        Ok(())
    }
}

/// Why a collection stopped.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The environment rejected an action or cannot be collected from.
    #[error(transparent)]
    Env(#[from] EnvError),
    /// The options make no sense (no steps, negative noise, epsilon outside [0, 1]).
    #[error("collect: {0}")]
    Options(String),
    /// The recorded rows do not form a valid dataset (e.g. a non-finite observation).
    #[error(transparent)]
    Dataset(#[from] DatasetError),
}

/// Rolls `behaviour` out in `env` for `options.steps` steps. Episodes are recorded whole and the
/// last one is cut when the budget runs out, with neither flag set, as D4RL's files are. The
/// env's state (e.g. MuJoCo's `qpos`, `qvel`) before each step goes to `infos/`, and so does
/// `action_log_probs` when the behaviour has a density (uniform actions, a stochastic policy)
/// and neither noise nor epsilon alters it.
pub fn collect(
    env: &mut dyn Env,
    behaviour: &mut Behaviour,
    options: &CollectOptions,
) -> Result<OfflineDataset, CollectError> {
    options.validate()?;
    let Space::Box { low, high } = env.action_space().clone() else {
        return Err(EnvError::InvalidArgument(format!(
            "{}: collecting D4RL-layout data needs a continuous (Box) action space",
            env.id()
        ))
        .into());
    };
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut builder = DatasetBuilder::new();
    let (mut obs, _) = env.reset(Some(options.seed));
    let new_episode = |behaviour: &mut Behaviour| {
        if let Behaviour::Episodes(policy) = behaviour {
            policy.reset(0);
        }
    };
    new_episode(behaviour);
    let bar = options.progress.then(|| {
        let bar = ProgressBar::new(options.steps as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "collect [{elapsed_precise}] {bar:30} {pos}/{len} ({per_sec}) {msg}",
            )
            .expect("valid template"),
        );
        bar
    });
    // Log-densities are exact only for the behaviour itself, not once noise or epsilon alter it.
    let exact = options.noise == 0.0 && options.epsilon == 0.0;
    let uniform_log_prob: f32 = -low
        .iter()
        .zip(&high)
        .map(|(lo, hi)| (hi - lo).ln())
        .sum::<f32>();
    let mut episodes = 0usize;
    for _ in 0..options.steps {
        let state = env.state_info();
        let (mut action, log_prob) = match behaviour {
            Behaviour::Random => (uniform(&low, &high, &mut rng), Some(uniform_log_prob)),
            Behaviour::Scripted(controller) => (controller(&obs), None),
            Behaviour::Policy(policy) => {
                let obs = std::slice::from_ref(&obs);
                match policy.sample_with_log_prob(obs) {
                    Some((mut actions, log_probs)) => (actions.remove(0), Some(log_probs[0])),
                    None => (policy.act(obs).remove(0), None),
                }
            }
            Behaviour::Episodes(policy) => (
                policy.act_in(&[0], std::slice::from_ref(&obs)).remove(0),
                None,
            ),
        };
        if options.epsilon > 0.0 && rng.random::<f32>() < options.epsilon as f32 {
            action = uniform(&low, &high, &mut rng);
        } else if options.noise > 0.0 {
            let normal = Normal::new(0.0, options.noise as f32).expect("validated noise std");
            for ((a, lo), hi) in action.iter_mut().zip(&low).zip(&high) {
                *a += normal.sample(&mut rng) * 0.5 * (hi - lo);
            }
        }
        for ((a, lo), hi) in action.iter_mut().zip(&low).zip(&high) {
            *a = a.clamp(*lo, *hi);
        }
        let step = env.step(&action)?;
        if let Behaviour::Episodes(policy) = behaviour {
            policy.observe_reward(0, step.reward);
        }
        builder.push(
            &obs,
            &action,
            step.reward as f32,
            &step.obs,
            step.terminated,
            step.truncated,
        )?;
        if let Some(log_prob) = log_prob.filter(|_| exact) {
            builder.push_info("action_log_probs", &[log_prob])?;
        }
        push_state(&mut builder, &state)?;
        if step.terminated || step.truncated {
            episodes += 1;
            obs = env.reset(None).0;
            new_episode(behaviour);
            if let Some(bar) = &bar {
                bar.set_message(format!("{episodes} episodes"));
            }
        } else {
            obs = step.obs;
        }
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    }
    if let Some(bar) = bar {
        bar.finish();
    }
    builder.set_metadata("env_name", MetaValue::Str(env.id().to_string()));
    builder.set_metadata("algorithm", MetaValue::Str(options.label.clone()));
    builder.set_metadata("seed", MetaValue::Int(options.seed as i64));
    builder.set_metadata("noise", MetaValue::Float(options.noise));
    builder.set_metadata("epsilon", MetaValue::Float(options.epsilon));
    Ok(builder.finish()?)
}

/// Records an environment's [`Env::state_info`] (taken before the step) as `infos/<key>`.
pub(crate) fn push_state(builder: &mut DatasetBuilder, state: &Info) -> Result<(), DatasetError> {
    for (key, values) in state {
        let values: Vec<f32> = values.iter().map(|&v| v as f32).collect();
        builder.push_info(key, &values)?;
    }
    Ok(())
}

fn uniform(low: &[f32], high: &[f32], rng: &mut StdRng) -> Vec<f32> {
    low.iter()
        .zip(high)
        .map(|(lo, hi)| rng.random_range(*lo..=*hi))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_envs::Step;

    /// Pendulum reporting its observation as a state info, to see when the state is read.
    struct Observed {
        env: Box<dyn Env>,
        obs: Vec<f32>,
    }

    impl Env for Observed {
        fn id(&self) -> &str {
            self.env.id()
        }
        fn observation_space(&self) -> &Space {
            self.env.observation_space()
        }
        fn action_space(&self) -> &Space {
            self.env.action_space()
        }
        fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
            let (obs, info) = self.env.reset(seed);
            self.obs = obs.clone();
            (obs, info)
        }
        fn step(&mut self, action: &[f32]) -> Result<Step, EnvError> {
            let step = self.env.step(action)?;
            self.obs = step.obs.clone();
            Ok(step)
        }
        fn state_info(&self) -> Info {
            Info::from([(
                "qpos".to_owned(),
                self.obs.iter().map(|&x| x.into()).collect(),
            )])
        }
    }

    /// Always the same action with a made-up log-density.
    struct Fixed;

    impl Policy for Fixed {
        fn act(&self, observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
            vec![vec![0.5]; observations.len()]
        }
        fn sample_with_log_prob(
            &self,
            observations: &[Vec<f32>],
        ) -> Option<(Vec<Vec<f32>>, Vec<f32>)> {
            Some((self.act(observations), vec![-0.25; observations.len()]))
        }
    }

    fn options(noise: f64) -> CollectOptions {
        CollectOptions {
            steps: 300,
            seed: 3,
            noise,
            epsilon: 0.0,
            label: "test".into(),
            progress: false,
        }
    }

    #[test]
    fn records_state_before_the_step_and_behaviour_log_densities() {
        let mut env = Observed {
            env: ember_envs::make("pendulum").unwrap(),
            obs: Vec::new(),
        };
        let data = collect(&mut env, &mut Behaviour::Random, &options(0.0)).unwrap();
        assert_eq!(data.infos["qpos"].shape(), &[300, 3]);
        let qpos: Vec<f32> = data.infos["qpos"].iter().copied().collect();
        let obs: Vec<f32> = data.observations.iter().copied().collect();
        assert_eq!(qpos, obs);
        // Uniform torques on [-2, 2]: density 1/4 everywhere.
        let uniform = -(4.0f32.ln());
        assert!(data.infos["action_log_probs"].iter().all(|&l| l == uniform));

        let mut policy = Behaviour::Policy(Box::new(Fixed));
        let data = collect(&mut env, &mut policy, &options(0.0)).unwrap();
        assert!(data.infos["action_log_probs"].iter().all(|&l| l == -0.25));
        // Noise changes the behaviour, so its density is unknown and not recorded.
        let data = collect(&mut env, &mut policy, &options(0.1)).unwrap();
        assert_eq!(data.infos.keys().collect::<Vec<_>>(), ["qpos"]);
    }

    /// Counts resets and steps since the last reset; fails if an episode outlives its reset.
    struct Counting(std::rc::Rc<std::cell::Cell<(usize, usize)>>);

    impl EpisodePolicy for Counting {
        fn reset(&mut self, slot: usize) {
            assert_eq!(slot, 0);
            let (resets, _) = self.0.get();
            self.0.set((resets + 1, 0));
        }
        fn act_in(&mut self, slots: &[usize], observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
            assert_eq!((slots, observations.len()), (&[0][..], 1));
            let (resets, steps) = self.0.get();
            assert!(steps < 200, "Pendulum episodes last 200 steps");
            self.0.set((resets, steps + 1));
            vec![vec![0.0]]
        }
    }

    #[test]
    fn a_stateful_policy_is_reset_at_each_episode_start() {
        let count = std::rc::Rc::new(std::cell::Cell::new((0, 0)));
        let mut env = ember_envs::make("pendulum").unwrap();
        let mut behaviour = Behaviour::Episodes(Box::new(Counting(count.clone())));
        let options = CollectOptions {
            steps: 450,
            ..options(0.0)
        };
        let data = collect(env.as_mut(), &mut behaviour, &options).unwrap();
        assert_eq!(data.len(), 450);
        assert_eq!(count.get(), (3, 50));
    }
}
