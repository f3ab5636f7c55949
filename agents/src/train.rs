//! A whole offline training job: dataset in, evaluated agent and run directory out.

use crate::agent::{ActionBounds, ActionSpace, OfflineData, OfflineLearner};
use crate::algo::AgentCard;
use crate::config::ConfigFile;
use crate::config::TrainConfig;
use crate::error::{Error, Result, bail};
use crate::evaluate::evaluate_policy;
use crate::method::BuildContext;
use crate::offline::{Demonstrations, prepare};
use crate::segments::prepare_segments;
use ember_datasets::OfflineDataset;
use ember_datasets::scores::RefScores;
use ember_engine::runtime::{self, RunSummary};
use ember_engine::{parse_device, seed::seed_everything};
use ember_envs::Space;
use std::path::{Path, PathBuf};

/// What to train, on what, where.
#[derive(Clone, Debug)]
pub struct TrainJob {
    /// Method, hyperparameters, budget, evaluation.
    pub config: TrainConfig,
    /// D4RL HDF5 file or Minari dataset (in the paper imitation mode only its reference scores
    /// and behaviour return are reported; it may be the expert file itself).
    pub dataset: PathBuf,
    /// Expert demonstrations (same format): offline imitation, in the mode of
    /// `config.imitation.mode` (paper: the first expert episode alone with zero rewards;
    /// discriminator: both files, rewards replaced by a learned imitation reward).
    pub expert: Option<PathBuf>,
    /// Environment to evaluate in.
    pub env: String,
    /// Device string (`cpu`, `wgpu`, ...).
    pub device: String,
    /// Seed of initialisation, sampling and evaluation.
    pub seed: u64,
    /// Run directory (config, metrics, checkpoints).
    pub run_dir: PathBuf,
    /// A trained checkpoint the method builds on (a frozen base policy), for methods that wrap
    /// one; `None` for the others.
    pub base: Option<PathBuf>,
}

