//! Classic-control environments reimplemented from Gymnasium 1.4.0's published dynamics.
//!
//! Each keeps its internal state in `f64` (`state()` / `set_state()` expose it exactly) and emits
//! `f32` observations, matching Gymnasium step for step (checked against recorded fixtures).

mod cartpole;
mod mountain_car;
mod pendulum;

pub use cartpole::CartPole;
pub use mountain_car::MountainCarContinuous;
pub use pendulum::Pendulum;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Env, EnvError};

    #[test]
    fn initial_states_follow_gymnasium_distributions() {
        let mut pendulum = Pendulum::new();
        let mut car = MountainCarContinuous::new();
        let mut cartpole = CartPole::new();
        for seed in 0..200 {
            pendulum.reset(Some(seed));
            let [theta, theta_dot] = pendulum.state() else {
                unreachable!()
            };
            assert!(theta.abs() <= std::f64::consts::PI && theta_dot.abs() <= 1.0);
            car.reset(Some(seed));
            let [position, velocity] = car.state() else {
                unreachable!()
            };
            assert!((-0.6..=-0.4).contains(position) && *velocity == 0.0);
            cartpole.reset(Some(seed));
            assert!(cartpole.state().iter().all(|v| v.abs() <= 0.05));
        }
    }

    #[test]
    fn set_state_checks_the_length_and_starts_an_episode() {
        let mut cartpole = CartPole::new();
        assert_eq!(
            cartpole.set_state(&[0.0; 3]),
            Err(EnvError::StateLength {
                expected: 4,
                got: 3
            })
        );
        cartpole.set_state(&[0.1, 0.0, 0.0, 0.0]).unwrap();
        assert_eq!(cartpole.state(), &[0.1, 0.0, 0.0, 0.0]);
        assert!(cartpole.step(&[0.0]).is_ok());
    }

    #[test]
    fn continuous_actions_are_clipped() {
        let mut a = Pendulum::new();
        let mut b = Pendulum::new();
        for env in [&mut a, &mut b] {
            env.set_state(&[0.3, -0.2]).unwrap();
        }
        let (sa, sb) = (a.step(&[50.0]).unwrap(), b.step(&[2.0]).unwrap());
        assert_eq!(sa, sb);
        assert_eq!(a.state(), b.state());
        // MountainCarContinuous clips the force but, like Gymnasium, charges the raw action.
        let mut c = MountainCarContinuous::new();
        let mut d = MountainCarContinuous::new();
        for env in [&mut c, &mut d] {
            env.set_state(&[-0.5, 0.0]).unwrap();
        }
        let (sc, sd) = (c.step(&[3.0]).unwrap(), d.step(&[1.0]).unwrap());
        assert_eq!(sc.obs, sd.obs);
        assert!((sc.reward + 0.9).abs() < 1e-12 && (sd.reward + 0.1).abs() < 1e-12);
    }

    #[test]
    fn mountain_car_left_wall_stops_the_car() {
        let mut car = MountainCarContinuous::new();
        car.set_state(&[-1.2, -0.05]).unwrap();
        car.step(&[-1.0]).unwrap();
        assert_eq!(car.state(), &[-1.2f32 as f64, 0.0]);
    }
}
