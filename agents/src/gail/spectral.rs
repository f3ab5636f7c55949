//! Spectral normalisation (Miyato et al., ICLR 2018) as PyTorch's `torch.nn.utils.spectral_norm`
//! does it: a persistent pair of vectors (u, v) refined by one power iteration per training
//! forward, with the weight divided by σ̂ = vᵀ W u. The iteration runs on the host with the
//! weight detached (a 100×100 matrix is read back once per discriminator step); σ̂ is then built
//! on the device from the weight and the constant vectors, so it stays differentiable in W
//! exactly as in PyTorch.

use ember_engine::burn::tensor::{Tensor, TensorData};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// PyTorch's `normalize` epsilon.
const EPS: f32 = 1e-12;

/// The power-iteration state of one weight `W` of shape `[in, out]` (burn's layout): `u` has
/// `out` entries (PyTorch's u, of its `[out, in]` weight), `v` has `in`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PowerIteration {
    /// Estimate of the top singular vector on the output side.
    pub u: Vec<f32>,
    /// Estimate of the top singular vector on the input side.
    pub v: Vec<f32>,
}

fn normalize(x: &mut [f32]) {
    let norm = x.iter().map(|a| a * a).sum::<f32>().sqrt().max(EPS);
    x.iter_mut().for_each(|a| *a /= norm);
}

impl PowerIteration {
    /// Random unit vectors for a `[inputs, outputs]` weight (PyTorch draws u, v from N(0, 1)
    /// and normalises them).
    pub fn new<R: Rng + ?Sized>(inputs: usize, outputs: usize, rng: &mut R) -> Self {
        let mut draw = |n: usize| {
            let mut x: Vec<f32> = (0..n)
                .map(|_| rand_distr::Distribution::sample(&rand_distr::StandardNormal, rng))
                .collect();
            normalize(&mut x);
            x
        };
        let u = draw(outputs);
        let v = draw(inputs);
        Self { u, v }
    }

    /// One power iteration on `weight` (row-major `[in, out]`): v ← W u / ‖·‖, u ← Wᵀ v / ‖·‖.
    pub fn step(&mut self, weight: &[f32]) {
        let (inputs, outputs) = (self.v.len(), self.u.len());
        debug_assert_eq!(weight.len(), inputs * outputs);
        for (i, v) in self.v.iter_mut().enumerate() {
            let row = &weight[i * outputs..(i + 1) * outputs];
            *v = row.iter().zip(&self.u).map(|(w, u)| w * u).sum();
        }
        normalize(&mut self.v);
        self.u.iter_mut().for_each(|u| *u = 0.0);
        for (i, v) in self.v.iter().enumerate() {
            let row = &weight[i * outputs..(i + 1) * outputs];
            for (u, w) in self.u.iter_mut().zip(row) {
                *u += w * v;
            }
        }
        normalize(&mut self.u);
    }

    /// σ̂ = vᵀ W u on the host.
    pub fn sigma(&self, weight: &[f32]) -> f32 {
        let outputs = self.u.len();
        self.v
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let row = &weight[i * outputs..(i + 1) * outputs];
                v * row.iter().zip(&self.u).map(|(w, u)| w * u).sum::<f32>()
            })
            .sum()
    }

    /// `W / σ̂(W)` with σ̂ = vᵀ W u built from `weight` (so differentiable in it) and the
    /// constant vectors.
    pub fn normalize_weight(&self, weight: Tensor<2>) -> Tensor<2> {
        let device = weight.device();
        let (inputs, outputs) = (self.v.len(), self.u.len());
        let v = Tensor::<2>::from_data(TensorData::new(self.v.clone(), [1, inputs]), &device);
        let u = Tensor::<2>::from_data(TensorData::new(self.u.clone(), [outputs, 1]), &device);
        let sigma = v.matmul(weight.clone()).matmul(u);
        weight / sigma
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    /// σ̂ converges to the largest singular value of a small matrix, here built as
    /// U diag(3, 1.5) Vᵀ from two rotations (so its SVD is known exactly), and of a diagonal
    /// one; normalising divides the spectral norm down to 1.
    #[test]
    fn sigma_matches_the_svd() {
        let rotation = |t: f32| [t.cos(), -t.sin(), t.sin(), t.cos()];
        let (a, b) = (rotation(0.3), rotation(-1.1));
        let s = [3.0f32, 1.5];
        // W = A diag(s) Bᵀ, 2×2.
        let mut w = [0.0f32; 4];
        for i in 0..2 {
            for j in 0..2 {
                w[i * 2 + j] = (0..2).map(|k| a[i * 2 + k] * s[k] * b[j * 2 + k]).sum();
            }
        }
        let mut rng = StdRng::seed_from_u64(3);
        let mut power = PowerIteration::new(2, 2, &mut rng);
        for _ in 0..50 {
            power.step(&w);
        }
        assert!((power.sigma(&w) - 3.0).abs() < 1e-4, "{}", power.sigma(&w));

        // A 3×4 matrix with singular values 2, 0.5, 0.25 on its diagonal.
        let mut w = vec![0.0f32; 12];
        w[0] = 0.5;
        w[4 + 1] = -2.0;
        w[8 + 2] = 0.25;
        let mut power = PowerIteration::new(3, 4, &mut rng);
        for _ in 0..50 {
            power.step(&w);
        }
        assert!((power.sigma(&w) - 2.0).abs() < 1e-4, "{}", power.sigma(&w));
        let device = ember_engine::burn::tensor::Device::flex();
        let weight = Tensor::<2>::from_data(TensorData::new(w.clone(), [3, 4]), &device);
        let normalized = power
            .normalize_weight(weight)
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        assert!((normalized[5] + 1.0).abs() < 1e-4, "{normalized:?}");
    }
}
