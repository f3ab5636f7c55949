//! The training loop every learner reuses (offline, online, GFlowNet): step budget, periodic
//! evaluation, checkpoints written atomically, resume (falling back to an older checkpoint when
//! the newest cannot be read), metrics files, a progress bar and a NaN guard.
//!
//! Determinism across a resume: after each checkpoint the learner restarts its random streams
//! from (run seed, step) ([`Learner::reseed`]), and a resumed learner does the same after
//! loading, so a resumed CPU run draws exactly what the uninterrupted run drew.

use super::{Checkpoints, EvalReport, Evaluation, MetricsLog, RuntimeError};
use crate::{Metrics, MetricsRow};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Something the runtime can train: one gradient step at a time, saved and restored by files.
pub trait Learner {
    /// Performs the gradient step numbered `step` (0-based) and returns its metrics, still on
    /// the device; an error (an environment refusing an action, say) stops the run.
    fn train_step(&mut self, step: usize) -> Result<Metrics, RuntimeError>;
    /// Restarts every random stream the learner draws from (the device generator, host
    /// samplers) from its run seed and `step`; see [`crate::seed::reseed`]. Called after each
    /// checkpoint and after a resume, so both continue alike.
    fn reseed(&mut self, step: usize);
    /// Writes every piece of state needed to resume (networks, optimizers) into `dir`.
    fn save(&self, dir: &Path) -> Result<(), RuntimeError>;
    /// Restores the state written by [`Learner::save`].
    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError>;
}

/// Budget and cadence of a run.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct RunConfig {
    /// Total gradient steps.
    pub steps: usize,
    /// Evaluate every this many steps (and after the last one); 0 evaluates only at the end.
    pub eval_every: usize,
    /// Read and log training metrics every this many steps.
    pub log_every: usize,
    /// Write a checkpoint every this many steps (and at the end); 0 only at the end.
    pub checkpoint_every: usize,
    /// Checkpoints kept on disk.
    pub keep_checkpoints: usize,
    /// Show a progress bar on the terminal.
    pub progress: bool,
}

impl Default for RunConfig {
    fn default() -> Self {
        Self {
            steps: 1_000_000,
            eval_every: 5_000,
            log_every: 1_000,
            checkpoint_every: 50_000,
            keep_checkpoints: 2,
            progress: true,
        }
    }
}

/// What a finished run reports.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunSummary<E = EvalReport> {
    /// Steps completed, including those of a resumed-from checkpoint.
    pub steps: usize,
    /// Every evaluation of this process, with its step.
    pub evaluations: Vec<(usize, E)>,
    /// Path of the last checkpoint written.
    pub checkpoint: Option<PathBuf>,
}

impl<E> RunSummary<E> {
    /// The last evaluation, if any.
    pub fn last(&self) -> Option<&E> {
        self.evaluations.last().map(|(_, report)| report)
    }
}

impl RunConfig {
    /// Rejects a budget or cadence that cannot run, naming the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.steps == 0 {
            return Err(
                "the step budget is 0: give --steps N (N >= 1) or set [run] steps in the config"
                    .into(),
            );
        }
        Ok(())
    }
}

