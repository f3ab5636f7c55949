//! SubPO learning test: on a small unit-weight coverage grid, SubPO-M's normalised F beats the
//! modular-reward baseline (MRL) by a clear margin after the same budget, fixed seed.

use ember::engine::parse_device;
use ember::engine::runtime::RunConfig;
use ember::envs::submodular::{SubrlTask, TaskOptions};
use ember::subpo::{Method, SubpoConfig, SubpoLearner, SubpoRunOptions, train_run};

/// Epochs of the learning test (batches of 100 trajectories on a 10×10 grid, H = 20).
const EPOCHS: usize = 60;

/// Normalised F (batch mean, sampled trajectories) before and after training; `npg_step`
/// selects the natural-gradient tabular policy.
fn trained(method: Method, npg_step: Option<f64>) -> (f64, f64) {
    let options = TaskOptions {
        size: Some((10, 10)),
        horizon: Some(20),
        start: Some((1, 1)),
        ..TaskOptions::default()
    };
    let setup = SubrlTask::Coverage.build(&options).unwrap();
    let config = SubpoConfig {
        method,
        epochs: EPOCHS,
        batch: 100,
        lr: 1e-2,
        npg_step,
        ..SubpoConfig::default()
    };
    let device = parse_device("cpu").unwrap().autodiff();
    let mut learner = SubpoLearner::new(setup, config, &device, 0).unwrap();
    let untrained = learner.evaluate().unwrap().0.sampled.mean;
    let run = RunConfig {
        steps: EPOCHS,
        eval_every: 0,
        log_every: EPOCHS,
        checkpoint_every: 0,
        keep_checkpoints: 1,
        progress: false,
    };
    let options = SubpoRunOptions {
        run,
        run_dir: None,
        drawn_paths: 0,
    };
    let report = train_run(&mut learner, &options).unwrap();
    (untrained, report.last().sampled.mean)
}

#[test]
fn subpo_beats_modular_rl_on_a_coverage_grid() {
    let _turn = ember_tests::one_device_user();
    let (untrained, subpo) = trained(Method::SubpoM, None);
    let (_, mrl) = trained(Method::Mrl, None);
    println!(
        "coverage 10x10, H = 20: F/MAX_Ret untrained {untrained:.3}, SubPO-M {subpo:.3}, MRL {mrl:.3}"
    );
    assert!(
        subpo > 0.85 && untrained < 0.6,
        "SubPO-M {subpo:.3} (untrained {untrained:.3}) should exceed 0.85"
    );
    assert!(subpo > mrl + 0.3, "SubPO-M {subpo:.3} vs MRL {mrl:.3}");
}

#[test]
fn natural_gradient_subpo_beats_modular_rl_on_a_coverage_grid() {
    let _turn = ember_tests::one_device_user();
    let (untrained, subpo) = trained(Method::SubpoM, Some(5.0));
    let (_, mrl) = trained(Method::Mrl, Some(5.0));
    println!(
        "NPG, coverage 10x10, H = 20: untrained {untrained:.3}, SubPO-M {subpo:.3}, MRL {mrl:.3}"
    );
    assert!(subpo > 0.85, "NPG SubPO-M {subpo:.3} should exceed 0.85");
    assert!(subpo > mrl + 0.3, "NPG SubPO-M {subpo:.3} vs MRL {mrl:.3}");
}
