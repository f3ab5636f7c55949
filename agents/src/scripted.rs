//! Hand-written controllers for the classic environments, used as behaviour policies when
//! collecting datasets (no training needed to make a medium-quality dataset).

/// A controller mapping an observation to an environment action.
pub type Controller = fn(&[f32]) -> Vec<f32>;

/// The scripted controller for `env`, if there is one.
pub fn controller(env: &str) -> Option<Controller> {
    let env = env.to_ascii_lowercase();
    if env.starts_with("pendulum") {
        Some(pendulum)
    } else if env.starts_with("mountaincar") {
        Some(mountain_car)
    } else {
        None
    }
}

/// Pendulum swing-up: pump energy towards the upright level, then a PD controller holds it.
/// Observation `[cos th, sin th, th_dot]`, th = 0 upright; torque in [-2, 2].
pub fn pendulum(obs: &[f32]) -> Vec<f32> {
    let (cos, sin, vel) = (obs[0], obs[1], obs[2]);
    let theta = sin.atan2(cos);
    let torque = if cos > 0.85 {
        -(10.0 * theta + 2.0 * vel)
    } else {
        // Energy per unit m*l^2 with the upright position as the target level.
        let energy = vel * vel / 6.0 + 5.0 * cos;
        let direction = if vel.abs() < 1e-3 { 1.0 } else { vel.signum() };
        if energy < 5.0 {
            2.0 * direction
        } else {
            -0.5 * direction
        }
    };
    vec![torque.clamp(-2.0, 2.0)]
}

/// Mountain car: push in the direction of motion to build momentum.
pub fn mountain_car(obs: &[f32]) -> Vec<f32> {
    let velocity = obs[1];
    vec![if velocity >= 0.0 { 1.0 } else { -1.0 }]
}
