//! MuJoCo locomotion environments with Gymnasium v4 physics and D4RL's observation layouts
//! (feature `mujoco`; run `scripts/setup-mujoco.sh` first).
//!
//! * [`Hopper`] (`Hopper-v4`, 11-d observation), [`HalfCheetah`] (`HalfCheetah-v4`, 17-d),
//!   [`Walker2d`] (`Walker2d-v4`, 17-d, the v4 model `walker2d.xml`) and [`Ant`] (`Ant-v4` with
//!   contact forces, 111-d) describe the tasks; [`MujocoEnv`] runs any of them.
//! * Physics: MuJoCo 3.17.0 through `mujoco-rs`, with the model files of the `gymnasium==1.4.0`
//!   wheel (see [`assets_dir`]). The simulation is `f64`; observations are rounded to `f32`.
//! * Matching Gymnasium's `MujocoEnv`: an action is written to the controls unchanged (MuJoCo
//!   clamps it to the control range; the control cost uses the raw action), the physics advances
//!   `frame_skip` steps, forward velocity is the change in x position divided by
//!   `dt = timestep · frame_skip`, and reset adds noise to the model's default pose.

mod ant;
mod half_cheetah;
mod hopper;
mod model;
mod walker2d;

pub use ant::Ant;
pub use half_cheetah::HalfCheetah;
pub use hopper::Hopper;
pub use model::{ASSETS_VAR, Sim, assets_dir};
pub use walker2d::Walker2d;

use rand::Rng;
use rand::rngs::StdRng;
use rand_distr::StandardNormal;

use crate::episode::EpisodeCore;
use crate::{Env, EnvError, Info, Space, Step};

/// A locomotion task: the model it runs on and its observation, reward and termination rules.
pub trait Task: Send {
    /// Gymnasium id, e.g. `"Hopper-v4"`.
    const ID: &'static str;
    /// Model file in Gymnasium's assets directory, e.g. `"hopper.xml"`.
    const MODEL_FILE: &'static str;
    /// Physics steps per environment step.
    const FRAME_SKIP: usize;

    /// How [`Env::reset`] perturbs the default pose.
    fn reset_noise(&self) -> ResetNoise;

    /// The position whose rate of change is rewarded (default: the root's x coordinate).
    fn x_position(&self, sim: &Sim) -> f64 {
        sim.qpos()[0]
    }

    /// Reward and termination after a step with forward velocity `x_velocity` under `action`.
    fn outcome(&self, sim: &Sim, x_velocity: f64, action: &[f64]) -> Outcome;

    /// The observation of the current state.
    fn observation(&self, sim: &Sim) -> Vec<f32>;
}

/// The random perturbation of the initial state: every position gets `U(-scale, scale)`, every
/// velocity `U(-scale, scale)` or, with `normal_velocities`, `scale · N(0, 1)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResetNoise {
    /// Noise scale.
    pub scale: f64,
    /// Whether velocity noise is Gaussian rather than uniform.
    pub normal_velocities: bool,
}

/// The reward and termination flag of one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Reward of the step.
    pub reward: f64,
    /// Whether the episode terminated.
    pub terminated: bool,
}

/// Gymnasium's "healthy" bonus and termination rule shared by Hopper, Walker2d and Ant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Health {
    /// Bonus per step while healthy (`healthy_reward`).
    pub reward: f64,
    /// End the episode once unhealthy (`terminate_when_unhealthy`); when set, the bonus is also
    /// paid on the final, unhealthy step, as in Gymnasium.
    pub terminate_when_unhealthy: bool,
}

impl Default for Health {
    fn default() -> Self {
        Self {
            reward: 1.0,
            terminate_when_unhealthy: true,
        }
    }
}

impl Health {
    /// `(gain + bonus) - cost`, terminated when unhealthy (if so configured).
    pub fn outcome(&self, healthy: bool, gain: f64, cost: f64) -> Outcome {
        let bonus = if healthy || self.terminate_when_unhealthy {
            self.reward
        } else {
            0.0
        };
        Outcome {
            reward: gain + bonus - cost,
            terminated: self.terminate_when_unhealthy && !healthy,
        }
    }
}

