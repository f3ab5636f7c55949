//! Replays trajectories recorded from Gymnasium 1.4.0 + MuJoCo 3.17.0
//! (`fixtures/record_mujoco.py`) and checks that the Rust MuJoCo environments reproduce every
//! observation, reward and episode-end flag, starting from each recorded post-reset state.
//!
//! Both sides run the same `libmujoco.so.3.17.0` with the same call sequence, so the physics is
//! identical; observations differ only by Ember's rounding to `f32` (at most half an `f32` ulp,
//! checked as a relative error) and rewards by summation order (checked to `REWARD_TOLERANCE`).

#![cfg(feature = "mujoco")]

use ember_envs::mujoco::{Ant, HalfCheetah, Hopper, MujocoEnv, Task, Walker2d};
use ember_envs::{Env, TimeLimit, make};
use serde::Deserialize;

/// Largest allowed `|got - expected| / max(1, |expected|)` for observations (`f32` rounding).
const OBS_TOLERANCE: f64 = 1e-7;
/// Largest allowed absolute reward error.
const REWARD_TOLERANCE: f64 = 1e-12;

#[derive(Deserialize)]
struct Fixture {
    env_id: String,
    max_episode_steps: usize,
    episodes: Vec<Episode>,
}

#[derive(Deserialize)]
struct Episode {
    qpos: Vec<f64>,
    qvel: Vec<f64>,
    initial_obs: Vec<f64>,
    actions: Vec<Vec<f32>>,
    obs: Vec<Vec<f64>>,
    rewards: Vec<f64>,
    terminated: Vec<bool>,
    truncated: Vec<bool>,
}

fn load(env_id: &str) -> Fixture {
    let path = format!("{}/fixtures/{env_id}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The largest relative observation error.
fn obs_error(what: &str, got: &[f32], expected: &[f64]) -> f64 {
    assert_eq!(got.len(), expected.len(), "{what}: length");
    got.iter()
        .zip(expected)
        .map(|(&g, &e)| (f64::from(g) - e).abs() / e.abs().max(1.0))
        .fold(0.0, f64::max)
}

/// Replays every recorded episode from its recorded initial state; returns the largest
/// observation and reward errors.
fn replay<T: Task>(task: T) -> (f64, f64) {
    let id = T::ID;
    let fixture = load(id);
    assert_eq!(fixture.env_id, id);
    assert_eq!(
        make(id).unwrap().max_episode_steps(),
        Some(fixture.max_episode_steps)
    );
    let mut env = TimeLimit::new(MujocoEnv::new(task).unwrap(), fixture.max_episode_steps);
    let (mut obs_err, mut reward_err, mut steps) = (0.0f64, 0.0f64, 0);
    for (e, episode) in fixture.episodes.iter().enumerate() {
        env.reset(Some(e as u64));
        let first = env
            .inner_mut()
            .set_state(&episode.qpos, &episode.qvel)
            .unwrap();
        assert_eq!(env.inner().qpos(), episode.qpos.as_slice());
        assert_eq!(env.inner().qvel(), episode.qvel.as_slice());
        let what = format!("{id} episode {e} initial obs");
        obs_err = obs_err.max(obs_error(&what, &first, &episode.initial_obs));
        for (t, action) in episode.actions.iter().enumerate() {
            let what = format!("{id} episode {e} step {t}");
            let step = env
                .step(action)
                .unwrap_or_else(|err| panic!("{what}: {err}"));
            let err = obs_error(&what, &step.obs, &episode.obs[t]);
            assert!(err <= OBS_TOLERANCE, "{what}: observation error {err:e}");
            obs_err = obs_err.max(err);
            let err = (step.reward - episode.rewards[t]).abs();
            assert!(err <= REWARD_TOLERANCE, "{what}: reward error {err:e}");
            reward_err = reward_err.max(err);
            assert_eq!(step.terminated, episode.terminated[t], "{what}: terminated");
            assert_eq!(step.truncated, episode.truncated[t], "{what}: truncated");
            steps += 1;
        }
    }
    assert!(steps >= 200, "{id}: only {steps} steps replayed");
    eprintln!("{id}: {steps} steps, max obs error {obs_err:e}, max reward error {reward_err:e}");
    (obs_err, reward_err)
}

#[test]
fn hopper_matches_gymnasium() {
    replay(Hopper::default());
}

#[test]
fn half_cheetah_matches_gymnasium() {
    replay(HalfCheetah::default());
}

#[test]
fn walker2d_matches_gymnasium() {
    replay(Walker2d::default());
}

#[test]
fn ant_with_contact_forces_matches_gymnasium() {
    replay(Ant::default());
}

#[test]
fn fixtures_cover_termination() {
    for id in ["Hopper-v4", "Walker2d-v4", "Ant-v4"] {
        let ended = load(id)
            .episodes
            .iter()
            .filter(|e| e.terminated.last() == Some(&true))
            .count();
        assert!(ended >= 2, "{id}: {ended} terminated episodes");
    }
}
