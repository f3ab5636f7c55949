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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_points() {
        assert!((cosine_decay(3e-4, 0, 100) - 3e-4).abs() < 1e-12);
        assert!((cosine_decay(3e-4, 50, 100) - 1.5e-4).abs() < 1e-12);
        assert!((cosine_decay(3e-4, 25, 100) - 3e-4 * 0.5 * (1.0 + 0.5f64.sqrt())).abs() < 1e-12);
        assert!(cosine_decay(3e-4, 100, 100).abs() < 1e-12);
        assert!(cosine_decay(3e-4, 150, 100).abs() < 1e-12);
    }
}
