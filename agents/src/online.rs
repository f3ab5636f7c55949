//! Online training: the agent acts in K environments stepped in parallel, stores what it sees in
//! a host-side replay buffer and learns from it, under the shared runtime (periodic evaluation,
//! checkpoints and resume, metrics files, progress bar, NaN guard).
//!
//! One runtime step takes one step in each of the K environments (K transitions) and then K
//! gradient updates, so the ratio of updates to environment steps is 1 whatever K is. Before
//! the first step the replay buffer is filled with `warmup_steps` uniformly random actions.

use crate::agent::{ActionBounds, Spec};
use crate::checkpoint::{self, load_json, save_json};
use crate::collect::push_state;
use crate::config::{EvalConfig, load_toml};
use crate::error::{Error, Result, bail};
use crate::evaluate::evaluate_policy;
use crate::sac::{Sac, SacCard, SacConfig};
use ember_datasets::{DatasetBuilder, DatasetError, OfflineDataset, StateNormalizer, d4rl};
use ember_engine::burn::tensor::{Device, Tensor};
use ember_engine::runtime::{self, Learner, RunConfig, RunSummary, RuntimeError};
use ember_engine::{Metrics, ReplayBuffer, parse_device, seed::seed_everything};
use ember_envs::{Env, Info, Space, VecEnv};
use rand::{Rng, rngs::StdRng};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// An online algorithm and its hyperparameters.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "algo", rename_all = "lowercase")]
pub enum OnlineAlgoConfig {
    /// Soft Actor-Critic.
    Sac(SacConfig),
}

impl OnlineAlgoConfig {
    /// Names accepted by [`OnlineAlgoConfig::by_name`].
    pub const NAMES: &'static [&'static str] = &["sac"];

    /// The algorithm's default hyperparameters, by name.
    pub fn by_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "sac" => Some(Self::Sac(SacConfig::default())),
            _ => None,
        }
    }

    /// The algorithm's name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sac(_) => "sac",
        }
    }
}

/// One file's worth of online training settings (presets in `configs/sac/`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnlineConfig {
    /// Environments stepped in parallel (one step of each per runtime step).
    #[serde(default = "one")]
    pub envs: usize,
    /// The method and its hyperparameters.
    pub algo: OnlineAlgoConfig,
    /// Budget (runtime steps) and cadence.
    #[serde(default)]
    pub run: RunConfig,
    /// Evaluation protocol.
    #[serde(default)]
    pub eval: EvalConfig,
}

fn one() -> usize {
    1
}

impl OnlineConfig {
    /// Defaults of `algo`: one environment, 1M steps, evaluation every 5k steps.
    pub fn defaults(algo: OnlineAlgoConfig) -> Self {
        Self {
            envs: 1,
            algo,
            run: RunConfig::default(),
            eval: EvalConfig::default(),
        }
    }

    /// Reads a TOML file, naming the file and the problem on error.
    pub fn load(path: &Path) -> Result<Self> {
        load_toml(path)
    }

    /// The configuration as TOML text.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("config serialises")
    }
}

/// What to train, in which environment, where.
#[derive(Clone, Debug)]
pub struct OnlineJob {
    /// Method, hyperparameters, budget, evaluation.
    pub config: OnlineConfig,
    /// Environment id or alias (see `ember_envs::make`).
    pub env: String,
    /// Device string (`cpu`, `wgpu`, ...).
    pub device: String,
    /// Seed of initialisation, exploration, replay sampling and the environments.
    pub seed: u64,
    /// Run directory (config, metrics, checkpoints).
    pub run_dir: PathBuf,
    /// Keep every transition, in order, as a D4RL-layout log ([`OnlineOutcome::log`]): what
    /// D4RL's `medium-replay` files are cut from. Needs one environment; each checkpoint keeps
    /// the recording so far (`transitions.hdf5`), so such a run resumes like any other.
    pub record: bool,
}

/// What a finished online job reports.
pub struct OnlineOutcome {
    /// Evaluations and last checkpoint.
    pub summary: RunSummary,
    /// Environment steps taken in all, warm-up included.
    pub env_steps: usize,
    /// Gradient updates made by this process (a resumed run counts only its own).
    pub updates: usize,
    /// Wall-clock seconds of this process's training, evaluations and checkpoints included.
    pub seconds: f64,
    /// Every transition in order, warm-up included, with environment actions, `timeouts`,
    /// `infos/action_log_probs` (the behaviour's log-density) and the env's state infos; when
    /// [`OnlineJob::record`] was set.
    pub log: Option<OfflineDataset>,
}

