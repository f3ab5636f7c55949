//! The online methods known by name. Each implements [`OnlineAlgo`] on its config in its own
//! folder; registering it is one line of [`online_algos!`], which derives the tagged config
//! enum (the file format: `[algo] algo = "name"`) and the dispatch to the method.

use super::OnlineAgent;
use crate::agent::{ActionKind, ActionSpace, Spec};
use crate::error::{Error, Result};
use crate::gail::GailConfig;
use crate::sac::SacConfig;
use ember_engine::burn::tensor::Device;
use ember_engine::runtime::RuntimeError;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// An online method, implemented by its hyperparameter struct. `Default` holds the paper's
/// hyperparameters.
pub trait OnlineAlgo: Clone + Default + Serialize + DeserializeOwned {
    /// The name configs (`algo = "..."`), the command line and run directories use; equal to the
    /// lower-cased registry variant.
    const NAME: &'static str;

    /// The kinds of action space the method acts in.
    const ACTIONS: &'static [ActionKind];

    /// Rejects hyperparameters that cannot train, naming each field and the problem.
    fn validate(&self) -> Result<(), String>;

    /// Builds a fresh agent in `ctx` (whose action space is one of [`OnlineAlgo::ACTIONS`]).
    fn build(&self, ctx: OnlineContext<'_>) -> Result<Box<dyn OnlineAgent>, RuntimeError>;
}

/// What an online agent is built from.
pub struct OnlineContext<'a> {
    /// Shapes and the environment's action space (observations are not normalised).
    pub spec: Spec,
    /// Environment id the agent is trained in (for its card).
    pub env: String,
    /// Device to build on (an autodiff device).
    pub device: &'a Device,
    /// The agent's own host random stream (minibatch sampling).
    pub rng: StdRng,
}

/// Declares the registry: one `Variant(ConfigType)` per method, the variant being the method's
/// [`OnlineAlgo::NAME`] with a capital first letter (serde lower-cases it back).
macro_rules! online_algos {
    ($($(#[$doc:meta])* $variant:ident($config:ty)),* $(,)?) => {
        /// An online method and its hyperparameters.
        #[derive(Clone, Debug, Serialize, Deserialize)]
        #[serde(tag = "algo", rename_all = "lowercase")]
        pub enum OnlineAlgoConfig {
            $($(#[$doc])* $variant($config),)*
        }

        impl OnlineAlgoConfig {
            /// Names accepted by [`OnlineAlgoConfig::by_name`].
            pub const NAMES: &'static [&'static str] = &[$(<$config as OnlineAlgo>::NAME),*];

            /// The method's default hyperparameters, by name (case is ignored).
            pub fn by_name(name: &str) -> Option<Self> {
                let key = name.to_ascii_lowercase();
                $(if key == <$config as OnlineAlgo>::NAME {
                    return Some(Self::$variant(<$config>::default()));
                })*
                None
            }

            /// The method's name.
            pub fn name(&self) -> &'static str {
                match self { $(Self::$variant(_) => <$config as OnlineAlgo>::NAME,)* }
            }

            /// Rejects hyperparameters that cannot train, naming each field.
            pub fn validate(&self) -> Result<(), String> {
                match self { $(Self::$variant(c) => OnlineAlgo::validate(c),)* }
            }

            /// Refuses an action space the method does not act in, in one line naming both.
            pub fn accepts(&self, space: &ActionSpace) -> Result<(), String> {
                match self {
                    $(Self::$variant(_) => {
                        space.require(<$config as OnlineAlgo>::NAME, <$config as OnlineAlgo>::ACTIONS)
                    })*
                }
            }

            /// Builds a fresh agent, after checking that the method acts in the context's
            /// action space.
            pub fn build(&self, ctx: OnlineContext<'_>) -> Result<Box<dyn OnlineAgent>> {
                self.accepts(&ctx.spec.action_space).map_err(Error::Invalid)?;
                match self { $(Self::$variant(c) => Ok(c.build(ctx)?),)* }
            }
        }
    };
}

online_algos! {
    /// Soft Actor-Critic.
    Sac(SacConfig),
    /// Lipschitz-regularised off-policy GAIL (imitation from demonstrations).
    Gail(GailConfig),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each method's NAME is the tag serde writes for its variant, and `by_name` finds it.
    #[test]
    fn names_are_the_file_tags() {
        for name in OnlineAlgoConfig::NAMES {
            let config = OnlineAlgoConfig::by_name(name).unwrap();
            assert_eq!(config.name(), *name);
            let toml = toml::to_string(&config).unwrap();
            assert!(toml.contains(&format!("algo = \"{name}\"")), "{toml}");
            config.validate().unwrap();
        }
        assert!(OnlineAlgoConfig::by_name("SAC").is_some());
        assert!(OnlineAlgoConfig::by_name("td3").is_none());
    }
}
