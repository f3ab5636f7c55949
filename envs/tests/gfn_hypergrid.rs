//! HyperGrid and multi-objective HyperGrid: DAG contract, rewards, modes, exact distributions.

use ember_envs::gfn::exact::{
    empirical_distribution, log_partition, target_distribution, terminating_distribution,
};
use ember_envs::gfn::metrics::{L1Convention, l1_distance};
use ember_envs::gfn::objective::dominates;
use ember_envs::gfn::{
    Enumerable, GfnEnv, GridFunction, GridState, HyperGrid, HyperGridReward, LogReward,
    MoHyperGrid, MultiObjective, backward_masks, check_state, encode_batch, forward_masks,
};

fn cell(c: &[u32]) -> GridState {
    GridState(c.to_vec())
}

fn uniform_policy<E: GfnEnv>(env: &E) -> impl FnMut(&[E::State]) -> Vec<f64> + '_ {
    move |states| {
        states
            .iter()
            .flat_map(|s| {
                let mask = env.forward_mask(s);
                let n = mask.iter().filter(|&&m| m).count() as f64;
                mask.into_iter().map(move |m| if m { 1.0 / n } else { 0.0 })
            })
            .collect()
    }
}

#[test]
fn dag_contract_holds_on_every_state() {
    let hg = HyperGrid::new(3, 4, HyperGridReward::easy()).unwrap();
    let env = hg.env();
    for i in 0..env.n_states() {
        let s = env.state_at(i);
        assert_eq!(env.index_of(&s), i);
        check_state(env, &s).unwrap();
        let is_initial = s == env.initial();
        assert_eq!(
            env.backward_mask(&s).iter().any(|&b| b),
            !is_initial,
            "{s:?}"
        );
    }
    let mo = MoHyperGrid::new(6, &[GridFunction::Branin, GridFunction::Currin]).unwrap();
    for s in mo.reachable() {
        check_state(mo.env(), &s).unwrap();
    }
}

