//! A SubPO run through the shared runtime ([`ember_engine::runtime::train`]: progress bar, NaN
//! guard, `train.csv` with the per-epoch curves of normalised `F`, checkpoints and resume),
//! the evaluation, and the files written at the end: `paths.csv` (trajectories of the final
//! policy) and, with the `plots` feature, `curves.png` and `grid.png` (the task's map with
//! those trajectories drawn over it).

use super::{FStats, SubpoLearner};
use ember_engine::MetricsRow;
use ember_engine::runtime::{RunConfig, RuntimeError};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One evaluation: a fresh batch of sampled trajectories and the greedy one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubpoEval {
    /// Normalised `F` over a batch of sampled trajectories.
    pub sampled: FStats,
    /// Normalised `F` of the trajectory taking the most likely action at every step.
    pub greedy: f64,
}

impl ember_engine::runtime::Evaluation for SubpoEval {
    /// `f_mean`, `f_max`, `f_median`, `f_min`, `f_raw` of the sampled batch and `f_greedy`.
    fn row(&self) -> MetricsRow {
        let s = &self.sampled;
        [
            ("f_mean", s.mean),
            ("f_max", s.max),
            ("f_median", s.median),
            ("f_min", s.min),
            ("f_raw", s.raw_mean),
            ("f_greedy", self.greedy),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// `F/MAX 0.812 (greedy 0.850)`.
    fn headline(&self) -> String {
        format!("F/MAX {:.3} (greedy {:.3})", self.sampled.mean, self.greedy)
    }
}

impl SubpoLearner {
    /// Evaluates the current policy on a batch of the configured size plus the greedy
    /// trajectory; also returns the sampled paths.
    pub fn evaluate(&mut self) -> Result<(SubpoEval, Vec<Vec<usize>>), String> {
        let batch = self.config().batch;
        let sampled = self
            .rollout(batch, false, false)
            .map_err(|e| e.to_string())?;
        let greedy = self.rollout(1, true, false).map_err(|e| e.to_string())?;
        let eval = SubpoEval {
            sampled: self.stats(&sampled),
            greedy: greedy.values[0] / self.setup().max_return,
        };
        let mut paths = greedy.paths;
        paths.extend(sampled.paths);
        Ok((eval, paths))
    }
}

/// Budget and outputs of a run.
#[derive(Clone, Debug)]
pub struct SubpoRunOptions {
    /// Epochs (`steps`), cadences, checkpoints, progress bar.
    pub run: RunConfig,
    /// Run directory; an existing run there resumes. `None`: a temporary one, removed at the
    /// end.
    pub run_dir: Option<PathBuf>,
    /// Sampled trajectories drawn in `grid.png` besides the greedy one.
    pub drawn_paths: usize,
}

/// What a run reports.
#[derive(Clone, Debug)]
pub struct SubpoReport {
    /// The evaluations of this process with their epoch; the last one after the final epoch
    /// (for a finished run rerun, an evaluation of its final policy).
    pub evaluations: Vec<(usize, SubpoEval)>,
    /// Paths of the final evaluation: the greedy one first, then the sampled ones.
    pub paths: Vec<Vec<usize>>,
}

impl SubpoReport {
    /// The final evaluation.
    pub fn last(&self) -> &SubpoEval {
        &self
            .evaluations
            .last()
            .expect("a run evaluates at the end")
            .1
    }
}

/// Trains `learner` for `options.run.steps` epochs, resuming from the newest checkpoint of
/// the run directory when there is one, and writes the run's files (see the module
/// documentation).
pub fn train_run(
    learner: &mut SubpoLearner,
    options: &SubpoRunOptions,
) -> Result<SubpoReport, RuntimeError> {
    let (dir, _temporary) = crate::run_dir::run_dir_or_temp(options.run_dir.as_ref())?;
    let mut paths = Vec::new();
    let summary = ember_engine::runtime::train(learner, &dir, &options.run, |learner, _| {
        let (eval, sampled) = learner.evaluate()?;
        paths = sampled;
        Ok(eval)
    })?;
    let mut evaluations = summary.evaluations;
    if evaluations.is_empty() {
        // A finished run rerun trains nothing: evaluate the policy its checkpoint holds.
        let (eval, sampled) = learner.evaluate().map_err(|message| RuntimeError::Eval {
            step: summary.steps,
            message,
        })?;
        paths = sampled;
        evaluations.push((summary.steps, eval));
    }
    if options.run_dir.is_some() {
        write_paths(&dir, learner, &paths)?;
        #[cfg(feature = "plots")]
        {
            let drawn = &paths[..paths.len().min(options.drawn_paths + 1)];
            pictures(&dir, learner, drawn)?;
        }
    }
    Ok(SubpoReport { evaluations, paths })
}

/// `paths.csv`: one trajectory per line as `kind,F/MAX,cells...` (`greedy` first).
fn write_paths(
    dir: &Path,
    learner: &SubpoLearner,
    paths: &[Vec<usize>],
) -> Result<(), RuntimeError> {
    let setup = learner.setup();
    let mut text = String::from("kind,f_normalised,cells\n");
    for (i, p) in paths.iter().enumerate() {
        let kind = if i == 0 { "greedy" } else { "sampled" };
        let f = setup.objective.value(p) / setup.max_return;
        let cells: Vec<String> = p.iter().map(usize::to_string).collect();
        let _ = writeln!(text, "{kind},{f},{}", cells.join(" "));
    }
    let path = dir.join("paths.csv");
    std::fs::write(&path, text).map_err(|e| RuntimeError::io(&path, e))
}

/// `curves.png` from `train.csv` (normalised F per epoch) and `grid.png`.
#[cfg(feature = "plots")]
fn pictures(dir: &Path, learner: &SubpoLearner, paths: &[Vec<usize>]) -> Result<(), RuntimeError> {
    use crate::plot::{Curve, GridPicture, Labels, grid_paths, line_chart};
    let png_error = |path: &Path, e: crate::plot::PlotError| {
        RuntimeError::io(path, std::io::Error::other(e.to_string()))
    };
    let csv = dir.join("train.csv");
    let text = std::fs::read_to_string(&csv).map_err(|e| RuntimeError::io(&csv, e))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| {
            l.split(',')
                .map(|c| c.parse().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    let curves: Vec<Curve> = ["f_max", "f_mean", "f_median", "f_min"]
        .iter()
        .filter_map(|name| {
            let col = header.iter().position(|h| h == name)?;
            Some(Curve {
                label: name.trim_start_matches("f_").to_string(),
                points: rows.iter().map(|r| (r[0], r[col], 0.0)).collect(),
            })
        })
        .collect();
    let setup = learner.setup();
    let title = format!(
        "{} {} on {} (instance {})",
        learner.config().method.name(),
        match learner.config().credit {
            super::Credit::RewardToGo => "rtg",
            super::Credit::OneStep => "one-step",
        },
        setup.task.name(),
        setup.instance
    );
    let path = dir.join("curves.png");
    let labels = Labels {
        title: &title,
        x: "epoch",
        y: "F(τ) / MAX_Ret over the batch",
    };
    line_chart(&path, labels, &curves).map_err(|e| png_error(&path, e))?;
    let path = dir.join("grid.png");
    let picture = GridPicture {
        rows: setup.grid.rows(),
        cols: setup.grid.cols(),
        map: &setup.map,
        blocked: &(0..setup.grid.n_cells())
            .map(|n| setup.grid.is_blocked(n))
            .collect::<Vec<_>>(),
        paths,
    };
    let title = format!(
        "{title}: {} and final trajectories (greedy bold)",
        setup.map_label
    );
    let labels = Labels {
        title: &title,
        x: "column",
        y: "row (0 at the top)",
    };
    grid_paths(&path, labels, &picture).map_err(|e| png_error(&path, e))
}
