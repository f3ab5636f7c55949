//! Off-policy GAIL on Pendulum (pure Rust): from 5 episodes of the scripted swing-up expert,
//! with a fixed seed and the preset's short budget, the deterministic policy reaches at least
//! 85% of the expert's normalised return (0 = uniform random actions, 1 = the demonstrations'
//! mean) and beats BC trained on the same 5 episodes; a run resumes from its checkpoint
//! (networks, discriminator, replay); bad demonstrations are one-line errors. Run in release
//! mode.

use ember::collect::{Behaviour, CollectOptions, collect};
use ember::config::ConfigFile;
use ember::evaluate::evaluate_policy;
use ember::gail::{ImitateJob, imitate};
use ember::online::{OnlineAlgoConfig, OnlineConfig, OnlineJob};
use ember::saved_policy::SavedPolicy;
use ember_tests::workspace_path;
use std::path::{Path, PathBuf};

/// Six episodes (1200 steps) of the scripted Pendulum expert, written to `dir`.
fn expert_file(dir: &Path) -> PathBuf {
    let mut env = ember::envs::make("pendulum").unwrap();
    let options = CollectOptions {
        steps: 1200,
        seed: 0,
        noise: 0.0,
        epsilon: 0.0,
        label: "scripted".into(),
        progress: false,
    };
    let controller = ember::scripted::controller("pendulum").unwrap();
    let data = collect(env.as_mut(), &mut Behaviour::Scripted(controller), &options).unwrap();
    let path = dir.join("expert.hdf5");
    ember::datasets::d4rl::write(&path, &data).unwrap();
    path
}

fn job(config: OnlineConfig, run_dir: &Path, bc_steps: usize) -> ImitateJob {
    ImitateJob {
        online: OnlineJob {
            config,
            env: "pendulum".into(),
            device: "cpu".into(),
            seed: 0,
            run_dir: run_dir.to_path_buf(),
            record: false,
        },
        bc_steps,
    }
}

fn preset(expert: &Path) -> OnlineConfig {
    let mut config = OnlineConfig::load(&workspace_path("configs/gail/pendulum.toml")).unwrap();
    config.run.progress = false;
    let OnlineAlgoConfig::Gail(gail) = &mut config.algo else {
        panic!("the GAIL preset configures GAIL")
    };
    gail.expert = Some(expert.to_path_buf());
    config
}

#[test]
fn gail_imitates_the_pendulum_expert_from_five_episodes() {
    let _device = ember_tests::one_device_user();
    let dir = tempfile::tempdir().unwrap();
    let expert = expert_file(dir.path());
    let mut config = preset(&expert);
    config.run.eval_every = 0;
    let OnlineAlgoConfig::Gail(gail) = &config.algo else {
        unreachable!()
    };
    assert_eq!(gail.demos, 5);
    let outcome = imitate(&job(config, &dir.path().join("run"), 5_000)).unwrap();
    let gail = outcome.gail.summary.last().unwrap().mean();
    let bc = outcome.bc_return.unwrap();
    println!(
        "gail pendulum: expert {:.1}, random {:.1}; gail {gail:.1} ({:.0}%), bc {bc:.1} ({:.0}%), \
         {} env steps in {:.1} s",
        outcome.expert_return,
        outcome.random_return,
        100.0 * outcome.normalized(gail),
        100.0 * outcome.normalized(bc),
        outcome.gail.env_steps,
        outcome.gail.seconds,
    );
    assert!(
        outcome.normalized(gail) >= 0.85,
        "GAIL reached {gail:.1}, {:.0}% of the expert",
        100.0 * outcome.normalized(gail)
    );
    assert!(gail > bc, "GAIL {gail:.1} does not beat BC {bc:.1}");
}

#[test]
fn gail_resumes_with_its_replay_and_discriminator() {
    let _device = ember_tests::one_device_user();
    let dir = tempfile::tempdir().unwrap();
    let expert = expert_file(dir.path());
    let mut config = preset(&expert);
    let OnlineAlgoConfig::Gail(gail) = &mut config.algo else {
        unreachable!()
    };
    gail.warmup_steps = 100;
    gail.batch_size = 32;
    config.run.steps = 60;
    config.run.eval_every = 0;
    config.run.checkpoint_every = 30;
    config.eval.episodes = 1;
    let run_dir = dir.path().join("run");
    let first = imitate(&job(config.clone(), &run_dir, 0)).unwrap();
    assert_eq!((first.gail.env_steps, first.gail.updates), (160, 60));
    config.run.steps = 90;
    let config_seed_offset = config.eval.seed_offset;
    let second = imitate(&job(config, &run_dir, 0)).unwrap();
    assert_eq!((second.gail.env_steps, second.gail.updates), (190, 30));
    let checkpoint = second.gail.summary.checkpoint.clone().unwrap();
    // The checkpoint's actor reopens as the policy `ember eval` runs, scoring what the run did.
    let cpu = ember::engine::parse_device("cpu").unwrap();
    let mut saved = SavedPolicy::open(&run_dir, &cpu, false).unwrap();
    assert_eq!(saved.method, "gail");
    let eval_seed = config_seed_offset;
    let reopened = evaluate_policy(&mut saved.policy, "pendulum", 1, eval_seed, None)
        .unwrap()
        .mean();
    let reported = second.gail.summary.last().unwrap().mean();
    assert!(
        (reopened - reported).abs() < 1e-3,
        "{reopened} vs {reported}"
    );
    for file in [
        "gail.json",
        "nets.bpk",
        "discriminator.bpk",
        "discriminator.optim",
        "replay.json",
    ] {
        assert!(checkpoint.join(file).exists(), "{file} missing");
    }
}

#[test]
fn bad_demonstrations_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let expert = expert_file(dir.path());
    let error = |config: OnlineConfig| {
        imitate(&job(config, &dir.path().join("bad"), 0))
            .err()
            .expect("refused")
            .to_string()
    };
    let mut config = preset(&expert);
    let OnlineAlgoConfig::Gail(gail) = &mut config.algo else {
        unreachable!()
    };
    gail.demos = 0;
    let err = error(config);
    assert!(err.contains("demos") && !err.contains('\n'), "{err}");

    // Mountain car demonstrations (2-d observations) for Pendulum (3-d).
    let mut env = ember::envs::make("mountaincar-continuous").unwrap();
    let options = CollectOptions {
        steps: 300,
        seed: 0,
        noise: 0.0,
        epsilon: 0.0,
        label: "random".into(),
        progress: false,
    };
    let data = collect(env.as_mut(), &mut Behaviour::Random, &options).unwrap();
    let other = dir.path().join("mountaincar.hdf5");
    ember::datasets::d4rl::write(&other, &data).unwrap();
    let err = error(preset(&other));
    assert!(
        err.contains("mountaincar.hdf5") && err.contains("do not fit") && !err.contains('\n'),
        "{err}"
    );

    // An empty expert file.
    let empty = dir.path().join("empty.hdf5");
    std::fs::write(&empty, b"").unwrap();
    let err = error(preset(&empty));
    assert!(err.contains("empty.hdf5") && !err.contains('\n'), "{err}");

    // More episodes than the file holds.
    let mut config = preset(&expert);
    let OnlineAlgoConfig::Gail(gail) = &mut config.algo else {
        unreachable!()
    };
    gail.demos = 7;
    let err = error(config);
    assert!(err.contains("holds 6 complete episodes"), "{err}");
    assert!(
        !dir.path().join("bad").exists(),
        "nothing written before the checks"
    );
}
