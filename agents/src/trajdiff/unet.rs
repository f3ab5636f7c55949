//! The temporal U-Net denoiser ε̂(x_t, t, R) over state windows (Janner et al.'s Diffuser
//! `TemporalUnet`, as the reference's `temporal.py` uses it: no attention, return
//! conditioning concatenated to the time embedding).

use ember_engine::burn::module::Module;
use ember_engine::burn::nn::conv::{Conv1d, Conv1dConfig, ConvTranspose1d, ConvTranspose1dConfig};
use ember_engine::burn::nn::{GroupNorm, GroupNormConfig, Linear, LinearConfig, PaddingConfig1d};
use ember_engine::burn::tensor::activation::mish;
use ember_engine::burn::tensor::{Device, Tensor};

/// Conv1d(k, same padding) → GroupNorm(8) → Mish.
#[derive(Module, Debug)]
struct ConvBlock {
    conv: Conv1d,
    norm: GroupNorm,
}

impl ConvBlock {
    fn new(channels_in: usize, channels_out: usize, kernel: usize, device: &Device) -> Self {
        Self {
            conv: Conv1dConfig::new(channels_in, channels_out, kernel)
                .with_padding(PaddingConfig1d::Explicit(kernel / 2, kernel / 2))
                .init(device),
            norm: GroupNormConfig::new(8, channels_out).init(device),
        }
    }

    fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        mish(self.norm.forward(self.conv.forward(x)))
    }
}

/// Two conv blocks with the conditioning (Mish → Linear) added after the first, and a 1×1
/// residual convolution when the channel count changes.
#[derive(Module, Debug)]
struct ResidualBlock {
    first: ConvBlock,
    second: ConvBlock,
    cond: Linear,
    residual: Option<Conv1d>,
}

impl ResidualBlock {
    fn new(channels_in: usize, channels_out: usize, cond_dim: usize, device: &Device) -> Self {
        Self {
            first: ConvBlock::new(channels_in, channels_out, 5, device),
            second: ConvBlock::new(channels_out, channels_out, 5, device),
            cond: LinearConfig::new(cond_dim, channels_out).init(device),
            residual: (channels_in != channels_out)
                .then(|| Conv1dConfig::new(channels_in, channels_out, 1).init(device)),
        }
    }

    /// `x`: `[B, C_in, L]`, `cond`: `[B, cond_dim]` → `[B, C_out, L]`.
    fn forward(&self, x: Tensor<3>, cond: Tensor<2>) -> Tensor<3> {
        let [b, _, l] = x.dims();
        let c = self.cond.forward(mish(cond));
        let channels = c.dims()[1];
        let out = self.first.forward(x.clone()) + c.reshape([b, channels, 1]).repeat_dim(2, l);
        let out = self.second.forward(out);
        let skip = match &self.residual {
            Some(conv) => conv.forward(x),
            None => x,
        };
        out + skip
    }
}

/// One resolution of the down path: two residual blocks, then a stride-2 convolution
/// (except at the coarsest level).
#[derive(Module, Debug)]
struct Down {
    first: ResidualBlock,
    second: ResidualBlock,
    downsample: Option<Conv1d>,
}

/// One resolution of the up path: two residual blocks on the skip-concatenated input, then a
/// stride-2 transposed convolution.
#[derive(Module, Debug)]
struct Up {
    first: ResidualBlock,
    second: ResidualBlock,
    upsample: ConvTranspose1d,
}

/// ε̂(x_t, t, R): windows `[B, H, S]` in and out; H must be a multiple of 2^(levels − 1)
/// (8 for the reference's four levels).
#[derive(Module, Debug)]
pub struct TemporalUnet {
    time_in: Linear,
    time_out: Linear,
    return_in: Linear,
    return_out: Linear,
    downs: Vec<Down>,
    middle: Vec<ResidualBlock>,
    ups: Vec<Up>,
    final_block: ConvBlock,
    final_conv: Conv1d,
    #[module(skip)]
    dim: usize,
}