#[test]
fn masks_steps_and_encoding() {
    let hg = HyperGrid::new(2, 3, HyperGridReward::easy()).unwrap();
    let env = hg.env();
    assert_eq!(
        (env.n_actions(), env.n_backward_actions(), env.exit_action()),
        (3, 2, 2)
    );
    let s = cell(&[2, 0]);
    assert_eq!(env.forward_mask(&s), vec![false, true, true]);
    assert_eq!(env.backward_mask(&s), vec![true, false]);
    assert_eq!(env.step(&s, 1).unwrap(), cell(&[2, 1]));
    assert!(env.step(&s, 0).is_err() && env.step(&s, 2).is_err());
    assert_eq!(env.backward_step(&s, 0).unwrap(), cell(&[1, 0]));
    assert_eq!(env.encode(&s), vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
    let batch = [env.initial(), s];
    assert_eq!(forward_masks(env, &batch).len(), 6);
    assert_eq!(backward_masks(env, &batch), vec![false, false, true, false]);
    assert_eq!(encode_batch(env, &batch).len(), 12);
    // The multi-objective variant stops at the edge.
    let mo = MoHyperGrid::new(4, &[GridFunction::Beale]).unwrap();
    assert_eq!(
        mo.env().forward_mask(&cell(&[3, 1])),
        vec![false, false, true]
    );
    assert_eq!(mo.env().backward_mask(&cell(&[3, 1])), vec![true, false]);
}

#[test]
fn rewards_and_mode_counts() {
    let hg = HyperGrid::new(2, 8, HyperGridReward::easy()).unwrap();
    assert!((hg.reward_of(&cell(&[1, 6])) - 2.6).abs() < 1e-12);
    assert!((hg.reward_of(&cell(&[0, 7])) - 0.6).abs() < 1e-12);
    assert!((hg.reward_of(&cell(&[3, 1])) - 0.1).abs() < 1e-12);
    assert_eq!(
        hg.modes(),
        vec![cell(&[1, 1]), cell(&[6, 1]), cell(&[1, 6]), cell(&[6, 6])]
    );
    let count = |dim, side| {
        HyperGrid::new(dim, side, HyperGridReward::hard())
            .unwrap()
            .modes()
            .len()
    };
    assert_eq!(count(2, 16), 4); // band {2, 13}
    assert_eq!(count(2, 32), 36); // band {4, 5, 6, 25, 26, 27}
    assert_eq!(count(4, 8), 16);
    assert!((hg.log_reward(&cell(&[1, 1])) - 2.6f64.ln()).abs() < 1e-12);
}

#[test]
fn exact_target_sums_to_one_and_l1_conventions() {
    for (dim, side, r) in [
        (2, 8, HyperGridReward::easy()),
        (4, 8, HyperGridReward::medium()),
    ] {
        let hg = HyperGrid::new(dim, side, r).unwrap();
        let p = hg.target();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(l1_distance(&p, &p, L1Convention::Sum), 0.0);
        assert_eq!(p.len(), hg.env().n_states());
    }
    // 2-D, side 3: corners have R0 + R1 = 0.6, the other five cells R0 = 0.1, so Z = 2.9 and
    // the uniform sampler is at Σ|1/9 − p| = 4(6/29 − 1/9) + 5(1/9 − 1/29) = 200/261.
    let hg = HyperGrid::new(2, 3, HyperGridReward::easy()).unwrap();
    assert!((log_partition(hg.env(), &hg) - 2.9f64.ln()).abs() < 1e-12);
    let p = target_distribution(hg.env(), &hg);
    let samples: Vec<GridState> = (0..9).map(|i| hg.env().state_at(i)).collect();
    let uniform = empirical_distribution(hg.env(), &samples);
    assert!((l1_distance(&uniform, &p, L1Convention::Sum) - 200.0 / 261.0).abs() < 1e-12);
    assert!((l1_distance(&uniform, &p, L1Convention::Mean) - 200.0 / 2349.0).abs() < 1e-12);
}

#[test]
fn terminating_distribution_of_uniform_policy() {
    // 2×2 grid, uniform forward policy: P_T(0,0) = 1/3; (1,0) and (0,1) are reached with 1/3
    // and exit with 1/2, so 1/6 each; (1,1) gets the rest, 1/3.
    let hg = HyperGrid::new(2, 2, HyperGridReward::easy()).unwrap();
    let env = hg.env();
    let p_t = terminating_distribution(env, 3, uniform_policy(env)).unwrap();
    let expected = [1.0 / 3.0, 1.0 / 6.0, 1.0 / 6.0, 1.0 / 3.0];
    for (a, b) in p_t.iter().zip(expected) {
        assert!((a - b).abs() < 1e-12, "{p_t:?}");
    }
    // Larger grid and batch size 1: still a distribution; a wrong-width policy is an error.
    let big = HyperGrid::new(3, 5, HyperGridReward::easy()).unwrap();
    let p_t = terminating_distribution(big.env(), 1, uniform_policy(big.env())).unwrap();
    assert!((p_t.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!(terminating_distribution(env, 2, |_: &[GridState]| vec![1.0]).is_err());
    // On the edge-stopping grid, unreachable cells get nothing.
    let mo = MoHyperGrid::new(5, &[GridFunction::Currin]).unwrap();
    let p_t = terminating_distribution(mo.env(), 7, uniform_policy(mo.env())).unwrap();
    assert!((p_t.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert_eq!(p_t[mo.env().index_of(&cell(&[4, 4]))], 0.0);
}

#[test]
fn multi_objective_front() {
    let mo = MoHyperGrid::new(32, &GridFunction::ALL).unwrap();
    let cells: Vec<GridState> = mo.reachable().collect();
    assert_eq!(cells.len(), 31 * 31 + 2 * 31);
    let values: Vec<Vec<f64>> = cells.iter().map(|s| mo.objectives(s)).collect();
    for k in 0..mo.n_objectives() {
        let (lo, hi) = values
            .iter()
            .fold((1.0f64, 0.0f64), |(lo, hi), v| (lo.min(v[k]), hi.max(v[k])));
        assert!(lo.abs() < 1e-12 && (hi - 1.0).abs() < 1e-12);
    }
    for pair in [
        &GridFunction::ALL[..2],
        &GridFunction::ALL[2..],
        &GridFunction::ALL[..3],
    ] {
        let mo = MoHyperGrid::new(32, pair).unwrap();
        let front = mo.pareto_front();
        assert!(!front.is_empty());
        for (_, a) in &front {
            assert!(front.iter().all(|(_, b)| !dominates(b, a)));
        }
        for s in mo.reachable() {
            let v = mo.objectives(&s);
            let on_front = front.iter().any(|(c, _)| c == &s);
            assert!(on_front || front.iter().any(|(_, f)| dominates(f, &v)));
        }
    }
}
