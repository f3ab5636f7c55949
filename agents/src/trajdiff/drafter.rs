//! The autoregressive draft generator: a transformer encoder that, from the states and
//! returns-to-go so far, predicts the next state and the next return-to-go at every position
//! (the reference's `models.py` `Transformer`, with the causal mask it leaves out).

use ember_engine::burn::module::Module;
use ember_engine::burn::nn::activation::ActivationConfig;
use ember_engine::burn::nn::attention::generate_autoregressive_mask;
use ember_engine::burn::nn::transformer::{
    TransformerEncoder, TransformerEncoderConfig, TransformerEncoderInput,
};
use ember_engine::burn::nn::{
    Dropout, DropoutConfig, LayerNorm, LayerNormConfig, Linear, LinearConfig, PositionalEncoding,
    PositionalEncodingConfig,
};
use ember_engine::burn::tensor::{Device, Tensor};
use ember_engine::nn::{Mlp, MlpConfig};

/// Shape of a [`Drafter`].
#[derive(Clone, Copy, Debug)]
pub struct DrafterShape {
    /// State width S.
    pub state_dim: usize,
    /// Token width (state and return embeddings get half each).
    pub d_model: usize,
    /// Attention heads.
    pub n_heads: usize,
    /// Post-LN encoder layers.
    pub n_layers: usize,
    /// Feed-forward width.
    pub d_ff: usize,
    /// Dropout after the positional encoding and inside the layers.
    pub dropout: f64,
    /// Longest context (H − 1).
    pub max_len: usize,
    /// Mask attention to the past (false: the reference code's bidirectional attention).
    pub causal: bool,
}

/// One token per time step: [Linear(S, d/2)(s_k), Linear(1, d/2)(R_k)] + sinusoidal position,
/// dropout, LayerNorm; a post-LN ReLU encoder; a final LayerNorm; two heads
/// d → d/2 → ReLU → S and d → d/2 → ReLU → 1.
#[derive(Module, Debug)]
pub struct Drafter {
    state_embed: Linear,
    return_embed: Linear,
    position: PositionalEncoding,
    dropout: Dropout,
    input_norm: LayerNorm,
    encoder: TransformerEncoder,
    output_norm: LayerNorm,
    state_head: Mlp,
    return_head: Mlp,
    #[module(skip)]
    causal: bool,
}

impl Drafter {
    /// Builds the drafter on `device`.
    pub fn new(shape: &DrafterShape, device: &Device) -> Self {
        let d = shape.d_model;
        Self {
            state_embed: LinearConfig::new(shape.state_dim, d / 2).init(device),
            return_embed: LinearConfig::new(1, d / 2).init(device),
            position: PositionalEncodingConfig::new(d)
                .with_max_sequence_size(shape.max_len.max(1))
                .init(device),
            dropout: DropoutConfig::new(shape.dropout).init(),
            input_norm: LayerNormConfig::new(d).init(device),
            encoder: TransformerEncoderConfig::new(d, shape.d_ff, shape.n_heads, shape.n_layers)
                .with_dropout(shape.dropout)
                .with_norm_first(false)
                .with_activation(ActivationConfig::Relu)
                .init(device),
            output_norm: LayerNormConfig::new(d).init(device),
            state_head: MlpConfig::new(vec![d, d / 2, shape.state_dim]).init(device),
            return_head: MlpConfig::new(vec![d, d / 2, 1]).init(device),
            causal: shape.causal,
        }
    }

    /// `states` `[B, L, S]` and `returns` `[B, L, 1]` (positions 0..L−1 of the context) →
    /// predictions of the next state `[B, L, S]` and next return-to-go `[B, L, 1]` at every
    /// position.
    pub fn forward(&self, states: Tensor<3>, returns: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
        let [b, l, s] = states.dims();
        let tokens = Tensor::cat(
            vec![
                self.state_embed.forward(states),
                self.return_embed.forward(returns),
            ],
            2,
        );
        let tokens = self
            .input_norm
            .forward(self.dropout.forward(self.position.forward(tokens)));
        let mut input = TransformerEncoderInput::new(tokens);
        if self.causal {
            input = input.mask_attn(generate_autoregressive_mask(b, l, &self.device()));
        }
        let h = self.output_norm.forward(self.encoder.forward(input));
        let d = h.dims()[2];
        let flat = h.reshape([b * l, d]);
        (
            self.state_head.forward(flat.clone()).reshape([b, l, s]),
            self.return_head.forward(flat).reshape([b, l, 1]),
        )
    }

    fn device(&self) -> Device {
        self.state_embed.weight.val().device()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_engine::burn::tensor::Distribution;

    fn shape(causal: bool) -> DrafterShape {
        DrafterShape {
            state_dim: 3,
            d_model: 16,
            n_heads: 2,
            n_layers: 2,
            d_ff: 16,
            dropout: 0.1,
            max_len: 7,
            causal,
        }
    }

    /// Perturbing s_{i+1} (and R_{i+1}) leaves the predictions at positions 0..=i unchanged
    /// under the causal mask; without it (the reference code) earlier outputs see the future.
    #[test]
    fn causal_mask_prevents_leakage() {
        let device = Device::flex();
        let (b, l) = (2, 7);
        let states = Tensor::<3>::random([b, l, 3], Distribution::Normal(0.0, 1.0), &device);
        let returns = Tensor::<3>::random([b, l, 1], Distribution::Normal(0.0, 1.0), &device);
        let read = |t: Tensor<3>| t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap();
        for causal in [true, false] {
            let drafter = Drafter::new(&shape(causal), &device);
            let (base, _) = drafter.forward(states.clone(), returns.clone());
            let base = read(base);
            for i in 0..l - 1 {
                let bump = Tensor::<3>::ones([b, 1, 3], &device).mul_scalar(5.0);
                let perturbed = states.clone().slice_assign(
                    [0..b, i + 1..i + 2, 0..3],
                    states.clone().narrow(1, i + 1, 1) + bump,
                );
                let (out, _) = drafter.forward(perturbed, returns.clone());
                let out = read(out);
                let mut max_change = 0f32;
                for w in 0..b {
                    for k in 0..=i {
                        for c in 0..3 {
                            let at = (w * l + k) * 3 + c;
                            max_change = max_change.max((out[at] - base[at]).abs());
                        }
                    }
                }
                if causal {
                    assert!(max_change < 1e-5, "position {i} changed by {max_change}");
                } else if i == 0 {
                    assert!(max_change > 1e-4, "bidirectional attention should leak");
                }
            }
        }
    }
}
