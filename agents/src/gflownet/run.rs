//! A GFlowNet training run through the shared runtime ([`ember_engine::runtime::train`]: progress
//! bar, NaN guard, metrics files, checkpoints and resume), the evaluation metrics over training
//! (modes found, top-k mean reward and diversity, L1 to the exact target, hypervolume of the
//! sampled Pareto front), and the files written at the end of a run.

use super::plot_data::{PlotData, write_plot_data};
use super::{Exploration, GflowNet, Task, TrajectoryOf};
use crate::checkpoint::{load_json, save_json};
use ember_engine::runtime::{Learner, RunConfig, RuntimeError};
use ember_engine::{Metrics, MetricsRow};
use ember_envs::gfn::metrics::{ModeTracker, TopK, hypervolume};
use ember_envs::gfn::objective::dominates;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Budget, cadence and outputs of a run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Steps, evaluation, logging and checkpoint cadence, checkpoints kept, progress bar.
    pub run: RunConfig,
    /// On-policy samples drawn after training (written to `samples.csv`).
    pub final_samples: usize,
    /// `k` of the top-k metrics.
    pub top_k: usize,
    /// Where files and checkpoints go; an existing run there resumes from its newest
    /// checkpoint. `None`: a temporary directory, removed at the end (nothing is kept).
    pub run_dir: Option<PathBuf>,
    /// Names of the objectives (CSV headers); one name for a scalar task.
    pub objective_names: Vec<String>,
}

/// One evaluation during training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Steps done.
    pub step: usize,
    /// Training trajectories sampled so far.
    pub trajectories: usize,
    /// Distinct modes among them.
    pub modes: usize,
    /// L1 of the exact terminating distribution to the target (enumerable tasks).
    pub l1: Option<f64>,
    /// Mean reward of the top-k unique objects sampled so far.
    pub top_k_mean: Option<f64>,
    /// Mean pairwise distance of those top-k objects (tasks with a distance).
    pub top_k_diversity: Option<f64>,
    /// Hypervolume (reference 0) of the Pareto front of everything sampled (several
    /// objectives).
    pub hypervolume: Option<f64>,
}

impl ember_engine::runtime::Evaluation for Evaluation {
    /// `trajectories`, `modes`, and whichever of `l1`, `top_k_mean`, `top_k_diversity`,
    /// `hypervolume` the task has.
    fn row(&self) -> MetricsRow {
        eval_row(self)
    }

    /// `modes 4 L1 0.123` (enumerable tasks), `modes 12 top-k 0.812 HV 0.301` (others).
    fn headline(&self) -> String {
        let mut text = format!("modes {}", self.modes);
        match (self.l1, self.top_k_mean) {
            (Some(l1), _) => {
                let _ = write!(text, " L1 {l1:.3}");
            }
            (None, Some(mean)) => {
                let _ = write!(text, " top-k {mean:.3}");
            }
            (None, None) => {}
        }
        if let Some(hv) = self.hypervolume {
            let _ = write!(text, " HV {hv:.3}");
        }
        text
    }
}

/// What a run reports.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// Every evaluation of the run (those before a resume included), the last one after the
    /// final step.
    pub evaluations: Vec<Evaluation>,
    /// The top-k unique objects over training, best first: key, reward, objectives.
    pub top: Vec<(String, f64, Vec<f64>)>,
    /// Training throughput of this process: trajectories through the loss per second
    /// (sampling, loss and update together; replayed trajectories count, so with replay this
    /// exceeds the fresh sampling rate); 0 when this process trained no step (a finished run
    /// rerun).
    pub train_trajectories_per_second: f64,
    /// On-policy sampling throughput of the final draw (trajectories per second).
    pub sample_trajectories_per_second: f64,
    /// The final on-policy samples: key, `log R` and objectives.
    pub samples: Vec<(String, f64, Vec<f64>)>,
    /// The distinct modes found over training (after the similarity filter, if any): key and
    /// reward, best first.
    pub modes: Vec<(String, f64)>,
}

impl RunReport {
    /// The last evaluation.
    pub fn last(&self) -> &Evaluation {
        self.evaluations
            .last()
            .expect("a run evaluates at least once")
    }
}

/// What has been sampled so far, and the evaluations made of it.
#[derive(Default)]
struct History {
    modes: ModeTracker<String>,
    top: TopK<String>,
    objectives: HashMap<String, Vec<f64>>,
    /// The non-dominated unique objects so far, kept incrementally.
    front: Vec<Vec<f64>>,
    evaluations: Vec<Evaluation>,
}

/// [`History`] as a checkpoint keeps it (`history.json`); rewards and objectives as the bits
/// of their `f64`s, so they read back exactly.
#[derive(Serialize, Deserialize)]
struct SavedHistory {
    modes: ModeTracker<String>,
    /// Every unique object: key, reward, objectives.
    objects: Vec<(String, u64, Vec<u64>)>,
    front: Vec<Vec<u64>>,
    evaluations: Vec<Evaluation>,
}

fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

fn from_bits(values: &[u64]) -> Vec<f64> {
    values.iter().map(|&v| f64::from_bits(v)).collect()
}

impl History {
    fn observe<T: Task>(&mut self, task: &T, batch: &[TrajectoryOf<T>]) {
        let mut modes = Vec::with_capacity(batch.len());
        for t in batch {
            let key = task.key(t.object());
            modes.push((key.clone(), task.is_mode(t.object(), &t.score)));
            self.top.insert(key.clone(), t.score.log_reward.exp());
            if self.objectives.contains_key(&key) {
                continue;
            }
            let p = &t.score.objectives;
            self.objectives.insert(key, p.clone());
            if !self.front.iter().any(|q| dominates(q, p)) {
                self.front.retain(|q| !dominates(p, q));
                self.front.push(p.clone());
            }
        }
        self.modes
            .observe_distinct(modes, |a, b| task.similar_modes(a, b));
    }

    /// The `k` best unique objects, best first, ties by key (so the top-k set, its
    /// diversity and `top_k.csv` do not depend on hash order).
    fn best(&self, k: usize) -> Vec<(String, f64)> {
        let mut all = self.top.top(usize::MAX);
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(k);
        all
    }

    fn saved(&self) -> SavedHistory {
        let mut objects: Vec<(String, u64, Vec<u64>)> = self
            .top
            .top(usize::MAX)
            .into_iter()
            .map(|(key, reward)| {
                let objectives = self.objectives.get(&key).map_or_else(Vec::new, |o| bits(o));
                (key, reward.to_bits(), objectives)
            })
            .collect();
        objects.sort_by(|a, b| a.0.cmp(&b.0));
        SavedHistory {
            modes: self.modes.clone(),
            objects,
            front: self.front.iter().map(|p| bits(p)).collect(),
            evaluations: self.evaluations.clone(),
        }
    }

    fn from_saved(saved: SavedHistory) -> Self {
        let mut top = TopK::new();
        let mut objectives = HashMap::with_capacity(saved.objects.len());
        for (key, reward, objective) in saved.objects {
            top.insert(key.clone(), f64::from_bits(reward));
            objectives.insert(key, from_bits(&objective));
        }
        Self {
            modes: saved.modes,
            top,
            objectives,
            front: saved.front.iter().map(|p| from_bits(p)).collect(),
            evaluations: saved.evaluations,
        }
    }
}

/// A GFlowNet run as [`ember_engine::runtime::train`] drives it: a step is one
/// [`GflowNet::train_step`] plus recording what it sampled (modes, top-k, Pareto front);
/// a checkpoint holds the GFlowNet ([`GflowNet::save`]: estimators, optimisers, replay) and
/// that history with the evaluations so far (`history.json`), so a resumed run continues its
/// curves.
pub struct GfnLearner<'a, T: Task> {
    gfn: &'a mut GflowNet<T>,
    history: History,
    top_k: usize,
    n_objectives: usize,
    train_seconds: f64,
    steps_trained: usize,
}

impl<'a, T: Task> GfnLearner<'a, T> {
    /// A fresh run of `gfn` whose evaluations report the top `top_k` objects and, with more
    /// than one objective, the hypervolume.
    pub fn new(gfn: &'a mut GflowNet<T>, top_k: usize, n_objectives: usize) -> Self {
        Self {
            gfn,
            history: History::default(),
            top_k,
            n_objectives,
            train_seconds: 0.0,
            steps_trained: 0,
        }
    }

    /// Evaluates the run after `step` steps and records the evaluation in the history.
    pub fn evaluate(&mut self, step: usize) -> Evaluation {
        let history = &self.history;
        let keys: Vec<String> = history.best(self.top_k).into_iter().map(|p| p.0).collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let eval = Evaluation {
            step,
            trajectories: history.modes.n_samples(),
            modes: history.modes.n_modes(),
            l1: self.gfn.l1_to_target(),
            top_k_mean: history.top.mean_top(self.top_k),
            top_k_diversity: self.gfn.task().diversity(&refs),
            hypervolume: (self.n_objectives > 1)
                .then(|| hypervolume(&history.front, &vec![0.0; self.n_objectives])),
        };
        self.history.evaluations.push(eval.clone());
        eval
    }

    /// Every evaluation of the run so far, those before a resume included.
    pub fn evaluations(&self) -> &[Evaluation] {
        &self.history.evaluations
    }
}

impl<T: Task> Learner for GfnLearner<'_, T> {
    fn train_step(&mut self, step: usize) -> Result<Metrics, RuntimeError> {
        let start = Instant::now();
        let (metrics, fresh) = self.gfn.train_step();
        if let Some(message) = self.gfn.task().failure() {
            return Err(RuntimeError::Step { step, message });
        }
        self.train_seconds += start.elapsed().as_secs_f64();
        self.steps_trained += 1;
        self.history.observe(self.gfn.task(), &fresh);
        Ok(metrics)
    }

    fn reseed(&mut self, step: usize) {
        self.gfn.reseed(step);
    }

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        self.gfn.save(dir)?;
        save_json(&self.history.saved(), dir, "history")
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        let saved: SavedHistory = load_json(dir, "history")?;
        self.gfn.load(dir)?;
        self.history = History::from_saved(saved);
        Ok(())
    }
}

