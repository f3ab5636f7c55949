//! GFlowNet learning tests on HyperGrid 2-D side 8 (R0 = 0.1, 4 mode cells), a run killed
//! mid-way and resumed, plus the same loss on two devices.

use ember::engine::parse_device;
use ember::engine::runtime::{Checkpoints, RunConfig, RuntimeError};
use ember::envs::gfn::metrics::hypervolume;
use ember::envs::gfn::{GridFunction, HyperGrid, HyperGridReward};
use ember::gflownet::{
    Exploration, GflowNet, GfnConfig, GfnLearner, LossKind, MoHyperGridTask, RunOptions, train_run,
};
use std::path::Path;

/// The untrained sampler is far from the target; TB must get below this.
const L1_THRESHOLD: f64 = 0.5;
/// Training budget of the learning tests (steps of 16 trajectories).
const STEPS: usize = 400;

fn grid() -> HyperGrid {
    HyperGrid::new(2, 8, HyperGridReward::with_r0(0.1)).unwrap()
}

fn config(loss: LossKind, order_preserving: bool) -> GfnConfig {
    GfnConfig {
        loss,
        order_preserving,
        hidden: vec![64, 64],
        ..GfnConfig::default()
    }
}

fn options(steps: usize) -> RunOptions {
    RunOptions {
        run: RunConfig {
            steps,
            eval_every: steps,
            log_every: steps,
            checkpoint_every: 0,
            keep_checkpoints: 1,
            progress: false,
        },
        final_samples: 0,
        top_k: 10,
        run_dir: None,
        objective_names: vec!["log_reward".into()],
    }
}

#[test]
fn tb_on_hypergrid_reaches_an_l1_the_untrained_sampler_cannot() {
    let _turn = ember_tests::one_device_user();
    let device = parse_device("cpu").unwrap().autodiff();
    let mut gfn = GflowNet::new(grid(), config(LossKind::Tb, false), &device, 0).unwrap();
    let untrained = gfn.l1_to_target().unwrap();
    let report = train_run(&mut gfn, &options(STEPS)).unwrap();
    let trained = report.last().l1.unwrap();
    println!("TB on HyperGrid: L1 untrained {untrained:.3}, trained {trained:.3}");
    assert!(
        untrained > L1_THRESHOLD && trained < L1_THRESHOLD,
        "L1 untrained {untrained:.3}, trained {trained:.3}, threshold {L1_THRESHOLD}"
    );
}

#[test]
fn op_tb_on_hypergrid_finds_all_modes() {
    let task = grid();
    let n_modes = task.modes().len();
    assert_eq!(n_modes, 4);
    let _turn = ember_tests::one_device_user();
    let device = parse_device("cpu").unwrap().autodiff();
    let mut gfn = GflowNet::new(task, config(LossKind::Tb, true), &device, 0).unwrap();
    let report = train_run(&mut gfn, &options(STEPS)).unwrap();
    println!("OP-TB on HyperGrid: {:?}", report.last());
    assert_eq!(report.last().modes, n_modes, "{:?}", report.last());
}

/// Hypervolume (reference 0) of the objective vectors of `n` on-policy samples.
fn sampled_hypervolume(gfn: &mut GflowNet<MoHyperGridTask>, n: usize) -> f64 {
    let points: Vec<Vec<f64>> = gfn
        .sample(n, Exploration::ON_POLICY)
        .into_iter()
        .map(|t| t.score.objectives)
        .collect();
    hypervolume(&points, &[0.0, 0.0])
}

#[test]
fn pareto_op_tb_on_multi_objective_hypergrid_grows_its_hypervolume() {
    // OP-GFN's multi-objective HyperGrid (Branin, Currin) on a side-16 grid, Pareto OP-TB.
    let task = MoHyperGridTask::new(16, &[GridFunction::Branin, GridFunction::Currin]).unwrap();
    let best = hypervolume(&task.pareto_values(), &[0.0, 0.0]);
    let _turn = ember_tests::one_device_user();
    let device = parse_device("cpu").unwrap().autodiff();
    let mut gfn = GflowNet::new(task, config(LossKind::Tb, true), &device, 0).unwrap();
    let untrained = sampled_hypervolume(&mut gfn, 128);
    let steps = 300;
    let mut opts = options(steps);
    opts.run.eval_every = 10;
    opts.objective_names = vec!["branin".into(), "currin".into()];
    let report = train_run(&mut gfn, &opts).unwrap();
    let curve: Vec<f64> = report
        .evaluations
        .iter()
        .map(|e| e.hypervolume.expect("two objectives give a hypervolume"))
        .collect();
    let trained = sampled_hypervolume(&mut gfn, 128);
    println!(
        "MO HyperGrid OP-TB: hypervolume curve {curve:?} (true front {best:.4}); \
         128 on-policy samples: {untrained:.4} untrained, {trained:.4} trained"
    );
    assert!(curve.len() >= 30, "{curve:?}");
    assert!(curve.windows(2).all(|w| w[1] >= w[0]), "{curve:?}");
    assert!(curve[curve.len() - 1] > curve[0], "{curve:?}");
    assert!(curve[curve.len() - 1] > 0.95 * best, "{curve:?} vs {best}");
    assert!(trained > untrained, "{trained} vs {untrained}");
}