/// Trains `learner` for `config.steps` steps in `run_dir`, resuming from its latest readable
/// checkpoint when there is one. `evaluate` scores the current learner at `step`.
pub fn train<L: Learner, E: Evaluation>(
    learner: &mut L,
    run_dir: &Path,
    config: &RunConfig,
    mut evaluate: impl FnMut(&mut L, usize) -> Result<E, String>,
) -> Result<RunSummary<E>, RuntimeError> {
    config
        .validate()
        .map_err(|message| RuntimeError::Step { step: 0, message })?;
    let checkpoints = Checkpoints::new(run_dir, config.keep_checkpoints);
    let mut start = 0;
    let mut last_checkpoint = None;
    if let Some((dir, step)) = resume(learner, &checkpoints)? {
        learner.reseed(step);
        tracing::info!(step, checkpoint = %dir.display(), "resuming");
        start = step;
        last_checkpoint = Some(dir);
    }
    let mut log = MetricsLog::open(run_dir, start)?;

    let bar = progress_bar(config, start);
    let mut summary = RunSummary {
        steps: start,
        evaluations: Vec::new(),
        checkpoint: last_checkpoint.clone(),
    };
    let mut last_row = MetricsRow::new();
    let mut score_text = String::new();
    let due = |every: usize, step: usize| every > 0 && step.is_multiple_of(every);

    for step in start..config.steps {
        let metrics = learner.train_step(step)?;
        let done = step + 1;
        let last = done == config.steps;
        let evaluate_now = due(config.eval_every, done) || last;
        let checkpoint_now = due(config.checkpoint_every, done) || last;
        if due(config.log_every, done) || evaluate_now || checkpoint_now {
            last_row = metrics.read();
            guard(&last_row, done, &last_checkpoint)?;
            log.write("train", done, &last_row)?;
        }
        if evaluate_now {
            let report = evaluate(learner, done).map_err(|message| RuntimeError::Eval {
                step: done,
                message,
            })?;
            log.write("eval", done, &report.row())?;
            score_text = format!(" {}", report.headline());
            tracing::info!(step = done, "evaluation:{score_text}");
            summary.evaluations.push((done, report));
        }
        if checkpoint_now {
            let dir = checkpoints.save(done, |dir| learner.save(dir))?;
            last_checkpoint = Some(dir);
            learner.reseed(done);
        }
        if let Some(bar) = &bar {
            bar.inc(1);
            if due(config.log_every, done) || evaluate_now {
                bar.set_message(format!("{}{score_text}", brief(&last_row)));
            }
        }
        summary.steps = done;
    }
    if let Some(bar) = bar {
        bar.finish();
    }
    summary.checkpoint = last_checkpoint;
    Ok(summary)
}

/// Loads the newest checkpoint that reads back whole, warning about each one that does not;
/// `None` when there is none. Fails only when checkpoints exist and none can be read.
fn resume<L: Learner>(
    learner: &mut L,
    checkpoints: &Checkpoints,
) -> Result<Option<(PathBuf, usize)>, RuntimeError> {
    let candidates = checkpoints.newest_first()?;
    let mut problems = Vec::new();
    for dir in candidates {
        match Checkpoints::step_of(&dir).and_then(|step| learner.load(&dir).map(|()| step)) {
            Ok(step) => {
                if !problems.is_empty() {
                    tracing::warn!(
                        checkpoint = %dir.display(),
                        "resuming from an older checkpoint: {}",
                        problems.join("; ")
                    );
                }
                return Ok(Some((dir, step)));
            }
            Err(e) => {
                tracing::warn!("cannot resume from {}: {e}", dir.display());
                problems.push(e.to_string());
            }
        }
    }
    match problems.is_empty() {
        true => Ok(None),
        false => Err(RuntimeError::Checkpoint {
            path: checkpoints
                .dir(0)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            problem: format!("no checkpoint can be read: {}", problems.join("; ")),
        }),
    }
}

fn guard(row: &MetricsRow, step: usize, last_good: &Option<PathBuf>) -> Result<(), RuntimeError> {
    match row.iter().find(|(_, v)| !v.is_finite()) {
        None => Ok(()),
        Some((metric, value)) => Err(RuntimeError::Diverged {
            step,
            metric: metric.clone(),
            value: *value,
            last_good: last_good
                .as_ref()
                .map_or_else(|| "none yet".to_string(), |p| p.display().to_string()),
        }),
    }
}

fn brief(row: &MetricsRow) -> String {
    row.iter()
        .filter(|(k, _)| k.ends_with("loss"))
        .map(|(k, v)| format!("{k} {v:.3}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn progress_bar(config: &RunConfig, start: usize) -> Option<ProgressBar> {
    if !config.progress {
        return None;
    }
    let bar = ProgressBar::new(config.steps as u64).with_position(start as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} ({per_sec}, eta {eta}) {msg}",
        )
        .expect("valid template"),
    );
    Some(bar)
}
