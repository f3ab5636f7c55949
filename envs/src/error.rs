//! The error type shared by every environment, wrapper and helper in this crate.

use thiserror::Error;

/// Everything that can go wrong when creating or driving an environment.
///
/// Environments never panic on bad input; they return one of these instead.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EnvError {
    /// [`make`](crate::make) was given a name that is not registered.
    #[error("unknown environment `{name}`; known names: {}", .known.join(", "))]
    UnknownEnv {
        /// The name that was asked for.
        name: String,
        /// Every name [`make`](crate::make) accepts (ids and aliases).
        known: Vec<String>,
    },
    /// The action slice has the wrong number of elements.
    #[error("bad action: expected {expected} element(s), got {got}")]
    ActionLength {
        /// Number of elements the action space requires.
        expected: usize,
        /// Number of elements supplied.
        got: usize,
    },
    /// An action element is NaN or infinite.
    #[error("bad action: element {index} is not finite ({value})")]
    NonFiniteAction {
        /// Position of the offending element.
        index: usize,
        /// Its value.
        value: f32,
    },
    /// A discrete action is not an integer in `0..n`.
    #[error("bad action: {value} is not a valid index for Discrete({n})")]
    InvalidDiscreteAction {
        /// The value supplied.
        value: f32,
        /// Number of discrete actions.
        n: usize,
    },
    /// `step` was called before the first `reset`, or after the episode ended.
    #[error("step() called before reset() or after the episode ended; call reset() first")]
    ResetNeeded,
    /// A state vector passed to `set_state` has the wrong length.
    #[error("bad state: expected {expected} value(s), got {got}")]
    StateLength {
        /// Number of values the environment's state has.
        expected: usize,
        /// Number of values supplied.
        got: usize,
    },
    /// A maze layout string could not be parsed or is not closed by walls.
    #[error("bad maze layout: {0}")]
    InvalidLayout(String),
    /// A simulator or its model files are unavailable (e.g. MuJoCo assets not installed).
    #[error("simulator unavailable: {0}")]
    Simulator(String),
    /// Any other invalid argument (e.g. zero environments, a policy returning the wrong batch).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}
