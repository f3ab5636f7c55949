//! D4RL reference scores (`d4rl/infos.py`) and normalised scores.

use serde::{Deserialize, Serialize};

/// Reference returns of a task: a random policy (`min`) and an expert (`max`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RefScores {
    /// REF_MIN_SCORE.
    pub min: f64,
    /// REF_MAX_SCORE.
    pub max: f64,
}

impl RefScores {
    /// `(ret − min) / (max − min) × 100`, the number papers report.
    pub fn normalize(&self, ret: f64) -> f64 {
        (ret - self.min) / (self.max - self.min) * 100.0
    }
}

/// One row of the table: every `family-dataset-version` combination shares the pair.
struct Entry {
    family: &'static str,
    datasets: &'static [&'static str],
    versions: &'static [&'static str],
    min: f64,
    max: f64,
}

const LOCOMOTION: &[&str] = &[
    "random",
    "medium",
    "expert",
    "medium-replay",
    "full-replay",
    "medium-expert",
];
const LOCOMOTION_VERSIONS: &[&str] = &["v0", "v1", "v2"];
const ANTMAZE: &[&str] = &[
    "umaze",
    "umaze-diverse",
    "medium-play",
    "medium-diverse",
    "large-play",
    "large-diverse",
];
const ADROIT: &[&str] = &["human", "cloned", "expert"];

const fn entry(
    family: &'static str,
    datasets: &'static [&'static str],
    versions: &'static [&'static str],
    min: f64,
    max: f64,
) -> Entry {
    Entry {
        family,
        datasets,
        versions,
        min,
        max,
    }
}

/// The D4RL table (spec §1.4).
const TABLE: &[Entry] = &[
    entry(
        "hopper",
        LOCOMOTION,
        LOCOMOTION_VERSIONS,
        -20.272305,
        3234.3,
    ),
    entry(
        "halfcheetah",
        LOCOMOTION,
        LOCOMOTION_VERSIONS,
        -280.178953,
        12135.0,
    ),
    entry(
        "walker2d",
        LOCOMOTION,
        LOCOMOTION_VERSIONS,
        1.629008,
        4592.3,
    ),
    entry("ant", LOCOMOTION, LOCOMOTION_VERSIONS, -325.6, 3879.7),
    entry("antmaze", ANTMAZE, &["v0", "v2"], 0.0, 1.0),
    entry("maze2d", &["open"], &["v0"], 0.01, 20.66),
    entry("maze2d", &["umaze"], &["v1"], 23.85, 161.86),
    entry("maze2d", &["medium"], &["v1"], 13.13, 277.39),
    entry("maze2d", &["large"], &["v1"], 6.7, 273.99),
    entry(
        "maze2d",
        &["open-dense"],
        &["v0"],
        11.17817,
        27.166538620695782,
    ),
    entry(
        "maze2d",
        &["umaze-dense"],
        &["v1"],
        68.537689,
        193.66285642381482,
    ),
    entry(
        "maze2d",
        &["medium-dense"],
        &["v1"],
        44.264742,
        297.4552547777125,
    ),
    entry(
        "maze2d",
        &["large-dense"],
        &["v1"],
        30.569041,
        303.4857382709002,
    ),
    entry(
        "kitchen",
        &["complete", "partial", "mixed"],
        &["v0"],
        0.0,
        4.0,
    ),
    entry("pen", ADROIT, &["v0", "v1"], 96.262799, 3076.8331017826877),
    entry(
        "door",
        ADROIT,
        &["v0", "v1"],
        -56.512833,
        2880.5693087298737,
    ),
    entry(
        "hammer",
        ADROIT,
        &["v0", "v1"],
        -274.856578,
        12794.134825156867,
    ),
    entry(
        "relocate",
        ADROIT,
        &["v0", "v1"],
        -6.425911,
        4233.877797728884,
    ),
];

/// Reference scores of a D4RL dataset name such as `hopper-medium-replay-v2` or
/// `maze2d-umaze-v1`. Case and `_`/`-` are ignored, so file stems like `hopper_medium-v2` match.
pub fn reference(dataset_name: &str) -> Option<RefScores> {
    let name = dataset_name.trim().to_ascii_lowercase().replace('_', "-");
    let name = name.strip_suffix(".hdf5").unwrap_or(&name);
    let (stem, version) = name.rsplit_once('-')?;
    TABLE
        .iter()
        .find(|e| {
            e.versions.contains(&version)
                && stem
                    .strip_prefix(e.family)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|dataset| e.datasets.contains(&dataset))
        })
        .map(|e| RefScores {
            min: e.min,
            max: e.max,
        })
}

/// D4RL normalised score ×100 of return `ret` on `dataset_name`, if the name is in the table.
pub fn normalized_score(dataset_name: &str, ret: f64) -> Option<f64> {
    reference(dataset_name).map(|r| r.normalize(ret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        let hopper = normalized_score("hopper-medium-replay-v2", 3234.3).unwrap();
        assert!((hopper - 100.0).abs() < 1e-9);
        let zero = normalized_score("hopper-random-v0", -20.272305).unwrap();
        assert!(zero.abs() < 1e-9);
        let mid = normalized_score("maze2d-umaze-v1", (23.85 + 161.86) / 2.0).unwrap();
        assert!((mid - 50.0).abs() < 1e-9);
        let dense = reference("maze2d-umaze-dense-v1").unwrap();
        assert_eq!(dense.min, 68.537689);
        assert_eq!(
            reference("hopper_medium_replay-v2.hdf5").unwrap().max,
            3234.3
        );
        assert_eq!(reference("antmaze-umaze-diverse-v2").unwrap().max, 1.0);
        assert_eq!(reference("ant-expert-v2").unwrap().min, -325.6);
        assert_eq!(reference("pen-cloned-v1").unwrap().min, 96.262799);
    }

    #[test]
    fn unknown_names() {
        for name in [
            "maze2d-umaze-v0",
            "antmaze-umaze-v1",
            "hopper",
            "Hopper-v4",
            "kitchen-complete-v1",
            "",
        ] {
            assert!(reference(name).is_none(), "{name}");
        }
    }
}