/// Trains `gfn` for `options.run.steps` steps through [`ember_engine::runtime::train`],
/// resuming from the newest checkpoint of the run directory when there is one; writes
/// `metrics.jsonl`, `train.csv`, `eval.csv` and `checkpoints/` along the way, and at the end
/// `samples.csv`, `top_k.csv`, the plot data and the final state (`model/`). Without a run
/// directory it trains in a temporary one that is removed afterwards.
pub fn train_run<T: Task>(
    gfn: &mut GflowNet<T>,
    options: &RunOptions,
) -> Result<RunReport, RuntimeError> {
    // Held to the end of the run: dropping it removes the temporary directory.
    let (dir, _temporary) = crate::run_dir::run_dir_or_temp(options.run_dir.as_ref())?;
    let names = &options.objective_names;
    let mut learner = GfnLearner::new(gfn, options.top_k, names.len());
    ember_engine::runtime::train(&mut learner, &dir, &options.run, |learner, step| {
        Ok(learner.evaluate(step))
    })?;
    let GfnLearner {
        gfn,
        history,
        train_seconds,
        steps_trained,
        ..
    } = learner;
    let start = Instant::now();
    let finals = gfn.sample(options.final_samples, Exploration::ON_POLICY);
    let sample_seconds = start.elapsed().as_secs_f64();
    let task = gfn.task();
    if let Some(message) = task.failure() {
        return Err(RuntimeError::Step {
            step: options.run.steps,
            message: format!("drawing the final samples: {message}"),
        });
    }
    let samples: Vec<(String, f64, Vec<f64>)> = finals
        .iter()
        .map(|t| {
            (
                task.key(t.object()),
                t.score.log_reward,
                t.score.objectives.clone(),
            )
        })
        .collect();
    let top: Vec<(String, f64, Vec<f64>)> = history
        .best(options.top_k)
        .into_iter()
        .map(|(k, r)| {
            let o = history.objectives.get(&k).cloned().unwrap_or_default();
            (k, r, o)
        })
        .collect();
    let mut modes: Vec<(String, f64)> = history
        .modes
        .modes()
        .map(|k| (k.clone(), history.top.get(k).unwrap_or(0.0)))
        .collect();
    modes.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let multi = names.len() > 1;
    let train_trajectories = (steps_trained * gfn.config().batch_size) as f64;
    let report = RunReport {
        top,
        train_trajectories_per_second: match steps_trained {
            0 => 0.0,
            _ => train_trajectories / train_seconds.max(1e-9),
        },
        sample_trajectories_per_second: options.final_samples as f64 / sample_seconds.max(1e-9),
        samples,
        modes,
        evaluations: history.evaluations,
    };
    if options.run_dir.is_some() {
        write_table(&dir, "samples.csv", names, &report.samples, true)?;
        write_table(&dir, "top_k.csv", names, &report.top, false)?;
        let plot = PlotData {
            log_rewards: report.samples.iter().map(|s| s.1).collect(),
            modes: history.modes.history().to_vec(),
            pareto_front: if multi { history.front } else { Vec::new() },
            objective_names: names.clone(),
        };
        write_plot_data(&dir, &plot)?;
        gfn.save(&dir.join("model"))?;
    }
    Ok(report)
}

fn eval_row(e: &Evaluation) -> MetricsRow {
    let mut row = MetricsRow::new();
    row.insert("trajectories".into(), e.trajectories as f64);
    row.insert("modes".into(), e.modes as f64);
    let optional = [
        ("l1", e.l1),
        ("top_k_mean", e.top_k_mean),
        ("top_k_diversity", e.top_k_diversity),
        ("hypervolume", e.hypervolume),
    ];
    for (name, value) in optional {
        if let Some(v) = value {
            row.insert(name.into(), v);
        }
    }
    row
}

/// Writes `key,<reward column>,objectives...` rows; `log` says whether the second column is
/// `log R` (samples) or `R` (the top-k table).
fn write_table(
    dir: &std::path::Path,
    name: &str,
    objectives: &[String],
    rows: &[(String, f64, Vec<f64>)],
    log: bool,
) -> Result<(), RuntimeError> {
    let reward = if log { "log_reward" } else { "reward" };
    let mut text = format!("key,{reward},{}\n", objectives.join(","));
    for (key, r, o) in rows {
        let cells: Vec<String> = o.iter().map(f64::to_string).collect();
        let _ = writeln!(text, "\"{key}\",{r},{}", cells.join(","));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| RuntimeError::io(&path, e))
}
