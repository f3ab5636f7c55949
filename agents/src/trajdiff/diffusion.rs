//! The diffusion model's maths on state windows `[B, H, S]`: forward noising with the first
//! state never noised, the ε-prediction loss, classifier-free guidance, the DDPM ancestral
//! reverse step and first-state inpainting (A.4 of the specification).

use super::schedule::DiffusionSchedule;
use super::unet::TemporalUnet;
use ember_engine::burn::tensor::{Distribution, Int, Tensor, TensorData};

/// Overwrites state 0 of every window with `first` (`[B, S]`): the planner's conditioning on
/// the observed state.
pub fn inpaint(x: Tensor<3>, first: Tensor<2>) -> Tensor<3> {
    let [b, _, s] = x.dims();
    x.slice_assign([0..b, 0..1, 0..s], first.reshape([b, 1, s]))
}

/// Classifier-free guidance: `ε_uncond + w (ε_cond − ε_uncond)` from one batched forward whose
/// first half is conditioned and second half is not.
pub fn guide(both: Tensor<3>, w: f32) -> Tensor<3> {
    let b = both.dims()[0] / 2;
    let cond = both.clone().narrow(0, 0, b);
    let uncond = both.narrow(0, b, b);
    uncond.clone() + (cond - uncond).mul_scalar(w)
}

/// One DDPM ancestral step from `x_t` at level `t` given the (guided) noise estimate `eps`:
/// x̂_0 = sqrt(1/ᾱ_t) x_t − sqrt(1/ᾱ_t − 1) ε̂ (no clipping), μ = c1 x̂_0 + c2 x_t,
/// x_{t−1} = μ + 1[t > 0] sqrt(β̃_t) z.
pub fn reverse_step(
    schedule: &DiffusionSchedule,
    x_t: Tensor<3>,
    eps: Tensor<3>,
    t: usize,
    z: Tensor<3>,
) -> Tensor<3> {
    let (recip, recip_m1) = schedule.start_coefs(t);
    let x0 = x_t.clone().mul_scalar(recip as f32) - eps.mul_scalar(recip_m1 as f32);
    let (c1, c2) = schedule.posterior_coefs(t);
    let mean = x0.mul_scalar(c1 as f32) + x_t.mul_scalar(c2 as f32);
    if t == 0 {
        mean
    } else {
        mean + z.mul_scalar(schedule.posterior_std(t) as f32)
    }
}

/// Runs reverse steps `from, from − 1, ..., 0` of the guided denoiser from `x` (already at
/// level `from`), conditioning every window on `returns` (`[B, 1]`) with weight `w` and
/// inpainting `first` after every step. Conditioned and unconditioned passes share one
/// forward of batch 2B.
pub fn denoise(
    unet: &TemporalUnet,
    schedule: &DiffusionSchedule,
    mut x: Tensor<3>,
    from: usize,
    returns: Tensor<2>,
    first: Tensor<2>,
    w: f32,
) -> Tensor<3> {
    let device = x.device();
    let b = x.dims()[0];
    let keep = Tensor::cat(
        vec![
            Tensor::<2>::ones([b, 1], &device),
            Tensor::zeros([b, 1], &device),
        ],
        0,
    );
    let returns = Tensor::cat(vec![returns.clone(), returns], 0);
    for t in (0..=from).rev() {
        let time = Tensor::<1>::full([2 * b], t as f32, &device);
        let both = unet.forward(
            Tensor::cat(vec![x.clone(), x.clone()], 0),
            time,
            returns.clone(),
            keep.clone(),
        );
        let z = Tensor::random(x.shape(), Distribution::Normal(0.0, 1.0), &device);
        x = inpaint(
            reverse_step(schedule, x, guide(both, w), t, z),
            first.clone(),
        );
    }
    x
}

