//! [`GridWorld`]: the SubRL grid (cells, blocked cells, the 5 deterministic moves) and
//! [`GridEnv`], the fixed-horizon environment walking it.

use super::VisitedElement;
use crate::{Env, EnvError, Info, Space, Step};
use std::sync::Arc;

/// Number of grid actions: 0 stay, 1 column + 1, 2 row + 1, 3 column − 1, 4 row − 1.
pub const N_GRID_ACTIONS: usize = 5;

/// A `rows × cols` grid; cell `n` is `(row, col) = (n / cols, n % cols)`. Blocked cells are
/// walls: a move into one, or off the grid, becomes "stay" (the reference code's self-loop).
#[derive(Clone, Debug, PartialEq)]
pub struct GridWorld {
    rows: usize,
    cols: usize,
    blocked: Vec<bool>,
}

impl GridWorld {
    /// An open grid.
    pub fn new(rows: usize, cols: usize) -> Result<Self, EnvError> {
        if rows == 0 || cols == 0 {
            return Err(EnvError::InvalidArgument(format!(
                "a {rows}x{cols} grid has no cells"
            )));
        }
        Ok(Self {
            rows,
            cols,
            blocked: vec![false; rows * cols],
        })
    }

    /// The grid with the cells `(row, col)` of `walls` blocked.
    pub fn with_walls(
        mut self,
        walls: impl IntoIterator<Item = (usize, usize)>,
    ) -> Result<Self, EnvError> {
        for (r, c) in walls {
            let n = self.checked_cell(r, c)?;
            self.blocked[n] = true;
        }
        Ok(self)
    }

    /// Rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Number of cells.
    pub fn n_cells(&self) -> usize {
        self.rows * self.cols
    }

    /// Whether cell `n` is a wall.
    pub fn is_blocked(&self, n: usize) -> bool {
        self.blocked[n]
    }

    /// `(row, col)` of cell `n`.
    pub fn row_col(&self, n: usize) -> (usize, usize) {
        (n / self.cols, n % self.cols)
    }

    /// The cell at `(row, col)`, if on the grid.
    pub fn cell_at(&self, r: isize, c: isize) -> Option<usize> {
        (r >= 0 && c >= 0 && (r as usize) < self.rows && (c as usize) < self.cols)
            .then(|| r as usize * self.cols + c as usize)
    }

    /// The cell at `(row, col)`, or an error naming the grid's size.
    pub fn checked_cell(&self, r: usize, c: usize) -> Result<usize, EnvError> {
        if r < self.rows && c < self.cols {
            Ok(r * self.cols + c)
        } else {
            Err(EnvError::InvalidArgument(format!(
                "cell ({r}, {c}) is outside the {}x{} grid",
                self.rows, self.cols
            )))
        }
    }

    /// Physical coordinates of cell `n` as the reference code places them: `(row, col)·0.1 + 1`.
    pub fn coordinates(&self, n: usize) -> [f64; 2] {
        let (r, c) = self.row_col(n);
        [r as f64 * 0.1 + 1.0, c as f64 * 0.1 + 1.0]
    }

    /// The cell reached from `n` by `action` (see [`N_GRID_ACTIONS`]); off-grid moves and moves
    /// into walls stay at `n`.
    pub fn step(&self, n: usize, action: usize) -> usize {
        let (r, c) = self.row_col(n);
        let (dr, dc) = match action {
            1 => (0, 1),
            2 => (1, 0),
            3 => (0, -1),
            4 => (-1, 0),
            _ => (0, 0),
        };
        match self.cell_at(r as isize + dr, c as isize + dc) {
            Some(next) if !self.blocked[next] => next,
            _ => n,
        }
    }
}

/// Walks a [`GridWorld`] from a fixed start cell for a horizon of `H` states (the start plus
/// `H − 1` actions). The observation is the one-hot cell followed by `t / H`; the reward is 0
/// (wrap it in [`MarginalGain`](super::MarginalGain) for SubRL rewards). The last action
/// ends the episode with `terminated` (the horizon is part of the finite-horizon MDP, and
/// `t / H` is in the observation).
pub struct GridEnv {
    id: String,
    grid: Arc<GridWorld>,
    horizon: usize,
    start: usize,
    cell: usize,
    t: usize,
    running: bool,
    observation_space: Space,
    action_space: Space,
}

