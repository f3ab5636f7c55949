//! A training run killed with SIGKILL after its first checkpoint and started again with the same
//! command writes the same `train.csv` and `eval.csv` as a run that was never interrupted (CPU,
//! same seed): the checkpoint restores networks and optimizers, the random streams restart from
//! (seed, step) at every checkpoint, and the metrics written after the checkpoint by the killed
//! process are dropped on resume.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn workspace(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

/// A small TD3+BC run: checkpoints every 300 steps, evaluations every 300.
const CONFIG: &str = r#"
[algo]
algo = "td3bc"
hidden = [32, 32]
batch_size = 64

[run]
steps = 3_000
eval_every = 300
log_every = 50
checkpoint_every = 300
keep_checkpoints = 2

[eval]
episodes = 2
"#;

fn train(run_dir: &Path, config: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ember"));
    command
        .args([
            "--quiet", "train", "--env", "pendulum", "--device", "cpu", "--seed", "3",
        ])
        .arg("--dataset")
        .arg(workspace("data/pendulum-mixed.hdf5"))
        .arg("--config")
        .arg(config)
        .arg("--run-dir")
        .arg(run_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

#[test]
fn a_killed_run_resumes_as_if_uninterrupted() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("td3bc.toml");
    std::fs::write(&config, CONFIG).unwrap();

    let whole = tmp.path().join("whole");
    assert!(train(&whole, &config).status().unwrap().success());

    let killed = tmp.path().join("killed");
    let mut child = train(&killed, &config).spawn().unwrap();
    let latest = killed.join("checkpoints/latest");
    let start = Instant::now();
    while !latest.exists() {
        assert!(start.elapsed() < Duration::from_secs(300), "no checkpoint");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(150));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let last_line = |dir: &Path| {
        let text = std::fs::read_to_string(dir.join("train.csv")).unwrap();
        text.lines().last().unwrap().to_string()
    };
    assert!(
        !last_line(&killed).starts_with("3000,"),
        "the run ended before it was killed"
    );

    assert!(train(&killed, &config).status().unwrap().success());
    for file in ["train.csv", "eval.csv"] {
        let read = |dir: &Path| std::fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(
            read(&killed),
            read(&whole),
            "{file} differs after the resume"
        );
    }
}