/// The run directory of a job that names none: `runs/<algo>-<dataset stem>-s<seed>`.
pub fn default_run_dir(config: &TrainConfig, dataset: &Path, seed: u64) -> PathBuf {
    let stem = dataset
        .file_stem()
        .map_or("dataset".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from("runs").join(format!("{}-{stem}-s{seed}", config.algo.name()))
}

/// What a finished job reports.
pub struct TrainOutcome {
    /// Evaluations and last checkpoint.
    pub summary: RunSummary,
    /// Mean episode return of the dataset's behaviour (complete episodes).
    pub behaviour_return: f64,
    /// Reference scores used for normalisation, when known.
    pub reference: Option<RefScores>,
}

/// Runs `job`, resuming from the run directory's latest checkpoint when there is one.
pub fn train(job: &TrainJob) -> Result<TrainOutcome> {
    if let Err(problems) = job.config.algo.validate() {
        bail!(
            "invalid {} configuration: {problems}",
            job.config.algo.name()
        );
    }
    if job.expert.is_some() {
        let problems = job.config.imitation.problems();
        if !problems.is_empty() {
            bail!("invalid [imitation] configuration: {}", problems.join("; "));
        }
    }
    job.config.run.validate().map_err(Error::Invalid)?;
    job.config.eval.validate().map_err(Error::Invalid)?;
    let dataset = ember_datasets::load(&job.dataset)?;
    let env = ember_envs::make(&job.env)?;
    if let Some(space) = ActionSpace::of(env.action_space()) {
        let accepted = job.config.algo.accepts(&space);
        accepted.map_err(|e| Error::invalid(format!("{}: {e}", env.id())))?;
    }
    let bounds = check_compatible(&dataset, env.as_ref(), &job.dataset)?;
    let expert = match &job.expert {
        Some(path) => {
            let expert = ember_datasets::load(path)?;
            check_compatible(&expert, env.as_ref(), path)?;
            if expert.qlearning(&Default::default()).is_empty() {
                bail!("{}: no complete transition to imitate", path.display());
            }
            Some(expert)
        }
        None => None,
    };
    let reference = dataset.reference_scores();
    let device = parse_device(&job.device)?.autodiff();
    seed_everything(&device, job.seed);

    std::fs::create_dir_all(&job.run_dir).map_err(|e| Error::io(&job.run_dir, e))?;
    let config_path = job.run_dir.join("config.toml");
    std::fs::write(&config_path, job.config.to_toml()).map_err(|e| Error::io(&config_path, e))?;

    let (spec, buffer) = match job.config.algo.segments() {
        None => {
            let demos = expert.as_ref().map(|expert| Demonstrations {
                expert,
                config: &job.config.imitation,
            });
            let prepared = prepare(
                &dataset,
                demos,
                &job.config.algo,
                bounds,
                env.max_episode_steps(),
                &device,
            )
            .map_err(|e| Error::invalid(format!("{}: {e}", env.id())))?;
            if let Some(loss) = prepared.discriminator_loss {
                tracing::info!(loss, "imitation reward learned");
            }
            (
                prepared.spec,
                OfflineData::Transitions(Box::new(prepared.buffer)),
            )
        }
        Some(opts) => {
            if job.expert.is_some() {
                bail!(
                    "{} learns from rewards; it has no imitation mode (drop --expert)",
                    job.config.algo.name()
                );
            }
            let (spec, buffer) =
                prepare_segments(&dataset, &job.config.algo, bounds, &opts, &device)
                    .map_err(Error::invalid)?;
            (spec, OfflineData::Segments(Box::new(buffer)))
        }
    };
    tracing::info!(
        dataset = %job.dataset.display(),
        samples = match &buffer {
            OfflineData::Transitions(b) => b.len(),
            OfflineData::Segments(b) => b.len(),
        },
        algo = job.config.algo.name(),
        device = %job.device,
        "training"
    );
    let card = AgentCard {
        config: job.config.algo.clone(),
        spec: spec.clone(),
        run_steps: job.config.run.steps,
        env: job.env.clone(),
        dataset: job.dataset.display().to_string(),
        base: job.base.clone(),
    };
    let ctx = BuildContext {
        base: job.base.clone(),
        ..BuildContext::new(spec, job.config.run.steps, &device)
    };
    let agent = job.config.algo.build(&ctx)?;
    let mut learner = OfflineLearner {
        agent,
        buffer,
        card,
        seed: job.seed,
        device: device.clone(),
    };
    let eval = job.config.eval.clone();
    let eval_seed = job.seed + eval.seed_offset;
    let summary = runtime::train(
        &mut learner,
        &job.run_dir,
        &job.config.run,
        |learner, _step| {
            evaluate_policy(
                &mut learner.agent,
                &job.env,
                eval.episodes,
                eval_seed,
                reference,
            )
            .map_err(|e| e.to_string())
        },
    )?;
    let returns = dataset.episode_returns();
    let behaviour_return = returns.iter().sum::<f64>() / returns.len().max(1) as f64;
    Ok(TrainOutcome {
        summary,
        behaviour_return,
        reference,
    })
}

/// Checks that the dataset's shapes fit the environment and returns its action box.
pub fn check_compatible(
    dataset: &OfflineDataset,
    env: &dyn ember_envs::Env,
    path: &Path,
) -> Result<ActionBounds> {
    let obs_dim = env.observation_space().dim();
    let Space::Box { low, high } = env.action_space().clone() else {
        bail!(
            "{}: offline agents need a continuous action space",
            env.id()
        );
    };
    if dataset.obs_dim() != obs_dim || dataset.act_dim() != low.len() {
        bail!(
            "{}: observations {}-d and actions {}-d do not fit environment {} ({}-d, {}-d)",
            path.display(),
            dataset.obs_dim(),
            dataset.act_dim(),
            env.id(),
            obs_dim,
            low.len()
        );
    }
    Ok(ActionBounds { low, high })
}
