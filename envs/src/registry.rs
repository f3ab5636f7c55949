//! Creating environments by name.

use crate::classic::{CartPole, MountainCarContinuous, Pendulum};
use crate::maze::{MazeReward, PointMaze};
#[cfg(feature = "mujoco")]
use crate::mujoco::{Ant, HalfCheetah, Hopper, MujocoEnv, Walker2d};
use crate::{Env, EnvError, TimeLimit};

/// One registered environment.
struct Entry {
    id: &'static str,
    aliases: &'static [&'static str],
    max_episode_steps: usize,
    build: fn() -> Result<Box<dyn Env>, EnvError>,
}

const REGISTRY: &[Entry] = &[
    Entry {
        id: "Pendulum-v1",
        aliases: &["pendulum"],
        max_episode_steps: 200,
        build: || Ok(Box::new(Pendulum::new())),
    },
    Entry {
        id: "MountainCarContinuous-v0",
        aliases: &["mountaincar-continuous"],
        max_episode_steps: 999,
        build: || Ok(Box::new(MountainCarContinuous::new())),
    },
    Entry {
        id: "CartPole-v1",
        aliases: &["cartpole"],
        max_episode_steps: 500,
        build: || Ok(Box::new(CartPole::new())),
    },
    Entry {
        id: "pointmaze-open",
        aliases: &[],
        max_episode_steps: 150,
        build: || Ok(Box::new(PointMaze::open(MazeReward::Sparse))),
    },
    Entry {
        id: "pointmaze-umaze",
        aliases: &[],
        max_episode_steps: 300,
        build: || Ok(Box::new(PointMaze::umaze(MazeReward::Sparse))),
    },
    Entry {
        id: "pointmaze-open-dense",
        aliases: &[],
        max_episode_steps: 150,
        build: || Ok(Box::new(PointMaze::open(MazeReward::Dense))),
    },
    Entry {
        id: "pointmaze-umaze-dense",
        aliases: &[],
        max_episode_steps: 300,
        build: || Ok(Box::new(PointMaze::umaze(MazeReward::Dense))),
    },
    #[cfg(feature = "mujoco")]
    Entry {
        id: "Hopper-v4",
        aliases: &["hopper"],
        max_episode_steps: 1000,
        build: || Ok(Box::new(MujocoEnv::new(Hopper::default())?)),
    },
    #[cfg(feature = "mujoco")]
    Entry {
        id: "HalfCheetah-v4",
        aliases: &["halfcheetah"],
        max_episode_steps: 1000,
        build: || Ok(Box::new(MujocoEnv::new(HalfCheetah::default())?)),
    },
    #[cfg(feature = "mujoco")]
    Entry {
        id: "Walker2d-v4",
        aliases: &["walker2d"],
        max_episode_steps: 1000,
        build: || Ok(Box::new(MujocoEnv::new(Walker2d::default())?)),
    },
    #[cfg(feature = "mujoco")]
    Entry {
        id: "Ant-v4",
        aliases: &["ant"],
        max_episode_steps: 1000,
        build: || Ok(Box::new(MujocoEnv::new(Ant::default())?)),
    },
];

/// The ids of all registered environments.
pub fn registered() -> Vec<&'static str> {
    REGISTRY.iter().map(|e| e.id).collect()
}

