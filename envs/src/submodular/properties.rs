//! Property tests of every objective: monotonicity and diminishing returns on random sets,
//! telescoping gains through the wrapper, MAX_Ret of a straight line, incremental = batch
//! log-det; and the tasks' bad-input errors.

use super::*;
use crate::Env;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

const TOL: f64 = 1e-9;

fn grid() -> GridWorld {
    GridWorld::new(6, 7).unwrap()
}

/// One objective of each kind on the 6×7 grid.
fn objectives() -> Vec<(&'static str, Arc<dyn SetObjective>)> {
    let g = grid();
    let n = g.n_cells();
    let mut rng = StdRng::seed_from_u64(3);
    let weights: Vec<f64> = (0..n).map(|_| rng.random_range(0.0..2.0)).collect();
    let points: Vec<[f64; 2]> = (0..n).map(|i| g.coordinates(i)).collect();
    let kernel = Matern52 {
        lengthscale: 0.3,
        variance: 1.0,
    };
    let groups = (0..n).map(|i| (i % 3 != 0).then_some(i % 4)).collect();
    vec![
        (
            "coverage 2x2",
            Arc::new(WeightedCoverage::on_grid(&g, weights.clone(), Footprint::Small).unwrap()),
        ),
        (
            "coverage 3x3",
            Arc::new(WeightedCoverage::on_grid(&g, weights, Footprint::Large).unwrap()),
        ),
        (
            "items",
            Arc::new(ItemCoverage::new(groups, vec![1, 2, 3, 0]).unwrap()),
        ),
        (
            "gp log-det",
            Arc::new(
                GpLogDet::new(
                    points,
                    kernel,
                    &[[1.2, 1.3], [1.4, 1.1]],
                    1e-3,
                    1e-6,
                    9.965784,
                )
                .unwrap(),
            ),
        ),
        (
            "closure",
            Arc::new(FnObjective::new(n, |set: &[usize]| {
                set.iter().map(|&s| (s % 5 + 1) as f64).sum::<f64>().sqrt()
            })),
        ),
    ]
}

fn random_set(rng: &mut StdRng, n: usize, max: usize) -> Vec<usize> {
    let k = rng.random_range(0..=max);
    (0..k).map(|_| rng.random_range(0..n)).collect()
}

#[test]
fn monotone_and_diminishing_returns_on_random_sets() {
    let mut rng = StdRng::seed_from_u64(11);
    for (name, f) in objectives() {
        let n = f.ground_size();
        for _ in 0..300 {
            let a = random_set(&mut rng, n, 10);
            let mut b = a.clone();
            b.extend(random_set(&mut rng, n, 10));
            let s = rng.random_range(0..n);
            let mut ca = f.cache();
            let mut cb = f.cache();
            a.iter().for_each(|&x| _ = ca.add(x));
            b.iter().for_each(|&x| _ = cb.add(x));
            let (ga, gb) = (ca.gain(s), cb.gain(s));
            assert!(gb >= -TOL, "{name}: negative gain {gb}");
            assert!(ga >= gb - TOL, "{name}: Δ(s|A) {ga} < Δ(s|B) {gb}, A ⊆ B");
            assert!(ca.value() <= cb.value() + TOL, "{name}: F(A) > F(B)");
            assert!((f.value(&b) - cb.value()).abs() < 1e-9, "{name}: value");
            // Adding returns the gain it announced; a repeat adds nothing.
            assert!((ca.add(s) - ga).abs() < 1e-12, "{name}");
            assert_eq!(ca.add(s), 0.0, "{name}: a repeat must add 0");
        }
    }
}

