//! GFlowNet learning tests on HyperGrid 2-D side 8 (R0 = 0.1, 4 mode cells), plus the same
//! loss on two devices.

use ember::engine::parse_device;
use ember::envs::gfn::{HyperGrid, HyperGridReward};
use ember::gflownet::{Exploration, GflowNet, GfnConfig, LossKind, RunOptions, train_run};

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
        steps,
        eval_every: steps,
        final_samples: 0,
        top_k: 10,
        run_dir: None,
        progress: false,
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
    assert_eq!(report.last().modes, n_modes, "{:?}", report.last());
}

/// The loss of one batch on `cpu` and on `other` from the same weights.
fn same_loss_on(other: &str) {
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