/// The problem shape of `env` for an agent acting in [-1, 1]: its action space must be a box
/// with finite bounds.
pub fn env_spec(env: &dyn Env) -> Result<Spec> {
    let Space::Box { low, high } = env.action_space().clone() else {
        bail!("{}: SAC needs a continuous (box) action space", env.id());
    };
    if low.iter().chain(&high).any(|b| !b.is_finite()) {
        bail!("{}: SAC needs finite action bounds", env.id());
    }
    let obs_dim = env.observation_space().dim();
    Ok(Spec {
        obs_dim,
        act_dim: low.len(),
        normalizer: StateNormalizer::identity(obs_dim),
        action_bounds: ActionBounds { low, high },
    })
}

/// Runs `job`, resuming from the run directory's latest checkpoint when there is one.
pub fn train_online(job: &OnlineJob) -> Result<OnlineOutcome> {
    let config = &job.config;
    let OnlineAlgoConfig::Sac(sac) = &config.algo;
    if let Err(problems) = sac.validate() {
        bail!("invalid sac configuration: {problems}");
    }
    config.run.validate().map_err(Error::Invalid)?;
    config.eval.validate().map_err(Error::Invalid)?;
    if config.envs == 0 {
        bail!("envs = 0: give --envs K (K >= 1)");
    }
    if job.record && config.envs != 1 {
        bail!(
            "recording the transitions in order needs envs = 1, not {}",
            config.envs
        );
    }
    let spec = env_spec(ember_envs::make(&job.env)?.as_ref())?;
    let device = parse_device(&job.device)?.autodiff();
    let rng = seed_everything(&device, job.seed);

    std::fs::create_dir_all(&job.run_dir).map_err(|e| Error::io(&job.run_dir, e))?;
    let config_path = job.run_dir.join("config.toml");
    std::fs::write(&config_path, config.to_toml()).map_err(|e| Error::io(&config_path, e))?;
    tracing::info!(
        algo = config.algo.name(),
        env = %job.env,
        envs = config.envs,
        device = %job.device,
        "training online"
    );

    let mut learner = OnlineLearner::new(sac.clone(), spec, job, rng, &device)?;
    let eval = config.eval.clone();
    let eval_seed = job.seed + eval.seed_offset;
    let start = Instant::now();
    let summary = runtime::train(&mut learner, &job.run_dir, &config.run, |learner, _step| {
        evaluate_policy(&mut learner.agent, &job.env, eval.episodes, eval_seed, None)
            .map_err(|e| e.to_string())
    })?;
    let seconds = start.elapsed().as_secs_f64();
    Ok(OnlineOutcome {
        summary,
        env_steps: learner.env_steps,
        updates: learner.updates,
        seconds,
        log: learner.log.take().map(|log| log.dataset()).transpose()?,
    })
}

/// SAC acting in parallel environments and learning from its replay buffer; the runtime's
/// [`Learner`].
struct OnlineLearner {
    agent: Sac,
    env: String,
    envs: VecEnv,
    observations: Vec<Vec<f32>>,
    episode_returns: Vec<f64>,
    /// Returns of the last finished training episodes (newest last).
    recent_returns: VecDeque<f64>,
    replay: ReplayBuffer,
    rng: StdRng,
    device: Device,
    seed: u64,
    env_steps: usize,
    updates: usize,
    /// Every transition in order, when the job records them.
    log: Option<Recording>,
}

/// Every transition of a recording job in order: those of the processes before the last
/// resume (read back from the checkpoint), then this process's.
#[derive(Default)]
struct Recording {
    earlier: Option<OfflineDataset>,
    steps: DatasetBuilder,
}

impl Recording {
    /// The recording's file inside a checkpoint directory (D4RL layout).
    const FILE: &'static str = "transitions.hdf5";

    /// Everything recorded so far; an episode cut by a resume ends with a timeout flag.
    fn dataset(&self) -> Result<OfflineDataset, DatasetError> {
        let recent = self.steps.clone().finish()?;
        match &self.earlier {
            None => Ok(recent),
            Some(earlier) if recent.is_empty() => Ok(earlier.clone()),
            Some(earlier) => earlier.concat(&recent),
        }
    }
}

