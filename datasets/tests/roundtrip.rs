//! Builder → D4RL/Minari writer → reader gives back the same dataset.

use ember_datasets::{DatasetBuilder, MetaValue, OfflineDataset, d4rl, load, minari};
use ndarray::ArrayD;

/// Three episodes of a fake 3-D env: terminated, truncated, then cut off without a flag.
fn built() -> OfflineDataset {
    let mut b = DatasetBuilder::new();
    let mut step = 0.0f32;
    for (len, terminated, truncated) in [(4, true, false), (5, false, true), (3, false, false)] {
        for t in 0..len {
            let obs = [step, step * 0.5, -step];
            let next = [step + 1.0, (step + 1.0) * 0.5, -step - 1.0];
            let last = t + 1 == len;
            b.push(
                &obs,
                &[step.sin(), step.cos()],
                step * 0.1,
                &next,
                last && terminated,
                last && truncated,
            )
            .unwrap();
            b.push_info("qpos", &[step, 2.0 * step]).unwrap();
            b.push_info("action_log_probs", &[-step]).unwrap();
            step += 1.0;
        }
    }
    b.set_metadata("algorithm", MetaValue::Str("SAC".into()));
    b.set_metadata("iteration", MetaValue::Int(42));
    b.set_metadata("ref_min_score", MetaValue::Float(-1.5));
    b.set_metadata("ref_max_score", MetaValue::Float(10.0));
    b.set_metadata("env_name", MetaValue::Str("hopper-medium-v2".into()));
    b.set_metadata(
        "policy/fc0/weight",
        MetaValue::Array(ArrayD::from_elem(vec![2, 3], 0.25)),
    );
    b.finish().unwrap()
}

#[test]
fn d4rl_round_trip_is_exact() {
    let data = built();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roundtrip.hdf5");
    d4rl::write(&path, &data).unwrap();
    let mut back = load(&path).unwrap();
    assert_eq!(back.source.as_deref(), Some(path.as_path()));
    back.source = None;
    assert_eq!(back, data);
    // Ember's own reference scores win over the table entry of `env_name`.
    assert_eq!(back.reference_scores().unwrap().min, -1.5);
}

#[test]
fn minari_round_trip_keeps_columns() {
    let data = built();
    let dir = tempfile::tempdir().unwrap();
    minari::write(dir.path(), &data).unwrap();
    let back = load(dir.path()).unwrap();
    assert_eq!(back.observations, data.observations);
    assert_eq!(back.next_observations, data.next_observations);
    assert_eq!(back.actions, data.actions);
    assert_eq!(back.rewards, data.rewards);
    assert_eq!(back.terminals, data.terminals);
    assert_eq!(back.infos, data.infos);
    assert_eq!(back.metadata["algorithm"], data.metadata["algorithm"]);
    assert_eq!(back.metadata["total_episodes"], MetaValue::Int(3));
    // Minari episodes are explicit, so the cut-off last episode comes back as a timeout.
    let mut timeouts = data.timeouts.clone().unwrap();
    timeouts[11] = true;
    assert_eq!(back.timeouts.unwrap(), timeouts);
}

#[test]
fn concat_marks_the_junction() {
    let data = built();
    let both = data.concat(&data).unwrap();
    assert_eq!(both.len(), 24);
    assert_eq!(both.episodes().len(), 6);
    assert!(both.timeouts.as_ref().unwrap()[11]);
    assert_eq!(both.infos["qpos"].shape(), &[24, 2]);
}
