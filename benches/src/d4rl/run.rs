//! One cell of the grid, run in its own process: train, then write `result.json`.

use super::grid::{RESULT_FILE, RunSpec};
use anyhow::Context;
use ember::config::TrainConfig;
use ember::train::{TrainJob, train};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Instant;

/// The job file the parent writes and the child reads.
pub const JOB_FILE: &str = "job.json";

/// One evaluation of a finished run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EvalPoint {
    /// Gradient steps done.
    pub step: usize,
    /// Mean episode return.
    pub return_mean: f64,
    /// Standard deviation of the episode returns.
    pub return_std: f64,
    /// Normalised score of the mean return, when the dataset has reference scores.
    pub normalized: Option<f64>,
}

impl EvalPoint {
    /// The score the tables report: normalised when known, the raw return otherwise.
    pub fn score(&self) -> f64 {
        self.normalized.unwrap_or(self.return_mean)
    }
}

/// What a finished run leaves in `result.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunResult {
    /// The cell.
    pub spec: RunSpec,
    /// Every evaluation, in step order.
    pub evaluations: Vec<EvalPoint>,
    /// Wall-clock seconds of this process (a resumed run counts only its last part).
    pub wall_s: f64,
}

impl RunResult {
    /// The last evaluation.
    pub fn last(&self) -> Option<&EvalPoint> {
        self.evaluations.last()
    }

    /// The best evaluation by score.
    pub fn best(&self) -> Option<&EvalPoint> {
        self.evaluations
            .iter()
            .max_by(|a, b| a.score().total_cmp(&b.score()))
    }
}

/// Runs the job in `dir/job.json` (resuming from the directory's checkpoint if there is one)
/// and writes `dir/result.json`.
pub fn run_cell(dir: &Path) -> anyhow::Result<()> {
    let job_path = dir.join(JOB_FILE);
    let text = std::fs::read_to_string(&job_path)
        .with_context(|| format!("cannot read {}", job_path.display()))?;
    let spec: RunSpec = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a benchmark job", job_path.display()))?;
    let mut config: TrainConfig = toml::from_str(&spec.config)
        .with_context(|| format!("{}: invalid configuration", job_path.display()))?;
    config.run.progress = false;
    let start = Instant::now();
    train(&TrainJob {
        config,
        dataset: spec.dataset_path.clone(),
        expert: spec.expert.clone(),
        env: spec.env.clone(),
        device: spec.device.clone(),
        seed: spec.seed,
        run_dir: dir.to_path_buf(),
    })?;
    let evaluations = read_evaluations(dir)?;
    let result = RunResult {
        spec,
        evaluations,
        wall_s: start.elapsed().as_secs_f64(),
    };
    let tmp = dir.join(format!("{RESULT_FILE}.tmp"));
    std::fs::write(&tmp, serde_json::to_string_pretty(&result)?)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, dir.join(RESULT_FILE))
        .with_context(|| format!("cannot write {}", dir.join(RESULT_FILE).display()))
}

/// The evaluations logged in `dir/metrics.jsonl`, including those before a resume; an
/// evaluation repeated after a resume replaces the earlier one of the same step.
fn read_evaluations(dir: &Path) -> anyhow::Result<Vec<EvalPoint>> {
    let path = dir.join("metrics.jsonl");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut by_step = std::collections::BTreeMap::new();
    for (line_no, line) in text.lines().enumerate() {
        let row: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not JSON", path.display(), line_no + 1))?;
        if row["kind"] != "eval" {
            continue;
        }
        let number = |key: &str| row[key].as_f64();
        let (Some(step), Some(return_mean)) = (row["step"].as_u64(), number("return_mean")) else {
            anyhow::bail!(
                "{}:{}: evaluation without step or return",
                path.display(),
                line_no + 1
            );
        };
        by_step.insert(
            step as usize,
            EvalPoint {
                step: step as usize,
                return_mean,
                return_std: number("return_std").unwrap_or(0.0),
                normalized: number("normalized_score"),
            },
        );
    }
    Ok(by_step.into_values().collect())
}
