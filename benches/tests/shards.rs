//! Two `--shard` processes writing into one `--out`, then `--report-only`, give the report a
//! single process gives for the whole grid.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bench(out: &Path, extra: &[&str]) {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data/pendulum-mixed.hdf5");
    let status = Command::new(env!("CARGO_BIN_EXE_d4rl-bench"))
        .args(["--algos", "bc,td3bc", "--env", "pendulum", "--seeds", "2"])
        .args([
            "--steps",
            "60",
            "--eval-every",
            "30",
            "--eval-episodes",
            "2",
        ])
        .arg("--datasets")
        .arg(&data)
        .arg("--out")
        .arg(out)
        .args(extra)
        .status()
        .expect("d4rl-bench starts");
    assert!(status.success(), "d4rl-bench {extra:?} failed");
}

#[test]
fn two_shards_and_a_merge_equal_one_process() {
    let tmp = tempfile::tempdir().unwrap();
    let (whole, sharded) = (tmp.path().join("whole"), tmp.path().join("sharded"));
    bench(&whole, &[]);
    bench(&sharded, &["--shard", "0/2"]);
    let half = std::fs::read_to_string(sharded.join("results.md")).unwrap();
    assert!(
        half.contains("n=1"),
        "shard 0/2 holds one seed per cell:\n{half}"
    );
    bench(&sharded, &["--shard", "1/2"]);
    bench(&sharded, &["--report-only"]);
    let read = |dir: &Path| std::fs::read_to_string(dir.join("results.md")).unwrap();
    assert_eq!(read(&whole), read(&sharded));
    assert!(read(&whole).contains("n=2"));
}