/// Budget of the resume test: checkpoints at 40, 80 and 120; the killed run dies at 60.
const RESUME_STEPS: usize = 120;
const KILLED_AT: usize = 60;

fn resume_options(dir: &Path) -> RunOptions {
    RunOptions {
        run: RunConfig {
            steps: RESUME_STEPS,
            eval_every: 20,
            log_every: 10,
            checkpoint_every: 40,
            keep_checkpoints: 2,
            progress: false,
        },
        final_samples: 32,
        top_k: 10,
        run_dir: Some(dir.to_path_buf()),
        objective_names: vec!["log_reward".into()],
    }
}

/// A GFlowNet run killed mid-way resumes from its checkpoint as if it had never stopped. Run A
/// trains uninterrupted; run B is killed by a failing evaluation at step 60, after its
/// checkpoint at step 40 and after writing train rows of steps 50 and 60; the same run started
/// again (from other weights) resumes at step 40 and finishes. On CPU the resumed run draws exactly what A drew (the
/// checkpoint holds the estimators, both Adam states, the replay buffer and the sampling
/// history; the random streams restart from (seed, step) at every checkpoint), so every file
/// of the two runs is the same and the modes curve continues from before the crash.
#[test]
fn a_gfn_run_killed_mid_way_resumes_from_its_checkpoint() {
    let _turn = ember_tests::one_device_user();
    let device = parse_device("cpu").unwrap().autodiff();
    let config = GfnConfig {
        replay_capacity: 64,
        ..config(LossKind::Tb, false)
    };
    let gfn = || GflowNet::new(grid(), config.clone(), &device, 3).unwrap();
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (a_dir.path(), b_dir.path());
    let report_a = train_run(&mut gfn(), &resume_options(a)).unwrap();

    let mut killed = gfn();
    let mut learner = GfnLearner::new(&mut killed, 10, 1);
    let err =
        ember::engine::runtime::train(&mut learner, b, &resume_options(b).run, |learner, step| {
            match step {
                KILLED_AT => Err("killed".to_string()),
                _ => Ok(learner.evaluate(step)),
            }
        })
        .unwrap_err();
    assert!(
        matches!(
            err,
            RuntimeError::Eval {
                step: KILLED_AT,
                ..
            }
        ),
        "{err}"
    );
    let read = |dir: &Path, name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    assert!(
        read(b, "train.csv").contains("\n60,"),
        "rows after the checkpoint"
    );

    let checkpoint = Checkpoints::new(b, 2).latest().unwrap().map(|c| c.1);
    assert_eq!(checkpoint, Some(40), "the killed run's newest checkpoint");

    // Given other weights than B's (A's final ones): only a resume from B's checkpoint can
    // reproduce A's files, a fresh start from these weights could not.
    let mut rerun = gfn();
    rerun.load(&a.join("model")).unwrap();
    let report_b = train_run(&mut rerun, &resume_options(b)).unwrap();
    for name in [
        "train.csv",
        "eval.csv",
        "metrics.jsonl",
        "modes.csv",
        "samples.csv",
        "top_k.csv",
    ] {
        assert_eq!(
            read(a, name),
            read(b, name),
            "{name} differs after the resume"
        );
    }
    let steps = |r: &ember::gflownet::RunReport| {
        let e = &r.evaluations;
        e.iter()
            .map(|e| (e.step, e.modes, e.trajectories))
            .collect::<Vec<_>>()
    };
    assert_eq!(steps(&report_a), steps(&report_b));
    assert_eq!(report_b.evaluations.len(), RESUME_STEPS / 20);
    let last = report_b.last();
    println!(
        "resumed run: modes {} after {} trajectories, L1 {:.4} (uninterrupted {:.4})",
        last.modes,
        last.trajectories,
        last.l1.unwrap(),
        report_a.last().l1.unwrap()
    );
    assert_eq!(last.l1, report_a.last().l1);
}

/// The loss of one batch on `cpu` and on `other` from the same weights.
fn same_loss_on(other: &str) {
    // Initialising the estimators draws from burn's process-wide generator.
    let _turn = ember_tests::one_device_user();
    let cpu = parse_device("cpu").unwrap().autodiff();
    let Ok(other) = parse_device(other) else {
        return;
    };
    let other = other.autodiff();
    let weights = tempfile::tempdir().unwrap();
    for loss in [LossKind::Tb, LossKind::Db, LossKind::Subtb, LossKind::Fl] {
        let mut a = GflowNet::new(grid(), config(loss, false), &cpu, 1).unwrap();
        a.save(weights.path()).unwrap();
        let batch = a.sample(8, Exploration::ON_POLICY);
        let mut b = GflowNet::new(grid(), config(loss, false), &other, 1).unwrap();
        b.load(weights.path()).unwrap();
        let read = |m: ember::engine::Metrics| m.read()["loss"];
        let (la, lb) = (read(a.loss(&batch).1), read(b.loss(&batch).1));
        assert!(
            (la - lb).abs() <= 1e-3 * (1.0 + la.abs()),
            "{loss}: cpu {la} vs other {lb}"
        );
    }
}

#[test]
fn gfn_loss_agrees_on_cpu_and_ndarray() {
    same_loss_on("ndarray");
}

#[cfg(feature = "wgpu")]
#[test]
fn gfn_loss_agrees_on_cpu_and_wgpu() {
    same_loss_on("wgpu");
}
