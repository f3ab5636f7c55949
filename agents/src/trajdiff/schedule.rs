//! The linear β schedule of the diffusion model and the DDPM constants derived from it
//! (Ho et al. 2020; the reference's `helpers.py` / `diffusion.py`).

/// β_t linearly spaced over T steps and the derived constants, indexed by t = 0..T−1.
#[derive(Clone, Debug)]
pub struct DiffusionSchedule {
    betas: Vec<f64>,
    alphas_cumprod: Vec<f64>,
    alphas_cumprod_prev: Vec<f64>,
}

impl DiffusionSchedule {
    /// β linearly spaced from `beta_start` to `beta_end` (both included) over `steps` steps.
    pub fn linear(steps: usize, beta_start: f64, beta_end: f64) -> Self {
        let betas: Vec<f64> = (0..steps)
            .map(|i| {
                let frac = if steps > 1 {
                    i as f64 / (steps - 1) as f64
                } else {
                    0.0
                };
                beta_start + frac * (beta_end - beta_start)
            })
            .collect();
        let mut alphas_cumprod = Vec::with_capacity(steps);
        let mut product = 1.0;
        for beta in &betas {
            product *= 1.0 - beta;
            alphas_cumprod.push(product);
        }
        let mut alphas_cumprod_prev = vec![1.0];
        alphas_cumprod_prev.extend_from_slice(&alphas_cumprod[..steps.saturating_sub(1)]);
        Self {
            betas,
            alphas_cumprod,
            alphas_cumprod_prev,
        }
    }

    /// Number of diffusion steps T.
    pub fn steps(&self) -> usize {
        self.betas.len()
    }

    /// sqrt(ᾱ_t): the signal scale of x_t.
    pub fn signal(&self, t: usize) -> f64 {
        self.alphas_cumprod[t].sqrt()
    }

    /// σ_t = sqrt(1 − ᾱ_t): the noise scale of x_t.
    pub fn noise_std(&self, t: usize) -> f64 {
        (1.0 - self.alphas_cumprod[t]).sqrt()
    }

    /// (sqrt(1/ᾱ_t), sqrt(1/ᾱ_t − 1)): x̂_0 = first · x_t − second · ε̂.
    pub fn start_coefs(&self, t: usize) -> (f64, f64) {
        let ab = self.alphas_cumprod[t];
        ((1.0 / ab).sqrt(), (1.0 / ab - 1.0).sqrt())
    }

    /// Posterior mean coefficients (c1, c2): μ = c1 · x̂_0 + c2 · x_t, with
    /// c1 = β_t sqrt(ᾱ_{t−1}) / (1 − ᾱ_t) and c2 = (1 − ᾱ_{t−1}) sqrt(α_t) / (1 − ᾱ_t).
    pub fn posterior_coefs(&self, t: usize) -> (f64, f64) {
        let (beta, ab, prev) = (
            self.betas[t],
            self.alphas_cumprod[t],
            self.alphas_cumprod_prev[t],
        );
        (
            beta * prev.sqrt() / (1.0 - ab),
            (1.0 - prev) * (1.0 - beta).sqrt() / (1.0 - ab),
        )
    }

    /// Posterior std sqrt(β̃_t), β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t), its log clamped at
    /// ln 1e-20 as in the reference (so t = 0 gives 1e-10, not 0).
    pub fn posterior_std(&self, t: usize) -> f64 {
        let var =
            self.betas[t] * (1.0 - self.alphas_cumprod_prev[t]) / (1.0 - self.alphas_cumprod[t]);
        (0.5 * var.max(1e-20).ln()).exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> DiffusionSchedule {
        DiffusionSchedule::linear(100, 1e-3, 2e-2)
    }

    /// The values the specification computed (A.4), given there to 3 decimals: σ_t and the
    /// posterior std for t = 0..4 (σ_19 = 0.23449 is printed as 0.235, so the tolerance is
    /// one unit of the last printed digit).
    #[test]
    fn schedule_constants_match_the_spec() {
        let s = reference();
        for (t, want) in [
            (0, 0.032),
            (4, 0.083),
            (9, 0.136),
            (19, 0.235),
            (49, 0.499),
            (99, 0.808),
        ] {
            let got = s.noise_std(t);
            assert!((got - want).abs() < 1e-3, "sigma_{t} = {got}, spec {want}");
        }
        assert!((s.signal(99) - 0.59).abs() < 5e-3, "{}", s.signal(99));
        for (t, want) in [(0, 0.0), (1, 0.023), (2, 0.029), (3, 0.033), (4, 0.036)] {
            let got = s.posterior_std(t);
            assert!(
                (got - want).abs() < 5e-4,
                "posterior std at {t} = {got}, spec {want}"
            );
        }
        assert!((s.posterior_std(0) - 1e-10).abs() < 1e-12);
    }

    /// c1, c2 and the x̂_0 coefficients at t = 2 by hand (β = 1e-3 + 2 · 1.9e-2 / 99).
    #[test]
    fn schedule_posterior_coefficients_by_hand() {
        let s = reference();
        let b: Vec<f64> = (0..3).map(|i| 1e-3 + i as f64 * 1.9e-2 / 99.0).collect();
        let ab2 = (1.0 - b[0]) * (1.0 - b[1]) * (1.0 - b[2]);
        let ab1 = (1.0 - b[0]) * (1.0 - b[1]);
        let (c1, c2) = s.posterior_coefs(2);
        assert!((c1 - b[2] * ab1.sqrt() / (1.0 - ab2)).abs() < 1e-12);
        assert!((c2 - (1.0 - ab1) * (1.0 - b[2]).sqrt() / (1.0 - ab2)).abs() < 1e-12);
        assert!((c1 - 0.387_038_66).abs() < 1e-7 && (c2 - 0.612_960_96).abs() < 1e-7);
        let (r, rm1) = s.start_coefs(2);
        assert!((r - 1.001_790_56).abs() < 1e-7 && (rm1 - 0.059_869_32).abs() < 1e-7);
    }
}
