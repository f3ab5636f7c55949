//! A GFlowNet training run: the step loop, the evaluation metrics over training (modes found,
//! top-k mean reward and diversity, L1 to the exact target, hypervolume of the sampled Pareto
//! front), and the files of the run directory.

use super::plot_data::{PlotData, write_plot_data};
use super::{Exploration, GflowNet, Task, TrajectoryOf};
use ember_engine::MetricsRow;
use ember_engine::runtime::{MetricsLog, RuntimeError};
use ember_envs::gfn::metrics::{ModeTracker, TopK, hypervolume};
use ember_envs::gfn::objective::dominates;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

/// Budget and outputs of a run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Gradient steps.
    pub steps: usize,
    /// Evaluate every this many steps (and after the last).
    pub eval_every: usize,
    /// On-policy samples drawn after training (written to `samples.csv`).
    pub final_samples: usize,
    /// `k` of the top-k metrics.
    pub top_k: usize,
    /// Where files go (`None`: nothing is written).
    pub run_dir: Option<PathBuf>,
    /// Show a progress bar.
    pub progress: bool,
    /// Names of the objectives (CSV headers); one name for a scalar task.
    pub objective_names: Vec<String>,
}

/// One evaluation during training.
#[derive(Clone, Debug, PartialEq)]
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

/// What a run reports.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// Every evaluation, the last one after the final step.
    pub evaluations: Vec<Evaluation>,
    /// The top-k unique objects over training, best first: key, reward, objectives.
    pub top: Vec<(String, f64, Vec<f64>)>,
    /// Training throughput: trajectories through the loss per second (sampling, loss and
    /// update together; replayed trajectories count, so with replay this exceeds the fresh
    /// sampling rate).
    pub train_trajectories_per_second: f64,
    /// On-policy sampling throughput of the final draw (trajectories per second).
    pub sample_trajectories_per_second: f64,
    /// The final on-policy samples: key and objectives.
    pub samples: Vec<(String, f64, Vec<f64>)>,
}

impl RunReport {
    /// The last evaluation.
    pub fn last(&self) -> &Evaluation {
        self.evaluations
            .last()
            .expect("a run evaluates at least once")
    }
}

/// What has been sampled so far.
struct History {
    modes: ModeTracker<String>,
    top: TopK<String>,
    objectives: HashMap<String, Vec<f64>>,
    /// The non-dominated unique objects so far, kept incrementally.
    front: Vec<Vec<f64>>,
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
        self.modes.observe(modes);
    }
}

/// Trains `gfn` for `options.steps` steps, evaluating along the way; writes `metrics.jsonl`,
/// `train.csv`, `eval.csv`, `samples.csv`, `top_k.csv`, the plot data and the final model
/// into the run directory when there is one.
pub fn train_run<T: Task>(
    gfn: &mut GflowNet<T>,
    options: &RunOptions,
) -> Result<RunReport, RuntimeError> {
    let mut log = match &options.run_dir {
        Some(dir) => Some(MetricsLog::open(dir, 0)?),
        None => None,
    };
    let mut history = History {
        modes: ModeTracker::new(),
        top: TopK::new(),
        objectives: HashMap::new(),
        front: Vec::new(),
    };
    let bar = options.progress.then(|| {
        let bar = ProgressBar::new(options.steps as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}",
            )
            .expect("valid template"),
        );
        bar
    });
    let mut evaluations = Vec::new();
    let mut train_seconds = 0.0;
    let multi = options.objective_names.len() > 1;
    for step in 1..=options.steps {
        let start = Instant::now();
        let (metrics, fresh) = gfn.train_step();
        let due = step % options.eval_every.max(1) == 0 || step == options.steps;
        let row = due.then(|| metrics.read());
        train_seconds += start.elapsed().as_secs_f64();
        history.observe(gfn.task(), &fresh);
        if let (Some(row), Some(log)) = (&row, log.as_mut()) {
            log.write("train", step, row)?;
        }
        if let Some(row) = row {
            if let Some(diverged) = row.iter().find(|(_, v)| !v.is_finite()) {
                return Err(RuntimeError::Diverged {
                    step,
                    metric: diverged.0.clone(),
                    value: *diverged.1,
                    last_good: "none (GFlowNet runs keep only the final model)".into(),
                });
            }
            let keys: Vec<String> = history
                .top
                .top(options.top_k)
                .into_iter()
                .map(|p| p.0)
                .collect();
            let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
            let eval = Evaluation {
                step,
                trajectories: history.modes.n_samples(),
                modes: history.modes.n_modes(),
                l1: gfn.l1_to_target(),
                top_k_mean: history.top.mean_top(options.top_k),
                top_k_diversity: gfn.task().diversity(&refs),
                hypervolume: multi.then(|| {
                    hypervolume(&history.front, &vec![0.0; options.objective_names.len()])
                }),
            };
            if let Some(log) = log.as_mut() {
                log.write("eval", step, &eval_row(&eval))?;
            }
            if let Some(bar) = &bar {
                bar.set_message(format!(
                    "loss {:.3} modes {}{}",
                    row.get("loss").copied().unwrap_or(f64::NAN),
                    eval.modes,
                    eval.l1.map_or(String::new(), |l| format!(" L1 {l:.3}"))
                ));
            }
            evaluations.push(eval);
        }
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let start = Instant::now();
    let finals = gfn.sample(options.final_samples, Exploration::ON_POLICY);
    let sample_seconds = start.elapsed().as_secs_f64();
    let task = gfn.task();
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
        .top
        .top(options.top_k)
        .into_iter()
        .map(|(k, r)| {
            let o = history.objectives[&k].clone();
            (k, r, o)
        })
        .collect();
    let report = RunReport {
        evaluations,
        top,
        train_trajectories_per_second: (options.steps * gfn.config().batch_size) as f64
            / train_seconds.max(1e-9),
        sample_trajectories_per_second: options.final_samples as f64 / sample_seconds.max(1e-9),
        samples,
    };
    if let Some(dir) = &options.run_dir {
        let names = &options.objective_names;
        write_table(dir, "samples.csv", names, &report.samples, true)?;
        write_table(dir, "top_k.csv", names, &report.top, false)?;
        let plot = PlotData {
            log_rewards: report.samples.iter().map(|s| s.1).collect(),
            modes: history.modes.history().to_vec(),
            pareto_front: if multi {
                history.front.clone()
            } else {
                Vec::new()
            },
            objective_names: names.clone(),
        };
        write_plot_data(dir, &plot)?;
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
