//! Learning tests: each offline method, trained on the bundled dataset with a fixed seed, must
//! beat the behaviour policy that collected the data by a clear margin (O-DICE must also beat
//! behaviour cloning). Run in release mode.

use ember::config::TrainConfig;
use ember::train::{TrainJob, train};
use ember_tests::{bundled_dataset, workspace_path};

/// Trains with the preset `configs/pendulum/<algo>.toml` and returns (behaviour, agent) in
/// normalised-score points.
fn train_bundled(algo: &str) -> (f64, f64) {
    let mut config =
        TrainConfig::load(&workspace_path(&format!("configs/pendulum/{algo}.toml"))).unwrap();
    config.run.progress = false;
    let run_dir = tempfile::tempdir().unwrap();
    let job = TrainJob {
        config,
        dataset: bundled_dataset(),
        env: "pendulum".into(),
        device: "cpu".into(),
        seed: 0,
        run_dir: run_dir.path().to_path_buf(),
    };
    let outcome = train(&job).unwrap();
    let reference = outcome
        .reference
        .expect("the bundled dataset carries reference scores");
    let behaviour = reference.normalize(outcome.behaviour_return);
    let agent = outcome.summary.last().unwrap().normalized.unwrap();
    println!("{algo}: behaviour {behaviour:.1}, agent {agent:.1} (normalised)");
    (behaviour, agent)
}

const MARGIN: f64 = 20.0;

#[test]
fn iql_beats_behaviour_policy() {
    let (behaviour, agent) = train_bundled("iql");
    assert!(
        agent > behaviour + MARGIN,
        "IQL {agent:.1} vs behaviour {behaviour:.1}"
    );
}

#[test]
fn td3bc_beats_behaviour_policy() {
    let (behaviour, agent) = train_bundled("td3bc");
    assert!(
        agent > behaviour + MARGIN,
        "TD3+BC {agent:.1} vs behaviour {behaviour:.1}"
    );
}

/// O-DICE must beat behaviour cloning trained on the same data for the same budget (and so
/// also the behaviour policy).
#[test]
fn odice_beats_behaviour_cloning() {
    let (behaviour, agent) = train_bundled("odice");
    let (_, bc) = train_bundled("bc");
    assert!(agent > bc + MARGIN, "O-DICE {agent:.1} vs BC {bc:.1}");
    assert!(
        agent > behaviour + MARGIN,
        "O-DICE {agent:.1} vs behaviour {behaviour:.1}"
    );
}
