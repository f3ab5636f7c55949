//! The training loop.

use super::{Checkpoints, EvalReport, MetricsLog, RuntimeError};
use crate::{Metrics, MetricsRow};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Something the runtime can train: one gradient step at a time, saved and restored by files.
pub trait Learner {
    /// Performs the gradient step numbered `step` (0-based) and returns its metrics, still on
    /// the device.
    fn train_step(&mut self, step: usize) -> Metrics;
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
pub struct RunSummary {
    /// Steps completed, including those of a resumed-from checkpoint.
    pub steps: usize,
    /// Every evaluation, with its step.
    pub evaluations: Vec<(usize, EvalReport)>,
    /// Path of the last checkpoint written.
    pub checkpoint: Option<PathBuf>,
}

impl RunSummary {
    /// The last evaluation, if any.
    pub fn last(&self) -> Option<&EvalReport> {
        self.evaluations.last().map(|(_, report)| report)
    }
}

/// Trains `learner` for `config.steps` steps in `run_dir`, resuming from its latest checkpoint
/// when there is one. `evaluate` runs the current policy and returns its episode returns.
pub fn train<L: Learner>(
    learner: &mut L,
    run_dir: &Path,
    config: &RunConfig,
    mut evaluate: impl FnMut(&mut L, usize) -> Result<EvalReport, String>,
) -> Result<RunSummary, RuntimeError> {
    let checkpoints = Checkpoints::new(run_dir, config.keep_checkpoints);
    let mut log = MetricsLog::open(run_dir)?;
    let mut start = 0;
    let mut last_checkpoint = None;
    if let Some((dir, step)) = checkpoints.latest()? {
        learner.load(&dir)?;
        tracing::info!(step, checkpoint = %dir.display(), "resuming");
        start = step;
        last_checkpoint = Some(dir);
    }

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
        let metrics = learner.train_step(step);
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
            let mut row = MetricsRow::new();
            row.insert("return_mean".into(), report.mean());
            row.insert("return_std".into(), report.std());
            if let Some(score) = report.normalized {
                row.insert("normalized_score".into(), score);
            }
            log.write("eval", done, &row)?;
            score_text = match report.normalized {
                Some(score) => format!(" score {score:.1}"),
                None => format!(" return {:.1}", report.mean()),
            };
            tracing::info!(
                step = done,
                return_mean = format!("{:.1}", report.mean()),
                return_std = format!("{:.1}", report.std()),
                "evaluation:{score_text}"
            );
            summary.evaluations.push((done, report));
        }
        if checkpoint_now {
            let dir = checkpoints.save(done, |dir| learner.save(dir))?;
            last_checkpoint = Some(dir);
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
