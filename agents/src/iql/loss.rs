//! IQL's losses as plain tensor functions, so they can be checked by hand.

use ember_engine::burn::tensor::Tensor;

/// Expectile regression `mean(|tau - 1(u < 0)| * u^2)` with `u = target - prediction`.
pub fn expectile_loss(diff: Tensor<2>, expectile: f32) -> Tensor<1> {
    let below = diff.clone().lower_elem(0.0).float();
    let weight = (below.mul_scalar(-1.0).add_scalar(expectile)).abs();
    (weight * diff.square()).mean()
}

/// Advantage weights `min(exp(beta * adv), max_weight)`, detached.
pub fn awr_weights(advantage: Tensor<2>, temperature: f32, max_weight: f32) -> Tensor<2> {
    advantage
        .detach()
        .mul_scalar(temperature)
        .exp()
        .clamp_max(max_weight)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_engine::burn::tensor::{Device, TensorData};

    fn column(values: &[f32]) -> Tensor<2> {
        Tensor::from_data(
            TensorData::new(values.to_vec(), [values.len(), 1]),
            &Device::flex(),
        )
    }

    #[test]
    fn expectile_loss_hand_computed() {
        // u = [1, -2, 0.5], tau = 0.7: weights 0.7, 0.3, 0.7.
        // (0.7*1 + 0.3*4 + 0.7*0.25) / 3 = 2.075 / 3
        let loss = expectile_loss(column(&[1.0, -2.0, 0.5]), 0.7).into_scalar::<f32>();
        assert!((loss - 2.075 / 3.0).abs() < 1e-6, "{loss}");
        // tau = 0.5 is half the mean squared error.
        let loss = expectile_loss(column(&[1.0, -2.0]), 0.5).into_scalar::<f32>();
        assert!((loss - 0.5 * 2.5).abs() < 1e-6, "{loss}");
    }

    #[test]
    fn awr_weights_hand_computed_and_clipped() {
        let w = awr_weights(column(&[0.0, 0.5, 10.0]), 3.0, 100.0)
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        assert!((w[0] - 1.0).abs() < 1e-6);
        assert!((w[1] - 1.5f32.exp()).abs() < 1e-4);
        assert_eq!(w[2], 100.0);
    }
}
