//! TD3+BC's actor loss as a plain tensor function, so it can be checked by hand.

use ember_engine::burn::tensor::Tensor;

/// `-lambda * mean(Q1(s, pi(s))) + mean((pi(s) - a)^2)` with `lambda = alpha / mean|Q1|`
/// (lambda detached).
pub fn actor_loss(q: Tensor<2>, pi: Tensor<2>, actions: Tensor<2>, alpha: f32) -> Tensor<1> {
    let lambda = q.clone().abs().mean().detach().recip().mul_scalar(alpha);
    let bc = (pi - actions).square().mean();
    (lambda * q.mean()).neg() + bc
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_engine::burn::tensor::{Device, TensorData};

    fn matrix(values: &[f32], cols: usize) -> Tensor<2> {
        let rows = values.len() / cols;
        Tensor::from_data(
            TensorData::new(values.to_vec(), [rows, cols]),
            &Device::flex(),
        )
    }

    #[test]
    fn hand_computed() {
        // Q = [1, -3]: mean|Q| = 2, lambda = 2.5 / 2 = 1.25, mean Q = -1 -> +1.25.
        // pi - a = [[0.5, 0], [0, -1]]: mean square = (0.25 + 1) / 4 = 0.3125.
        let loss = actor_loss(
            matrix(&[1.0, -3.0], 1),
            matrix(&[0.5, 0.0, 0.0, -1.0], 2),
            matrix(&[0.0, 0.0, 0.0, 0.0], 2),
            2.5,
        )
        .into_scalar::<f32>();
        assert!((loss - (1.25 + 0.3125)).abs() < 1e-6, "{loss}");
    }
}
