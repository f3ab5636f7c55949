//! One cell of the grid, run in its own process: train, then write `result.json`.

use super::grid::{RESULT_FILE, RunSpec};
use anyhow::Context;
use ember::config::TrainConfig;
use ember::engine::runtime::{EvalPoint, MetricsLog};
use ember::train::{TrainJob, train};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Instant;

/// The job file the parent writes and the child reads.
pub const JOB_FILE: &str = "job.json";

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
    // The grid's output directory is four levels up: <out>/runs/<dataset>/<method>/s<seed>.
    let out = dir.ancestors().nth(4).unwrap_or(dir);
    let base = spec.base_dir(out);
    if let Some(base) = base.as_ref().filter(|b| !b.join(RESULT_FILE).exists()) {
        anyhow::bail!("base run {} has not finished", base.display());
    }
    let start = Instant::now();
    train(&TrainJob {
        config,
        dataset: spec.dataset_path.clone(),
        expert: spec.expert.clone(),
        env: spec.env.clone(),
        device: spec.device.clone(),
        seed: spec.seed,
        run_dir: dir.to_path_buf(),
        base,
    })?;
    let evaluations = MetricsLog::evaluations(dir)?;
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
