//! Env-steps per second of `Hopper-v4` with uniform random actions on one thread, resets
//! included (episodes end on termination or after 1000 steps).
//!
//! `cargo run --release -p ember-envs --features mujoco --example hopper_speed [steps]`
//! (default 200000 steps).

use std::time::Instant;

use ember_envs::make;
use rand::SeedableRng;
use rand::rngs::StdRng;

fn main() {
    let steps: usize = std::env::args()
        .nth(1)
        .map_or(200_000, |s| s.parse().expect("steps must be a number"));
    let mut env = make("Hopper-v4").unwrap_or_else(|e| panic!("{e}"));
    let mut rng = StdRng::seed_from_u64(0);
    let start = Instant::now();
    env.reset(Some(0));
    let mut episodes = 1;
    for _ in 0..steps {
        let action = env.action_space().sample(&mut rng);
        if env.step(&action).expect("valid action").done() {
            env.reset(None);
            episodes += 1;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "Hopper-v4: {steps} steps, {episodes} episodes in {seconds:.2} s: {:.0} env-steps/s",
        steps as f64 / seconds
    );
}
