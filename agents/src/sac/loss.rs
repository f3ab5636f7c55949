//! SAC's losses as plain tensor functions, so they can be checked by hand.

use ember_engine::burn::tensor::Tensor;

/// The soft Bellman target `r + gamma * mask * (min Q'(s', a') - alpha * log pi(a'|s'))`,
/// `[batch, 1]`, with `a' ~ pi(s')`; `alpha` is a one-element tensor.
pub fn soft_target(
    rewards: Tensor<2>,
    masks: Tensor<2>,
    next_q: Tensor<2>,
    next_log_prob: Tensor<2>,
    alpha: Tensor<1>,
    gamma: f32,
) -> Tensor<2> {
    let soft_value = next_q - next_log_prob * alpha.unsqueeze::<2>();
    rewards + masks * soft_value.mul_scalar(gamma)
}

/// The actor loss `mean(alpha * log pi(a|s) - min Q(s, a))` with `a ~ pi(s)` reparameterised.
pub fn actor_loss(log_prob: Tensor<2>, q: Tensor<2>, alpha: Tensor<1>) -> Tensor<1> {
    (log_prob * alpha.unsqueeze::<2>() - q).mean()
}

/// The temperature loss `-log_alpha * mean(log pi(a|s) + target_entropy)` (log-probabilities
/// detached): its gradient lowers alpha while the policy's entropy `-mean(log pi)` exceeds the
/// target and raises it below.
pub fn alpha_loss(log_alpha: Tensor<1>, log_prob: Tensor<2>, target_entropy: f32) -> Tensor<1> {
    let gap = log_prob.detach().add_scalar(target_entropy).mean();
    (log_alpha * gap).neg()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_engine::burn::tensor::{Device, TensorData};

    fn column(values: &[f32], device: &Device) -> Tensor<2> {
        Tensor::from_data(TensorData::new(values.to_vec(), [values.len(), 1]), device)
    }

    fn scalar(value: f32, device: &Device) -> Tensor<1> {
        Tensor::from_floats([value], device)
    }

    #[test]
    fn soft_target_hand_computed() {
        // y1 = 1 + 0.9 * (10 - 0.5 * (-1)) = 10.45; y2 ends the episode: 2.
        let d = Device::flex();
        let y = soft_target(
            column(&[1.0, 2.0], &d),
            column(&[1.0, 0.0], &d),
            column(&[10.0, 10.0], &d),
            column(&[-1.0, -1.0], &d),
            scalar(0.5, &d),
            0.9,
        )
        .into_data()
        .try_to_vec::<f32>()
        .unwrap();
        assert!(
            (y[0] - 10.45).abs() < 1e-5 && (y[1] - 2.0).abs() < 1e-6,
            "{y:?}"
        );
    }

    #[test]
    fn actor_loss_hand_computed() {
        // mean(0.5 * -1 - 2, 0.5 * 1 - 4) = mean(-2.5, -3.5) = -3.
        let d = Device::flex();
        let loss = actor_loss(
            column(&[-1.0, 1.0], &d),
            column(&[2.0, 4.0], &d),
            scalar(0.5, &d),
        )
        .into_scalar::<f32>();
        assert!((loss + 3.0).abs() < 1e-6, "{loss}");
    }

    #[test]
    fn alpha_loss_value_and_gradient() {
        // log pi = [-1, -3], target entropy -1: mean(log pi + target) = -3, so with
        // log_alpha = ln 2 the loss is 3 ln 2 and its gradient in log_alpha is +3: the entropy
        // (2) is above the target (-1), and gradient descent lowers alpha.
        let d = Device::flex().autodiff();
        let log_alpha = scalar(2f32.ln(), &d).require_grad();
        let loss = alpha_loss(log_alpha.clone(), column(&[-1.0, -3.0], &d), -1.0);
        let value = loss.clone().into_scalar::<f32>();
        assert!((value - 3.0 * 2f32.ln()).abs() < 1e-5, "{value}");
        let grads = loss.backward();
        let grad = log_alpha.grad(&grads).unwrap().into_scalar::<f32>();
        assert!((grad - 3.0).abs() < 1e-5, "{grad}");

        // Entropy below the target (log pi = [2, 2], target -1: gap +1): the gradient is -1.
        let log_alpha = scalar(0.0, &d).require_grad();
        let grads = alpha_loss(log_alpha.clone(), column(&[2.0, 2.0], &d), -1.0).backward();
        let grad = log_alpha.grad(&grads).unwrap().into_scalar::<f32>();
        assert!((grad + 1.0).abs() < 1e-5, "{grad}");
    }
}
