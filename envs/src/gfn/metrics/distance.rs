//! L1 distance between distributions.

/// How [`l1_distance`] aggregates `|p̂(x) − p(x)|`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum L1Convention {
    /// `Σ_x |p̂(x) − p(x)|` (current torchgfn; in `[0, 2]`).
    Sum,
    /// `Σ_x |p̂(x) − p(x)| / |X|` (older torchgfn, as inside the OP-GFN code).
    Mean,
}

/// The L1 distance between `p_hat` and `p` (same length, indexed alike).
pub fn l1_distance(p_hat: &[f64], p: &[f64], convention: L1Convention) -> f64 {
    assert_eq!(p_hat.len(), p.len(), "distributions of different sizes");
    let sum: f64 = p_hat.iter().zip(p).map(|(a, b)| (a - b).abs()).sum();
    match convention {
        L1Convention::Sum => sum,
        L1Convention::Mean => sum / p.len().max(1) as f64,
    }
}
