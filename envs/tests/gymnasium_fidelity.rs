//! Replays trajectories recorded from Gymnasium 1.4.0 (`fixtures/record_gymnasium.py`) and checks
//! that the Rust environments reproduce every observation, reward and episode-end flag.

use ember_envs::classic::{CartPole, MountainCarContinuous, Pendulum};
use ember_envs::{Env, EnvError, TimeLimit, make};
use serde::Deserialize;

const TOLERANCE: f64 = 1e-5;

#[derive(Deserialize)]
struct Fixture {
    env_id: String,
    max_episode_steps: usize,
    episodes: Vec<Episode>,
}

#[derive(Deserialize)]
struct Episode {
    initial_state: Vec<f64>,
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

fn assert_close(what: &str, got: &[f32], expected: &[f64]) {
    assert_eq!(got.len(), expected.len(), "{what}: length");
    for (g, e) in got.iter().zip(expected) {
        assert!(
            (f64::from(*g) - e).abs() <= TOLERANCE,
            "{what}: got {got:?}, expected {expected:?}"
        );
    }
}

/// Replays every recorded episode from its recorded initial state.
fn replay<E: Env>(
    env: E,
    set_state: fn(&mut E, &[f64]) -> Result<(), EnvError>,
    state: fn(&E) -> &[f64],
    observation_of_state: fn(&[f64]) -> Vec<f32>,
) {
    let id = env.id().to_owned();
    let fixture = load(&id);
    assert_eq!(fixture.env_id, id);
    let registered = make(&id).unwrap();
    assert_eq!(
        registered.max_episode_steps(),
        Some(fixture.max_episode_steps)
    );
    let mut env = TimeLimit::new(env, fixture.max_episode_steps);
    let mut steps = 0;
    for (e, episode) in fixture.episodes.iter().enumerate() {
        env.reset(Some(e as u64));
        set_state(env.inner_mut(), &episode.initial_state).unwrap();
        assert_eq!(state(env.inner()), episode.initial_state.as_slice());
        assert_close(
            &format!("{id} episode {e} initial obs"),
            &observation_of_state(&episode.initial_state),
            &episode.initial_obs,
        );
        for (t, action) in episode.actions.iter().enumerate() {
            let what = format!("{id} episode {e} step {t}");
            let step = env
                .step(action)
                .unwrap_or_else(|err| panic!("{what}: {err}"));
            assert_close(&what, &step.obs, &episode.obs[t]);
            assert!(
                (step.reward - episode.rewards[t]).abs() <= TOLERANCE,
                "{what}: reward {} vs {}",
                step.reward,
                episode.rewards[t]
            );
            assert_eq!(step.terminated, episode.terminated[t], "{what}: terminated");
            assert_eq!(step.truncated, episode.truncated[t], "{what}: truncated");
            steps += 1;
        }
    }
    assert!(steps >= 300, "{id}: only {steps} steps replayed");
}

fn as_f32(state: &[f64]) -> Vec<f32> {
    state.iter().map(|&v| v as f32).collect()
}

#[test]
fn pendulum_matches_gymnasium() {
    replay(Pendulum::new(), Pendulum::set_state, Pendulum::state, |s| {
        vec![s[0].cos() as f32, s[0].sin() as f32, s[1] as f32]
    });
}

#[test]
fn mountain_car_continuous_matches_gymnasium() {
    let fixture = load("MountainCarContinuous-v0");
    assert!(
        fixture
            .episodes
            .iter()
            .any(|e| e.terminated.contains(&true))
    );
    replay(
        MountainCarContinuous::new(),
        MountainCarContinuous::set_state,
        MountainCarContinuous::state,
        as_f32,
    );
}

#[test]
fn cartpole_matches_gymnasium() {
    replay(
        CartPole::new(),
        CartPole::set_state,
        CartPole::state,
        as_f32,
    );
}

/// Number of recorded episodes of `env_id` whose last step has `flag` set.
fn episodes_ending_with(env_id: &str, flag: fn(&Episode) -> &Vec<bool>) -> usize {
    let fixture = load(env_id);
    fixture
        .episodes
        .iter()
        .filter(|e| flag(e).last() == Some(&true))
        .count()
}

#[test]
fn fixtures_cover_truncation_and_termination() {
    assert_eq!(episodes_ending_with("Pendulum-v1", |e| &e.truncated), 2);
    assert!(episodes_ending_with("MountainCarContinuous-v0", |e| &e.terminated) >= 3);
    assert!(episodes_ending_with("CartPole-v1", |e| &e.terminated) >= 10);
}
