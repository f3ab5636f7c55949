//! A 2-D point mass in a grid maze, modelled on D4RL's `maze2d` tasks.
//!
//! The layouts ([`layout::OPEN`], [`layout::UMAZE`]), goal radius, sparse/dense rewards and time
//! limits follow D4RL maze2d; the physics is Ember's own simple model, not MuJoCo's:
//!
//! * State `(x, y, vx, vy)` in the maze's cell coordinates (cell `(r, c)` is centred at
//!   `(r, c)` and is one unit wide). The observation is the state as `f32`.
//! * Action: a force `a ∈ [-1, 1]²` (clipped).
//! * Velocity, per component: `v' = clip(v + DT·(GAIN·a - DAMPING·v), -MAX_SPEED, MAX_SPEED)`
//!   with `DT = 0.1`, `GAIN = 5`, `DAMPING = 2.5`, `MAX_SPEED = 2` (terminal speed 2 at full force).
//! * Position: the mass is a square of half-width `HALF_SIZE = 0.125`. It moves by `DT·v'`, first
//!   along x and then along y; a move that would overlap a wall cell stops flush against the wall
//!   and zeroes that velocity component (perfectly inelastic). A move is at most 0.2 < 1 - 2·0.125,
//!   so walls can never be tunnelled through and the mass never enters a wall.
//! * Reward on the state after the step, with `d` the distance to the goal cell's centre:
//!   [`MazeReward::Sparse`] gives `1` if `d <= 0.5` else `0`; [`MazeReward::Dense`] gives
//!   `exp(-d)`. (D4RL's recorded datasets score the state *before* the step instead.)
//! * Never terminates; [`crate::make`] applies D4RL's time limits (open 150, U-maze 300).
//! * Reset: the start cell's centre plus `U(-0.1, 0.1)` noise per coordinate, zero velocity.
//! * Info: `"goal"` = goal position (reset and step), `"success"` = `1.0` if `d <= 0.5` (step).

pub mod layout;

use rand::Rng;

pub use layout::MazeLayout;

use crate::episode::{EpisodeCore, state_from_slice};
use crate::{Env, EnvError, Info, Space, Step};

/// Integration step in seconds.
pub const DT: f64 = 0.1;
/// Acceleration per unit of force.
pub const GAIN: f64 = 5.0;
/// Linear velocity damping rate per second.
pub const DAMPING: f64 = 2.5;
/// Bound on each velocity component.
pub const MAX_SPEED: f64 = 2.0;
/// Half-width of the square point mass.
pub const HALF_SIZE: f64 = 0.125;
/// Half-width of the uniform noise added to the start position on reset.
pub const RESET_NOISE: f64 = 0.1;
/// Distance to the goal within which the goal counts as reached.
pub const GOAL_RADIUS: f64 = 0.5;

/// How [`PointMaze`] rewards a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MazeReward {
    /// 1 within [`GOAL_RADIUS`] of the goal, else 0 (D4RL `maze2d-*`).
    Sparse,
    /// `exp(-distance to goal)` (D4RL `maze2d-*-dense`).
    Dense,
}

/// The point-mass maze environment (see the module docs for the physics).
pub struct PointMaze {
    id: String,
    layout: MazeLayout,
    reward: MazeReward,
    goal: [f64; 2],
    state: [f64; 4],
    core: EpisodeCore,
    observation_space: Space,
    action_space: Space,
}

impl PointMaze {
    /// A maze with the given id (reported by [`Env::id`]), layout and reward.
    pub fn new(id: impl Into<String>, layout: MazeLayout, reward: MazeReward) -> Self {
        let (rows, cols) = (layout.rows() as f32, layout.cols() as f32);
        let speed = MAX_SPEED as f32;
        Self {
            id: id.into(),
            goal: MazeLayout::cell_center(layout.goal()),
            state: [0.0; 4],
            core: EpisodeCore::new(),
            observation_space: Space::Box {
                low: vec![-0.5, -0.5, -speed, -speed],
                high: vec![rows - 0.5, cols - 0.5, speed, speed],
            },
            action_space: Space::uniform_box(2, -1.0, 1.0),
            layout,
            reward,
        }
    }

    /// The open 5 × 7 arena, id `pointmaze-open` (`pointmaze-open-dense` for the dense reward).
    pub fn open(reward: MazeReward) -> Self {
        Self::named("pointmaze-open", layout::OPEN, reward)
    }

    /// The 5 × 5 U-maze, id `pointmaze-umaze` (`pointmaze-umaze-dense` for the dense reward).
    pub fn umaze(reward: MazeReward) -> Self {
        Self::named("pointmaze-umaze", layout::UMAZE, reward)
    }

