//! The 2-D test functions of the multi-objective HyperGrid.

use std::f64::consts::PI;

/// A 2-D test function, evaluated on the unit square and oriented so that higher is better.
///
/// A grid cell `x ∈ {0..H-1}²` maps to `u = x/(H-1) ∈ [0,1]²` (the `[-1,1]²` grid of the
/// OP-GFN code, shifted), and `u` maps linearly onto the function's usual domain (Surjanovic &
/// Bingham's Virtual Library of Simulation Experiments):
///
/// | function | domain | orientation |
/// | --- | --- | --- |
/// | Branin | `[-5,10]×[0,15]` | negated (a minimisation benchmark) |
/// | Currin exponential | `[0,1]²` (the `u_2 → 0` limit of its first factor is 1) | as is |
/// | Shubert | `[-10,10]²` | negated (a minimisation benchmark) |
/// | Beale | `[-4.5,4.5]²` | negated (a minimisation benchmark) |
///
/// [`MoHyperGrid`](super::MoHyperGrid) rescales each to exactly `[0,1]` over its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GridFunction {
    /// Branin–Hoo.
    Branin,
    /// Currin exponential.
    Currin,
    /// Shubert (2-D product form).
    Shubert,
    /// Beale.
    Beale,
}

impl GridFunction {
    /// All four functions.
    pub const ALL: [GridFunction; 4] = [Self::Branin, Self::Currin, Self::Shubert, Self::Beale];

    /// The oriented value at `u ∈ [0,1]²` (higher is better; not normalised).
    pub fn eval(self, u: [f64; 2]) -> f64 {
        let lerp = |t: f64, lo: f64, hi: f64| lo + t * (hi - lo);
        match self {
            Self::Branin => {
                let (x1, x2) = (lerp(u[0], -5.0, 10.0), lerp(u[1], 0.0, 15.0));
                let (b, c, t) = (5.1 / (4.0 * PI * PI), 5.0 / PI, 1.0 / (8.0 * PI));
                let f = (x2 - b * x1 * x1 + c * x1 - 6.0).powi(2) + 10.0 * (1.0 - t) * x1.cos();
                -(f + 10.0)
            }
            Self::Currin => {
                let (x1, x2) = (u[0], u[1]);
                let first = if x2 > 0.0 {
                    1.0 - (-1.0 / (2.0 * x2)).exp()
                } else {
                    1.0
                };
                let num = ((2300.0 * x1 + 1900.0) * x1 + 2092.0) * x1 + 60.0;
                let den = ((100.0 * x1 + 500.0) * x1 + 4.0) * x1 + 20.0;
                first * num / den
            }
            Self::Shubert => {
                let g = |x: f64| {
                    (1..=5)
                        .map(|j| f64::from(j) * ((f64::from(j) + 1.0) * x + f64::from(j)).cos())
                        .sum::<f64>()
                };
                -(g(lerp(u[0], -10.0, 10.0)) * g(lerp(u[1], -10.0, 10.0)))
            }
            Self::Beale => {
                let (x, y) = (lerp(u[0], -4.5, 4.5), lerp(u[1], -4.5, 4.5));
                let f = (1.5 - x + x * y).powi(2)
                    + (2.25 - x + x * y * y).powi(2)
                    + (2.625 - x + x * y.powi(3)).powi(2);
                -f
            }
        }
    }
}