/// The ε-prediction loss on clean windows `x0` (`[B, H, S]`) conditioned on `returns`
/// (`[B, 1]`): t ~ U{0..T−1}, ε ~ N(0, I) with ε at state 0 set to 0 (state 0 is never noised
/// and is inpainted), x_t = sqrt(ᾱ_t) x0 + sqrt(1 − ᾱ_t) ε, the return embedding kept with
/// probability 1 − `drop`, MSE over all H positions (state 0's target is 0).
pub fn epsilon_loss(
    unet: &TemporalUnet,
    schedule: &DiffusionSchedule,
    x0: Tensor<3>,
    returns: Tensor<2>,
    drop: f32,
) -> Tensor<1> {
    let device = x0.device();
    let [b, h, s] = x0.dims();
    let steps = schedule.steps();
    let t = Tensor::<1, Int>::random([b], Distribution::Uniform(0.0, steps as f64), &device);
    let table = |f: &dyn Fn(usize) -> f64| {
        let values: Vec<f32> = (0..steps).map(|i| f(i) as f32).collect();
        Tensor::<1>::from_data(TensorData::new(values, [steps]), &device)
            .select(0, t.clone())
            .reshape([b, 1, 1])
    };
    let signal = table(&|i| schedule.signal(i));
    let noise_std = table(&|i| schedule.noise_std(i));
    let eps = Tensor::<3>::random([b, h, s], Distribution::Normal(0.0, 1.0), &device);
    let eps = inpaint(eps, Tensor::zeros([b, s], &device));
    let first = x0.clone().narrow(1, 0, 1).reshape([b, s]);
    let x_t = inpaint(x0 * signal + eps.clone() * noise_std, first);
    let keep = Tensor::<2>::random([b, 1], Distribution::Bernoulli(1.0 - drop as f64), &device);
    let eps_hat = unet.forward(x_t, t.float(), returns, keep);
    (eps_hat - eps).square().mean()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_engine::burn::tensor::Device;

    fn tensor3(values: &[f32], shape: [usize; 3]) -> Tensor<3> {
        Tensor::from_data(TensorData::new(values.to_vec(), shape), &Device::flex())
    }

    fn read(t: Tensor<3>) -> Vec<f32> {
        t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
    }

    /// One guided reverse step at t = 2 of the reference schedule with a tiny linear "net"
    /// (ε_uncond = x/2, ε_cond = x/4 + 0.1, w = 1.5) and fixed z, against the constants worked
    /// out by hand (c1 = 0.3870387, c2 = 0.6129610, sqrt(1/ᾱ) = 1.0017906,
    /// sqrt(1/ᾱ − 1) = 0.0598693, sqrt(β̃) = 0.0291346); then state 0 is inpainted.
    #[test]
    fn reverse_step_by_hand_on_a_tiny_net() {
        let schedule = DiffusionSchedule::linear(100, 1e-3, 2e-2);
        let x = tensor3(&[1.0, -2.0, 0.5, 3.0], [1, 2, 2]);
        let net = |x: Tensor<3>| {
            let uncond = x.clone().mul_scalar(0.5);
            let cond = x.mul_scalar(0.25).add_scalar(0.1);
            Tensor::cat(vec![cond, uncond], 0)
        };
        let eps = guide(net(x.clone()), 1.5);
        let z = tensor3(&[0.1, -0.2, 0.3, 0.4], [1, 2, 2]);
        let stepped = reverse_step(&schedule, x, eps, 2, z);
        let want = [0.997_233_9, -2.004_895, 0.504_162_7, 3.001_566_6];
        for (got, want) in read(stepped.clone()).iter().zip(want) {
            assert!((got - want).abs() < 1e-5, "{got} vs {want}");
        }
        let first =
            Tensor::<2>::from_data(TensorData::new(vec![7.0f32, 8.0], [1, 2]), &Device::flex());
        let inpainted = read(inpaint(stepped, first));
        assert_eq!(inpainted[..2], [7.0, 8.0]);
        assert!((inpainted[2] - 0.504_162_7).abs() < 1e-5);
        // At t = 0 no noise is added: the step is the posterior mean.
        let x = tensor3(&[1.0, 2.0], [1, 1, 2]);
        let zero_noise = reverse_step(&schedule, x.clone(), x.zeros_like(), 0, x.ones_like());
        let (r, _) = schedule.start_coefs(0);
        let (c1, c2) = schedule.posterior_coefs(0);
        let want = (c1 * r + c2) as f32;
        assert!((read(zero_noise)[0] - want).abs() < 1e-6);
    }
}