    fn named(id: &str, spec: &str, reward: MazeReward) -> Self {
        let layout = MazeLayout::parse(spec).expect("built-in layouts are valid");
        let id = match reward {
            MazeReward::Sparse => id.to_owned(),
            MazeReward::Dense => format!("{id}-dense"),
        };
        Self::new(id, layout, reward)
    }

    /// The layout.
    pub fn layout(&self) -> &MazeLayout {
        &self.layout
    }

    /// The goal position (centre of the goal cell).
    pub fn goal(&self) -> [f64; 2] {
        self.goal
    }

    /// The internal state `(x, y, vx, vy)`.
    pub fn state(&self) -> &[f64] {
        &self.state
    }

    /// Sets the internal state `(x, y, vx, vy)` and allows stepping from it. Fails if the mass
    /// would overlap a wall.
    pub fn set_state(&mut self, state: &[f64]) -> Result<(), EnvError> {
        let new: [f64; 4] = state_from_slice(state)?;
        if self.layout.overlaps_wall([new[0], new[1]], HALF_SIZE) {
            return Err(EnvError::InvalidArgument(format!(
                "position ({}, {}) overlaps a wall",
                new[0], new[1]
            )));
        }
        self.state = new;
        self.core.resume();
        Ok(())
    }

    fn observation(&self) -> Vec<f32> {
        self.state.iter().map(|&v| v as f32).collect()
    }

    fn info(&self) -> Info {
        Info::from([("goal".to_owned(), self.goal.to_vec())])
    }
}

impl Env for PointMaze {
    fn id(&self) -> &str {
        &self.id
    }

    fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    fn action_space(&self) -> &Space {
        &self.action_space
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        let [x, y] = MazeLayout::cell_center(self.layout.start());
        let rng = self.core.begin(seed);
        self.state = [
            x + rng.random_range(-RESET_NOISE..RESET_NOISE),
            y + rng.random_range(-RESET_NOISE..RESET_NOISE),
            0.0,
            0.0,
        ];
        (self.observation(), self.info())
    }