/// Training episodes averaged into the `train_return` metric.
const RECENT_EPISODES: usize = 10;

impl OnlineLearner {
    fn new(
        config: SacConfig,
        spec: Spec,
        job: &OnlineJob,
        rng: StdRng,
        device: &Device,
    ) -> Result<Self> {
        let envs = VecEnv::from_fn(job.config.envs, || ember_envs::make(&job.env))?;
        let replay = ReplayBuffer::new(config.replay_capacity, spec.obs_dim, spec.act_dim);
        let mut learner = Self {
            agent: Sac::new(config, spec, device),
            env: job.env.clone(),
            observations: Vec::new(),
            episode_returns: vec![0.0; envs.len()],
            envs,
            recent_returns: VecDeque::new(),
            replay,
            rng,
            device: device.clone(),
            seed: job.seed,
            env_steps: 0,
            updates: 0,
            log: job.record.then(Recording::default),
        };
        learner.reset_envs(job.seed);
        Ok(learner)
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
    }

    /// One step in every environment, with uniformly random actions or the agent's samples;
    /// records the transitions. Fails when an environment refuses an action or a recorded row
    /// does not fit the log.
    fn step_envs(&mut self, random: bool) -> Result<(), String> {
        let bounds = &self.agent.spec().action_bounds;
        let (mut actions, log_probs) = if random {
            let dim = self.agent.spec().act_dim;
            // Uniform over [-1, 1]^dim has density 2^-dim; mapped onto the box.
            let log_prob = -(dim as f32) * std::f32::consts::LN_2 - bounds.log_scale();
            let actions = (0..self.envs.len())
                .map(|_| {
                    let mut action: Vec<f32> = (0..dim)
                        .map(|_| self.rng.random_range(-1.0..=1.0))
                        .collect();
                    bounds.from_unit(&mut action);
                    action
                })
                .collect();
            (actions, vec![log_prob; self.envs.len()])
        } else {
            self.agent.explore(&self.observations)
        };
        // A diverged actor's NaN actions would be refused by the environment; the runtime's
        // NaN guard stops the run on the losses instead.
        for value in actions.iter_mut().flatten() {
            if !value.is_finite() {
                *value = 0.0;
            }
        }
        let states: Vec<Info> = match self.log {
            Some(_) => (0..self.envs.len())
                .map(|i| self.envs.env_mut(i).expect("index in range").state_info())
                .collect(),
            None => Vec::new(),
        };
        let steps = self.envs.step(&actions).map_err(|e| e.to_string())?;
        for (i, (mut action, step)) in actions.into_iter().zip(steps).enumerate() {
            if let Some(log) = self.log.as_mut().map(|log| &mut log.steps) {
                log.push(
                    &self.observations[i],
                    &action,
                    step.reward as f32,
                    &step.obs,
                    step.terminated,
                    step.truncated,
                )
                .and_then(|()| log.push_info("action_log_probs", &[log_probs[i]]))
                .and_then(|()| push_state(log, &states[i]))
                .map_err(|e| e.to_string())?;
            }
            bounds.to_unit(&mut action);
            action.iter_mut().for_each(|a| *a = a.clamp(-1.0, 1.0));
            self.replay.push(
                &self.observations[i],
                &action,
                step.reward as f32,
                &step.obs,
                step.terminated,
            );
            self.episode_returns[i] += step.reward;
            self.observations[i] = if step.done() {
                if self.recent_returns.len() == RECENT_EPISODES {
                    self.recent_returns.pop_front();
                }
                self.recent_returns.push_back(self.episode_returns[i]);
                self.episode_returns[i] = 0.0;
                let env = self.envs.env_mut(i).expect("index in range");
                env.reset(None).0
            } else {
                step.obs
            };
        }
        self.env_steps += self.envs.len();
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
        if self.replay.is_empty() {
            while self.env_steps < self.agent.config().warmup_steps {
                self.step_envs(true).map_err(failed)?;
            }
        }
        self.step_envs(false).map_err(failed)?;
        let batch_size = self.agent.config().batch_size;
        let mut metrics = Metrics::new();
        for _ in 0..self.envs.len() {
            let batch = self.replay.sample(batch_size, &mut self.rng, &self.device);
            metrics = self.agent.update(&batch);
        }
        self.updates += self.envs.len();
        if !self.recent_returns.is_empty() {
            let mean = self.recent_returns.iter().sum::<f64>() / self.recent_returns.len() as f64;
            metrics.push("train_return", self.scalar(mean));
        }
        metrics.push("env_steps", self.scalar(self.env_steps as f64));
        Ok(metrics)
    }

