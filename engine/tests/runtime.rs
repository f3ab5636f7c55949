//! The training runtime's promises: resume from the latest checkpoint (or an older one when the
//! latest is corrupt), continue a crashed run exactly as if it had not crashed, stop on NaN
//! keeping the last good checkpoint, and write the metrics files. A counter with a random walk
//! stands in for a network.

use burn::tensor::{Device, Tensor};
use ember_engine::Metrics;
use ember_engine::runtime::{EvalReport, Learner, MetricsLog, RunConfig, RuntimeError, train};
use ember_engine::seed::stream_seed;
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::path::Path;

/// Counts its steps; reports the count as `loss`, or NaN from step `nan_at` on, and a random
/// walk (its own host generator, restarted by `reseed`) as `noise`.
struct Counter {
    count: f32,
    nan_at: Option<usize>,
    fail_at: Option<usize>,
    steps_taken: usize,
    rng: StdRng,
}

impl Counter {
    fn new(nan_at: Option<usize>) -> Self {
        Self {
            count: 0.0,
            nan_at,
            fail_at: None,
            steps_taken: 0,
            rng: StdRng::seed_from_u64(7),
        }
    }
}

impl Learner for Counter {
    fn train_step(&mut self, step: usize) -> Result<Metrics, RuntimeError> {
        if self.fail_at == Some(step) {
            return Err(RuntimeError::Step {
                step,
                message: "the environment refused the action".into(),
            });
        }
        self.count += 1.0;
        self.steps_taken += 1;
        let value = if self.nan_at.is_some_and(|at| step >= at) {
            f32::NAN
        } else {
            self.count
        };
        let mut metrics = Metrics::new();
        let device = Device::flex();
        metrics.push("loss", Tensor::<1>::from_floats([value], &device));
        let noise: f32 = self.rng.random();
        metrics.push("noise", Tensor::<1>::from_floats([noise], &device));
        Ok(metrics)
    }

    fn reseed(&mut self, step: usize) {
        self.rng = StdRng::seed_from_u64(stream_seed(7, step));
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

/// A run that dies after its checkpoint at step 20 (rows for steps 21-25 already written) and is
/// run again ends with the same metrics files as a run that never died.
#[test]
fn a_crashed_run_resumes_as_if_uninterrupted() {
    let whole = tempfile::tempdir().unwrap();
    train(&mut Counter::new(None), whole.path(), &config(40), report).unwrap();

    let crashed = tempfile::tempdir().unwrap();
    let mut dying = Counter::new(None);
    dying.fail_at = Some(26);
    let err = train(&mut dying, crashed.path(), &config(40), report)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("step 26 failed") && err.contains("refused"),
        "{err}"
    );
    let partial = std::fs::read_to_string(crashed.path().join("train.csv")).unwrap();
    assert!(partial.lines().any(|l| l.starts_with("25,")), "{partial}");
    train(&mut Counter::new(None), crashed.path(), &config(40), report).unwrap();

    for file in ["train.csv", "eval.csv", "metrics.jsonl"] {
        let read = |dir: &Path| std::fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(read(crashed.path()), read(whole.path()), "{file}");
    }
}

/// A truncated newest checkpoint is skipped with a warning; the run resumes from the one
/// before it.
#[test]
fn a_corrupt_latest_checkpoint_falls_back_to_the_previous_one() {
    let dir = tempfile::tempdir().unwrap();
    train(&mut Counter::new(None), dir.path(), &config(30), report).unwrap();
    let latest = dir.path().join("checkpoints/step-000000030/count.txt");
    std::fs::write(&latest, "3").unwrap();
    std::fs::write(&latest, "").unwrap();
    let mut resumed = Counter::new(None);
    let summary = train(&mut resumed, dir.path(), &config(40), report).unwrap();
    assert_eq!((resumed.steps_taken, resumed.count), (20, 40.0));
    assert_eq!(summary.steps, 40);

    // With every checkpoint unreadable the run stops and says why.
    for step in ["30", "40"] {
        let path = dir
            .path()
            .join(format!("checkpoints/step-0000000{step}/count.txt"));
        if path.exists() {
            std::fs::write(path, "x").unwrap();
        }
    }
    let err = train(&mut Counter::new(None), dir.path(), &config(50), report)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no checkpoint can be read"), "{err}");
}