impl TemporalUnet {
    /// Channels `state_dim → dim·mults[0] → ... → dim·mults[last]`, one resolution per
    /// multiplier, halved between them; time embedding
    /// sinusoidal(dim) → Linear(dim, 2dim) → Mish → Linear(2dim, dim); return embedding
    /// Linear(1, 2dim) → Mish → Linear(2dim, dim); conditioning = their concatenation.
    pub fn new(state_dim: usize, dim: usize, mults: &[usize], device: &Device) -> Self {
        let cond = 2 * dim;
        let mut dims = vec![state_dim];
        dims.extend(mults.iter().map(|m| dim * m));
        let pairs: Vec<(usize, usize)> = dims.windows(2).map(|w| (w[0], w[1])).collect();
        let levels = pairs.len();
        let downs = pairs
            .iter()
            .enumerate()
            .map(|(i, &(cin, cout))| Down {
                first: ResidualBlock::new(cin, cout, cond, device),
                second: ResidualBlock::new(cout, cout, cond, device),
                downsample: (i + 1 < levels).then(|| {
                    Conv1dConfig::new(cout, cout, 3)
                        .with_stride(2)
                        .with_padding(PaddingConfig1d::Explicit(1, 1))
                        .init(device)
                }),
            })
            .collect();
        let mid = *dims.last().expect("at least one level");
        let ups = pairs[1..]
            .iter()
            .rev()
            .map(|&(cin, cout)| Up {
                first: ResidualBlock::new(2 * cout, cin, cond, device),
                second: ResidualBlock::new(cin, cin, cond, device),
                upsample: ConvTranspose1dConfig::new([cin, cin], 4)
                    .with_stride(2)
                    .with_padding(1)
                    .init(device),
            })
            .collect();
        Self {
            time_in: LinearConfig::new(dim, 2 * dim).init(device),
            time_out: LinearConfig::new(2 * dim, dim).init(device),
            return_in: LinearConfig::new(1, 2 * dim).init(device),
            return_out: LinearConfig::new(2 * dim, dim).init(device),
            downs,
            middle: vec![
                ResidualBlock::new(mid, mid, cond, device),
                ResidualBlock::new(mid, mid, cond, device),
            ],
            ups,
            final_block: ConvBlock::new(dim * mults[0], dim * mults[0], 5, device),
            final_conv: Conv1dConfig::new(dim * mults[0], state_dim, 1).init(device),
            dim,
        }
    }

    /// `x`: noisy windows `[B, H, S]`; `t`: diffusion levels `[B]`; `returns`: the return
    /// condition `[B, 1]`; `keep`: 1 to use the return embedding, 0 for the unconditional
    /// model (`[B, 1]`). Returns ε̂ `[B, H, S]`.
    pub fn forward(
        &self,
        x: Tensor<3>,
        t: Tensor<1>,
        returns: Tensor<2>,
        keep: Tensor<2>,
    ) -> Tensor<3> {
        let time = self
            .time_out
            .forward(mish(self.time_in.forward(sinusoidal(t, self.dim))));
        let ret = self
            .return_out
            .forward(mish(self.return_in.forward(returns)));
        let cond = Tensor::cat(vec![time, ret * keep], 1);
        let mut x = x.swap_dims(1, 2);
        let mut skips = Vec::with_capacity(self.downs.len());
        for down in &self.downs {
            x = down.first.forward(x, cond.clone());
            x = down.second.forward(x, cond.clone());
            skips.push(x.clone());
            if let Some(conv) = &down.downsample {
                x = conv.forward(x);
            }
        }
        for block in &self.middle {
            x = block.forward(x, cond.clone());
        }
        for up in &self.ups {
            let skip = skips.pop().expect("one skip per level");
            x = Tensor::cat(vec![x, skip], 1);
            x = up.first.forward(x, cond.clone());
            x = up.second.forward(x, cond.clone());
            x = up.upsample.forward(x);
        }
        self.final_conv
            .forward(self.final_block.forward(x))
            .swap_dims(1, 2)
    }
}

/// Sinusoidal embedding of `t` (`[B]`) into `dim` features: `[sin(t f_k), cos(t f_k)]` with
/// f_k = exp(−k ln(10000) / (dim/2 − 1)), k = 0..dim/2.
pub fn sinusoidal(t: Tensor<1>, dim: usize) -> Tensor<2> {
    let device = t.device();
    let half = dim / 2;
    let scale = (10000f64).ln() / (half.max(2) - 1) as f64;
    let freqs: Vec<f32> = (0..half)
        .map(|k| (-(k as f64) * scale).exp() as f32)
        .collect();
    let freqs = Tensor::<1>::from_floats(freqs.as_slice(), &device).reshape([1, half]);
    let b = t.dims()[0];
    let args = t.reshape([b, 1]) * freqs;
    Tensor::cat(vec![args.clone().sin(), args.cos()], 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unet_output_has_the_input_shape_for_several_horizons() {
        let device = Device::flex();
        let unet = TemporalUnet::new(3, 8, &[1, 2, 4, 8], &device);
        for horizon in [8, 16, 32] {
            let x = Tensor::<3>::ones([2, horizon, 3], &device);
            let t = Tensor::<1>::from_floats([0.0, 7.0], &device);
            let r = Tensor::<2>::ones([2, 1], &device);
            let out = unet.forward(x, t, r.clone(), r);
            assert_eq!(out.dims(), [2, horizon, 3], "H = {horizon}");
        }
    }

    #[test]
    fn sinusoidal_embedding_by_hand() {
        let device = Device::flex();
        let e = sinusoidal(Tensor::<1>::from_floats([0.0, 2.0], &device), 4);
        let v = e.into_data().convert::<f32>().try_to_vec::<f32>().unwrap();
        // dim 4: frequencies 1 and exp(-ln 10000) = 1e-4.
        let want = [
            0.0,
            0.0,
            1.0,
            1.0,
            2f32.sin(),
            (2e-4f32).sin(),
            2f32.cos(),
            (2e-4f32).cos(),
        ];
        for (g, w) in v.iter().zip(want) {
            assert!((g - w).abs() < 1e-6, "{v:?}");
        }
    }
}