    fn step(&mut self, action: &[f32]) -> Result<Step, EnvError> {
        self.core.check_step(&self.action_space, action)?;
        let [x, y, vx, vy] = self.state;
        let mut pos = [x, y];
        let mut vel = [vx, vy];
        for axis in 0..2 {
            let force = f64::from(action[axis]).clamp(-1.0, 1.0);
            vel[axis] = (vel[axis] + DT * (GAIN * force - DAMPING * vel[axis]))
                .clamp(-MAX_SPEED, MAX_SPEED);
            if self.layout.slide(&mut pos, axis, DT * vel[axis], HALF_SIZE) {
                vel[axis] = 0.0;
            }
        }
        self.state = [pos[0], pos[1], vel[0], vel[1]];
        let distance = (pos[0] - self.goal[0]).hypot(pos[1] - self.goal[1]);
        let success = distance <= GOAL_RADIUS;
        let reward = match self.reward {
            MazeReward::Sparse => f64::from(u8::from(success)),
            MazeReward::Dense => (-distance).exp(),
        };
        let mut info = self.info();
        info.insert("success".to_owned(), vec![f64::from(u8::from(success))]);
        self.core.finish_step(false);
        Ok(Step {
            obs: self.observation(),
            reward,
            terminated: false,
            truncated: false,
            info,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::make;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn position(env: &PointMaze) -> [f64; 2] {
        [env.state()[0], env.state()[1]]
    }

    #[test]
    fn never_enters_walls() {
        for reward in [MazeReward::Sparse, MazeReward::Dense] {
            for mut env in [PointMaze::open(reward), PointMaze::umaze(reward)] {
                let mut rng = StdRng::seed_from_u64(1);
                for episode in 0..20 {
                    env.reset(Some(episode));
                    // Persistent pushes drive the mass into walls and corners.
                    let mut push = [0.0f32; 2];
                    for t in 0..300 {
                        if t % 25 == 0 {
                            push = [rng.random_range(-1.5..1.5), rng.random_range(-1.5..1.5)];
                        }
                        let step = env.step(&push).unwrap();
                        assert!(!env.layout().overlaps_wall(position(&env), HALF_SIZE));
                        assert!(
                            env.observation_space().contains(&step.obs),
                            "{:?}",
                            step.obs
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn walls_stop_the_mass_flush() {
        let mut env = PointMaze::open(MazeReward::Sparse);
        env.set_state(&[1.0, 1.0, 0.0, 0.0]).unwrap();
        for _ in 0..20 {
            env.step(&[-1.0, -1.0]).unwrap();
        }
        let wall_contact = 0.5 + HALF_SIZE;
        assert_eq!(env.state(), &[wall_contact, wall_contact, 0.0, 0.0]);
        let mut umaze = PointMaze::umaze(MazeReward::Sparse);
        umaze.set_state(&[3.0, 1.0, 0.0, 0.0]).unwrap();
        for _ in 0..20 {
            umaze.step(&[-1.0, 0.0]).unwrap();
        }
        assert_eq!(
            umaze.state()[0],
            2.5 + HALF_SIZE,
            "the inner wall blocks the way up"
        );
    }

    #[test]
    fn reaching_the_goal_is_rewarded() {
        let mut sparse = PointMaze::umaze(MazeReward::Sparse);
        let mut dense = PointMaze::umaze(MazeReward::Dense);
        assert_eq!(sparse.goal(), [1.0, 1.0]);
        for (state, success) in [([1.2, 1.1], true), ([3.0, 1.0], false)] {
            for env in [&mut sparse, &mut dense] {
                env.set_state(&[state[0], state[1], 0.0, 0.0]).unwrap();
            }
            let (s, d) = (
                sparse.step(&[0.0, 0.0]).unwrap(),
                dense.step(&[0.0, 0.0]).unwrap(),
            );
            let distance = (state[0] - 1.0f64).hypot(state[1] - 1.0);
            assert_eq!(s.reward, if success { 1.0 } else { 0.0 });
            assert!((d.reward - (-distance).exp()).abs() < 1e-12);
            assert_eq!(s.info["success"], vec![f64::from(u8::from(success))]);
            assert_eq!(s.info["goal"], vec![1.0, 1.0]);
            assert!(!s.terminated && !s.truncated);
        }
    }

    #[test]
    fn a_waypoint_controller_solves_the_umaze_within_the_time_limit() {
        let mut env = make("pointmaze-umaze").unwrap();
        let (mut obs, info) = env.reset(Some(0));
        assert_eq!(info["goal"], vec![1.0, 1.0]);
        let waypoints = [[3.0, 3.0], [1.0, 3.0], [1.0, 1.0]];
        let (mut next, mut total) = (0, 0.0);
        loop {
            let target = waypoints[next];
            let error = [target[0] - obs[0], target[1] - obs[1]];
            if next + 1 < waypoints.len() && error[0].hypot(error[1]) < 0.2 {
                next += 1;
            }
            let action = [2.0 * error[0] - 0.5 * obs[2], 2.0 * error[1] - 0.5 * obs[3]];
            let step = env.step(&action).unwrap();
            total += step.reward;
            if step.done() {
                assert!(step.truncated);
                break;
            }
            obs = step.obs;
        }
        assert!(total > 100.0, "return {total}");
    }

    #[test]
    fn reset_starts_near_the_start_cell() {
        let mut env = PointMaze::umaze(MazeReward::Sparse);
        for seed in 0..50 {
            let (obs, _) = env.reset(Some(seed));
            assert!((obs[0] - 3.0).abs() <= 0.1 && (obs[1] - 1.0).abs() <= 0.1);
            assert_eq!(&obs[2..], &[0.0, 0.0]);
        }
    }

    #[test]
    fn set_state_rejects_positions_in_walls() {
        let mut env = PointMaze::umaze(MazeReward::Sparse);
        assert!(env.set_state(&[2.0, 1.5, 0.0, 0.0]).is_err());
        assert!(
            env.set_state(&[1.0, 1.0 - 0.5 + HALF_SIZE - 0.01, 0.0, 0.0])
                .is_err()
        );
        assert!(env.set_state(&[1.0, 1.0, 0.0]).is_err());
        assert!(env.set_state(&[1.0, 0.5 + HALF_SIZE, 0.0, 0.0]).is_ok());
    }

    #[test]
    fn built_in_layouts() {
        let open = MazeLayout::parse(layout::OPEN).unwrap();
        assert_eq!((open.rows(), open.cols(), open.goal()), (5, 7, (2, 3)));
        let umaze = MazeLayout::parse(layout::UMAZE).unwrap();
        assert_eq!((umaze.rows(), umaze.cols()), (5, 5));
        assert_eq!((umaze.start(), umaze.goal()), ((3, 1), (1, 1)));
        assert!(umaze.is_wall(2, 1) && umaze.is_wall(2, 2) && !umaze.is_wall(2, 3));
        assert!(umaze.is_wall(-1, 0) && umaze.is_wall(0, 9));
        assert_eq!(
            PointMaze::open(MazeReward::Dense).id(),
            "pointmaze-open-dense"
        );
    }

    #[test]
    fn invalid_layouts_are_rejected() {
        for spec in [
            "#####\n#SOO#\n#####",        // no goal
            "#####\n#SOG#\n#OOO#\n##O##", // open border
            "#####\n#SOG#\n####",         // ragged
            "#####\n#SxG#\n#####",        // bad character
            "#####\n#SGG#\n#####",        // two goals
            "##\n##",                     // too small
        ] {
            assert!(
                matches!(MazeLayout::parse(spec), Err(EnvError::InvalidLayout(_))),
                "{spec}"
            );
        }
        assert!(MazeLayout::parse("####\n#SG#\n####\n").is_ok());
    }
}
