//! The losses on a hand-solvable DAG: the 2×2 grid with rewards R(0,0)=1, R(1,0)=2,
//! R(0,1)=3, R(1,1)=4 and a uniform backward policy. Its flows, derived by hand:
//! F(1,1)=4 (only exit); F(1,0)=2+4/2=4 (exit ½, up ½); F(0,1)=3+4/2=5 (exit ⅗, up ⅖);
//! F(0,0)=Z=10 (exit 1/10, right 4/10, up 5/10); P_B = ½ into (1,1), 1 elsewhere.
//! Every trajectory then balances exactly.

use super::*;
use crate::gflownet::{FlowTerms, RowTerms};
use ember_engine::burn::tensor::{Device, Tensor, TensorData};

type Cell = (u32, u32);

fn reward(s: Cell) -> f64 {
    match s {
        (0, 0) => 1.0,
        (1, 0) => 2.0,
        (0, 1) => 3.0,
        _ => 4.0,
    }
}

fn flow(s: Cell) -> f64 {
    match s {
        (0, 0) => 10.0,
        (1, 0) => 4.0,
        (0, 1) => 5.0,
        _ => 4.0,
    }
}

/// The optimal forward policy; `exit_bias` moves probability from the first move of `s_0` to
/// its exit (0 = optimal).
fn p_f(s: Cell, next: Option<Cell>, exit_bias: f64) -> f64 {
    match (s, next) {
        ((0, 0), None) => 0.1 + exit_bias,
        ((0, 0), Some((1, 0))) => 0.4 - exit_bias,
        ((0, 0), Some(_)) => 0.5,
        (_, None) => reward(s) / flow(s),
        (_, Some(_)) => 1.0 - reward(s) / flow(s),
    }
}

fn p_b(s: Cell) -> f64 {
    if s == (1, 1) { 0.5 } else { 1.0 }
}

fn trajectories() -> Vec<Vec<Cell>> {
    vec![
        vec![(0, 0)],
        vec![(0, 0), (1, 0)],
        vec![(0, 0), (0, 1)],
        vec![(0, 0), (1, 0), (1, 1)],
        vec![(0, 0), (0, 1), (1, 1)],
    ]
}

/// Row terms of all five trajectories; `log_flow(s)` gives the node flow of each state.
fn terms(exit_bias: f64, log_flow: impl Fn(Cell) -> f64, terminal: bool) -> FlowTerms {
    let device = Device::flex();
    let (mut pf, mut pb, mut lf, mut lengths, mut log_r) = (vec![], vec![], vec![], vec![], vec![]);
    for path in trajectories() {
        for (t, &s) in path.iter().enumerate() {
            pf.push(p_f(s, path.get(t + 1).copied(), exit_bias).ln() as f32);
            pb.push(if t == 0 { 0.0 } else { p_b(s).ln() as f32 });
            lf.push(log_flow(s) as f32);
        }
        lengths.push(path.len() - 1);
        log_r.push(reward(*path.last().unwrap()).ln() as f32);
    }
    let v = |x: Vec<f32>| Tensor::<1>::from_data(TensorData::new(x.clone(), [x.len()]), &device);
    let rows = RowTerms {
        log_pf: v(pf),
        log_pb: v(pb),
        log_flow: v(lf),
    };
    FlowTerms::new(&rows, &lengths, terminal.then_some(&log_r[..]), &device)
}

fn scalar(t: Tensor<1>) -> f64 {
    t.into_data().try_to_vec::<f32>().unwrap()[0] as f64
}

fn log_z(v: f64) -> Tensor<1> {
    Tensor::from_data(TensorData::new(vec![v as f32], [1]), &Device::flex())
}

fn optimal_flow(s: Cell) -> f64 {
    flow(s).ln()
}

#[test]
fn trajectory_balance_is_zero_at_the_optimum_only() {
    let opt = terms(0.0, optimal_flow, true);
    assert!(scalar(trajectory_balance(&opt, log_z(10f64.ln()))) < 1e-10);
    // A wrong log Z: every residual is ln 2, so the loss is (ln 2)².
    let wrong_z = scalar(trajectory_balance(&opt, log_z(20f64.ln())));
    assert!((wrong_z - 2f64.ln().powi(2)).abs() < 1e-5, "{wrong_z}");
    let perturbed = terms(0.1, optimal_flow, true);
    assert!(scalar(trajectory_balance(&perturbed, log_z(10f64.ln()))) > 1e-3);
}

#[test]
fn detailed_balance_is_zero_at_the_optimum_only() {
    assert!(scalar(detailed_balance(&terms(0.0, optimal_flow, true), true)) < 1e-10);
    assert!(scalar(detailed_balance(&terms(0.1, optimal_flow, true), true)) > 1e-3);
    // Wrong flows with the optimal policy: F(1,0) doubled breaks its two edges.
    let bad = terms(
        0.0,
        |s| {
            if s == (1, 0) {
                8f64.ln()
            } else {
                optimal_flow(s)
            }
        },
        true,
    );
    assert!(scalar(detailed_balance(&bad, true)) > 1e-2);
}

#[test]
fn subtrajectory_balance_is_zero_at_the_optimum_only() {
    for lambda in [0.5, 0.9, 1.0] {
        let opt = terms(0.0, optimal_flow, true);
        assert!(scalar(subtrajectory_balance(&opt, lambda, true)) < 1e-10);
        let bad = terms(0.1, optimal_flow, true);
        assert!(scalar(subtrajectory_balance(&bad, lambda, true)) > 1e-3);
    }
}

