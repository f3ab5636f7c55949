//! A whole online training job: an environment and a method in, an evaluated agent and a run
//! directory (optionally with every transition recorded) out.

use super::learner::{OnlineLearner, split};
use super::{OnlineConfig, OnlineContext};
use crate::agent::{ActionSpace, Spec};
use crate::config::ConfigFile;
use crate::error::{Error, Result, bail};
use crate::evaluate::evaluate_policy;
use ember_datasets::{OfflineDataset, StateNormalizer};
use ember_engine::runtime::{self, RunSummary};
use ember_engine::{parse_device, seed::seed_everything};
use ember_envs::{Env, VecEnv};
use std::path::PathBuf;
use std::time::Instant;

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
    /// `infos/action_log_probs` (the behaviour's log-density; NaN for an agent without one)
    /// and the env's state infos; when [`OnlineJob::record`] was set.
    pub log: Option<OfflineDataset>,
}

/// The problem shape of `env` for an online agent: raw observations, and its action space, a
/// box with finite bounds or a discrete space (whether a method acts in it is the method's
/// call: [`super::OnlineAlgoConfig::accepts`]).
pub fn env_spec(env: &dyn Env) -> Result<Spec> {
    let Some(action_space) = ActionSpace::of(env.action_space()) else {
        bail!(
            "{}: the action box has an infinite bound; online agents need finite bounds",
            env.id()
        );
    };
    let obs_dim = env.observation_space().dim();
    Ok(Spec {
        obs_dim,
        act_dim: action_space.dim(),
        normalizer: StateNormalizer::identity(obs_dim),
        action_space,
    })
}

/// Runs `job`, resuming from the run directory's latest checkpoint when there is one.
pub fn train_online(job: &OnlineJob) -> Result<OnlineOutcome> {
    let config = &job.config;
    if let Err(problems) = config.algo.validate() {
        bail!("invalid {} configuration: {problems}", config.algo.name());
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
    let env = ember_envs::make(&job.env)?;
    let spec = env_spec(env.as_ref())?;
    if let Err(problem) = config.algo.accepts(&spec.action_space) {
        bail!("{}: {problem}", env.id());
    }
    let device = parse_device(&job.device)?.autodiff();
    let mut rng = seed_everything(&device, job.seed);

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

    let space = spec.action_space.clone();
    let ctx = OnlineContext {
        spec,
        env: job.env.clone(),
        device: &device,
        rng: split(&mut rng),
    };
    let agent = config.algo.build(ctx)?;
    let envs = VecEnv::from_fn(config.envs, || ember_envs::make(&job.env))?;
    let mut learner = OnlineLearner::new(agent, space, envs, job.seed, rng, &device, job.record);
    let eval = config.eval.clone();
    let eval_seed = job.seed + eval.seed_offset;
    let start = Instant::now();
    let summary = runtime::train(&mut learner, &job.run_dir, &config.run, |learner, _step| {
        evaluate_policy(
            learner.agent.as_mut(),
            &job.env,
            eval.episodes,
            eval_seed,
            None,
        )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::online::OnlineAlgoConfig;

    /// CartPole's actions are Discrete(2), which online code accepts and SAC refuses in one
    /// line naming itself and the space; Pendulum's are a box.
    #[test]
    fn spec_describes_discrete_spaces_and_sac_refuses_them() {
        let spec = env_spec(ember_envs::make("cartpole").unwrap().as_ref()).unwrap();
        assert_eq!(spec.action_space, ActionSpace::Discrete(2));
        assert_eq!((spec.obs_dim, spec.act_dim), (4, 1));
        let sac = OnlineAlgoConfig::by_name("sac").unwrap();
        let err = sac.accepts(&spec.action_space).unwrap_err();
        assert!(
            err.contains("SAC") && err.contains("Discrete(2)") && !err.contains('\n'),
            "{err}"
        );
        let spec = env_spec(ember_envs::make("pendulum").unwrap().as_ref()).unwrap();
        assert_eq!((spec.obs_dim, spec.act_dim), (3, 1));
        assert_eq!(spec.bounds().high, vec![2.0]);
        sac.accepts(&spec.action_space).unwrap();
    }

    /// A job refuses a method that cannot act in the environment before touching the run
    /// directory.
    #[test]
    fn train_online_refuses_sac_on_cartpole() {
        let dir = tempfile::tempdir().unwrap();
        let job = OnlineJob {
            config: OnlineConfig::defaults(OnlineAlgoConfig::by_name("sac").unwrap()),
            env: "cartpole".into(),
            device: "cpu".into(),
            seed: 0,
            run_dir: dir.path().join("run"),
            record: false,
        };
        let err = train_online(&job).err().unwrap().to_string();
        assert!(err.contains("SAC") && err.contains("continuous"), "{err}");
        assert!(!job.run_dir.exists());
    }
}
