//! Order-preserving GFlowNets (Chen & Mauch, ICLR 2024): the order loss on learned
//! log-rewards. It reads only comparisons between objects, so any monotone transform of the
//! objectives (a reward exponent, a scale, a log) gives the same training signal.
//!
//! * One objective (total order): the pairwise logistic loss. Each object is paired with a
//!   random partner; the target is 1 if it is better, ½ for a tie (within 1e-6), 0 if worse;
//!   the loss is `−[t·log σ(Δ) + (1−t)·log σ(−Δ)]` with `Δ = log R̂(x) − log R̂(partner)`.
//! * Several objectives (Pareto order): the cross-entropy between the softmax of `log R̂` over
//!   the batch and the uniform distribution on its non-dominated members.
//!
//! Where `log R̂` comes from for each base loss, and what is combined with it, is in
//! [`super::trainer`] (OP-TB: the TB prediction, order loss only; OP-DB/OP-FL: the exit flow
//! plus the non-terminal balance terms; OP-SubTB: every sub-trajectory ending at the sink).

use ember_engine::burn::tensor::{Int, Tensor, TensorData, activation};
use ember_envs::gfn::metrics::pareto_mask;
use rand::Rng;
use rand::seq::SliceRandom;
use std::cmp::Ordering;

/// Tie tolerance of the pairwise targets.
pub const TIE_EPS: f64 = 1e-6;

/// Upper clamp of the order loss (the learned reward is unbounded; OP-GFN clamps at 100).
pub const MAX_ORDER_LOSS: f32 = 100.0;

/// The pairwise target for `a` against `b` (single objective): 1 better, ½ tie, 0 worse.
pub fn pairwise_target(a: f64, b: f64) -> f32 {
    match (a - b).abs() <= TIE_EPS {
        true => 0.5,
        false => match a.partial_cmp(&b) {
            Some(Ordering::Greater) => 1.0,
            Some(Ordering::Less) => 0.0,
            _ => 0.5,
        },
    }
}

