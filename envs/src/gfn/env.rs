//! The [`GfnEnv`] trait (a DAG of states with forward/backward actions) and [`Enumerable`].

use std::fmt::Debug;
use std::hash::Hash;

use crate::EnvError;

/// A GFlowNet environment: a DAG of states rooted at [`GfnEnv::initial`].
///
/// Contract (checked by the tests of every environment in this module):
///
/// * `forward_mask(s)` has `n_actions()` entries; the exit action (`exit_action()`, the last
///   index) is allowed exactly at the states that may terminate. `step(s, a)` for an allowed
///   non-exit action returns a child of `s`; for the exit action or a masked action it returns
///   an error (the exit edge leads to the abstract sink `s_f`, which is not a state).
/// * `backward_mask(s)` has `n_backward_actions()` entries and allows exactly one action per
///   forward edge into `s`'s parents (it is all-false at the initial state);
///   `backward_step(s, b)` returns that parent, and `step(parent, a) == s` for some allowed `a`.
/// * States compare equal iff they are the same node of the DAG (environments with symmetric
///   objects store a canonical form). Several actions may join the same two states: use
///   [`GfnEnv::forward_actions_between`] / [`GfnEnv::backward_actions_between`] to sum their
///   probabilities when `P_F(s'|s)` or `P_B(s|s')` must be exact.
/// * `encode(s)` has `feature_dim()` entries (the input of a policy network).
pub trait GfnEnv {
    /// A node of the DAG.
    type State: Clone + Eq + Hash + Debug;

    /// The initial state `s_0`.
    fn initial(&self) -> Self::State;

    /// Number of forward actions, the exit action included.
    fn n_actions(&self) -> usize;

    /// Number of backward actions.
    fn n_backward_actions(&self) -> usize;

    /// Allowed forward actions at `s` (`n_actions()` entries).
    fn forward_mask(&self, s: &Self::State) -> Vec<bool>;

    /// Allowed backward actions at `s` (`n_backward_actions()` entries).
    fn backward_mask(&self, s: &Self::State) -> Vec<bool>;

    /// The child reached from `s` by the non-exit forward action `a`.
    fn step(&self, s: &Self::State, a: usize) -> Result<Self::State, EnvError>;

    /// The parent reached from `s` by the backward action `b`.
    fn backward_step(&self, s: &Self::State, b: usize) -> Result<Self::State, EnvError>;

    /// Width of [`GfnEnv::encode`].
    fn feature_dim(&self) -> usize;

    /// Writes the fixed-width features of `s` into `out` (`feature_dim()` entries).
    fn encode_into(&self, s: &Self::State, out: &mut [f32]);

    /// The exit action index: always the last forward action.
    fn exit_action(&self) -> usize {
        self.n_actions() - 1
    }

    /// Whether `a` is the exit action.
    fn is_exit(&self, a: usize) -> bool {
        a == self.exit_action()
    }

    /// Whether `s` may be sampled as an object (its exit action is allowed).
    fn is_terminating(&self, s: &Self::State) -> bool {
        self.forward_mask(s)[self.exit_action()]
    }

    /// The fixed-width features of `s` as a new vector.
    fn encode(&self, s: &Self::State) -> Vec<f32> {
        let mut out = vec![0.0; self.feature_dim()];
        self.encode_into(s, &mut out);
        out
    }

    /// Every allowed non-exit forward action that leads from `parent` to `child`.
    fn forward_actions_between(&self, parent: &Self::State, child: &Self::State) -> Vec<usize> {
        let mask = self.forward_mask(parent);
        (0..self.n_actions())
            .filter(|&a| mask[a] && !self.is_exit(a))
            .filter(|&a| self.step(parent, a).is_ok_and(|c| &c == child))
            .collect()
    }

    /// Every allowed backward action that leads from `child` to `parent`.
    fn backward_actions_between(&self, child: &Self::State, parent: &Self::State) -> Vec<usize> {
        let mask = self.backward_mask(child);
        (0..self.n_backward_actions())
            .filter(|&b| mask[b])
            .filter(|&b| self.backward_step(child, b).is_ok_and(|p| &p == parent))
            .collect()
    }
}

/// A [`GfnEnv`] whose states can be listed: each state has an index in `0..n_states()`.
///
/// Contract: indices are a topological order of the DAG (a child always has a larger index
/// than its parent), and `state_at(index_of(s)) == s`. Some indices may name unreachable
/// states ([`Enumerable::is_reachable`]).
pub trait Enumerable: GfnEnv {
    /// Size of the index space.
    fn n_states(&self) -> usize;

    /// The index of `s`.
    fn index_of(&self, s: &Self::State) -> usize;

    /// The state with index `i` (`i < n_states()`).
    fn state_at(&self, i: usize) -> Self::State;

    /// Whether the state with index `i` can be reached from the initial state.
    fn is_reachable(&self, i: usize) -> bool;
}