#[test]
fn wrapper_gains_telescope_to_f_of_the_trajectory() {
    let mut rng = StdRng::seed_from_u64(5);
    for (name, f) in objectives() {
        let g = Arc::new(grid().with_walls([(2, 2), (2, 3)]).unwrap());
        let env = GridEnv::new("t", g, 8, 25).unwrap();
        let mut env = MarginalGain::new(env, f.clone(), false, true);
        let (obs, _) = env.reset(None);
        assert_eq!(obs.len(), 42 + 1 + 42, "{name}: one-hot, t/H, bitmap");
        let s0 = f.value(&[8]);
        let mut total = 0.0;
        loop {
            let step = env.step(&[rng.random_range(0..5) as f32]).unwrap();
            total += step.reward;
            let bitmap = &step.obs[43..];
            assert_eq!(bitmap[env.inner().element()], 1.0);
            if step.done() {
                break;
            }
        }
        let trajectory = env.trajectory().to_vec();
        assert_eq!(trajectory.len(), 25);
        let value = f.value(&trajectory);
        assert!((env.value() - value).abs() < 1e-9, "{name}");
        assert!(
            (total - (value - s0)).abs() < 1e-9,
            "{name}: Σ gains {total} vs F(τ) − F(s0) {}",
            value - s0
        );
    }
}

#[test]
fn modular_rewards_pay_every_visit() {
    let (_, f) = objectives().remove(0);
    let env = GridEnv::new("t", Arc::new(grid()), 0, 6).unwrap();
    let mut env = MarginalGain::new(env, f.clone(), true, false);
    env.reset(None);
    let mut total = 0.0;
    for _ in 0..5 {
        // "stay" at the start: the gain is 0 but MRL pays F({s0}) again.
        total += env.step(&[0.0]).unwrap().reward;
    }
    assert!((total - 5.0 * f.value(&[0])).abs() < 1e-12);
    assert!((env.value() - f.value(&[0])).abs() < 1e-12);
}

#[test]
fn a_straight_line_on_unit_weights_reaches_max_ret() {
    let g = GridWorld::new(30, 30).unwrap();
    let h = 20;
    for (footprint, start) in [(Footprint::Small, (1, 4)), (Footprint::Large, (1, 4))] {
        let f = WeightedCoverage::on_grid(&g, vec![1.0; 900], footprint).unwrap();
        let s = g.checked_cell(start.0, start.1).unwrap();
        let line: Vec<usize> = (0..h).map(|i| s + i).collect();
        assert_eq!(f.value(&line), footprint.max_return(h), "{footprint:?}");
    }
    // Through the task and the environment: H − 1 moves right from cell 34.
    let setup = SubrlTask::Coverage.build(&TaskOptions::default()).unwrap();
    let mut env = setup.env(false, false).unwrap();
    env.reset(None);
    let cols = setup.grid.cols();
    for _ in 0..setup.horizon - 1 {
        // Right until the border, then down: the first 25 columns of row 1, then column 29.
        let a = if setup.grid.row_col(env.inner().element()).1 + 1 < cols {
            1.0
        } else {
            2.0
        };
        env.step(&[a]).unwrap();
    }
    assert!(env.value() <= setup.max_return);
}

#[test]
fn incremental_log_det_equals_the_batch_log_det() {
    let (_, f) = objectives().remove(3);
    let g = grid();
    let points: Vec<[f64; 2]> = (0..g.n_cells()).map(|i| g.coordinates(i)).collect();
    let kernel = Matern52 {
        lengthscale: 0.3,
        variance: 1.0,
    };
    let gp = GpLogDet::new(
        points,
        kernel,
        &[[1.2, 1.3], [1.4, 1.1]],
        1e-3,
        1e-6,
        9.965784,
    )
    .unwrap();
    let mut rng = StdRng::seed_from_u64(2);
    for _ in 0..50 {
        let set = random_set(&mut rng, g.n_cells(), 30);
        let incremental = f.value(&set);
        let batch = gp.batch_value(&set);
        assert!(
            (incremental - batch).abs() < 1e-6 * (1.0 + batch.abs()),
            "incremental {incremental} vs batch {batch}"
        );
    }
    // ½ logdet of one state: ½ ln(σ² + jitter) + offset.
    let v = gp.variances()[7];
    assert!((gp.value(&[7, 7]) - (0.5 * (v + 1e-6).ln() + 9.965784)).abs() < 1e-9);
}

