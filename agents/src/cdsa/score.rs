//! Noise-conditional score models trained by denoising score matching (NCSN, Song & Ermon
//! 2019): `s(x, σ | c) = net([x, c, ln σ]) / σ`, σ drawn per sample from geometric levels, loss
//! `½ E‖σ s(x + σε, σ) + ε‖²` (the σ²-weighted DSM loss, well scaled at every level).

use ember_engine::burn::module::Module;
use ember_engine::burn::tensor::{Device, Distribution, Tensor};
use ember_engine::nn::{Activation, Mlp, MlpConfig};

/// A score model of `x` (optionally conditioned on `c`), `s(x, σ | c) = net([x, c, ln σ]) / σ`.
#[derive(Module, Debug)]
pub struct ScoreNet {
    net: Mlp,
}

impl ScoreNet {
    /// A SiLU MLP `[x_dim + cond_dim + 1, hidden.., x_dim]` on `device`.
    pub fn new(x_dim: usize, cond_dim: usize, hidden: &[usize], device: &Device) -> Self {
        let mut config = MlpConfig::layers(x_dim + cond_dim + 1, hidden, x_dim);
        config.activation = Activation::Silu;
        Self {
            net: config.init(device),
        }
    }

    /// `σ s(x, σ | c)`, the unit-scale output (an estimate of `-ε`); `sigma` is `[B, 1]`.
    pub fn scaled(&self, x: Tensor<2>, cond: Option<Tensor<2>>, sigma: Tensor<2>) -> Tensor<2> {
        let mut inputs = vec![x];
        inputs.extend(cond);
        inputs.push(sigma.log());
        self.net.forward(Tensor::cat(inputs, 1))
    }

    /// The score `s(x, σ | c)`.
    pub fn score(&self, x: Tensor<2>, cond: Option<Tensor<2>>, sigma: Tensor<2>) -> Tensor<2> {
        self.scaled(x, cond, sigma.clone()) / sigma
    }

    /// The DSM loss on clean samples `x` (conditions `cond`): each sample gets a noise level
    /// drawn uniformly from `levels` (descending, as [`noise_levels`] gives them) and noise
    /// `ε ~ N(0, I)`.
    pub fn dsm(&self, x: Tensor<2>, cond: Option<Tensor<2>>, levels: &[f32]) -> Tensor<1> {
        let [batch, _] = x.dims();
        let device = x.device();
        let sigma = random_levels(levels, batch, &device);
        let eps = Tensor::<2>::random(x.shape(), Distribution::Normal(0.0, 1.0), &device);
        let noisy = x + eps.clone() * sigma.clone();
        dsm_loss(self.scaled(noisy, cond, sigma), eps)
    }
}

/// `½ mean_b ‖out_b + ε_b‖²`: the σ²-weighted denoising score matching loss given the network's
/// unit-scale output `out = σ s(x + σε, σ)` and the noise `ε` that was added.
pub fn dsm_loss(scaled_output: Tensor<2>, eps: Tensor<2>) -> Tensor<1> {
    (scaled_output + eps)
        .square()
        .sum_dim(1)
        .mean()
        .mul_scalar(0.5)
}

/// `count` noise levels spaced geometrically from `sigma_max` down to `sigma_min` (one level:
/// `sigma_max`).
pub fn noise_levels(sigma_max: f32, sigma_min: f32, count: usize) -> Vec<f32> {
    if count <= 1 {
        return vec![sigma_max];
    }
    let ratio = (sigma_min / sigma_max).ln() / (count - 1) as f32;
    (0..count)
        .map(|i| sigma_max * (ratio * i as f32).exp())
        .collect()
}

/// A `[batch, 1]` column of levels drawn uniformly (with replacement) from `levels`.
fn random_levels(levels: &[f32], batch: usize, device: &Device) -> Tensor<2> {
    let n = levels.len() as f64;
    let index = Tensor::<2>::random([batch, 1], Distribution::Uniform(0.0, n), device)
        .floor()
        .clamp(0.0, n - 1.0);
    // The levels are geometric, so ln σ is affine in the index.
    let first = levels[0].ln();
    let step = if levels.len() > 1 {
        (levels[levels.len() - 1].ln() - first) / (levels.len() - 1) as f32
    } else {
        0.0
    };
    index.mul_scalar(step).add_scalar(first).exp()
}

