//! TD3+BC's actor loss as plain tensor functions, so it can be checked by hand.
//!
//! The loss is `-lambda * mean(Q1(s, pi(s))) + mean((pi(s) - a)^2)` with
//! `lambda = alpha / mean|Q1|` (lambda detached). The update computes it over row blocks of the
//! batch side by side ([`ember_engine::row_blocks::row_block_grads`]): [`lambda`] sees every
//! block's Q1, and each block adds its [`actor_loss_share`].

use ember_engine::burn::tensor::Tensor;

/// `alpha / mean|Q1|` over the whole batch, from its row blocks' Q1 values (detached).
pub fn lambda<'a>(q_blocks: impl Iterator<Item = &'a Tensor<2>>, alpha: f32) -> Tensor<1> {
    let q: Vec<Tensor<2>> = q_blocks.map(|q| q.clone().detach()).collect();
    Tensor::cat(q, 0).abs().mean().recip().mul_scalar(alpha)
}

/// One row block's share of the actor loss of a batch of `rows` rows: its terms summed and
/// divided by the batch's counts, so the blocks' shares add up to the loss.
pub fn actor_loss_share(
    q: Tensor<2>,
    pi: Tensor<2>,
    actions: Tensor<2>,
    lambda: Tensor<1>,
    rows: usize,
) -> Tensor<1> {
    let act_dim = pi.dims()[1];
    let bc = (pi - actions)
        .square()
        .sum()
        .div_scalar((rows * act_dim) as f32);
    (lambda * q.sum().div_scalar(rows as f32)).neg() + bc
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

    fn scalar(t: Tensor<1>) -> f32 {
        t.into_scalar::<f32>()
    }

    #[test]
    fn hand_computed() {
        // Q = [1, -3]: mean|Q| = 2, lambda = 2.5 / 2 = 1.25, mean Q = -1 -> +1.25.
        // pi - a = [[0.5, 0], [0, -1]]: mean square = (0.25 + 1) / 4 = 0.3125.
        let q = matrix(&[1.0, -3.0], 1);
        let lam = lambda([&q].into_iter(), 2.5);
        assert!((scalar(lam.clone()) - 1.25).abs() < 1e-6);
        let loss = actor_loss_share(
            q,
            matrix(&[0.5, 0.0, 0.0, -1.0], 2),
            matrix(&[0.0, 0.0, 0.0, 0.0], 2),
            lam,
            2,
        );
        let loss = scalar(loss);
        assert!((loss - (1.25 + 0.3125)).abs() < 1e-6, "{loss}");
    }

    /// The same batch as two one-row blocks: lambda from both, shares adding to the loss.
    #[test]
    fn block_shares_add_up() {
        let (q1, q2) = (matrix(&[1.0], 1), matrix(&[-3.0], 1));
        let lam = lambda([&q1, &q2].into_iter(), 2.5);
        let zeros = || matrix(&[0.0, 0.0], 2);
        let loss = actor_loss_share(q1, matrix(&[0.5, 0.0], 2), zeros(), lam.clone(), 2)
            + actor_loss_share(q2, matrix(&[0.0, -1.0], 2), zeros(), lam, 2);
        let loss = scalar(loss);
        assert!((loss - (1.25 + 0.3125)).abs() < 1e-6, "{loss}");
    }
}
