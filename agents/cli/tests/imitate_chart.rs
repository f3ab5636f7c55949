//! `ember imitate` draws its learning curve (`imitation.png`) from the run's evaluations, and
//! says nothing else on stderr.

use std::path::Path;
use std::process::Command;

fn ember(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ember"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the ember binary runs")
}

#[test]
fn imitate_draws_its_learning_curve() {
    let dir = tempfile::tempdir().unwrap();
    let collect = ember(
        &[
            "--quiet",
            "collect",
            "--env",
            "pendulum",
            "--policy",
            "scripted",
            "--steps",
            "400",
            "--out",
            "expert.hdf5",
        ],
        dir.path(),
    );
    assert!(collect.status.success(), "{collect:?}");
    let run = ember(
        &[
            "--quiet",
            "imitate",
            "--algo",
            "gail",
            "--expert",
            "expert.hdf5",
            "--env",
            "pendulum",
            "--demos",
            "2",
            "--steps",
            "400",
            "--eval-every",
            "200",
            "--eval-episodes",
            "1",
            "--bc-steps",
            "0",
            "--run-dir",
            "run",
        ],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(dir.path().join("run/imitation.png").is_file(), "{stderr}");
}
