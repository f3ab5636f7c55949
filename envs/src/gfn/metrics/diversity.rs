//! Mean pairwise distance of a set.

/// The mean of `dist(a, b)` over the `n(n−1)/2` unordered pairs of `items` (0 for fewer than
/// two items). With `dist = 1 − Tanimoto` this is the usual top-k molecular diversity (the
/// OP-GFN code reports half of it; see the specification).
pub fn mean_pairwise_distance<T>(items: &[T], dist: impl Fn(&T, &T) -> f64) -> f64 {
    let n = items.len();
    if n < 2 {
        return 0.0;
    }
    let total: f64 = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .map(|(i, j)| dist(&items[i], &items[j]))
        .sum();
    total / (n * (n - 1) / 2) as f64
}
