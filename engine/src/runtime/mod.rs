//! The training loop every offline algorithm reuses: step budget, periodic evaluation,
//! checkpoints written atomically, resume, metrics files, a progress bar and a NaN guard.

mod checkpoint;
mod error;
mod eval;
mod logger;
mod risk;
mod run;

pub use checkpoint::Checkpoints;
pub use error::RuntimeError;
pub use eval::{EvalReport, Evaluation};
pub use logger::{EvalPoint, MetricsLog};
pub use risk::{RISK_ALPHA, TailRisk, tail_risk};
pub use run::{Learner, RunConfig, RunSummary, train};