#[test]
fn subtrajectory_weights_match_a_hand_computation() {
    // Only F(0,0) wrong by +δ: every sub-trajectory starting at node 0 has residual δ, the
    // others 0. For the exit-only trajectory (nodes 0,1) that is its single pair (weight 1);
    // for a 1-move trajectory (nodes 0..2): pairs (0,1),(0,2) of weights λ, λ² among
    // λ, λ², λ → (λ+λ²)/(2λ+λ²); for a 2-move one: (λ+λ²+λ³)/(3λ+2λ²+λ³).
    let (delta, l) = (0.3f64, 0.9f64);
    let bad = terms(
        0.0,
        |s| {
            if s == (0, 0) {
                optimal_flow(s) + delta
            } else {
                optimal_flow(s)
            }
        },
        true,
    );
    let one = (l + l * l) / (2.0 * l + l * l);
    let two = (l + l * l + l.powi(3)) / (3.0 * l + 2.0 * l * l + l.powi(3));
    let want = delta * delta * (1.0 + 2.0 * one + 2.0 * two) / 5.0;
    let got = scalar(subtrajectory_balance(&bad, l, true));
    assert!((got - want).abs() < 1e-5, "{got} vs {want}");
}

#[test]
fn op_subtrajectory_weights_are_per_length_means_weighted_geometrically() {
    // OP-SubTB's non-terminal term (OP-GFN's code, torchgfn's `geometric`). Only F(0,0) wrong
    // by +δ: pairs that start at node 0 have residual δ, the others 0. Without the sink the
    // exit-only trajectory has no pair; the two 1-move ones have (0,1) of residual δ; the two
    // 2-move ones have (0,1) δ, (1,2) 0 and (0,2) δ. Length 1: 6 pairs, 4 of residual δ, mean
    // 4δ²/6; length 2: 2 pairs, both δ, mean δ². L = 2, so the weights are (1−λ)/(1−λ²) and
    // (1−λ)λ/(1−λ²). Normalising within each trajectory instead would give
    // δ²(2 + 2(λ+λ²)/(2λ+λ²))/4 (0.8 at λ = ½ against 7/9 here).
    let (delta, l) = (1.0f64, 0.5f64);
    let bad = terms(
        0.0,
        |s| {
            if s == (0, 0) {
                optimal_flow(s) + delta
            } else {
                optimal_flow(s)
            }
        },
        false,
    );
    let (w1, w2) = ((1.0 - l) / (1.0 - l * l), (1.0 - l) * l / (1.0 - l * l));
    let want = delta * delta * (w1 * 4.0 / 6.0 + w2);
    let got = scalar(subtrajectory_balance(&bad, l, false));
    assert!((got - want).abs() < 1e-5, "{got} vs {want}");
    // λ = 1: the per-length means weighted equally.
    let flat = scalar(subtrajectory_balance(&bad, 1.0, false));
    let want = delta * delta * (4.0 / 6.0 + 1.0) / 2.0;
    assert!((flat - want).abs() < 1e-5, "{flat} vs {want}");
}

#[test]
fn forward_looking_balance_is_zero_with_flows_divided_by_the_energy() {
    // FL parametrises log F = log F̃ + log R(s): with the optimal F̃ = F/R the DB residuals vanish;
    // forgetting the energy term (F̃ = F) does not.
    let device = Device::flex();
    let states: Vec<Cell> = trajectories().concat();
    let v = |f: &dyn Fn(Cell) -> f64| {
        let x: Vec<f32> = states.iter().map(|&s| f(s) as f32).collect();
        Tensor::<1>::from_data(TensorData::new(x.clone(), [x.len()]), &device)
    };
    let energies = v(&|s| reward(s).ln());
    let tilde = v(&|s| (flow(s) / reward(s)).ln());
    let flows: Vec<f32> = forward_looking_flow(tilde, energies.clone())
        .into_data()
        .try_to_vec()
        .unwrap();
    let lookup = |s: Cell| f64::from(flows[states.iter().position(|&q| q == s).unwrap()]);
    assert!(scalar(detailed_balance(&terms(0.0, lookup, true), true)) < 1e-10);
    let wrong: Vec<f32> = forward_looking_flow(v(&|s| flow(s).ln()), energies)
        .into_data()
        .try_to_vec()
        .unwrap();
    let lookup = |s: Cell| f64::from(wrong[states.iter().position(|&q| q == s).unwrap()]);
    assert!(scalar(detailed_balance(&terms(0.0, lookup, true), true)) > 1e-2);
}

#[test]
fn order_preserving_terms_at_the_optimum() {
    // Without the sink, the non-terminal DB/SubTB terms still vanish at the optimal flows, and
    // the learned reward predicted by every base loss equals log R(x).
    let opt = terms(0.0, optimal_flow, false);
    assert!(scalar(detailed_balance(&opt, false)) < 1e-10);
    assert!(scalar(subtrajectory_balance(&opt, 0.9, false)) < 1e-10);
    let want: Vec<f32> = trajectories()
        .iter()
        .map(|p| reward(*p.last().unwrap()).ln() as f32)
        .collect();
    let tb: Vec<f32> = (opt.total_log_ratio() + log_z(10f64.ln()).reshape([1, 1]))
        .into_data()
        .try_to_vec()
        .unwrap();
    let exit_flow: Vec<f32> = opt
        .predicted_log_reward(opt.lengths.iter().map(|&n| n as i64).collect(), 1)
        .into_data()
        .try_to_vec()
        .unwrap();
    for ((a, b), w) in tb.iter().zip(&exit_flow).zip(&want) {
        assert!((a - w).abs() < 1e-5 && (b - w).abs() < 1e-5, "{a} {b} {w}");
    }
    assert!(balance_loss(LossKind::Tb, &opt, log_z(0.0), 0.9, false).is_none());
}
