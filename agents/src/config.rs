//! Training configuration files (TOML): the algorithm with its hyperparameters, the run's
//! budget and cadence, and the evaluation protocol. Presets live in `configs/`.

use crate::algo::AlgoConfig;
use crate::error::{Error, Result};
use crate::imitation::ImitationConfig;
use ember_engine::runtime::RunConfig;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::path::Path;

/// Reads a TOML configuration file, naming the file and the problem on error.
pub fn load_toml<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::file(path, format!("cannot read config: {e}")))?;
    toml::from_str(&text).map_err(|e| Error::file(path, format!("invalid config: {e}")))
}

/// A configuration file type: TOML read with the file named on error, and written back as TOML
/// into each run directory. `TrainConfig` and `OnlineConfig` implement it with one line each.
pub trait ConfigFile: Serialize + DeserializeOwned {
    /// Reads a TOML file, naming the file and the problem on error.
    fn load(path: &Path) -> Result<Self> {
        load_toml(path)
    }

    /// The configuration as TOML text.
    fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("config serialises")
    }
}

impl ConfigFile for TrainConfig {}

/// Evaluation protocol.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvalConfig {
    /// Episodes per evaluation.
    pub episodes: usize,
    /// Offset added to the run seed for the evaluation environments (TD3+BC uses 100).
    pub seed_offset: u64,
}

impl EvalConfig {
    /// Rejects a protocol that cannot score anything, naming the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.episodes == 0 {
            return Err(
                "eval episodes = 0: an evaluation needs at least one episode \
                 (--eval-episodes N or [eval] episodes = N, N >= 1)"
                    .into(),
            );
        }
        Ok(())
    }
}

impl Default for EvalConfig {
    fn default() -> Self {
        Self {
            episodes: 10,
            seed_offset: 100,
        }
    }
}

/// One file's worth of training settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    /// The method and its hyperparameters.
    pub algo: AlgoConfig,
    /// Step budget and cadence.
    #[serde(default)]
    pub run: RunConfig,
    /// Evaluation protocol.
    #[serde(default)]
    pub eval: EvalConfig,
    /// Imitation reward, used when the job has expert demonstrations.
    #[serde(default)]
    pub imitation: ImitationConfig,
}

impl TrainConfig {
    /// Defaults of `algo` (paper hyperparameters, 1M steps, evaluation every 5k steps).
    pub fn defaults(algo: AlgoConfig) -> Self {
        Self {
            algo,
            run: RunConfig::default(),
            eval: EvalConfig::default(),
            imitation: ImitationConfig::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs");
        let mut count = 0;
        for algo in std::fs::read_dir(&dir).unwrap() {
            // configs/sac and configs/gfn hold online and GFlowNet presets, tested with them.
            let algo = algo.unwrap().path();
            if algo.ends_with("sac") || algo.ends_with("gfn") {
                continue;
            }
            for file in std::fs::read_dir(algo).unwrap() {
                let path = file.unwrap().path();
                TrainConfig::load(&path).unwrap();
                count += 1;
            }
        }
        assert!(
            count >= 4,
            "expected the presets under configs/, found {count}"
        );
    }

    #[test]
    fn unknown_field_is_named() {
        let err = toml::from_str::<TrainConfig>("[algo]\nalgo = \"iql\"\nexpectil = 0.7\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("expectil"), "{err}");
    }

    #[test]
    fn bad_values_are_named() {
        let config =
            toml::from_str::<TrainConfig>("[algo]\nalgo = \"td3bc\"\npolicy_freq = 0\ntau = 0\n")
                .unwrap();
        let err = config.algo.validate().unwrap_err();
        assert!(
            err.contains("policy_freq = 0") && err.contains("tau = 0"),
            "{err}"
        );
        for preset in ["iql/locomotion", "td3bc/d4rl", "pendulum/iql"] {
            let path =
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../configs/{preset}.toml"));
            TrainConfig::load(&path).unwrap().algo.validate().unwrap();
        }
    }
}