/// `weight · Σ aᵢ²`.
pub fn ctrl_cost(weight: f64, action: &[f64]) -> f64 {
    weight * action.iter().map(|a| a * a).sum::<f64>()
}

/// `qpos[skip..]` followed by `qvel` (each clipped to `±clip` if given), as `f32`.
pub fn positions_and_velocities(sim: &Sim, skip: usize, clip: Option<f64>) -> Vec<f32> {
    let velocities = sim
        .qvel()
        .iter()
        .map(|&v| clip.map_or(v, |c| v.clamp(-c, c)));
    sim.qpos()[skip..]
        .iter()
        .copied()
        .chain(velocities)
        .map(|v| v as f32)
        .collect()
}

/// Whether `low < x < high`.
fn within((low, high): (f64, f64), x: f64) -> bool {
    low < x && x < high
}

/// A MuJoCo locomotion environment running task `T` (no time limit of its own; [`crate::make`]
/// adds Gymnasium's 1000 steps).
pub struct MujocoEnv<T: Task> {
    task: T,
    sim: Sim,
    core: EpisodeCore,
    observation_space: Space,
    action_space: Space,
    ctrl: Vec<f64>,
}

impl<T: Task> MujocoEnv<T> {
    /// Loads `T`'s model; fails if the model files cannot be found or loaded.
    pub fn new(task: T) -> Result<Self, EnvError> {
        let sim = Sim::load(T::MODEL_FILE)?;
        let observation_space = Space::uniform_box(
            task.observation(&sim).len(),
            f32::NEG_INFINITY,
            f32::INFINITY,
        );
        let (low, high) = sim
            .ctrl_range()
            .iter()
            .map(|&[lo, hi]| (lo as f32, hi as f32))
            .unzip();
        Ok(Self {
            ctrl: vec![0.0; sim.ctrl_range().len()],
            task,
            sim,
            core: EpisodeCore::new(),
            observation_space,
            action_space: Space::Box { low, high },
        })
    }

    /// The task's parameters.
    pub fn task(&self) -> &T {
        &self.task
    }

    /// The simulation (read-only).
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// Generalised positions (D4RL's `infos/qpos`).
    pub fn qpos(&self) -> &[f64] {
        self.sim.qpos()
    }

    /// Generalised velocities (D4RL's `infos/qvel`).
    pub fn qvel(&self) -> &[f64] {
        self.sim.qvel()
    }

    /// Seconds of simulated time per environment step.
    pub fn dt(&self) -> f64 {
        self.sim.timestep() * T::FRAME_SKIP as f64
    }

    /// Starts an episode from `(qpos, qvel)` exactly as [`Env::reset`] does after drawing its
    /// noise, and returns the observation.
    pub fn set_state(&mut self, qpos: &[f64], qvel: &[f64]) -> Result<Vec<f32>, EnvError> {
        self.sim.restart(qpos, qvel)?;
        self.core.resume();
        Ok(self.task.observation(&self.sim))
    }
}

impl<T: Task> Env for MujocoEnv<T> {
    fn id(&self) -> &str {
        T::ID
    }

    fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    fn action_space(&self) -> &Space {
        &self.action_space
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        let ResetNoise {
            scale,
            normal_velocities,
        } = self.task.reset_noise();
        let rng: &mut StdRng = self.core.begin(seed);
        let qpos: Vec<f64> = self
            .sim
            .init_qpos()
            .iter()
            .map(|q| q + rng.random_range(-scale..scale))
            .collect();
        let qvel: Vec<f64> = (0..self.sim.qvel().len())
            .map(|_| match normal_velocities {
                true => scale * rng.sample::<f64, _>(StandardNormal),
                false => rng.random_range(-scale..scale),
            })
            .collect();
        let obs = self
            .set_state(&qpos, &qvel)
            .expect("the sampled state has the model's dimensions");
        (obs, Info::new())
    }

    fn step(&mut self, action: &[f32]) -> Result<Step, EnvError> {
        self.core.check_step(&self.action_space, action)?;
        for (c, &a) in self.ctrl.iter_mut().zip(action) {
            *c = f64::from(a);
        }
        let before = self.task.x_position(&self.sim);
        self.sim.advance(&self.ctrl, T::FRAME_SKIP);
        let x_velocity = (self.task.x_position(&self.sim) - before) / self.dt();
        let Outcome { reward, terminated } = self.task.outcome(&self.sim, x_velocity, &self.ctrl);
        self.core.finish_step(terminated);
        Ok(Step {
            obs: self.task.observation(&self.sim),
            reward,
            terminated,
            truncated: false,
            info: Info::new(),
        })
    }

