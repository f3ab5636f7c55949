//! The D4RL dataset family of one environment, made the way D4RL made its gym-MuJoCo files:
//! train SAC online, then write `<env>-random`, `-medium`, `-expert`, `-medium-replay` and
//! `-medium-expert` in the D4RL layout, with the suite's own reference scores.
//!
//! * SAC trains with one environment, evaluating (deterministic policy) and keeping a
//!   checkpoint at `snapshots` evenly spaced points of its budget.
//! * The expert is the best-evaluated snapshot (the latest on a tie). D4RL's experts were
//!   converged policies; a short run's last snapshot can sit in one of SAC's dips (on Hopper it
//!   swings between 1,000 and 3,000 from one snapshot to the next).
//! * `random`: uniform actions; `expert`: the expert snapshot; `medium`: the medium snapshot;
//!   both policies act stochastically (sampled actions), as D4RL's did. Each holds `size` rows.
//! * Reference scores: `ref_min_score` = mean return of the complete episodes of `random`,
//!   `ref_max_score` = that of `expert`.
//! * The medium snapshot is the one, among those before the expert, whose evaluation return is
//!   closest to one third of the way from `ref_min_score` to `ref_max_score` (the earliest on a
//!   tie).
//! * `medium-replay`: every training transition in order, warm-up included, up to the medium
//!   snapshot (the replay buffer D4RL's file came from); `medium-expert` = `medium` ++ `expert`.
//! * `sac_curve.png` plots SAC's evaluations with the reference scores and the medium target.
//! * An interrupted suite resumes: run the same command again. Training continues from the
//!   latest checkpoint (which keeps the transitions recorded so far) and the files are written
//!   at the end; an episode cut by the interruption ends with a timeout flag. `--steps` and
//!   `--snapshots` may change together if their ratio (the snapshot spacing) does not, to
//!   extend a suite or to end it at an earlier snapshot.

use crate::collect::{Behaviour, CollectOptions, collect};
use crate::config::ConfigFile;
use crate::error::{Error, Result, bail};
use crate::online::{OnlineConfig, OnlineJob, env_spec, train_online};
use crate::sac::SacPolicy;
use ember_datasets::{MetaValue, OfflineDataset, d4rl};
#[cfg(feature = "plots")]
use ember_engine::runtime::EvalPoint;
use ember_engine::runtime::{Checkpoints, MetricsLog};
use ember_engine::{parse_device, seed::seed_everything};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The five datasets, in the order they are written.
pub const KINDS: [&str; 5] = [
    "random",
    "medium",
    "expert",
    "medium-replay",
    "medium-expert",
];

/// What to build and where.
#[derive(Clone, Debug)]
pub struct SuiteOptions {
    /// Environment id or alias; the files are named after it as given, lowercased.
    pub env: String,
    /// Output directory (files, `reference_scores.json`, the SAC run in `sac-run/`).
    pub out_dir: PathBuf,
    /// Seed of training and of every rollout.
    pub seed: u64,
    /// Rows of `random`, `medium` and `expert` each.
    pub size: usize,
    /// SAC hyperparameters and budget (`run.steps`); cadence and `envs` are set by the suite.
    pub config: OnlineConfig,
    /// Evaluated checkpoints kept during training, evenly spaced; the best is the expert.
    pub snapshots: usize,
    /// Device string for training and rollouts.
    pub device: String,
    /// Show progress bars.
    pub progress: bool,
}

/// The suite's reference scores and how the medium policy was chosen
/// (`reference_scores.json`).
#[derive(Clone, Debug, Serialize)]
pub struct SuiteScores {
    /// Environment id.
    pub env: String,
    /// Mean return of the random dataset's complete episodes.
    pub ref_min_score: f64,
    /// Mean return of the expert dataset's complete episodes.
    pub ref_max_score: f64,
    /// The evaluation return the medium snapshot was chosen to be closest to.
    pub medium_target: f64,
    /// Training step of the medium snapshot.
    pub medium_step: usize,
    /// Environment steps taken by then (the rows of `medium-replay`).
    pub medium_env_steps: usize,
    /// The medium snapshot's evaluation return (deterministic policy).
    pub medium_eval_return: f64,
    /// Training step of the expert (the final snapshot).
    pub expert_step: usize,
    /// The expert's evaluation return (deterministic policy).
    pub expert_eval_return: f64,
    /// Every snapshot's step and evaluation return.
    pub snapshots: Vec<(usize, f64)>,
    /// Seed of the suite.
    pub seed: u64,
}

