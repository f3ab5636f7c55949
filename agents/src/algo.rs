//! The offline methods the `ember` command and the benchmark know by name, and the saved
//! description that lets a checkpoint be reopened without its run's command line.
//!
//! Each method implements [`OfflineAlgo`] on its config in its own folder; registering it here
//! is one line of [`offline_algos!`], which derives the tagged config enum (the file format:
//! `[algo] algo = "name"`) and the dispatch to the method.

use crate::agent::{ActionSpace, EpisodePolicy, OfflineAgent};
use crate::bc::BcConfig;
use crate::cdsa::CdsaConfig;
use crate::iql::IqlConfig;
use crate::method::{BuildContext, DataPrep, OfflineAlgo};
use crate::odice::OdiceConfig;
use crate::td3bc::Td3BcConfig;
use crate::trajdiff::TrajDiffConfig;
use ember_datasets::SegmentOptions;
use ember_engine::burn::tensor::Device;
use ember_engine::runtime::RuntimeError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Declares the registry: one `Variant(ConfigType)` per method, the variant being the method's
/// [`OfflineAlgo::NAME`] with a capital first letter (serde lower-cases it back).
macro_rules! offline_algos {
    ($($(#[$doc:meta])* $variant:ident($config:ty)),* $(,)?) => {
        /// An offline method and its hyperparameters.
        #[derive(Clone, Debug, Serialize, Deserialize)]
        #[serde(tag = "algo", rename_all = "lowercase")]
        pub enum AlgoConfig {
            $($(#[$doc])* $variant($config),)*
        }

        impl AlgoConfig {
            /// Names accepted by [`AlgoConfig::by_name`].
            pub const NAMES: &'static [&'static str] = &[$(<$config as OfflineAlgo>::NAME),*];

            /// The method's default (paper) hyperparameters, by name; case, `-`, `_` and `+`
            /// are ignored (`TD3+BC` is `td3bc`).
            pub fn by_name(name: &str) -> Option<Self> {
                let key = name.to_ascii_lowercase().replace(['-', '_', '+'], "");
                $(if key == <$config as OfflineAlgo>::NAME {
                    return Some(Self::$variant(<$config>::default()));
                })*
                None
            }

            /// The method's name.
            pub fn name(&self) -> &'static str {
                match self { $(Self::$variant(_) => <$config as OfflineAlgo>::NAME,)* }
            }

            /// Rejects hyperparameters that cannot train, naming each field.
            pub fn validate(&self) -> Result<(), String> {
                match self { $(Self::$variant(c) => c.validate(),)* }
            }

            /// Refuses an action space the method does not act in, in one line naming both.
            pub fn accepts(&self, space: &ActionSpace) -> Result<(), String> {
                match self {
                    $(Self::$variant(_) => {
                        space.require(<$config as OfflineAlgo>::NAME, <$config as OfflineAlgo>::ACTIONS)
                    })*
                }
            }

            /// How the dataset is prepared for the method.
            pub fn data_prep(&self) -> DataPrep {
                match self { $(Self::$variant(c) => c.data_prep(),)* }
            }

            /// The episode windows the method trains on, `None` for single transitions.
            pub fn segments(&self) -> Option<SegmentOptions> {
                match self { $(Self::$variant(c) => c.segments(),)* }
            }

            /// Builds a fresh agent.
            pub fn build(
                &self,
                ctx: &BuildContext<'_>,
            ) -> Result<Box<dyn OfflineAgent>, RuntimeError> {
                match self { $(Self::$variant(c) => c.build(ctx),)* }
            }
        }
    };
}

offline_algos! {
    /// Implicit Q-Learning.
    Iql(IqlConfig),
    /// TD3+BC.
    Td3bc(Td3BcConfig),
    /// O-DICE (orthogonal-gradient DICE).
    Odice(OdiceConfig),
    /// Behaviour cloning (the baseline).
    Bc(BcConfig),
    /// CDSA: score-based denoising of a frozen base policy's actions.
    Cdsa(CdsaConfig),
    /// Trajectory Diffuser (autoregressive drafter + few-step diffusion refiner).
    Trajdiff(TrajDiffConfig),
}

impl AlgoConfig {
    /// A copy with `overrides` (`key`, `value` as in a config file's `[algo]` table, e.g.
    /// `("planner", "dd")`; a value that is not TOML is taken as a string) applied and
    /// validated; the error names the key or the problem in one line.
    pub fn with_overrides(&self, overrides: &[(String, String)]) -> Result<Self, String> {
        if overrides.is_empty() {
            return Ok(self.clone());
        }
        let mut table = toml::Value::try_from(self).map_err(|e| e.to_string())?;
        for (key, value) in overrides {
            let parsed = toml::from_str::<toml::Table>(&format!("v = {value}"))
                .ok()
                .and_then(|mut t| t.remove("v"))
                .unwrap_or_else(|| toml::Value::String(value.clone()));
            if key == "algo" {
                return Err("`algo` cannot be overridden: it names the trained method".into());
            }
            table
                .as_table_mut()
                .expect("a config serialises to a table")
                .insert(key.clone(), parsed);
        }
        let config: Self = table.try_into().map_err(|e: toml::de::Error| {
            format!("{} override: {}", self.name(), e.message().trim())
        })?;
        config
            .validate()
            .map_err(|e| format!("invalid {} override: {e}", self.name()))?;
        Ok(config)
    }
}

/// Everything needed to rebuild an agent from a checkpoint directory (`agent.json`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AgentCard {
    /// Algorithm and hyperparameters.
    pub config: AlgoConfig,
    /// Shapes and preprocessing.
    pub spec: crate::agent::Spec,
    /// Step budget the agent was built for.
    pub run_steps: usize,
    /// Environment the agent was trained for.
    pub env: String,
    /// Dataset it was trained on.
    pub dataset: String,
    /// The base checkpoint the agent was built on, for methods that wrap a trained policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<std::path::PathBuf>,
}

impl AgentCard {
    /// File name of the card inside a checkpoint or run directory.
    pub const FILE: &'static str = "agent";

    /// Reopens the agent saved in checkpoint `dir` (a run directory also works: its latest
    /// checkpoint is used) on `device`.
    pub fn open(
        dir: &Path,
        device: &Device,
    ) -> Result<(Self, Box<dyn OfflineAgent>), RuntimeError> {
        Self::open_with(dir, device, &[])
    }

    /// Like [`AgentCard::open`], with hyperparameters that only change how the trained agent
    /// acts overridden first ([`AlgoConfig::with_overrides`], e.g. Trajectory Diffuser's
    /// `planner`).
    pub fn open_with(
        dir: &Path,
        device: &Device,
        overrides: &[(String, String)],
    ) -> Result<(Self, Box<dyn OfflineAgent>), RuntimeError> {
        let dir = crate::checkpoint::resolve_checkpoint(dir, &[Self::FILE])?;
        let mut card: AgentCard = crate::checkpoint::load_json(&dir, Self::FILE)?;
        card.config = card
            .config
            .with_overrides(overrides)
            .map_err(|e| crate::checkpoint::problem(&dir, e))?;
        let ctx = BuildContext {
            base: card.base.clone(),
            ..BuildContext::new(card.spec.clone(), card.run_steps, device)
        };
        let mut agent = card.config.build(&ctx)?;
        agent.load(&dir)?;
        Ok((card, agent))
    }
}

impl OfflineAgent for Box<dyn OfflineAgent> {
    fn update(&mut self, batch: &ember_engine::Batch, step: usize) -> ember_engine::Metrics {
        (**self).update(batch, step)
    }
    fn update_segments(
        &mut self,
        batch: &ember_engine::SegmentBatch,
        step: usize,
    ) -> ember_engine::Metrics {
        (**self).update_segments(batch, step)
    }
    fn batch_size(&self) -> usize {
        (**self).batch_size()
    }
    fn save(&self, dir: &Path) -> Result<(), RuntimeError> {
        (**self).save(dir)
    }
    fn load(&mut self, dir: &Path) -> Result<(), RuntimeError> {
        (**self).load(dir)
    }
}

impl EpisodePolicy for Box<dyn OfflineAgent> {
    fn reset(&mut self, slot: usize) {
        (**self).reset(slot)
    }
    fn act_in(&mut self, slots: &[usize], observations: &[Vec<f32>]) -> Vec<Vec<f32>> {
        (**self).act_in(slots, observations)
    }
    fn observe_reward(&mut self, slot: usize, reward: f64) {
        (**self).observe_reward(slot, reward)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each method's NAME is the tag serde writes for its variant, and `by_name` finds it.
    #[test]
    fn names_are_the_file_tags() {
        for name in AlgoConfig::NAMES {
            let config = AlgoConfig::by_name(name).unwrap();
            assert_eq!(config.name(), *name);
            let toml = toml::to_string(&config).unwrap();
            assert!(toml.contains(&format!("algo = \"{name}\"")), "{toml}");
            config.validate().unwrap();
        }
        assert_eq!(AlgoConfig::by_name("TD3+BC").unwrap().name(), "td3bc");
        assert!(AlgoConfig::by_name("ppo").is_none());
    }

    /// Acting overrides parse as TOML (bare words as strings), are validated, and name the
    /// key or the problem in one line.
    #[test]
    fn overrides_edit_and_check_the_config() {
        let config = AlgoConfig::by_name("trajdiff").unwrap();
        let set = |pairs: &[(&str, &str)]| {
            let pairs: Vec<(String, String)> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            config.with_overrides(&pairs)
        };
        let AlgoConfig::Trajdiff(dd) = set(&[("planner", "dd"), ("candidates", "8")]).unwrap()
        else {
            panic!("still trajdiff");
        };
        assert_eq!(
            (dd.planner, dd.candidates),
            (crate::trajdiff::Planner::Dd, 8)
        );
        let unknown = set(&[("planer", "dd")]).unwrap_err();
        assert!(unknown.contains("planer"), "{unknown}");
        let invalid = set(&[("horizon", "12")]).unwrap_err();
        assert!(invalid.contains("horizon = 12"), "{invalid}");
        for err in [unknown, invalid, set(&[("algo", "iql")]).unwrap_err()] {
            assert!(!err.contains('\n'), "{err}");
        }
    }
}