#[test]
fn cholesky_matches_a_hand_factorisation() {
    // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]].
    let mut a = vec![4.0, 2.0, 2.0, 3.0];
    cholesky(&mut a, 2).unwrap();
    let expected = [2.0, 0.0, 1.0, 2f64.sqrt()];
    assert!(
        a.iter().zip(expected).all(|(x, y)| (x - y).abs() < 1e-12),
        "{a:?}"
    );
    assert_eq!(cholesky(&mut [1.0, 2.0, 2.0, 1.0], 2), Err(1));
}

#[test]
fn tasks_build_with_the_reference_parameters() {
    for name in SubrlTask::NAMES {
        let task = SubrlTask::parse(name).unwrap();
        for instance in [0, task.instances() - 1] {
            let options = TaskOptions {
                instance,
                ..TaskOptions::default()
            };
            let setup = task.build(&options).unwrap();
            assert_eq!(setup.grid.n_cells(), setup.objective.ground_size());
            assert_eq!(setup.max_return, 2.0 * (setup.horizon as f64 + 1.0));
            assert!(
                setup.map.iter().all(|w| w.is_finite() && *w >= 0.0),
                "{name}"
            );
        }
    }
    let steiner = SubrlTask::Steiner.build(&TaskOptions::default()).unwrap();
    assert_eq!(steiner.map.iter().filter(|&&k| k > 0.0).count(), 93);
    assert_eq!(steiner.grid.row_col(steiner.start), (2, 4));
    let rooms = SubrlTask::TwoRooms.build(&TaskOptions::default()).unwrap();
    assert_eq!(rooms.grid.row_col(rooms.start), (2, 6));
    assert!(
        rooms
            .grid
            .is_blocked(rooms.grid.checked_cell(0, 5).unwrap())
    );
    // Different GP instances differ; the same instance repeats.
    let gp = |instance| {
        let options = TaskOptions {
            instance,
            ..TaskOptions::default()
        };
        SubrlTask::Gp.build(&options).unwrap().map
    };
    assert_eq!(gp(3), gp(3));
    assert_ne!(gp(3), gp(4));
}

#[test]
fn bad_inputs_are_one_line_errors() {
    let e = SubrlTask::parse("maze").unwrap_err().to_string();
    assert!(
        e.contains("unknown environment `maze`") && e.contains("two-rooms"),
        "{e}"
    );
    let build =
        |task: SubrlTask, options: TaskOptions| task.build(&options).err().unwrap().to_string();
    let e = build(
        SubrlTask::Gp,
        TaskOptions {
            instance: 10,
            ..TaskOptions::default()
        },
    );
    assert!(e.contains("instance 10 is out of range: gp has 10"), "{e}");
    let e = build(
        SubrlTask::Coverage,
        TaskOptions {
            horizon: Some(0),
            ..TaskOptions::default()
        },
    );
    assert!(e.contains("H = 0"), "{e}");
    let e = build(
        SubrlTask::Coverage,
        TaskOptions {
            weights: Some(vec![1.0; 10]),
            ..TaskOptions::default()
        },
    );
    assert!(e.contains("10 weights for a 30x30 grid"), "{e}");
    let dir = std::env::temp_dir().join(format!("ember-weights-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("w.csv");
    std::fs::write(&file, "1,2,3\n4,5\n").unwrap();
    let e = read_weights(&file, 2, 3).unwrap_err().to_string();
    assert!(e.contains("w.csv: line 2 has 2 weights, expected 3"), "{e}");
    std::fs::write(&file, "1,2,3\n").unwrap();
    let e = read_weights(&file, 2, 3).unwrap_err().to_string();
    assert!(e.contains("1 rows of weights, expected 2"), "{e}");
    std::fs::write(&file, "# a map\n1 2 3\n4,5,6\n").unwrap();
    assert_eq!(
        read_weights(&file, 2, 3).unwrap(),
        vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    );
    std::fs::remove_dir_all(&dir).unwrap();
    for e in [
        SubrlTask::parse("x").unwrap_err().to_string(),
        build(
            SubrlTask::Steiner,
            TaskOptions {
                size: Some((5, 5)),
                ..TaskOptions::default()
            },
        ),
    ] {
        assert!(!e.contains('\n'), "{e}");
    }
}