/// What [`build_suite`] wrote.
pub struct SuiteReport {
    /// Each dataset's kind, file and contents.
    pub files: Vec<(&'static str, PathBuf, OfflineDataset)>,
    /// Reference scores and the medium choice.
    pub scores: SuiteScores,
    /// Wall-clock seconds of training alone.
    pub train_seconds: f64,
    /// Wall-clock seconds in all.
    pub seconds: f64,
}

/// Trains SAC and writes the five files and `reference_scores.json` into `options.out_dir`.
pub fn build_suite(options: &SuiteOptions) -> Result<SuiteReport> {
    let start = Instant::now();
    let env = ember_envs::make(&options.env)?;
    let spec = env_spec(env.as_ref())?;
    if let Err(problem) = options.config.algo.accepts(&spec.action_space) {
        bail!("{}: {problem}", env.id());
    }
    let env_id = env.id().to_string();
    let name = options.env.to_ascii_lowercase();
    if let Some(max) = env.max_episode_steps().filter(|&max| options.size < max) {
        bail!(
            "--size {}: {env_id} episodes last up to {max} steps, so the reference scores need \
             --size >= {max} (one complete episode)",
            options.size
        );
    }
    if options.size == 0 {
        bail!("--size must be at least 1");
    }
    if options.snapshots < 2 {
        bail!(
            "--snapshots {}: needs at least 2 (a medium and the expert)",
            options.snapshots
        );
    }
    let steps = options.config.run.steps;
    if steps < options.snapshots {
        bail!(
            "the SAC budget ({steps} steps) is shorter than --snapshots {}",
            options.snapshots
        );
    }
    let run_dir = options.out_dir.join("sac-run");
    let mut config = options.config.clone();
    let every = steps / options.snapshots;
    config.envs = 1;
    config.run.eval_every = every;
    config.run.checkpoint_every = every;
    config.run.keep_checkpoints = options.snapshots + 1;
    config.run.progress = options.progress;
    check_resume(&run_dir, &config, options.seed)?;
    let job = OnlineJob {
        config,
        env: options.env.clone(),
        device: options.device.clone(),
        seed: options.seed,
        run_dir: run_dir.clone(),
        record: true,
    };
    let outcome = train_online(&job)?;
    let train_seconds = start.elapsed().as_secs_f64();
    let log = outcome.log.expect("the job records its transitions");
    let points = MetricsLog::evaluations(&run_dir)?;
    let evaluations: Vec<(usize, f64)> = points
        .iter()
        .map(|point| (point.step, point.return_mean))
        .collect();
    // `max_by` keeps the last of equal maxima: the latest snapshot on a tie.
    let expert_index = (0..evaluations.len())
        .max_by(|&a, &b| evaluations[a].1.total_cmp(&evaluations[b].1))
        .expect("the last step evaluates");
    let (expert_step, expert_eval_return) = evaluations[expert_index];
    if expert_index == 0 {
        bail!(
            "SAC's best snapshot is its first (step {expert_step}, evaluation return \
             {expert_eval_return:.1}), so no earlier snapshot can be the medium policy; give a \
             longer --steps or more --snapshots"
        );
    }

    let device = parse_device(&options.device)?;
    seed_everything(&device, options.seed);
    let rollout = |mut behaviour: Behaviour, label: &str, seed: u64| {
        let options = CollectOptions {
            steps: options.size,
            seed,
            noise: 0.0,
            epsilon: 0.0,
            label: label.to_string(),
            progress: options.progress,
        };
        let mut env = ember_envs::make(&job.env)?;
        Ok::<_, Error>(collect(env.as_mut(), &mut behaviour, &options)?)
    };
    let checkpoints = Checkpoints::new(&run_dir, 1);
    let open = |step: usize| {
        let dir = checkpoints.dir(step);
        SacPolicy::open(&dir, &device, true)
            .map_err(|e| Error::file(&dir, format!("cannot reopen the snapshot: {e}")))
    };
    let random = rollout(Behaviour::Random, "random", options.seed)?;
    let (_, expert_policy) = open(expert_step)?;
    let expert = rollout(
        Behaviour::Policy(Box::new(expert_policy)),
        "SAC",
        options.seed + 2,
    )?;
    let ref_min_score = complete_mean_return(&random, "random")?;
    let ref_max_score = complete_mean_return(&expert, "expert")?;
    let medium_target = ref_min_score + (ref_max_score - ref_min_score) / 3.0;
    let &(medium_step, medium_eval_return) = evaluations[..expert_index]
        .iter()
        .min_by(|a, b| {
            (a.1 - medium_target)
                .abs()
                .total_cmp(&(b.1 - medium_target).abs())
        })
        .expect("the expert is not the first snapshot");
    let (medium_card, medium_policy) = open(medium_step)?;
    let medium = rollout(
        Behaviour::Policy(Box::new(medium_policy)),
        "SAC",
        options.seed + 1,
    )?;
    let mut replay = log.head(medium_card.env_steps);
    replay.metadata.extend([
        ("env_name".to_string(), MetaValue::Str(env_id.clone())),
        ("algorithm".to_string(), MetaValue::Str("SAC".into())),
        ("seed".to_string(), MetaValue::Int(options.seed as i64)),
    ]);
    let medium_expert = medium.concat(&expert)?;

    let scores = SuiteScores {
        env: env_id,
        ref_min_score,
        ref_max_score,
        medium_target,
        medium_step,
        medium_env_steps: medium_card.env_steps,
        medium_eval_return,
        expert_step,
        expert_eval_return,
        snapshots: evaluations,
        seed: options.seed,
    };
    let datasets = [
        (random, None),
        (medium, Some(medium_step)),
        (expert, Some(expert_step)),
        (replay, Some(medium_step)),
        (medium_expert, None),
    ];
    let mut files = Vec::new();
    for (kind, (mut data, iteration)) in KINDS.into_iter().zip(datasets) {
        let meta = &mut data.metadata;
        meta.insert("dataset".into(), MetaValue::Str(format!("{name}-{kind}")));
        meta.insert("ref_min_score".into(), MetaValue::Float(ref_min_score));
        meta.insert("ref_max_score".into(), MetaValue::Float(ref_max_score));
        match iteration {
            Some(step) => meta.insert("iteration".into(), MetaValue::Int(step as i64)),
            None => meta.remove("iteration"),
        };
        let path = suite_file(&options.out_dir, &options.env, kind);
        d4rl::write(&path, &data)?;
        files.push((kind, path, data));
    }
    #[cfg(feature = "plots")]
    plot_training(&options.out_dir.join(CURVE_FILE), &points, &scores)?;
    let scores_path = options.out_dir.join("reference_scores.json");
    let text = serde_json::to_string_pretty(&scores).expect("scores serialise");
    std::fs::write(&scores_path, text + "\n").map_err(|e| Error::io(&scores_path, e))?;
    Ok(SuiteReport {
        files,
        scores,
        train_seconds,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// The learning curve of the suite's SAC run, next to the files (with the `plots` feature).
pub const CURVE_FILE: &str = "sac_curve.png";

/// Draws SAC's evaluation return (mean ± std over the evaluation episodes) against training
/// steps, with the reference scores and the medium target as flat lines.
#[cfg(feature = "plots")]
fn plot_training(path: &Path, points: &[EvalPoint], scores: &SuiteScores) -> Result<()> {
    use crate::plot::{Curve, Labels, line_chart};
    let (first, last) = (points[0].step as f64, points[points.len() - 1].step as f64);
    let flat = |label: &str, value: f64| Curve {
        label: format!("{label} {value:.0}"),
        points: vec![(first, value, 0.0), (last, value, 0.0)],
    };
    let sac = Curve {
        label: "SAC (deterministic evaluation)".into(),
        points: points
            .iter()
            .map(|p| (p.step as f64, p.return_mean, p.return_std))
            .collect(),
    };
    let title = format!("SAC on {}: the suite's snapshots", scores.env);
    let labels = Labels {
        title: &title,
        x: "training steps",
        y: "return",
    };
    let curves = [
        sac,
        flat("expert (ref max)", scores.ref_max_score),
        flat("medium target", scores.medium_target),
        flat("random (ref min)", scores.ref_min_score),
    ];
    line_chart(path, labels, &curves).map_err(|e| Error::file(path, e))
}

/// The seed of a suite's SAC run, next to its `config.toml`.
const SEED_FILE: &str = "suite-seed.txt";

/// Creates `run_dir` for a fresh run, or checks that the run it holds was started with the same
/// SAC configuration, snapshot spacing (`steps / snapshots`) and seed, so that it can resume;
/// the budget itself may change, so a suite can be extended or cut short at a snapshot.
fn check_resume(run_dir: &Path, config: &OnlineConfig, seed: u64) -> Result<()> {
    let config_path = run_dir.join("config.toml");
    let seed_path = run_dir.join(SEED_FILE);
    if run_dir.exists() {
        let started = |path: &Path| {
            std::fs::read_to_string(path).map_err(|e| {
                Error::invalid(format!(
                    "{} holds no resumable suite run: cannot read {} ({e}); remove it or choose \
                     another --out",
                    run_dir.display(),
                    path.display()
                ))
            })
        };
        let mut earlier: OnlineConfig = toml::from_str(&started(&config_path)?)
            .map_err(|e| Error::file(&config_path, format!("not a SAC configuration: {e}")))?;
        // The budget may grow or shrink as long as the snapshots stay on the same spacing.
        earlier.run.steps = config.run.steps;
        earlier.run.keep_checkpoints = config.run.keep_checkpoints;
        earlier.run.progress = config.run.progress;
        if earlier.to_toml() != config.to_toml() {
            bail!(
                "{} was started with another SAC configuration or snapshot spacing \
                 (--steps / --snapshots; see its config.toml); resume with the same ones, or \
                 choose another --out",
                run_dir.display()
            );
        }
        let started_seed = started(&seed_path)?;
        if started_seed.trim() != seed.to_string() {
            bail!(
                "{} was started with --seed {}; resume with the same seed, or choose another --out",
                run_dir.display(),
                started_seed.trim()
            );
        }
        tracing::info!(run = %run_dir.display(), "resuming the suite's SAC run");
        return Ok(());
    }
    std::fs::create_dir_all(run_dir).map_err(|e| Error::io(run_dir, e))?;
    std::fs::write(&seed_path, format!("{seed}\n")).map_err(|e| Error::io(&seed_path, e))
}

/// Mean return of the episodes of `data` that end with a terminal or timeout flag.
pub fn complete_mean_return(data: &OfflineDataset, what: &str) -> Result<f64> {
    let returns: Vec<f64> = data
        .episodes()
        .into_iter()
        .filter(|r| data.is_episode_end(r.end - 1))
        .map(|r| r.map(|i| f64::from(data.rewards[i])).sum())
        .collect();
    if returns.is_empty() {
        bail!("the {what} rollouts hold no complete episode; give a larger --size");
    }
    Ok(returns.iter().sum::<f64>() / returns.len() as f64)
}

/// The path of dataset `kind` of environment `env` in `dir`.
pub fn suite_file(dir: &Path, env: &str, kind: &str) -> PathBuf {
    dir.join(format!("{}-{kind}.hdf5", env.to_ascii_lowercase()))
}
