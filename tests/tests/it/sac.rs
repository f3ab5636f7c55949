//! SAC online: on Pendulum (pure Rust) with a fixed seed and the preset's short budget, the
//! deterministic policy must average better than -250 where the untrained one does not; the
//! checkpoint reopens as a policy that scores the same (also through `SavedPolicy`, what
//! `ember eval` uses); a run resumes from its checkpoint with
//! its replay buffer. Run in release mode.

use ember::config::ConfigFile;
use ember::engine::parse_device;
use ember::engine::seed::seed_everything;
use ember::evaluate::evaluate_policy;
use ember::online::{OnlineAlgoConfig, OnlineConfig, OnlineJob, env_spec, train_online};
use ember::sac::{Sac, SacPolicy};
use ember::saved_policy::SavedPolicy;
use ember_tests::workspace_path;
use std::path::Path;

const SOLVED: f64 = -250.0;

fn job(config: OnlineConfig, run_dir: &Path) -> OnlineJob {
    OnlineJob {
        config,
        env: "pendulum".into(),
        device: "cpu".into(),
        seed: 0,
        run_dir: run_dir.to_path_buf(),
        record: false,
    }
}

#[test]
fn sac_solves_pendulum() {
    let _device = ember_tests::one_device_user();
    let mut config = OnlineConfig::load(&workspace_path("configs/sac/pendulum.toml")).unwrap();
    config.run.progress = false;
    config.run.eval_every = 0;
    let OnlineAlgoConfig::Sac(sac) = config.algo.clone() else {
        panic!("the SAC preset configures SAC")
    };
    let episodes = config.eval.episodes;
    let eval_seed = config.eval.seed_offset;

    // The same networks before training.
    let device = parse_device("cpu").unwrap().autodiff();
    seed_everything(&device, 0);
    let spec = env_spec(ember::envs::make("pendulum").unwrap().as_ref()).unwrap();
    let mut untrained = Sac::new(sac, spec, &device);
    let before = evaluate_policy(&mut untrained, "pendulum", episodes, eval_seed, None)
        .unwrap()
        .mean();

    let run_dir = tempfile::tempdir().unwrap();
    let outcome = train_online(&job(config, run_dir.path())).unwrap();
    let after = outcome.summary.last().unwrap().mean();
    println!(
        "sac pendulum: untrained {before:.1}, trained {after:.1} after {} env steps, \
         {} updates in {:.1} s",
        outcome.env_steps, outcome.updates, outcome.seconds
    );
    assert!(
        before < SOLVED,
        "untrained policy already scores {before:.1}"
    );
    assert!(
        after > SOLVED,
        "SAC reached only {after:.1} (untrained {before:.1})"
    );

    // The snapshot is a policy: deterministic, it scores exactly what the run reported.
    let cpu = parse_device("cpu").unwrap();
    let (card, mut policy) = SacPolicy::open(run_dir.path(), &cpu, false).unwrap();
    assert_eq!(
        (card.env.as_str(), card.env_steps),
        ("pendulum", outcome.env_steps)
    );
    let reopened = evaluate_policy(&mut policy, "pendulum", episodes, eval_seed, None)
        .unwrap()
        .mean();
    assert!((reopened - after).abs() < 1e-3, "{reopened} vs {after}");
    let (_, mut sampler) = SacPolicy::open(run_dir.path(), &cpu, true).unwrap();
    let sampled = evaluate_policy(&mut sampler, "pendulum", episodes, eval_seed, None)
        .unwrap()
        .mean();
    println!("sac pendulum: stochastic snapshot {sampled:.1}");
    assert!(sampled > SOLVED, "stochastic snapshot {sampled:.1}");
    assert_ne!(sampled, reopened, "sampling changed nothing");

    // What `ember eval` and `ember collect --policy` open: the same policy, by its card.
    let mut saved = SavedPolicy::open(run_dir.path(), &cpu, false).unwrap();
    assert_eq!((saved.method.as_str(), saved.dataset), ("sac", None));
    let evaluated = evaluate_policy(&mut saved.policy, "pendulum", episodes, eval_seed, None)
        .unwrap()
        .mean();
    assert!((evaluated - after).abs() < 1e-3, "{evaluated} vs {after}");
    let err = SavedPolicy::open(&run_dir.path().join("nothing"), &cpu, false)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("agent.json or sac.json"), "{err}");
}

#[test]
fn sac_resumes_with_its_replay_buffer() {
    let _device = ember_tests::one_device_user();
    let mut config = OnlineConfig::load(&workspace_path("configs/sac/pendulum.toml")).unwrap();
    let OnlineAlgoConfig::Sac(sac) = &mut config.algo else {
        panic!("the SAC preset configures SAC")
    };
    sac.hidden = vec![16, 16];
    sac.batch_size = 32;
    sac.warmup_steps = 100;
    config.envs = 2;
    config.run.progress = false;
    config.run.steps = 60;
    config.run.eval_every = 0;
    config.run.checkpoint_every = 30;
    config.eval.episodes = 1;
    let run_dir = tempfile::tempdir().unwrap();
    let first = train_online(&job(config.clone(), run_dir.path())).unwrap();
    // 100 warm-up steps, then 60 runtime steps of 2 environments and 2 updates each.
    assert_eq!((first.env_steps, first.updates), (220, 120));

    config.run.steps = 80;
    let second = train_online(&job(config, run_dir.path())).unwrap();
    assert_eq!((second.env_steps, second.updates), (260, 40));
    assert_eq!(second.summary.steps, 80);
    let replay = std::fs::metadata(second.summary.checkpoint.unwrap().join("replay.bin")).unwrap();
    // 260 transitions of (3 + 1 + 1 + 3 + 1) floats after a 48-byte header.
    assert_eq!(replay.len(), 48 + 260 * 9 * 4);
}