/// The order loss over the columns of `pred` (`[B, G]`): column `g` compares the objects `b`
/// with `valid[b·G + g]`, using `objectives[b]` (one entry: pairwise; several: Pareto).
/// Columns are averaged with `weights[g]` (renormalised over the columns with at least two
/// valid objects). Objects that are never valid may carry empty objective vectors. The
/// result is clamped at [`MAX_ORDER_LOSS`].
pub fn order_loss(
    pred: Tensor<2>,
    objectives: &[Vec<f64>],
    valid: &[bool],
    weights: &[f64],
    rng: &mut impl Rng,
) -> Tensor<1> {
    let [b, g] = pred.dims();
    let device = pred.device();
    let members: Vec<Vec<usize>> = (0..g)
        .map(|c| (0..b).filter(|&r| valid[r * g + c]).collect())
        .collect();
    let total: f64 = (0..g)
        .filter(|&c| members[c].len() >= 2)
        .map(|c| weights[c])
        .sum();
    let column_weight = |c: usize| {
        if members[c].len() >= 2 && total > 0.0 {
            weights[c] / total
        } else {
            0.0
        }
    };
    let matrix = |v: Vec<f32>| Tensor::<2>::from_data(TensorData::new(v, [b, g]), &device);
    let single = objectives.iter().map(Vec::len).max().is_none_or(|n| n == 1);
    let loss = if single {
        let mut partner = vec![0i64; b * g];
        let mut target = vec![0.5f32; b * g];
        let mut coef = vec![0.0f32; b * g];
        for (c, rows) in members.iter().enumerate() {
            let mut perm = rows.clone();
            perm.shuffle(rng);
            let w = column_weight(c) / rows.len() as f64;
            for (&r, &p) in rows.iter().zip(&perm) {
                partner[r * g + c] = p as i64;
                target[r * g + c] = pairwise_target(objectives[r][0], objectives[p][0]);
                coef[r * g + c] = w as f32;
            }
        }
        let idx = Tensor::<2, Int>::from_data(TensorData::new(partner, [b, g]), &device);
        let delta = pred.clone() - pred.gather(0, idx);
        let t = matrix(target);
        let ce = (t.clone() * activation::log_sigmoid(delta.clone())
            + t.neg().add_scalar(1.0) * activation::log_sigmoid(delta.neg()))
        .neg();
        (ce * matrix(coef)).sum()
    } else {
        let mut label = vec![0.0f32; b * g];
        let mut invalid = vec![true; b * g];
        for (c, rows) in members.iter().enumerate() {
            let points: Vec<Vec<f64>> = rows.iter().map(|&r| objectives[r].clone()).collect();
            let front = pareto_mask(&points);
            let size = front.iter().filter(|&&m| m).count().max(1);
            for (&r, &m) in rows.iter().zip(&front) {
                invalid[r * g + c] = false;
                if m {
                    label[r * g + c] = (column_weight(c) / size as f64) as f32;
                }
            }
        }
        let mask = Tensor::from_data(TensorData::new(invalid, [b, g]), &device);
        let log_p = activation::log_softmax(pred.mask_fill(mask, -1e9), 0);
        (log_p * matrix(label)).sum().neg()
    };
    loss.clamp_max(MAX_ORDER_LOSS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_engine::burn::tensor::Device;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn value(t: Tensor<1>) -> f64 {
        t.into_data().try_to_vec::<f32>().unwrap()[0] as f64
    }

    fn column(v: &[f32], device: &Device) -> Tensor<2> {
        Tensor::from_data(TensorData::new(v.to_vec(), [v.len(), 1]), device)
    }

    #[test]
    fn pairwise_loss_is_the_logistic_loss_of_each_pair() {
        // Two objects, the first better; whichever permutation is drawn, each pair is either a
        // self-pair (target ½, Δ = 0: loss ln 2) or the cross pair. With log R̂ = (1, 0):
        // cross pairs give −ln σ(1) for both directions, self-pairs ln 2.
        let device = Device::flex();
        let pred = column(&[1.0, 0.0], &device);
        let objectives = vec![vec![5.0], vec![2.0]];
        let cross = -(1.0f64 / (1.0 + (-1.0f64).exp())).ln();
        let own = 2f64.ln();
        for seed in 0..8 {
            let mut rng = StdRng::seed_from_u64(seed);
            let l = value(order_loss(
                pred.clone(),
                &objectives,
                &[true, true],
                &[1.0],
                &mut rng,
            ));
            assert!(
                (l - cross).abs() < 1e-5 || (l - own).abs() < 1e-5,
                "loss {l} is neither {cross} nor {own}"
            );
        }
    }

    #[test]
    fn pairwise_loss_is_invariant_to_monotone_reward_transforms() {
        // R versus R⁶ (log R versus 6 log R): the same targets, so the same loss.
        let device = Device::flex();
        let pred = column(&[0.3, -1.0, 2.0, 0.5], &device);
        let log_r = [0.1, -2.0, 1.5, 1.5];
        let plain: Vec<Vec<f64>> = log_r.iter().map(|&v| vec![v]).collect();
        let powered: Vec<Vec<f64>> = log_r.iter().map(|&v| vec![6.0 * v]).collect();
        let valid = [true; 4];
        let a = order_loss(
            pred.clone(),
            &plain,
            &valid,
            &[1.0],
            &mut StdRng::seed_from_u64(3),
        );
        let b = order_loss(
            pred,
            &powered,
            &valid,
            &[1.0],
            &mut StdRng::seed_from_u64(3),
        );
        assert_eq!(value(a), value(b));
    }

    #[test]
    fn pareto_loss_is_cross_entropy_to_the_non_dominated_set() {
        // (1,0) and (0,1) are non-dominated, (0,0) is dominated. With equal log R̂ the softmax
        // is 1/3 each, so the loss is −(½ ln ⅓ + ½ ln ⅓) = ln 3.
        let device = Device::flex();
        let pred = column(&[0.0, 0.0, 0.0], &device);
        let objectives = vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![0.0, 0.0]];
        let mut rng = StdRng::seed_from_u64(0);
        let l = value(order_loss(pred, &objectives, &[true; 3], &[1.0], &mut rng));
        assert!((l - 3f64.ln()).abs() < 1e-5, "{l}");
        // Putting mass on the front lowers it; an invalid object is ignored.
        let pred = column(&[3.0, 3.0, 0.0], &device);
        let l2 = value(order_loss(pred, &objectives, &[true; 3], &[1.0], &mut rng));
        assert!(l2 < l);
    }
}
