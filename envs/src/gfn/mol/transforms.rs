//! Score transforms that map molecular properties to `[0, 1]` objectives (higher is better).

/// The synthesizability objective `(10 − SA) / 9` (SA score in `[1, 10]`, lower is easier).
pub fn sa_objective(sa: f64) -> f64 {
    (10.0 - sa) / 9.0
}

/// A molecular-weight window: 1 inside `[lo, hi]`, falling linearly to 0 at `falloff` daltons
/// outside it.
pub fn mw_window(mw: f64, lo: f64, hi: f64, falloff: f64) -> f64 {
    let outside = (lo - mw).max(mw - hi).max(0.0);
    (1.0 - outside / falloff).clamp(0.0, 1.0)
}

/// The order-preserving GFlowNets' MW objective `clip((300 − MW)/700 + 1, 0, 1)`: 1 up to
/// 300 Da, then linear down to 0 at 1000 Da.
pub fn mw_objective(mw: f64) -> f64 {
    mw_window(mw, 0.0, 300.0, 700.0)
}
