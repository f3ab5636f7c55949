//! Exact hypervolume of a point set (maximisation).

/// The volume of the region dominated by `points` and dominating `reference` (maximisation:
/// the union of the boxes `[reference, p]`). Points not strictly better than the reference in
/// every coordinate contribute nothing.
///
/// Exact in any dimension by slicing along the last coordinate (the 2-D case is a sort and a
/// sweep); the cost grows as `O(n^(d-1) log n)`, fine for the 2-D and 3-D fronts of this module.
pub fn hypervolume(points: &[Vec<f64>], reference: &[f64]) -> f64 {
    let kept: Vec<Vec<f64>> = points
        .iter()
        .filter(|p| p.len() == reference.len() && p.iter().zip(reference).all(|(x, r)| x > r))
        .cloned()
        .collect();
    slice_volume(kept, reference)
}

fn slice_volume(mut points: Vec<Vec<f64>>, reference: &[f64]) -> f64 {
    let d = reference.len();
    if points.is_empty() || d == 0 {
        return 0.0;
    }
    if d == 1 {
        return points
            .iter()
            .map(|p| p[0])
            .fold(f64::NEG_INFINITY, f64::max)
            - reference[0];
    }
    // Sweep the last coordinate from the top: between consecutive levels, the slice is the
    // (d−1)-dimensional hypervolume of every point at or above the upper level.
    points.sort_by(|a, b| b[d - 1].total_cmp(&a[d - 1]));
    let mut volume = 0.0;
    for (k, p) in points.iter().enumerate() {
        let next = points.get(k + 1).map_or(reference[d - 1], |q| q[d - 1]);
        let height = p[d - 1] - next;
        if height > 0.0 {
            let above: Vec<Vec<f64>> = points[..=k].iter().map(|q| q[..d - 1].to_vec()).collect();
            volume += height * slice_volume(above, &reference[..d - 1]);
        }
    }
    volume
}
