//! Reads the h5py-made quirk fixtures and compares with `expected_qlearning.json`, computed by
//! `fixtures/make_fixtures.py`'s restatement of `d4rl.qlearning_dataset`.

use std::path::PathBuf;

use ember_datasets::{MetaValue, OfflineDataset, QLearningOptions, Transitions, load};
use ndarray::{Array1, Array2};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn expected() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(fixture("expected_qlearning.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn rows(v: &Value, width: usize) -> Array2<f32> {
    let rows = v.as_array().unwrap();
    let flat: Vec<f32> = rows
        .iter()
        .flat_map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32)
        })
        .collect();
    Array2::from_shape_vec((rows.len(), width), flat).unwrap()
}

fn check_qlearning(name: &str, t: &Transitions, want: &Value, data: &OfflineDataset) {
    let (o, a) = (data.obs_dim(), data.act_dim());
    assert_eq!(
        t.observations,
        rows(&want["observations"], o),
        "{name}: observations"
    );
    assert_eq!(t.actions, rows(&want["actions"], a), "{name}: actions");
    assert_eq!(
        t.next_observations,
        rows(&want["next_observations"], o),
        "{name}: next_observations"
    );
    let rewards: Array1<f32> = want["rewards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect();
    assert_eq!(t.rewards, rewards, "{name}: rewards");
    let terminals: Array1<bool> = want["terminals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_bool().unwrap())
        .collect();
    assert_eq!(t.terminals, terminals, "{name}: terminals");
}

#[test]
fn every_valid_fixture_matches_python_qlearning() {
    let expected = expected();
    assert_eq!(expected.len(), 9);
    for (name, want) in &expected {
        let data = load(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            data.len() as u64,
            want["len"].as_u64().unwrap(),
            "{name}: len"
        );
        let episodes: Vec<Vec<usize>> = data
            .episodes()
            .into_iter()
            .map(|r| vec![r.start, r.end])
            .collect();
        let want_episodes: Vec<Vec<usize>> =
            serde_json::from_value(want["episodes"].clone()).unwrap();
        assert_eq!(episodes, want_episodes, "{name}: episodes");
        let max_episode_steps = want["max_episode_steps"].as_u64().unwrap() as usize;
        for (terminate_on_end, key) in [(false, "qlearning"), (true, "qlearning_terminate_on_end")]
        {
            let t = data.qlearning(&QLearningOptions {
                terminate_on_end,
                max_episode_steps,
            });
            check_qlearning(&format!("{name} ({key})"), &t, &want[key], &data);
        }
    }
}

#[test]
fn v2_file_keeps_infos_and_metadata() {
    let data = load(&fixture("v2_bool_gzip.hdf5")).unwrap();
    assert_eq!(data.metadata["algorithm"], MetaValue::Str("SAC".into()));
    assert_eq!(data.metadata["iteration"], MetaValue::Int(1000));
    assert_eq!(
        data.metadata["policy/nonlinearity"],
        MetaValue::Str("relu".into())
    );
    assert_eq!(
        data.metadata["policy/output_distribution"],
        MetaValue::Str("tanh_gaussian".into())
    );
    assert_eq!(data.metadata["temperature"], MetaValue::Float(0.25));
    match &data.metadata["policy/fc0/weight"] {
        MetaValue::Array(a) => assert_eq!(a.shape(), &[2, 3]),
        other => panic!("weight read as {other:?}"),
    }
    assert_eq!(data.env_name(), Some("hopper-medium-v2"));
    assert_eq!(data.reference_scores().unwrap().max, 3234.3);
    assert_eq!(data.infos["qpos"].shape(), &[30, 2]);
    assert_eq!(data.infos["action_log_probs"].shape(), &[30]);
    let next = data.next_observations.as_ref().unwrap();
    assert_eq!(next[[0, 0]], data.observations[[1, 0]] + 0.5);
    assert_eq!(data.episode_returns().len(), 4);
}

#[test]
fn family_specific_layouts() {
    let maze = load(&fixture("maze2d_style.hdf5")).unwrap();
    assert_eq!(maze.infos["goal"].shape(), &[24, 2]);
    assert_eq!(maze.env_name(), Some("maze2d-umaze-v1"));
    assert_eq!(maze.reference_scores().unwrap().min, 23.85);

    let kitchen = load(&fixture("kitchen_style.hdf5")).unwrap();
    assert!(kitchen.timeouts.is_none());
    assert_eq!(kitchen.infos["infos"].as_slice().unwrap()[5..10], [1.0; 5]);

    let column = load(&fixture("column_n1.hdf5")).unwrap();
    assert_eq!(column.rewards.shape(), &[20]);
    assert!(column.terminals[5] && column.timeouts.as_ref().unwrap()[11]);

    let minari = load(&fixture("minari_style")).unwrap();
    assert_eq!(
        minari.metadata["dataset_id"],
        MetaValue::Str("test/hopper/tiny-v0".into())
    );
    assert_eq!(minari.reference_scores().unwrap().min, -20.0);
    // Episode 2 ends both terminated and truncated: D4RL labels it a timeout, never both.
    assert!(!minari.terminals[14] && minari.timeouts.as_ref().unwrap()[14]);
    let same = load(&fixture("minari_style/data/main_data.hdf5")).unwrap();
    assert_eq!(same.observations, minari.observations);
    assert_eq!(same.metadata, minari.metadata);
}

#[test]
fn summary_reports_keys_episodes_and_verdict() {
    let s = ember_datasets::summarize(&fixture("v2_bool_gzip.hdf5")).unwrap();
    assert!(s.is_ok());
    let stats = s.stats.as_ref().unwrap();
    assert_eq!((stats.len, stats.obs_dim, stats.act_dim), (30, 3, 2));
    assert_eq!(stats.episodes.total, 4);
    assert_eq!(
        (
            stats.episodes.terminal,
            stats.episodes.timeout,
            stats.episodes.truncated_last
        ),
        (2, 1, true)
    );
    assert!(
        s.keys
            .iter()
            .any(|k| k.path == "metadata/policy/fc0/weight" && k.shape == Some(vec![2, 3]))
    );
    let text = s.to_string();
    for needle in [
        "terminals",
        "bool",
        "verdict: ok",
        "algorithm = \"SAC\"",
        "normalized",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }

    let bad = ember_datasets::summarize(&fixture("corrupt_nan_obs.hdf5")).unwrap();
    assert!(!bad.is_ok());
    assert!(bad.stats.is_some());
    assert!(
        bad.to_string()
            .contains("3 NaN/Inf values (first at row 3)"),
        "{bad}"
    );

    let minari = ember_datasets::summarize(&fixture("minari_style")).unwrap();
    assert!(minari.is_ok(), "{minari}");
    assert_eq!(minari.stats.unwrap().episodes.total, 3);
}
