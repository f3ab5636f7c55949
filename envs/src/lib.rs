//! Environments for Ember with Gymnasium semantics.
//!
//! * [`Env`]: the environment trait (`reset(seed) -> (obs, info)`, `step(action) -> Step` with
//!   separate `terminated` / `truncated` flags), with [`Space`]s describing observations and
//!   actions as flat `f32` vectors.
//! * [`classic`]: `Pendulum-v1`, `MountainCarContinuous-v0` and `CartPole-v1`, matching
//!   Gymnasium 1.4.0 step for step.
//! * [`gfn`]: GFlowNet environments (HyperGrid, multi-objective HyperGrid, fragment molecules),
//!   exact target distributions and evaluation metrics.
//! * [`maze`]: a 2-D point mass in D4RL maze2d-style layouts (`pointmaze-open`,
//!   `pointmaze-umaze`), with Ember's own documented physics.
//! * `mujoco` (feature `mujoco`): `Hopper-v4`, `HalfCheetah-v4`, `Walker2d-v4` and `Ant-v4` on
//!   MuJoCo 3.17.0 with D4RL's observation layouts.
//! * [`submodular`]: SubRL's grids with submodular rewards (coverage, experiment design, item
//!   collection) and the marginal-gain reward wrapper.
//! * [`make`] / [`registered`]: create environments by name, with Gymnasium's time limits.
//! * Wrappers [`TimeLimit`] and [`EpisodeStatistics`]; [`VecEnv`] and [`evaluate`] for batched,
//!   parallel, deterministic policy evaluation of a [`Policy`] or a stateful [`EpisodePolicy`].

#![deny(missing_docs)]

pub mod classic;
mod env;
mod episode;
mod error;
mod evaluate;
pub mod gfn;
pub mod maze;
#[cfg(feature = "mujoco")]
pub mod mujoco;
mod policy;
mod registry;
mod space;
pub mod submodular;
mod vec_env;
pub mod wrappers;

pub use env::{Env, Info, Step};
pub use error::EnvError;
pub use evaluate::{EvalStats, evaluate};
pub use policy::{EpisodePolicy, FnPolicy, Policy};
pub use registry::{make, registered};
pub use space::Space;
pub use vec_env::VecEnv;
pub use wrappers::{EpisodeStatistics, TimeLimit};
