//! Training configuration files (TOML): the algorithm with its hyperparameters, the run's
//! budget and cadence, and the evaluation protocol. Presets live in `configs/`.

use crate::algo::AlgoConfig;
use crate::imitation::ImitationConfig;
use ember_engine::runtime::RunConfig;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::path::Path;

/// Reads a TOML configuration file, naming the file and the problem on error.
pub fn load_toml<T: DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read config: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: invalid config: {e}", path.display()))
}

/// Command-line overrides of a configuration's budget and evaluation cadence, shared by the
/// training commands (`ember train`, `ember train-online`, `d4rl-bench`).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct RunOverrides {
    /// Training steps (overrides the config).
    #[arg(long)]
    pub steps: Option<usize>,
    /// Evaluate every this many steps (overrides the config).
    #[arg(long)]
    pub eval_every: Option<usize>,
    /// Episodes per evaluation (overrides the config).
    #[arg(long)]
    pub eval_episodes: Option<usize>,
}

impl RunOverrides {
    /// Writes the given overrides into a configuration's run and evaluation sections.
    pub fn apply(&self, run: &mut RunConfig, eval: &mut EvalConfig) {
        if let Some(steps) = self.steps {
            run.steps = steps;
        }
        if let Some(every) = self.eval_every {
            run.eval_every = every;
        }
        if let Some(episodes) = self.eval_episodes {
            eval.episodes = episodes;
        }
    }
}

/// Evaluation protocol.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvalConfig {
    /// Episodes per evaluation.
    pub episodes: usize,
    /// Offset added to the run seed for the evaluation environments (TD3+BC uses 100).
    pub seed_offset: u64,
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

    /// Reads a TOML file, naming the file and the problem on error.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        load_toml(path)
    }

    /// The configuration as TOML text.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("config serialises")
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