/// The largest Euclidean distance between two rows of a `[n, d]` row-major sample: NCSN's rule
/// for the largest noise level.
pub fn max_pairwise_distance(rows: &[f32], dim: usize) -> f32 {
    let points: Vec<&[f32]> = rows.chunks(dim.max(1)).collect();
    let mut best = 0.0f32;
    for (i, a) in points.iter().enumerate() {
        for b in &points[i + 1..] {
            let d: f32 = a.iter().zip(*b).map(|(x, y)| (x - y) * (x - y)).sum();
            best = best.max(d);
        }
    }
    best.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_engine::burn::tensor::TensorData;

    fn tensor(rows: &[[f32; 2]], device: &Device) -> Tensor<2> {
        let flat: Vec<f32> = rows.iter().flatten().copied().collect();
        Tensor::from_data(TensorData::new(flat, [rows.len(), 2]), device)
    }

    fn scalar(t: Tensor<1>) -> f32 {
        t.into_data().try_to_vec::<f32>().unwrap()[0]
    }

    /// By hand: rows (1,0)+(0,1) -> 1² + 1² = 2 and (0,2)+(1,1) -> 1² + 3² = 10; ½ mean = 3.
    #[test]
    fn dsm_loss_matches_hand_computed_value() {
        let device = Device::flex();
        let out = tensor(&[[1.0, 0.0], [0.0, 2.0]], &device);
        let eps = tensor(&[[0.0, 1.0], [1.0, 1.0]], &device);
        assert!((scalar(dsm_loss(out, eps)) - 3.0).abs() < 1e-6);
    }

    /// For data concentrated at 0 the perturbed density is N(0, σ²), whose score at x = σε is
    /// -ε/σ: σ s = -ε and the loss vanishes whatever the noise and the level.
    #[test]
    fn the_true_score_of_a_point_mass_has_zero_loss() {
        let device = Device::flex();
        let eps = Tensor::<2>::random([64, 2], Distribution::Normal(0.0, 1.0), &device);
        for sigma in [0.01f32, 0.3, 2.0] {
            let x = eps.clone().mul_scalar(sigma);
            let true_score = x.clone().div_scalar(-sigma * sigma);
            let loss = dsm_loss(true_score.mul_scalar(sigma), eps.clone());
            assert!(scalar(loss).abs() < 1e-6);
        }
    }

    #[test]
    fn levels_are_geometric_and_drawn_from_the_set() {
        let levels = noise_levels(1.0, 0.01, 3);
        assert!((levels[0] - 1.0).abs() < 1e-6);
        assert!((levels[1] - 0.1).abs() < 1e-6);
        assert!((levels[2] - 0.01).abs() < 1e-6);
        assert_eq!(noise_levels(0.5, 0.01, 1), vec![0.5]);
        let drawn = random_levels(&levels, 500, &Device::flex())
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        for level in &levels {
            let hits = drawn
                .iter()
                .filter(|d| (*d - level).abs() < 1e-4 * level)
                .count();
            assert!(hits > 100, "level {level} drawn {hits} times of 500");
        }
        assert_eq!(
            drawn.len(),
            drawn
                .iter()
                .filter(|d| levels.iter().any(|l| (*d - l).abs() < 1e-4 * l))
                .count()
        );
    }

    #[test]
    fn max_pairwise_distance_by_hand() {
        // (0,0), (3,4), (1,1): the farthest pair is 5 apart.
        let rows = [0.0, 0.0, 3.0, 4.0, 1.0, 1.0];
        assert!((max_pairwise_distance(&rows, 2) - 5.0).abs() < 1e-6);
        assert_eq!(max_pairwise_distance(&[1.0], 1), 0.0);
    }
}
