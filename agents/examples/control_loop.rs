//! Embedding Ember: reopen a trained checkpoint and act in a control loop.
//!
//! `target/release/examples/control_loop runs/iql-pendulum-mixed-s0` (built by the README's
//! test command; the run directory is the one the README's run command writes).

use ember::envs::EpisodePolicy;
use ember::saved_policy::SavedPolicy;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or("runs/iql-pendulum-mixed-s0".into());
    let device = ember::engine::parse_device("cpu")?;
    let mut saved = SavedPolicy::open(dir.as_ref(), &device, false)?;
    let mut env = ember::envs::make(&saved.env)?;
    let (mut observation, _) = env.reset(Some(0));
    saved.policy.reset(0); // slot 0: one episode, one controller
    let mut total = 0.0;
    loop {
        let action = saved.policy.act_in(&[0], &[observation]).remove(0);
        let step = env.step(&action)?;
        total += step.reward;
        saved.policy.observe_reward(0, step.reward); // return-to-go planners condition on it
        if step.done() {
            break;
        }
        observation = step.obs;
    }
    println!("{} on {}: return {total:.1}", saved.method, saved.env);
    Ok(())
}