    fn reseed(&mut self, step: usize) {
        self.rng = ember_engine::seed::reseed(&self.device, self.seed, step);
    }

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        let card = SacCard {
            config: self.agent.config().clone(),
            spec: self.agent.spec().clone(),
            env: self.env.clone(),
            env_steps: self.env_steps,
        };
        save_json(&card, dir, SacCard::FILE)?;
        self.agent.save(dir)?;
        if let Some(log) = &self.log {
            let path = dir.join(Recording::FILE);
            log.dataset()
                .and_then(|data| d4rl::write(&path, &data))
                .map_err(|e| checkpoint::problem(&path, e))?;
        }
        self.replay.save(&dir.join("replay.bin"))
    }

    /// Restores networks, optimizers and the replay buffer; the environments start fresh
    /// episodes seeded from the run seed and the environment steps taken (the runtime then
    /// restarts the generators, see [`Learner::reseed`]).
    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        let card: SacCard = load_json(dir, SacCard::FILE)?;
        self.agent.load(dir)?;
        self.replay.load(&dir.join("replay.bin"))?;
        if let Some(log) = &mut self.log {
            let path = dir.join(Recording::FILE);
            if !path.exists() {
                return Err(checkpoint::problem(
                    &path,
                    "missing: the run did not record its transitions from the start, so it \
                     cannot be resumed as a recording run",
                ));
            }
            let earlier = d4rl::read(&path).map_err(|e| checkpoint::problem(&path, e))?;
            if earlier.len() != card.env_steps {
                return Err(checkpoint::problem(
                    &path,
                    format!(
                        "holds {} transitions, but the checkpoint took {} environment steps",
                        earlier.len(),
                        card.env_steps
                    ),
                ));
            }
            *log = Recording {
                earlier: Some(earlier),
                steps: DatasetBuilder::new(),
            };
        }
        self.env_steps = card.env_steps;
        self.reset_envs(self.seed.wrapping_add(card.env_steps as u64));
        self.recent_returns.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse_and_validate() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/sac");
        for name in ["mujoco", "pendulum"] {
            let config = OnlineConfig::load(&dir.join(format!("{name}.toml"))).unwrap();
            let OnlineAlgoConfig::Sac(sac) = &config.algo;
            sac.validate().unwrap();
        }
        let OnlineAlgoConfig::Sac(standard) =
            OnlineConfig::load(&dir.join("mujoco.toml")).unwrap().algo;
        let defaults = SacConfig::default();
        assert_eq!(standard.hidden, defaults.hidden);
        assert_eq!(
            (
                standard.batch_size,
                standard.warmup_steps,
                standard.replay_capacity
            ),
            (
                defaults.batch_size,
                defaults.warmup_steps,
                defaults.replay_capacity
            )
        );
    }

    #[test]
    fn bad_input_is_named() {
        let err = toml::from_str::<OnlineConfig>("[algo]\nalgo = \"sac\"\ntua = 0.1\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("tua"), "{err}");
        let err = toml::from_str::<OnlineConfig>("[algo]\nalgo = \"ppo\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("ppo"), "{err}");
        let config: OnlineConfig =
            toml::from_str("[algo]\nalgo = \"sac\"\ntau = 0\nbatch_size = 0\n").unwrap();
        let OnlineAlgoConfig::Sac(sac) = &config.algo;
        let err = sac.validate().unwrap_err();
        assert!(
            err.contains("tau = 0") && err.contains("batch_size = 0"),
            "{err}"
        );
        assert!(OnlineAlgoConfig::by_name("SAC").is_some());
        assert!(OnlineAlgoConfig::by_name("td3").is_none());
    }

    #[test]
    fn discrete_actions_are_refused() {
        let err = env_spec(ember_envs::make("cartpole").unwrap().as_ref())
            .unwrap_err()
            .to_string();
        assert!(err.contains("continuous"), "{err}");
        let spec = env_spec(ember_envs::make("pendulum").unwrap().as_ref()).unwrap();
        assert_eq!((spec.obs_dim, spec.act_dim), (3, 1));
        assert_eq!(spec.action_bounds.high, vec![2.0]);
    }
}
