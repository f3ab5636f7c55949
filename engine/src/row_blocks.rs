//! A batch split into blocks of rows over rayon's pool, for the chains of matmuls that keep only
//! one core busy between burn-flex's multi-threaded products.
//!
//! Measured on the 2-core development machine (README, "Benchmarks"): TD3's target actor took
//! as long on two threads as on one, and so did its actor step, while the twin critics, one per
//! core, ran 1.6× faster than on one thread. Blocks of rows give every core a chain of its own.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::tensor::{Device, Tensor};
use rayon::prelude::*;
use std::ops::Range;

/// The fewest rows one block gets: below that, gemm's packing and the hand-off cost more than a
/// second core saves.
const MIN_BLOCK_ROWS: usize = 64;

/// Consecutive ranges covering `0..rows`, one per thread of rayon's pool, each of at least
/// [`MIN_BLOCK_ROWS`] rows; a single range when `rows` is small or the work runs on a device
/// other than `cpu` (burn-flex), where blocks would only multiply a GPU's kernel launches.
fn blocks(rows: usize, device: &Device) -> Vec<Range<usize>> {
    let threads = if device.clone().inner() == Device::flex() {
        rayon::current_num_threads()
    } else {
        1
    };
    let count = threads.min(rows / MIN_BLOCK_ROWS).max(1);
    (0..count)
        .map(|i| rows * i / count..rows * (i + 1) / count)
        .collect()
}

/// `block(range)` for each block of `0..rows` (work on `device`), side by side, concatenated
/// in order.
///
/// For a forward pass without an autodiff graph (a target network's value of a batch): each
/// output row depends on its own input row only, so the result is that of one call on all rows,
/// to the bit (`rows_in_parallel_equals_one_call`).
pub fn rows_in_parallel<F>(rows: usize, device: &Device, block: F) -> Tensor<2>
where
    F: Fn(Range<usize>) -> Tensor<2> + Sync,
{
    let parts: Vec<Tensor<2>> = blocks(rows, device).into_par_iter().map(&block).collect();
    Tensor::cat(parts, 0)
}

/// The gradient over `module`'s parameters of a loss that is a sum of row-block shares, each
/// block's graph built and differentiated on its own thread (work on `device`); also the
/// summed loss.
///
/// `forward(module, rows)` runs one block's forward pass on a copy of `module` whose parameters
/// are fresh autodiff leaves (blocks must not share graph nodes); `statistic` then sees every
/// block's output at once, for a batch-wide quantity without a graph (TD3+BC's λ = α / mean|Q|);
/// `share(output, &statistic)` is the block's share of the loss: its terms summed and divided
/// by the whole batch's counts, so the shares add up to the batch's loss. The gradient equals
/// the one-pass gradient up to float summation order (`block_grads_equal_one_pass`).
pub fn row_block_grads<M, T, S, F, G, L>(
    module: &M,
    rows: usize,
    device: &Device,
    forward: F,
    statistic: G,
    share: L,
) -> (GradientsParams, Tensor<1>)
where
    M: Module + Send + Sync,
    T: Send,
    S: Sync,
    F: Fn(&M, Range<usize>) -> T + Sync,
    G: FnOnce(&[T]) -> S,
    L: Fn(T, &S) -> Tensor<1> + Sync,
{
    let (copies, outputs): (Vec<M>, Vec<T>) = blocks(rows, device)
        .into_par_iter()
        .map(|range| {
            let copy = module.clone().map(&mut FreshLeaves);
            let output = forward(&copy, range);
            (copy, output)
        })
        .unzip();
    let statistic = statistic(&outputs);
    let parts: Vec<(GradientsParams, Tensor<1>)> = outputs
        .into_par_iter()
        .zip(copies)
        .map(|(output, copy)| {
            let loss = share(output, &statistic);
            (GradientsParams::from_grads(loss.backward(), &copy), loss)
        })
        .collect();
    let (grads, losses): (Vec<_>, Vec<_>) = parts.into_iter().unzip();
    let mut sum = SumGrads {
        parts: grads,
        sum: GradientsParams::new(),
    };
    module.visit(&mut sum);
    let loss = losses
        .into_iter()
        .reduce(|a, b| a + b)
        .expect("at least one block");
    (sum.sum, loss)
}

/// Replaces every parameter by a new autodiff leaf holding the same values (same `ParamId`).
struct FreshLeaves;

impl ModuleMapper for FreshLeaves {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        param.map(|tensor| tensor.detach().require_grad())
    }
}

/// Sums, parameter by parameter in block order, the blocks' gradients.
struct SumGrads {
    parts: Vec<GradientsParams>,
    sum: GradientsParams,
}

impl ModuleVisitor for SumGrads {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let total = self
            .parts
            .iter_mut()
            .filter_map(|grads| grads.remove::<D>(param.id))
            .reduce(|a, b| a + b);
        if let Some(total) = total {
            self.sum.register(param.id, total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::MlpConfig;
    use crate::optim::grad_gaps;
    use burn::tensor::Distribution;

    fn three_threads() -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap()
    }

    /// Blocks of rows through an MLP give the one-call forward exactly (3 threads: uneven
    /// blocks, and row counts that are no multiple of gemm's tile).
    #[test]
    fn rows_in_parallel_equals_one_call() {
        let device = Device::flex();
        let mlp = MlpConfig::layers(17, &[256, 256], 6).init(&device);
        let x = Tensor::<2>::random([250, 17], Distribution::Normal(0.0, 1.0), &device);
        let whole = mlp.forward(x.clone()).into_data();
        let blocks = three_threads().install(|| {
            rows_in_parallel(250, &device, |r| {
                mlp.forward(x.clone().narrow(0, r.start, r.len()))
            })
        });
        assert_eq!(blocks.into_data(), whole);
    }

    /// A loss with a batch-wide statistic (mean |y| scaling mean y, as TD3+BC's λ): the block
    /// gradients and loss match one backward pass over the whole batch.
    #[test]
    fn block_grads_equal_one_pass() {
        let device = Device::flex().autodiff();
        let mlp = MlpConfig::layers(5, &[32, 32], 1).init(&device);
        let rows = 200;
        let x = Tensor::<2>::random([rows, 5], Distribution::Normal(0.0, 1.0), &device);
        let y = mlp.forward(x.clone());
        let scale = y.clone().abs().mean().detach().recip();
        let whole_loss = (scale * y.mean()).neg();
        let expected = whole_loss.clone().into_scalar::<f32>();
        let whole = GradientsParams::from_grads(whole_loss.backward(), &mlp);

        let (blocks, loss) = three_threads().install(|| {
            row_block_grads(
                &mlp,
                rows,
                &device,
                |m, r| m.forward(x.clone().narrow(0, r.start, r.len())),
                |ys: &[Tensor<2>]| {
                    let all: Vec<_> = ys.iter().map(|y| y.clone().detach()).collect();
                    Tensor::cat(all, 0).abs().mean().recip()
                },
                |y, scale| (scale.clone() * y.sum().div_scalar(rows as f32)).neg(),
            )
        });
        let loss = loss.into_scalar::<f32>();
        assert!((loss - expected).abs() < 1e-6, "{loss} vs {expected}");

        let gaps = grad_gaps(&mlp, &blocks, &whole);
        assert_eq!(gaps.len(), 6, "3 layers x (weight, bias)");
        for (gap, scale) in gaps {
            let scale = scale.max(1e-3);
            assert!(
                gap <= 1e-5 * scale,
                "gradient differs by {gap} (scale {scale})"
            );
        }
    }
}
