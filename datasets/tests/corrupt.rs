//! Broken inputs are rejected with the file, the key and the problem in the message.

use std::path::PathBuf;

use ember_datasets::{DatasetError, load, summarize};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn message(name: &str) -> String {
    match load(&fixture(name)) {
        Ok(_) => panic!("{name} was accepted"),
        Err(e) => e.to_string(),
    }
}

fn assert_mentions(name: &str, needles: &[&str]) {
    let msg = message(name);
    assert!(msg.contains(name), "{msg:?} does not name the file");
    for n in needles {
        assert!(msg.contains(n), "{msg:?} lacks {n:?}");
    }
}

#[test]
fn missing_actions() {
    assert_mentions(
        "corrupt_missing_actions.hdf5",
        &["key `actions` missing (required)"],
    );
}

#[test]
fn length_mismatch() {
    assert_mentions(
        "corrupt_length_mismatch.hdf5",
        &["key `rewards`: length 9 does not match `observations` (10 rows)"],
    );
}

#[test]
fn nan_in_observations() {
    assert_mentions(
        "corrupt_nan_obs.hdf5",
        &["key `observations`: 3 NaN/Inf values (first at row 3)"],
    );
}

#[test]
fn wrong_rank() {
    assert_mentions(
        "corrupt_obs_rank3.hdf5",
        &["key `observations`: expected rank 2, found rank 3"],
    );
}

#[test]
fn not_hdf5() {
    assert_mentions("corrupt_not_hdf5.hdf5", &["not an HDF5 file"]);
    assert!(matches!(
        load(&fixture("corrupt_not_hdf5.hdf5")),
        Err(DatasetError::NotHdf5 { .. })
    ));
}

#[test]
fn truncated_file() {
    assert_mentions("corrupt_truncated.hdf5", &["truncated or corrupt"]);
}

#[test]
fn nonexistent_path() {
    assert_mentions("no_such_file.hdf5", &["no such file or directory"]);
    let err = summarize(&fixture("no_such_file.hdf5")).unwrap_err();
    assert!(matches!(err, DatasetError::NotFound { .. }), "{err}");
}

#[test]
fn summary_gives_a_verdict_for_structural_problems() {
    for (name, needle) in [
        ("corrupt_missing_actions.hdf5", "key `actions` missing"),
        ("corrupt_length_mismatch.hdf5", "length 9 does not match"),
        ("corrupt_obs_rank3.hdf5", "expected rank 2, found rank 3"),
    ] {
        let s = summarize(&fixture(name)).unwrap();
        assert!(
            s.problems.iter().any(|p| p.contains(needle)),
            "{name}: {:?}",
            s.problems
        );
        assert!(!s.keys.is_empty());
    }
}
