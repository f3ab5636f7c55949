//! GFlowNet environments: states form a DAG from an initial state `s_0`, and every complete
//! trajectory ends with the *exit* action that moves a terminating state `x` to the sink `s_f`.
//!
//! Conventions shared by every environment (see [`GfnEnv`]):
//!
//! * Forward actions are integers `0..n_actions()`; the **exit action is the last one**
//!   (`n_actions() - 1`, [`GfnEnv::exit_action`]). Taking it at `x` samples the object `x`.
//! * Backward actions are integers `0..n_backward_actions()`; each undoes one forward edge into
//!   the state. The exit edge `x -> s_f` has no backward action.
//! * Masks are `Vec<bool>` with `true` = allowed; the batched helpers
//!   ([`forward_masks`], [`backward_masks`], [`encode_batch`]) return row-major flat buffers
//!   ready to be copied into tensors.
//! * Rewards and orders live in [`objective`]: a scalar [`LogReward`], a vector of
//!   [`MultiObjective`] values (maximised), or only a [`Comparator`] (all that order-preserving
//!   GFlowNets need).
//!
//! Environments: [`HyperGrid`] (with its exact target distribution), [`MoHyperGrid`] (Branin,
//! Currin, Shubert, Beale), and the fragment-based molecule builder [`mol::FragMolEnv`]. Exact
//! evaluation over enumerable environments is in [`exact`]; evaluation metrics in [`metrics`];
//! [`check_state`] verifies an environment's DAG contract.

mod batch;
mod check;
mod env;
pub mod exact;
mod grid;
mod hypergrid;
pub mod metrics;
mod mo_functions;
mod mo_hypergrid;
pub mod mol;
pub mod objective;

pub use batch::{backward_masks, encode_batch, forward_masks};
pub use check::check_state;
pub use env::{Enumerable, GfnEnv};
pub use grid::{Grid, GridState};
pub use hypergrid::{HyperGrid, HyperGridReward};
pub use mo_functions::GridFunction;
pub use mo_hypergrid::MoHyperGrid;
pub use objective::{Comparator, LogReward, MultiObjective};
