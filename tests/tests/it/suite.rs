//! `ember collect-suite` on Pendulum with a tiny budget: the five D4RL files have the D4RL keys
//! and row counts, 200-step episodes ending in timeouts, `next_observations` that agree with the
//! next row, medium-expert = medium ++ expert, the suite's reference scores in every file and in
//! `reference_scores.json`, and mean returns ordered random < medium < expert; and
//! `scripts/check_d4rl_suite.py` accepts the files when h5py is installed. Run in release
//! mode (about half a minute). Bad input is refused with a message before any training, and an
//! interrupted suite resumes from its checkpoint.

use ember::config::ConfigFile;
use ember::datasets::{MetaValue, OfflineDataset, d4rl};
use ember::engine::runtime::Checkpoints;
use ember::online::OnlineConfig;
use ember::suite::{KINDS, SuiteOptions, build_suite, complete_mean_return, suite_file};
use ember_tests::workspace_path;
use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

const SIZE: usize = 1000;
const EPISODE: usize = 200;

fn options(out_dir: &Path) -> SuiteOptions {
    let mut config = OnlineConfig::load(&workspace_path("configs/sac/pendulum.toml")).unwrap();
    config.run.steps = 3000;
    SuiteOptions {
        env: "pendulum".into(),
        out_dir: out_dir.to_path_buf(),
        seed: 0,
        size: SIZE,
        config,
        snapshots: 15,
        device: "cpu".into(),
        progress: false,
    }
}

#[test]
fn tiny_pendulum_suite_has_the_d4rl_family() {
    let _device = ember_tests::one_device_user();
    let dir = tempfile::tempdir().unwrap();
    let report = build_suite(&options(dir.path())).unwrap();
    let scores = &report.scores;
    let read = |kind: &str| d4rl::read(&suite_file(dir.path(), "pendulum", kind)).unwrap();
    let files: Vec<OfflineDataset> = KINDS.iter().map(|kind| read(kind)).collect();
    let [random, medium, expert, replay, medium_expert] = &files[..] else {
        unreachable!()
    };

    for (kind, data) in KINDS.iter().zip(&files) {
        assert!(
            data.timeouts.is_some() && data.next_observations.is_some(),
            "{kind}"
        );
        assert_eq!(
            data.infos.keys().collect::<Vec<_>>(),
            ["action_log_probs"],
            "{kind}"
        );
        assert_eq!(
            data.infos["action_log_probs"].shape(),
            &[data.len()],
            "{kind}"
        );
        let meta = |key: &str| data.metadata.get(key).and_then(MetaValue::as_f64);
        assert_eq!(meta("ref_min_score"), Some(scores.ref_min_score), "{kind}");
        assert_eq!(meta("ref_max_score"), Some(scores.ref_max_score), "{kind}");
        assert_eq!(
            data.metadata.get("dataset").and_then(MetaValue::as_str),
            Some(format!("pendulum-{kind}").as_str())
        );
        assert_eq!(data.env_name(), Some("Pendulum-v1"), "{kind}");
        // Pendulum never terminates; every episode is cut by the 200-step limit.
        assert!(!data.terminals.iter().any(|&t| t), "{kind}");
        let timeouts = data.timeouts.as_ref().unwrap();
        for (i, &timeout) in timeouts.iter().enumerate() {
            assert_eq!(timeout, (i + 1) % EPISODE == 0, "{kind} row {i}");
        }
        let next = data.next_observations.as_ref().unwrap();
        for i in (0..data.len() - 1).filter(|&i| !timeouts[i]) {
            assert_eq!(next.row(i), data.observations.row(i + 1), "{kind} row {i}");
        }
    }

    for data in [random, medium, expert] {
        assert_eq!(data.len(), SIZE);
    }
    // Uniform over [-2, 2]: density 1/4.
    let uniform = -(4.0f32.ln());
    assert!(
        random.infos["action_log_probs"]
            .iter()
            .all(|&l| (l - uniform).abs() < 1e-6)
    );
    assert!(
        expert.infos["action_log_probs"]
            .iter()
            .all(|l| l.is_finite())
    );
    assert_eq!(replay.len(), scores.medium_env_steps);
    // The replay log starts with the preset's 1,000 uniform warm-up actions.
    let replay_log_probs: Vec<f32> = replay.infos["action_log_probs"].iter().copied().collect();
    assert!(
        replay_log_probs[..1000]
            .iter()
            .all(|&l| (l - uniform).abs() < 1e-6)
    );
    assert!(replay_log_probs[1000..].iter().all(|l| l.is_finite()));
    assert!(scores.medium_step < scores.expert_step);

    assert_eq!(medium_expert.len(), 2 * SIZE);
    let log_probs = |d: &OfflineDataset| {
        d.infos["action_log_probs"]
            .iter()
            .copied()
            .collect::<Vec<f32>>()
    };
    let (joined_timeouts, joined_log_probs) = (
        medium_expert.timeouts.as_ref().unwrap(),
        log_probs(medium_expert),
    );
    for (offset, part) in [(0, medium), (SIZE, expert)] {
        for (i, part_log_prob) in log_probs(part).into_iter().enumerate() {
            let j = offset + i;
            assert_eq!(medium_expert.observations.row(j), part.observations.row(i));
            assert_eq!(medium_expert.actions.row(j), part.actions.row(i));
            assert_eq!(medium_expert.rewards[j], part.rewards[i]);
            assert_eq!(joined_timeouts[j], part.timeouts.as_ref().unwrap()[i]);
            assert_eq!(joined_log_probs[j], part_log_prob);
        }
    }

    let refs = random.reference_scores().unwrap();
    assert_eq!(
        (refs.min, refs.max),
        (scores.ref_min_score, scores.ref_max_score)
    );
    assert!(dir.path().join("sac_curve.png").exists());
    let json = std::fs::read_to_string(dir.path().join("reference_scores.json")).unwrap();
    assert!(json.contains("\"ref_min_score\"") && json.contains("\"ref_max_score\""));
    assert_eq!(
        complete_mean_return(random, "random").unwrap(),
        scores.ref_min_score
    );
    assert_eq!(
        complete_mean_return(expert, "expert").unwrap(),
        scores.ref_max_score
    );

    let mean = |data: &OfflineDataset| complete_mean_return(data, "").unwrap();
    let (r, m, e) = (mean(random), mean(medium), mean(expert));
    assert!(
        r < m && m < e,
        "random {r:.1}, medium {m:.1}, expert {e:.1}"
    );

    run_python_checker(dir.path());
}

