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
            // configs/sac and configs/gfn hold online and GFlowNet presets, tested with them
            // (configs/gail too).
            let algo = algo.unwrap().path();
            if algo.ends_with("sac") || algo.ends_with("gfn") || algo.ends_with("gail") {
                continue;
            }
            // configs/subpo holds SubPO presets, tested in ember::subpo.
            if algo.ends_with("subpo") {
                continue;
            }
            for file in std::fs::read_dir(algo).unwrap() {
                let path = file.unwrap().path();
                let config = TrainConfig::load(&path).unwrap();
                if let Err(e) = config.algo.validate() {
                    panic!("{}: {e}", path.display());
                }
                count += 1;
            }
        }
        assert!(
            count >= 4,
            "expected the presets under configs/, found {count}"
        );
    }

    /// The O-DICE AntMaze preset carries the official code's AntMaze overrides (spec P5, P6).
    #[test]
    fn odice_antmaze_preset() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/odice/antmaze.toml");
        let config = TrainConfig::load(&path).unwrap();
        let AlgoConfig::Odice(odice) = &config.algo else {
            panic!("not an O-DICE preset: {:?}", config.algo);
        };
        assert!(!odice.layer_norm && odice.twin_v && !odice.normalize_states);
        assert_eq!((odice.lambda, odice.eta, odice.adam_eps), (0.6, 1.0, 1e-8));
        // 0 -> -3, 1 -> 0.
        let ember_datasets::RewardScaling::Affine { scale, shift } = odice.reward_scaling else {
            panic!(
                "AntMaze rewards need the affine map: {:?}",
                odice.reward_scaling
            );
        };
        assert_eq!((0.0 * scale + shift, 1.0 * scale + shift), (-3.0, 0.0));
        assert_eq!((config.eval.episodes, config.run.eval_every), (50, 20_000));
        let text = std::fs::read_to_string(&path).unwrap();
        for large in [
            "antmaze-large-play",
            "antmaze-large-diverse",
            "antmaze-umaze-diverse",
        ] {
            assert!(text.contains(large), "the comment names {large}");
        }
    }

    #[test]
    fn unknown_field_is_named() {
        let err = toml::from_str::<TrainConfig>("[algo]\nalgo = \"iql\"\nexpectil = 0.7\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("expectil"), "{err}");
    }

    /// Every offline method's Adam epsilon defaults to PyTorch's 1e-8, is read from `[algo]`
    /// and is refused when not positive, with the field named.
    #[test]
    fn adam_eps_defaults_parses_and_is_checked() {
        let eps = |config: &AlgoConfig| match config {
            AlgoConfig::Iql(c) => c.adam_eps,
            AlgoConfig::Td3bc(c) => c.adam_eps,
            AlgoConfig::Odice(c) => c.adam_eps,
            AlgoConfig::Bc(c) => c.adam_eps,
            AlgoConfig::Cdsa(c) => c.adam_eps,
            AlgoConfig::Trajdiff(c) => c.adam_eps,
        };
        for name in AlgoConfig::NAMES {
            assert_eq!(eps(&AlgoConfig::by_name(name).unwrap()), 1e-8, "{name}");
            let parse = |value: &str| {
                toml::from_str::<TrainConfig>(&format!(
                    "[algo]\nalgo = \"{name}\"\nadam_eps = {value}\n"
                ))
                .unwrap()
                .algo
            };
            let config = parse("1e-6");
            assert_eq!(eps(&config), 1e-6, "{name}");
            config.validate().unwrap();
            for bad in ["0.0", "-1e-8"] {
                let err = parse(bad).validate().unwrap_err();
                assert!(err.contains("adam_eps = "), "{name}: {err}");
            }
        }
        let imitation: ImitationConfig = toml::from_str("adam_eps = 1e-7\n").unwrap();
        assert_eq!(imitation.adam_eps, 1e-7);
        assert_eq!(ImitationConfig::default().adam_eps, 1e-8);
        let problems = toml::from_str::<ImitationConfig>("adam_eps = 0.0\n")
            .unwrap()
            .problems();
        assert!(
            problems
                .iter()
                .any(|p| p.contains("imitation.adam_eps = 0")),
            "{problems:?}"
        );
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
