//! Metrics and order helpers on hand-computed examples.

use std::cmp::Ordering;

use ember_envs::gfn::metrics::{
    L1Convention, ModeTracker, TopK, hypervolume, l1_distance, mean_pairwise_distance, pareto_mask,
};
use ember_envs::gfn::objective::{
    ParetoOrder, ScalarOrder, maximal_mask, pairwise_target, pareto_compare,
};
use ember_envs::gfn::{LogReward, MultiObjective};

#[test]
fn hypervolume_2d_and_3d() {
    let stairs = vec![
        vec![1.0, 3.0],
        vec![2.0, 2.0],
        vec![3.0, 1.0],
        vec![1.0, 1.0],
    ];
    assert!((hypervolume(&stairs, &[0.0, 0.0]) - 6.0).abs() < 1e-12);
    assert!((hypervolume(&stairs, &[1.0, 0.0]) - 3.0).abs() < 1e-12);
    assert_eq!(hypervolume(&[vec![-1.0, 5.0]], &[0.0, 0.0]), 0.0);
    // Three boxes of volume 2 overlapping pairwise and all together in the unit cube:
    // 6 − 3·1 + 1 = 4.
    let corners = vec![
        vec![2.0, 1.0, 1.0],
        vec![1.0, 2.0, 1.0],
        vec![1.0, 1.0, 2.0],
    ];
    assert!((hypervolume(&corners, &[0.0; 3]) - 4.0).abs() < 1e-12);
    let nested = vec![vec![0.5, 0.5, 0.5], vec![1.0, 2.0, 3.0]];
    assert!((hypervolume(&nested, &[0.0; 3]) - 6.0).abs() < 1e-12);
}

#[test]
fn pareto_filter_and_orders() {
    let pts = vec![
        vec![1.0, 2.0],
        vec![2.0, 1.0],
        vec![1.0, 1.0],
        vec![2.0, 1.0],
    ];
    assert_eq!(pareto_mask(&pts), vec![true, true, false, true]);
    assert_eq!(pareto_compare(&[1.0, 2.0], &[2.0, 1.0]), None);
    struct Id;
    impl MultiObjective<Vec<f64>> for Id {
        fn n_objectives(&self) -> usize {
            2
        }
        fn objectives(&self, x: &Vec<f64>) -> Vec<f64> {
            x.clone()
        }
    }
    assert_eq!(maximal_mask(&pts, &ParetoOrder(Id)), pareto_mask(&pts));
    struct Log;
    impl LogReward<f64> for Log {
        fn log_reward(&self, x: &f64) -> f64 {
            x.ln()
        }
    }
    let order = ScalarOrder {
        reward: Log,
        tie_eps: 1e-6,
    };
    assert_eq!(
        maximal_mask(&[1.0, 3.0, 2.0, 3.0], &order),
        vec![false, true, false, true]
    );
    assert_eq!(pairwise_target(&3.0, &2.0, &order), 1.0);
    assert_eq!(pairwise_target(&2.0, &3.0, &order), 0.0);
    assert_eq!(pairwise_target(&2.0, &2.0000001, &order), 0.5);
    let by_len = |a: &&str, b: &&str| Some(a.len().cmp(&b.len()));
    assert_eq!(
        maximal_mask(&["ab", "abc", "x"], &by_len),
        vec![false, true, false]
    );
    assert_eq!(by_len(&"a", &"bb"), Some(Ordering::Less));
}

#[test]
fn modes_topk_diversity_l1() {
    let mut modes = ModeTracker::new();
    assert_eq!(modes.observe([(1, true), (2, false), (1, true)]), 1);
    assert_eq!(modes.observe([(3, true)]), 2);
    assert_eq!(modes.history(), &[(3, 1), (4, 2)]);
    let mut top = TopK::new();
    for (k, r) in [("a", 1.0), ("b", 5.0), ("a", 9.0), ("c", 3.0)] {
        top.insert(k, r);
    }
    assert_eq!(top.len(), 3);
    assert_eq!(top.mean_top(2), Some(4.0));
    assert_eq!(top.top(1), vec![("b", 5.0)]);
    let d = mean_pairwise_distance(&[0.0, 1.0, 3.0], |a: &f64, b: &f64| (a - b).abs());
    assert!((d - 2.0).abs() < 1e-12);
    assert_eq!(
        l1_distance(&[0.5, 0.5], &[1.0, 0.0], L1Convention::Sum),
        1.0
    );
    assert_eq!(
        l1_distance(&[0.5, 0.5], &[1.0, 0.0], L1Convention::Mean),
        0.5
    );
}