    fn state_info(&self) -> Info {
        Info::from([
            ("qpos".to_owned(), self.qpos().to_vec()),
            ("qvel".to_owned(), self.qvel().to_vec()),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::make;

    #[test]
    fn spaces_have_d4rl_dimensions() {
        for (name, obs, act) in [
            ("hopper", 11, 3),
            ("halfcheetah", 17, 6),
            ("walker2d", 17, 6),
            ("ant", 111, 8),
        ] {
            let mut env = make(name).unwrap();
            assert_eq!(env.observation_space().dim(), obs, "{name}");
            assert_eq!(env.action_space(), &Space::uniform_box(act, -1.0, 1.0));
            assert_eq!(env.max_episode_steps(), Some(1000));
            assert_eq!(env.reset(Some(0)).0.len(), obs);
            let step = env.step(&vec![0.0; act]).unwrap();
            assert_eq!(step.obs.len(), obs);
        }
        let ant = Ant {
            use_contact_forces: false,
            ..Ant::default()
        };
        assert_eq!(MujocoEnv::new(ant).unwrap().observation_space().dim(), 27);
    }

    #[test]
    fn state_info_is_qpos_and_qvel_through_the_wrappers() {
        let mut env = make("hopper").unwrap();
        let obs = env.reset(Some(0)).0;
        let info = env.state_info();
        assert_eq!((info["qpos"].len(), info["qvel"].len()), (6, 6));
        // Hopper observes qpos[1..] first.
        assert!((f64::from(obs[0]) - info["qpos"][1]).abs() < 1e-6);
    }

    #[test]
    fn reset_perturbs_the_default_pose_within_the_noise() {
        let mut env = MujocoEnv::new(Hopper::default()).unwrap();
        let dt = env.dt();
        assert!((dt - 0.008).abs() < 1e-15);
        let qpos0 = env.sim().init_qpos().to_vec();
        env.reset(Some(3));
        let deviation = env.qpos().iter().zip(&qpos0).map(|(q, q0)| q - q0);
        assert!(
            deviation
                .chain(env.qvel().iter().copied())
                .all(|d| d.abs() <= 5e-3 && d != 0.0)
        );
        let first = env.qpos().to_vec();
        env.reset(Some(3));
        assert_eq!(env.qpos(), first.as_slice());
    }

    #[test]
    fn set_state_checks_lengths_and_restarts_the_episode() {
        let mut env = MujocoEnv::new(Walker2d::default()).unwrap();
        let (nq, nv) = (env.qpos().len(), env.qvel().len());
        assert_eq!((nq, nv), (9, 9));
        assert_eq!(
            env.set_state(&[0.0; 8], &[0.0; 9]),
            Err(EnvError::StateLength {
                expected: 9,
                got: 8
            })
        );
        let mut qpos = env.sim().init_qpos().to_vec();
        qpos[1] = 0.5; // below the healthy height: the first step terminates
        let obs = env.set_state(&qpos, &[0.0; 9]).unwrap();
        assert_eq!(obs[0], 0.5);
        assert_eq!(env.qpos(), qpos.as_slice());
        let step = env.step(&[0.0; 6]).unwrap();
        assert!(step.terminated);
        assert_eq!(env.step(&[0.0; 6]), Err(EnvError::ResetNeeded));
    }

    #[test]
    fn health_pays_the_bonus_on_the_terminating_step_only_when_terminating() {
        let terminating = Health::default();
        assert_eq!(
            terminating.outcome(false, 2.0, 0.5),
            Outcome {
                reward: 2.5,
                terminated: true
            }
        );
        let continuing = Health {
            terminate_when_unhealthy: false,
            ..Health::default()
        };
        assert_eq!(
            continuing.outcome(false, 2.0, 0.5),
            Outcome {
                reward: 1.5,
                terminated: false
            }
        );
    }
}
