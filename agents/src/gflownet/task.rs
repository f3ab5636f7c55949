//! [`Task`]: an environment plus what its objects are worth (scalar reward or several
//! objectives), and the task-specific evaluation hooks (modes, exact target, diversity).

use ember_envs::EnvError;
use ember_envs::gfn::exact::terminating_distribution;
use ember_envs::gfn::metrics::{L1Convention, l1_distance};
use ember_envs::gfn::{
    Enumerable, GfnEnv, GridFunction, GridState, HyperGrid, LogReward, MoHyperGrid, MultiObjective,
};
use std::collections::HashSet;

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

    /// Scores a batch of objects ahead of the [`Task::score`] (or [`Task::score_partial`])
    /// calls on each of them, for tasks whose scorer works per batch (a Python function, a
    /// model): the sampler calls it once per batch of sampled trajectories, with the finished
    /// objects (and, for forward-looking losses, every state on their paths). By default it
    /// does nothing.
    fn prefetch(&self, _objects: &[&StateOf<Self>]) {}

    /// The first error the task's scorer hit (a user's scorer that failed, or returned a
    /// non-finite value or the wrong number of values); a run stops with it after the step in
    /// which it happened. `None` by default.
    fn failure(&self) -> Option<String> {
        None
    }

    /// A unique printable key of an object (grid coordinates, SMILES), used for de-duplication
    /// and the samples file.
    fn key(&self, x: &<Self::Env as GfnEnv>::State) -> String;

    /// Whether an object counts as a mode (for the modes-found curve).
    fn is_mode(&self, x: &<Self::Env as GfnEnv>::State, score: &Score) -> bool;

    /// Whether two different mode objects (by key) are too similar to count as two modes: a
    /// new mode counts only when it is not similar to any mode found before it. By default
    /// every distinct object is its own mode.
    fn similar_modes(&self, _a: &str, _b: &str) -> bool {
        false
    }

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
        grid_key(x)
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

/// Grid coordinates separated by spaces.
fn grid_key(x: &GridState) -> String {
    let coords: Vec<String> = x.0.iter().map(u32::to_string).collect();
    coords.join(" ")
}

/// The multi-objective HyperGrid of OP-GFN ([`MoHyperGrid`]) as a task: the objectives are its
/// normalised functions (order-preserving runs use their Pareto order); the cells of the true
/// Pareto front are the modes. For the non-order-preserving losses `log R = ln Σ_i f_i(x)`
/// (OP-GFN's reward with preference weights 1 and β = 1), floored at `ln 1e-8`.
#[derive(Debug, Clone)]
pub struct MoHyperGridTask {
    grid: MoHyperGrid,
    front: HashSet<GridState>,
}

impl MoHyperGridTask {
    /// A 2-D grid of side `side` scored by `functions` (at least one).
    pub fn new(side: u32, functions: &[GridFunction]) -> Result<Self, EnvError> {
        let grid = MoHyperGrid::new(side, functions)?;
        let front = grid.pareto_front().into_iter().map(|(s, _)| s).collect();
        Ok(Self { grid, front })
    }

    /// The scored grid.
    pub fn grid(&self) -> &MoHyperGrid {
        &self.grid
    }

    /// The objective vectors of the true Pareto front.
    pub fn pareto_values(&self) -> Vec<Vec<f64>> {
        self.grid
            .pareto_front()
            .into_iter()
            .map(|(_, v)| v)
            .collect()
    }
}

/// Parses `branin,currin,shubert,beale` (any non-empty subset, comma-separated).
pub fn parse_grid_functions(list: &str) -> Result<Vec<GridFunction>, String> {
    list.split(',')
        .map(|name| match name.trim().to_ascii_lowercase().as_str() {
            "branin" => Ok(GridFunction::Branin),
            "currin" => Ok(GridFunction::Currin),
            "shubert" => Ok(GridFunction::Shubert),
            "beale" => Ok(GridFunction::Beale),
            other => Err(format!(
                "unknown HyperGrid objective `{other}`; valid: branin, currin, shubert, beale"
            )),
        })
        .collect()
}

impl Task for MoHyperGridTask {
    type Env = ember_envs::gfn::Grid;

    fn env(&self) -> &Self::Env {
        self.grid.env()
    }

    fn score(&self, x: &GridState) -> Score {
        let objectives = self.grid.objectives(x);
        let sum: f64 = objectives.iter().sum();
        Score {
            log_reward: sum.max(1e-8).ln(),
            objectives,
        }
    }

    fn key(&self, x: &GridState) -> String {
        grid_key(x)
    }

    fn is_mode(&self, x: &GridState, _score: &Score) -> bool {
        self.front.contains(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_objective_hypergrid_task_scores_and_modes() {
        let functions = parse_grid_functions("Branin, currin").unwrap();
        assert_eq!(functions, [GridFunction::Branin, GridFunction::Currin]);
        assert!(parse_grid_functions("branin,qed").is_err());
        let task = MoHyperGridTask::new(8, &functions).unwrap();
        let front = task.grid().pareto_front();
        assert!(!front.is_empty());
        for (cell, values) in &front {
            let score = task.score(cell);
            assert_eq!(&score.objectives, values);
            assert!((score.log_reward - values.iter().sum::<f64>().ln()).abs() < 1e-12);
            assert!(task.is_mode(cell, &score));
        }
        let modes = task
            .grid()
            .reachable()
            .filter(|s| task.is_mode(s, &task.score(s)))
            .count();
        assert_eq!(modes, front.len());
    }
}
