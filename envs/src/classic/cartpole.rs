//! `CartPole-v1`: balance a pole on a cart by pushing the cart left or right.

use crate::episode::{EpisodeCore, state_from_slice};
use crate::{Env, EnvError, Info, Space, Step};
use rand::Rng;

const GRAVITY: f64 = 9.8;
const CART_MASS: f64 = 1.0;
const POLE_MASS: f64 = 0.1;
const TOTAL_MASS: f64 = CART_MASS + POLE_MASS;
/// Half the pole's length.
const HALF_LENGTH: f64 = 0.5;
const POLE_MASS_LENGTH: f64 = POLE_MASS * HALF_LENGTH;
const FORCE_MAG: f64 = 10.0;
const TAU: f64 = 0.02;
const X_THRESHOLD: f64 = 2.4;
/// 12 degrees in radians.
const THETA_THRESHOLD: f64 = 12.0 * 2.0 * std::f64::consts::PI / 360.0;

/// The cart-pole balancing task (Gymnasium `CartPole-v1`, Euler integrator).
///
/// * State and observation `(x, ẋ, θ, θ̇)`. Action `Discrete(2)`: 0 pushes left, 1 right, with
///   force 10.
/// * Dynamics (Barto, Sutton & Anderson 1983, as in Gymnasium): with
///   `t = (F + m_p l θ̇² sin θ) / M`, `θ̈ = (g sin θ - cos θ · t) / (l (4/3 - m_p cos²θ / M))`,
///   `ẍ = t - m_p l θ̈ cos θ / M`, explicit Euler with τ = 0.02 (positions use the old velocities).
/// * Terminates when `|x| > 2.4` or `|θ| > 12°`. Reward 1 for every step, the terminating one
///   included.
/// * Reset: every state component ~ U(-0.05, 0.05). Time limit 500 via [`crate::make`].
pub struct CartPole {
    state: [f64; 4],
    core: EpisodeCore,
    observation_space: Space,
    action_space: Space,
}

impl CartPole {
    /// A cart-pole with Gymnasium's parameters.
    pub fn new() -> Self {
        let high = vec![
            (2.0 * X_THRESHOLD) as f32,
            f32::MAX,
            (2.0 * THETA_THRESHOLD) as f32,
            f32::MAX,
        ];
        Self {
            state: [0.0; 4],
            core: EpisodeCore::new(),
            observation_space: Space::Box {
                low: high.iter().map(|h| -h).collect(),
                high,
            },
            action_space: Space::Discrete(2),
        }
    }

    /// The internal state `(x, ẋ, θ, θ̇)`.
    pub fn state(&self) -> &[f64] {
        &self.state
    }

    /// Sets the internal state `(x, ẋ, θ, θ̇)` exactly and allows stepping from it.
    pub fn set_state(&mut self, state: &[f64]) -> Result<(), EnvError> {
        self.state = state_from_slice(state)?;
        self.core.resume();
        Ok(())
    }

    fn observation(&self) -> Vec<f32> {
        self.state.iter().map(|&v| v as f32).collect()
    }
}

impl Default for CartPole {
    fn default() -> Self {
        Self::new()
    }
}

impl Env for CartPole {
    fn id(&self) -> &str {
        "CartPole-v1"
    }

    fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    fn action_space(&self) -> &Space {
        &self.action_space
    }

    fn reset(&mut self, seed: Option<u64>) -> (Vec<f32>, Info) {
        let rng = self.core.begin(seed);
        self.state = std::array::from_fn(|_| rng.random_range(-0.05..0.05));
        (self.observation(), Info::new())
    }

    fn step(&mut self, action: &[f32]) -> Result<Step, EnvError> {
        self.core.check_step(&self.action_space, action)?;
        let force = if self.action_space.discrete_action(action) == Some(1) {
            FORCE_MAG
        } else {
            -FORCE_MAG
        };
        let [x, x_dot, theta, theta_dot] = self.state;
        let (sin, cos) = theta.sin_cos();
        let temp = (force + POLE_MASS_LENGTH * theta_dot.powi(2) * sin) / TOTAL_MASS;
        let theta_acc = (GRAVITY * sin - cos * temp)
            / (HALF_LENGTH * (4.0 / 3.0 - POLE_MASS * cos.powi(2) / TOTAL_MASS));
        let x_acc = temp - POLE_MASS_LENGTH * theta_acc * cos / TOTAL_MASS;
        self.state = [
            x + TAU * x_dot,
            x_dot + TAU * x_acc,
            theta + TAU * theta_dot,
            theta_dot + TAU * theta_acc,
        ];
        let [x, _, theta, _] = self.state;
        let terminated = !(-X_THRESHOLD..=X_THRESHOLD).contains(&x)
            || !(-THETA_THRESHOLD..=THETA_THRESHOLD).contains(&theta);
        self.core.finish_step(terminated);
        Ok(Step {
            obs: self.observation(),
            reward: 1.0,
            terminated,
            truncated: false,
            info: Info::new(),
        })
    }
}
