//! The training runtime's promises: resume from the latest checkpoint, stop on NaN keeping the
//! last good checkpoint, and write the metrics files. A counter stands in for a network.

use burn::tensor::{Device, Tensor};
use ember_engine::Metrics;
use ember_engine::runtime::{EvalReport, Learner, MetricsLog, RunConfig, RuntimeError, train};
use std::path::Path;

/// Counts its steps; reports the count as `loss`, or NaN from step `nan_at` on.
struct Counter {
    count: f32,
    nan_at: Option<usize>,
    steps_taken: usize,
}

impl Counter {
    fn new(nan_at: Option<usize>) -> Self {
        Self {
            count: 0.0,
            nan_at,
            steps_taken: 0,
        }
    }
}

impl Learner for Counter {
    fn train_step(&mut self, step: usize) -> Metrics {
        self.count += 1.0;
        self.steps_taken += 1;
        let value = if self.nan_at.is_some_and(|at| step >= at) {
            f32::NAN
        } else {
            self.count
        };
        let mut metrics = Metrics::new();
        metrics.push("loss", Tensor::<1>::from_floats([value], &Device::flex()));
        metrics
    }

    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        let path = dir.join("count.txt");
        std::fs::write(&path, self.count.to_string()).map_err(|e| RuntimeError::io(path, e))
    }

    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        let path = dir.join("count.txt");
        let text = std::fs::read_to_string(&path).map_err(|e| RuntimeError::io(&path, e))?;
        self.count = text.parse().map_err(|_| RuntimeError::Checkpoint {
            path,
            problem: format!("not a number: {text}"),
        })?;
        Ok(())
    }
}

fn config(steps: usize) -> RunConfig {
    RunConfig {
        steps,
        eval_every: 10,
        log_every: 5,
        checkpoint_every: 10,
        keep_checkpoints: 2,
        progress: false,
    }
}

fn report(learner: &mut Counter, _step: usize) -> Result<EvalReport, String> {
    Ok(EvalReport {
        returns: vec![learner.count as f64],
        normalized: None,
        normalized_returns: None,
    })
}

#[test]
fn resumes_from_the_latest_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = Counter::new(None);
    let summary = train(&mut first, dir.path(), &config(30), report).unwrap();
    assert_eq!((summary.steps, first.steps_taken), (30, 30));

    // A longer budget in the same directory continues from step 30 with the saved state.
    let mut second = Counter::new(None);
    let summary = train(&mut second, dir.path(), &config(50), report).unwrap();
    assert_eq!((summary.steps, second.steps_taken), (50, 20));
    assert_eq!(second.count, 50.0);
    assert_eq!(summary.last().unwrap().returns, vec![50.0]);

    let train_csv = std::fs::read_to_string(dir.path().join("train.csv")).unwrap();
    assert!(
        train_csv.lines().any(|l| l.starts_with("50,")),
        "{train_csv}"
    );
    assert!(dir.path().join("metrics.jsonl").exists() && dir.path().join("eval.csv").exists());

    // Both processes' evaluations read back, one per step, in step order.
    let evaluations = MetricsLog::evaluations(dir.path()).unwrap();
    let steps: Vec<usize> = evaluations.iter().map(|e| e.step).collect();
    assert_eq!(steps, [10, 20, 30, 40, 50]);
    assert_eq!(evaluations[4].return_mean, 50.0);
}

#[test]
fn evaluations_repeated_after_a_resume_replace_the_earlier_ones() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"kind":"eval","step":10,"return_mean":1.0,"return_std":0.5}"#,
        r#"{"kind":"train","step":10,"loss":3.0}"#,
        r#"{"kind":"eval","step":20,"return_mean":2.0}"#,
        r#"{"kind":"eval","step":20,"return_mean":4.0,"normalized_score":40.0}"#,
    ];
    std::fs::write(dir.path().join("metrics.jsonl"), lines.join("\n")).unwrap();
    let evaluations = MetricsLog::evaluations(dir.path()).unwrap();
    assert_eq!(evaluations.len(), 2);
    assert_eq!(
        (evaluations[0].return_mean, evaluations[0].return_std),
        (1.0, 0.5)
    );
    assert_eq!(
        (evaluations[1].return_mean, evaluations[1].score()),
        (4.0, 40.0)
    );

    std::fs::write(dir.path().join("metrics.jsonl"), "{\"kind\":\"eval\"}\n").unwrap();
    let err = MetricsLog::evaluations(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("metrics.jsonl:1") && err.contains("return_mean"),
        "{err}"
    );
}

#[test]
fn nan_stops_the_run_and_keeps_the_last_good_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let mut learner = Counter::new(Some(23));
    let err = train(&mut learner, dir.path(), &config(50), report)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("step 25") && err.contains("`loss` is NaN"),
        "{err}"
    );
    assert!(
        err.contains("step-000000020"),
        "names the good checkpoint: {err}"
    );

    // The next run resumes from step 20 (the last finite state), not from the diverged one.
    let mut resumed = Counter::new(None);
    let summary = train(&mut resumed, dir.path(), &config(30), report).unwrap();
    assert_eq!((resumed.steps_taken, resumed.count), (10, 30.0));
    assert_eq!(summary.steps, 30);
}
