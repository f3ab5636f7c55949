//! Learning-rate schedules.

/// Cosine decay from `base` to 0 over `total` steps: `base * (1 + cos(pi * t / total)) / 2`,
/// held at 0 after `total` (IQL's actor schedule).
pub fn cosine_decay(base: f64, step: usize, total: usize) -> f64 {
    if total == 0 {
        return base;
    }
    let progress = (step.min(total) as f64) / total as f64;
    base * 0.5 * (1.0 + (std::f64::consts::PI * progress).cos())
}

/// Linear decay of the factor from 1 to `final_fraction` over `total` steps, then held:
/// `base * (1 - (1 - final_fraction) * min(t, total) / total)` (PyTorch's `LinearLR` from
/// `start_factor` 1 to `end_factor`, Trajectory Diffuser's schedule).
pub fn linear_decay(base: f64, step: usize, total: usize, final_fraction: f64) -> f64 {
    if total == 0 {
        return base * final_fraction;
    }
    let progress = (step.min(total) as f64) / total as f64;
    base * (1.0 - (1.0 - final_fraction) * progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_decay_hand_computed_points() {
        assert!((linear_decay(2e-4, 0, 100_000, 0.01) - 2e-4).abs() < 1e-15);
        // Half-way: 1 - 0.99 / 2 = 0.505.
        assert!((linear_decay(2e-4, 50_000, 100_000, 0.01) - 2e-4 * 0.505).abs() < 1e-15);
        assert!((linear_decay(2e-4, 100_000, 100_000, 0.01) - 2e-6).abs() < 1e-15);
        assert!((linear_decay(2e-4, 900_000, 100_000, 0.01) - 2e-6).abs() < 1e-15);
    }

    #[test]
    fn hand_computed_points() {
        assert!((cosine_decay(3e-4, 0, 100) - 3e-4).abs() < 1e-12);
        assert!((cosine_decay(3e-4, 50, 100) - 1.5e-4).abs() < 1e-12);
        assert!((cosine_decay(3e-4, 25, 100) - 3e-4 * 0.5 * (1.0 + 0.5f64.sqrt())).abs() < 1e-12);
        assert!(cosine_decay(3e-4, 100, 100).abs() < 1e-12);
        assert!(cosine_decay(3e-4, 150, 100).abs() < 1e-12);
    }
}