impl GridEnv {
    /// The environment with id `id` on `grid` starting at cell `start` with horizon `horizon`
    /// (at least 2: the start and one move).
    pub fn new(
        id: impl Into<String>,
        grid: Arc<GridWorld>,
        start: usize,
        horizon: usize,
    ) -> Result<Self, EnvError> {
        if horizon < 2 {
            return Err(EnvError::InvalidArgument(format!(
                "horizon H = {horizon}: an episode needs the start state and at least one move \
                 (H >= 2)"
            )));
        }
        if start >= grid.n_cells() || grid.is_blocked(start) {
            let (r, c) = grid.row_col(start.min(grid.n_cells() - 1));
            return Err(EnvError::InvalidArgument(format!(
                "start cell {start} is {} of the {}x{} grid",
                if start >= grid.n_cells() {
                    "outside".to_string()
                } else {
                    format!("a wall ({r}, {c})")
                },
                grid.rows(),
                grid.cols()
            )));
        }
        Ok(Self {
            id: id.into(),
            observation_space: Space::uniform_box(grid.n_cells() + 1, 0.0, 1.0),
            action_space: Space::Discrete(N_GRID_ACTIONS),
            grid,
            horizon,
            start,
            cell: start,
            t: 0,
            running: false,
        })
    }

    /// The grid.
    pub fn grid(&self) -> &GridWorld {
        &self.grid
    }

    /// The horizon `H` (states per episode).
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    fn observation(&self) -> Vec<f32> {
        let mut obs = vec![0.0; self.grid.n_cells() + 1];
        obs[self.cell] = 1.0;
        obs[self.grid.n_cells()] = self.t as f32 / self.horizon as f32;
        obs
    }
}

impl Env for GridEnv {
    fn id(&self) -> &str {
        &self.id
    }

    fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    fn action_space(&self) -> &Space {
        &self.action_space
    }

    fn reset(&mut self, _seed: Option<u64>) -> (Vec<f32>, Info) {
        self.cell = self.start;
        self.t = 0;
        self.running = true;
        (self.observation(), Info::new())
    }

    fn step(&mut self, action: &[f32]) -> Result<Step, EnvError> {
        if !self.running {
            return Err(EnvError::ResetNeeded);
        }
        self.action_space.validate(action)?;
        let a = self.action_space.discrete_action(action).unwrap_or(0);
        self.cell = self.grid.step(self.cell, a);
        self.t += 1;
        let terminated = self.t + 1 >= self.horizon;
        self.running = !terminated;
        Ok(Step {
            obs: self.observation(),
            reward: 0.0,
            terminated,
            truncated: false,
            info: Info::new(),
        })
    }

    fn max_episode_steps(&self) -> Option<usize> {
        Some(self.horizon - 1)
    }
}

impl VisitedElement for GridEnv {
    fn element(&self) -> usize {
        self.cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walls_and_borders_become_stay() {
        let grid = GridWorld::new(3, 4).unwrap().with_walls([(1, 1)]).unwrap();
        // Corner (0, 0): up and left leave the grid.
        assert_eq!(grid.step(0, 4), 0);
        assert_eq!(grid.step(0, 3), 0);
        assert_eq!(grid.step(0, 1), 1);
        // (0, 1) down is the wall (1, 1).
        assert_eq!(grid.step(1, 2), 1);
        // (1, 0) right is the wall; down works.
        assert_eq!(grid.step(4, 1), 4);
        assert_eq!(grid.step(4, 2), 8);
        // Bottom-right corner: down and right leave the grid.
        assert_eq!(grid.step(11, 2), 11);
        assert_eq!(grid.step(11, 1), 11);
        assert_eq!(grid.step(11, 0), 11);
    }

    #[test]
    fn episodes_have_h_states_and_time_in_the_observation() {
        let grid = Arc::new(GridWorld::new(2, 2).unwrap());
        let mut env = GridEnv::new("g", grid, 0, 3).unwrap();
        let (obs, _) = env.reset(None);
        assert_eq!(obs, vec![1.0, 0.0, 0.0, 0.0, 0.0]);
        let s = env.step(&[1.0]).unwrap();
        assert!(!s.done());
        assert_eq!(s.obs, vec![0.0, 1.0, 0.0, 0.0, 1.0 / 3.0]);
        let s = env.step(&[2.0]).unwrap();
        assert!(s.terminated);
        assert_eq!(env.element(), 3);
        assert_eq!(env.step(&[0.0]), Err(EnvError::ResetNeeded));
        assert!(env.reset(None).0[0] == 1.0);
        assert!(env.step(&[5.0]).is_err());
    }

    #[test]
    fn bad_horizon_and_start_are_refused() {
        let grid = Arc::new(GridWorld::new(2, 2).unwrap().with_walls([(0, 1)]).unwrap());
        for h in [0, 1] {
            let e = GridEnv::new("g", grid.clone(), 0, h).err().unwrap();
            assert!(e.to_string().contains(&format!("H = {h}")), "{e}");
        }
        assert!(GridEnv::new("g", grid.clone(), 4, 5).is_err());
        let wall = GridEnv::new("g", grid, 1, 5).err().unwrap();
        assert!(wall.to_string().contains("wall"), "{wall}");
    }
}
