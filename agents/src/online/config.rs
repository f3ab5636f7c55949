//! One file's worth of online training settings (presets in `configs/sac/`).

use super::OnlineAlgoConfig;
use crate::config::{ConfigFile, EvalConfig};
use ember_engine::runtime::RunConfig;
use serde::{Deserialize, Serialize};

/// One file's worth of online training settings (presets in `configs/sac/`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnlineConfig {
    /// Environments stepped in parallel (one step of each per runtime step).
    #[serde(default = "one")]
    pub envs: usize,
    /// The method and its hyperparameters.
    pub algo: OnlineAlgoConfig,
    /// Budget (runtime steps) and cadence.
    #[serde(default)]
    pub run: RunConfig,
    /// Evaluation protocol.
    #[serde(default)]
    pub eval: EvalConfig,
}

fn one() -> usize {
    1
}

impl OnlineConfig {
    /// Defaults of `algo`: one environment, 1M steps, evaluation every 5k steps.
    pub fn defaults(algo: OnlineAlgoConfig) -> Self {
        Self {
            envs: 1,
            algo,
            run: RunConfig::default(),
            eval: EvalConfig::default(),
        }
    }
}

impl ConfigFile for OnlineConfig {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sac::SacConfig;
    use std::path::Path;

    #[test]
    fn presets_parse_and_validate() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/sac");
        for name in ["mujoco", "pendulum"] {
            let config = OnlineConfig::load(&dir.join(format!("{name}.toml"))).unwrap();
            config.algo.validate().unwrap();
        }
        let OnlineAlgoConfig::Sac(standard) =
            OnlineConfig::load(&dir.join("mujoco.toml")).unwrap().algo
        else {
            panic!("the SAC preset configures SAC")
        };
        let defaults = SacConfig::default();
        assert_eq!(standard.hidden, defaults.hidden);
        assert_eq!(
            (
                standard.batch_size,
                standard.warmup_steps,
                standard.replay_capacity
            ),
            (
                defaults.batch_size,
                defaults.warmup_steps,
                defaults.replay_capacity
            )
        );
    }

    /// SAC's Adam epsilon defaults to PyTorch's 1e-8, is read from `[algo]` and is refused when
    /// not positive, with the field named.
    #[test]
    fn sac_adam_eps() {
        assert_eq!(SacConfig::default().adam_eps, 1e-8);
        let parse = |value: &str| {
            toml::from_str::<OnlineConfig>(&format!("[algo]\nalgo = \"sac\"\nadam_eps = {value}\n"))
                .unwrap()
                .algo
        };
        let OnlineAlgoConfig::Sac(sac) = parse("1e-6") else {
            panic!("algo = \"sac\" parses as SAC")
        };
        assert_eq!(sac.adam_eps, 1e-6);
        for bad in ["0.0", "-1.0"] {
            let err = parse(bad).validate().unwrap_err();
            assert!(err.contains("adam_eps = "), "{err}");
        }
    }

    #[test]
    fn bad_input_is_named() {
        let err = toml::from_str::<OnlineConfig>("[algo]\nalgo = \"sac\"\ntua = 0.1\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("tua"), "{err}");
        let err = toml::from_str::<OnlineConfig>("[algo]\nalgo = \"ppo\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("ppo"), "{err}");
        let config: OnlineConfig =
            toml::from_str("[algo]\nalgo = \"sac\"\ntau = 0\nbatch_size = 0\n").unwrap();
        let err = config.algo.validate().unwrap_err();
        assert!(
            err.contains("tau = 0") && err.contains("batch_size = 0"),
            "{err}"
        );
        assert!(OnlineAlgoConfig::by_name("SAC").is_some());
        assert!(OnlineAlgoConfig::by_name("td3").is_none());
    }
}
