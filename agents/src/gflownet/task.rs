//! [`Task`]: an environment plus what its objects are worth (scalar reward or several
//! objectives), and the task-specific evaluation hooks (modes, exact target, diversity).

use ember_envs::gfn::exact::terminating_distribution;
use ember_envs::gfn::metrics::{L1Convention, l1_distance};
use ember_envs::gfn::{Enumerable, GfnEnv, GridState, HyperGrid, LogReward};

/// The worth of one object (or, for forward-looking losses, of a partial object).
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// `log R`, used by the non-order-preserving losses (clipped by the trainer).
    pub log_reward: f64,
    /// The objectives to maximise; order-preserving GFlowNets use only their order (one entry:
    /// total order; several: Pareto order).
    pub objectives: Vec<f64>,
}

impl Score {
    /// A single-objective score whose objective is `log R` itself.
    pub fn scalar(log_reward: f64) -> Self {
        Self {
            log_reward,
            objectives: vec![log_reward],
        }
    }
}

/// The state type of a task's environment.
pub type StateOf<T> = <<T as Task>::Env as GfnEnv>::State;

/// What a GFlowNet trains on: a [`GfnEnv`] and scores of its terminating states.
pub trait Task {
    /// The environment.
    type Env: GfnEnv;

    /// The environment.
    fn env(&self) -> &Self::Env;

    /// The score of a terminating object.
    fn score(&self, x: &<Self::Env as GfnEnv>::State) -> Score;

    /// The score of an intermediate state (the energy of forward-looking GFlowNets); defaults
    /// to [`Task::score`].
    fn score_partial(&self, s: &<Self::Env as GfnEnv>::State) -> Score {
        self.score(s)
    }

    /// A unique printable key of an object (grid coordinates, SMILES), used for de-duplication
    /// and the samples file.
    fn key(&self, x: &<Self::Env as GfnEnv>::State) -> String;

    /// Whether an object counts as a mode (for the modes-found curve).
    fn is_mode(&self, x: &<Self::Env as GfnEnv>::State, score: &Score) -> bool;

    /// Mean pairwise distance of a set of objects given by key (e.g. `1 − Tanimoto` of ECFP4
    /// for molecules), for the diversity of the top set; `None` where the task has no
    /// meaningful distance.
    fn diversity(&self, _keys: &[&str]) -> Option<f64> {
        None
    }

    /// `Σ_x |P_T(x) − p(x)|` between the exact terminating distribution of the forward policy
    /// (`policy` returns action probabilities row-major for a batch of states) and the target
    /// `R/Z`, where the state space is enumerable; `None` otherwise.
    fn l1_to_target(&self, _policy: &mut dyn FnMut(&[StateOf<Self>]) -> Vec<f64>) -> Option<f64> {
        None
    }
}

impl Task for HyperGrid {
    type Env = ember_envs::gfn::Grid;

    fn env(&self) -> &Self::Env {
        HyperGrid::env(self)
    }

    fn score(&self, x: &GridState) -> Score {
        Score::scalar(self.log_reward(x))
    }

    fn key(&self, x: &GridState) -> String {
        let coords: Vec<String> = x.0.iter().map(u32::to_string).collect();
        coords.join(" ")
    }

    fn is_mode(&self, x: &GridState, _score: &Score) -> bool {
        HyperGrid::is_mode(self, x)
    }

    fn l1_to_target(&self, policy: &mut dyn FnMut(&[GridState]) -> Vec<f64>) -> Option<f64> {
        let grid = HyperGrid::env(self);
        let p_t = terminating_distribution(grid, 4096, policy).ok()?;
        let target = self.target();
        debug_assert_eq!(p_t.len(), grid.n_states());
        Some(l1_distance(&p_t, &target, L1Convention::Sum))
    }
}