/// Creates a registered environment by its id or alias (case-insensitive), wrapped in a
/// [`TimeLimit`] with its default limit (Pendulum 200, MountainCarContinuous 999, CartPole 500,
/// open maze 150, U-maze 300, MuJoCo locomotion 1000). The environment must be `reset` before
/// stepping. Fails for unknown names and for environments whose simulator is unavailable.
pub fn make(name: &str) -> Result<Box<dyn Env>, EnvError> {
    REGISTRY
        .iter()
        .find(|e| {
            std::iter::once(&e.id)
                .chain(e.aliases)
                .any(|n| n.eq_ignore_ascii_case(name))
        })
        .ok_or_else(|| EnvError::UnknownEnv {
            name: name.to_owned(),
            known: REGISTRY
                .iter()
                .flat_map(|e| std::iter::once(&e.id).chain(e.aliases))
                .map(|n| n.to_string())
                .collect(),
        })
        .and_then(|e| {
            Ok(Box::new(TimeLimit::new((e.build)()?, e.max_episode_steps)) as Box<dyn Env>)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Step;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn every_registered_env_is_made_with_its_time_limit() {
        let mut limits = vec![200, 999, 500, 150, 300, 150, 300];
        if cfg!(feature = "mujoco") {
            limits.extend([1000; 4]);
        }
        assert_eq!(registered().len(), limits.len());
        for (id, limit) in registered().into_iter().zip(limits) {
            let env = make(id).unwrap();
            assert_eq!(env.id(), id);
            assert_eq!(env.max_episode_steps(), Some(limit), "{id}");
        }
    }

    #[test]
    fn aliases_are_case_insensitive() {
        for (alias, id) in [
            ("pendulum", "Pendulum-v1"),
            ("mountaincar-continuous", "MountainCarContinuous-v0"),
            ("CartPole", "CartPole-v1"),
            ("cartpole-v1", "CartPole-v1"),
            ("PointMaze-UMaze", "pointmaze-umaze"),
        ] {
            assert_eq!(make(alias).unwrap().id(), id);
        }
    }

    #[test]
    fn unknown_names_list_the_known_ones() {
        let err = make("Humanoid-v4").err().unwrap();
        let EnvError::UnknownEnv { name, known } = &err else {
            panic!("unexpected {err:?}");
        };
        assert_eq!(name, "Humanoid-v4");
        for id in registered().into_iter().chain(["pendulum", "cartpole"]) {
            assert!(known.iter().any(|k| k == id), "{id} missing");
            assert!(err.to_string().contains(id));
        }
    }

    /// Resets with `seed` and plays `steps` actions drawn from a generator seeded with `seed`.
    fn rollout(env: &mut dyn Env, seed: u64, steps: usize) -> (Vec<f32>, Vec<Step>) {
        let (first, _) = env.reset(Some(seed));
        let mut rng = StdRng::seed_from_u64(seed);
        let mut out = Vec::new();
        for _ in 0..steps {
            let step = env.step(&env.action_space().sample(&mut rng)).unwrap();
            let done = step.done();
            out.push(step);
            if done {
                break;
            }
        }
        (first, out)
    }

    #[test]
    fn same_seed_gives_same_trajectory() {
        for id in registered() {
            let (mut a, mut b) = (make(id).unwrap(), make(id).unwrap());
            let run_a = rollout(a.as_mut(), 11, 50);
            assert_eq!(run_a, rollout(b.as_mut(), 11, 50), "{id}");
            assert_eq!(run_a, rollout(a.as_mut(), 11, 50), "{id}: reseeding");
            assert_ne!(run_a.0, rollout(b.as_mut(), 12, 50).0, "{id}: other seed");
        }
    }

    #[test]
    fn unseeded_reset_continues_the_stream() {
        for id in registered() {
            let mut env = make(id).unwrap();
            let (first, _) = env.reset(Some(5));
            let (second, _) = env.reset(None);
            assert_ne!(first, second, "{id}");
            let mut other = make(id).unwrap();
            other.reset(Some(5));
            assert_eq!(other.reset(None).0, second, "{id}");
        }
    }

    #[test]
    fn bad_actions_are_errors() {
        for id in registered() {
            let mut env = make(id).unwrap();
            let good = vec![0.0; env.action_space().dim()];
            assert_eq!(env.step(&good), Err(EnvError::ResetNeeded), "{id}");
            let (obs, _) = env.reset(Some(0));
            assert!(env.observation_space().contains(&obs), "{id}: {obs:?}");
            let expected = good.len();
            assert_eq!(
                env.step(&[0.0; 9]),
                Err(EnvError::ActionLength { expected, got: 9 })
            );
            let nan = vec![f32::NAN; expected];
            assert!(matches!(
                env.step(&nan),
                Err(EnvError::NonFiniteAction { .. })
            ));
            assert!(
                env.step(&good).is_ok(),
                "{id}: errors must not end the episode"
            );
        }
        let mut cartpole = make("cartpole").unwrap();
        cartpole.reset(Some(0));
        assert!(matches!(
            cartpole.step(&[2.0]),
            Err(EnvError::InvalidDiscreteAction { n: 2, .. })
        ));
    }

    #[test]
    fn stepping_after_termination_needs_a_reset() {
        let mut env = make("CartPole-v1").unwrap();
        env.reset(Some(0));
        let mut last = env.step(&[1.0]).unwrap();
        while !last.terminated {
            last = env.step(&[1.0]).unwrap();
        }
        assert_eq!(last.reward, 1.0);
        assert_eq!(env.step(&[1.0]), Err(EnvError::ResetNeeded));
        env.reset(None);
        assert!(env.step(&[1.0]).is_ok());
    }
}
