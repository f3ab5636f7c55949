//! The configuration of a training job from a TOML file and/or an algorithm name, as the
//! `ember` command (`--config`, `--algo`) and the Python package (`config=`, `algo`) give them.

use crate::algo::AlgoConfig;
use crate::config::{ConfigFile, TrainConfig};
use crate::error::{Error, Result, bail};
use crate::online::{OnlineAlgoConfig, OnlineConfig};
use std::path::Path;

/// A configuration file that names its algorithm: offline ([`TrainConfig`]) or online
/// ([`OnlineConfig`]).
pub trait AlgoFile: ConfigFile {
    /// The algorithms it can configure.
    const NAMES: &'static [&'static str];
    /// The defaults of algorithm `name`.
    fn defaults(name: &str) -> Option<Self>;
    /// The algorithm it configures.
    fn algo_name(&self) -> &str;
}

impl AlgoFile for TrainConfig {
    const NAMES: &'static [&'static str] = AlgoConfig::NAMES;
    fn defaults(name: &str) -> Option<Self> {
        AlgoConfig::by_name(name).map(TrainConfig::defaults)
    }
    fn algo_name(&self) -> &str {
        self.algo.name()
    }
}

impl AlgoFile for OnlineConfig {
    const NAMES: &'static [&'static str] = OnlineAlgoConfig::NAMES;
    fn defaults(name: &str) -> Option<Self> {
        OnlineAlgoConfig::by_name(name).map(OnlineConfig::defaults)
    }
    fn algo_name(&self) -> &str {
        self.algo.name()
    }
}

/// The configuration in file `config` (which `algo`, if given, must agree with), or the
/// defaults of algorithm `algo`.
pub fn configure<C: AlgoFile>(config: Option<&Path>, algo: Option<&str>) -> Result<C> {
    let known = || C::NAMES.join(", ");
    let defaults = |name: &str| {
        C::defaults(name).ok_or_else(|| {
            Error::invalid(format!("unknown algorithm `{name}`; known: {}", known()))
        })
    };
    match (config, algo) {
        (Some(path), algo) => {
            let config = C::load(path)?;
            if let Some(algo) = algo {
                let wanted = defaults(algo)?;
                if wanted.algo_name() != config.algo_name() {
                    bail!(
                        "algorithm {algo} disagrees with {} (which configures {})",
                        path.display(),
                        config.algo_name()
                    );
                }
            }
            Ok(config)
        }
        (None, Some(algo)) => defaults(algo),
        (None, None) => bail!("give an algorithm ({}) or a config file", known()),
    }
}