/// Runs `scripts/check_d4rl_suite.py` (h5py, as D4RL users read files) on the suite in `dir`,
/// with the venv of `scripts/setup.sh` or the system Python; skipped, with a note, when neither
/// has h5py.
fn run_python_checker(dir: &Path) {
    let venv = workspace_path(".venv-mujoco/bin/python");
    let has_h5py = |python: &&OsStr| {
        Command::new(python)
            .args(["-c", "import h5py"])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    let Some(python) = [venv.as_os_str(), OsStr::new("python3")]
        .into_iter()
        .find(has_h5py)
    else {
        eprintln!("note: no Python with h5py (run scripts/setup.sh); check_d4rl_suite.py skipped");
        return;
    };
    let out = Command::new(python)
        .arg(workspace_path("scripts/check_d4rl_suite.py"))
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "check_d4rl_suite.py failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn bad_input_is_refused_before_training() {
    let dir = tempfile::tempdir().unwrap();
    let error = |change: fn(&mut SuiteOptions)| {
        let mut options = options(dir.path());
        change(&mut options);
        build_suite(&options).err().unwrap().to_string()
    };
    let err = error(|o| o.size = 50);
    assert!(err.contains("--size 50") && err.contains(">= 200"), "{err}");
    let err = error(|o| o.snapshots = 1);
    assert!(err.contains("--snapshots 1"), "{err}");
    let err = error(|o| o.env = "cartpole".into());
    assert!(err.contains("continuous"), "{err}");
    let err = error(|o| o.env = "nosuchenv".into());
    assert!(err.contains("nosuchenv"), "{err}");
    std::fs::create_dir_all(dir.path().join("sac-run")).unwrap();
    let err = error(|_| {});
    assert!(err.contains("holds no resumable suite run"), "{err}");
}

/// A suite interrupted after a checkpoint resumes from it: the transitions recorded before the
/// interruption are kept row for row, the episode it cut ends with a timeout, and the reference
/// scores list every snapshot of both processes.
#[test]
fn interrupted_suite_resumes_from_its_checkpoint() {
    let _device = ember_tests::one_device_user();
    let dir = tempfile::tempdir().unwrap();
    // 14 snapshots of a 3,000-step budget: one every 214 steps, so the checkpoint at step 1,498
    // (2,498 environment steps with the 1,000 warm-up steps) falls inside a 200-step episode.
    let mut options = options(dir.path());
    options.snapshots = 14;
    build_suite(&options).unwrap();

    let checkpoints = Checkpoints::new(&dir.path().join("sac-run"), 1);
    let resume_step = 7 * 214;
    for step in (resume_step + 214..=3000).step_by(214).chain([3000]) {
        let _ = std::fs::remove_dir_all(checkpoints.dir(step));
    }
    let latest = dir.path().join("sac-run/checkpoints/latest");
    std::fs::write(&latest, format!("step-{resume_step:09}")).unwrap();
    let transitions = |step: usize| d4rl::read(&checkpoints.dir(step).join("transitions.hdf5"));
    let before = transitions(resume_step).unwrap();
    assert_eq!(before.len(), 1000 + resume_step);

    let report = build_suite(&options).unwrap();
    assert_eq!(report.scores.snapshots.len(), 15);
    let best = report
        .scores
        .snapshots
        .iter()
        .map(|s| s.1)
        .fold(f64::MIN, f64::max);
    assert_eq!(report.scores.expert_eval_return, best);
    let after = transitions(3000).unwrap();
    assert_eq!(after.len(), 1000 + 3000);
    let cut = before.len() - 1;
    assert!(!before.is_episode_end(cut) && after.is_episode_end(cut));
    for i in 0..before.len() {
        assert_eq!(
            after.observations.row(i),
            before.observations.row(i),
            "row {i}"
        );
        assert_eq!(after.actions.row(i), before.actions.row(i), "row {i}");
        assert_eq!(
            after.infos["action_log_probs"][[i]],
            before.infos["action_log_probs"][[i]]
        );
    }

    // Another snapshot spacing cannot continue this run.
    options.snapshots = 10;
    let err = build_suite(&options).err().unwrap().to_string();
    assert!(err.contains("snapshot spacing"), "{err}");
}
