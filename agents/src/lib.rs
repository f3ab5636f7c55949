//! Ember: an embeddable offline-RL and imitation-learning engine built on burn.
//!
//! This crate holds the algorithms and the public facade; it re-exports the engine, the
//! environments and the datasets so a program needs one dependency:
//!
//! ```no_run
//! use ember::{datasets, train::{TrainJob, train}, config::TrainConfig, algo::AlgoConfig};
//! let job = TrainJob {
//!     config: TrainConfig::defaults(AlgoConfig::by_name("iql").unwrap()),
//!     dataset: "data/pendulum-mixed.hdf5".into(),
//!     expert: None,
//!     env: "pendulum".into(),
//!     device: "cpu".into(),
//!     seed: 0,
//!     run_dir: "runs/iql".into(),
//!     base: None,
//! };
//! let outcome = train(&job).unwrap();
//! println!("{:?}", outcome.summary.last().map(|r| r.mean()));
//! ```

#![deny(missing_docs)]

pub mod agent;
pub mod algo;
pub mod bc;
pub mod cdsa;
pub mod checkpoint;
pub mod collect;
pub mod config;
pub mod configure;
pub mod error;
pub mod evaluate;
pub mod gail;
pub mod gflownet;
pub mod imitation;
pub mod iql;
pub mod method;
pub mod odice;
pub mod offline;
pub mod online;
#[cfg(feature = "plots")]
pub mod plot;
pub mod run_dir;
pub mod sac;
pub mod saved_policy;
pub mod scripted;
pub mod segments;
pub mod subpo;
pub mod suite;
pub mod td3;
pub mod td3bc;
pub mod train;
pub mod trajdiff;

pub use agent::{ActionBounds, EpisodePolicy, OfflineAgent, OfflineLearner, Policy, Spec};
pub use ember_datasets as datasets;
pub use ember_engine as engine;
pub use ember_envs as envs;
pub use error::{Error, Result};
