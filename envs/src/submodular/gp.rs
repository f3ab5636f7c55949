//! Gaussian-process pieces of the SubRL grids: the Matérn-5/2 kernel, a dense Cholesky, GP
//! weight maps sampled with the engine's RNG, and [`GpLogDet`], the D-optimal design /
//! information-gain objective `F(A) = ½ logdet(K_AA + jitter·I) + offset·|A|` over the
//! *distinct* states of `A`, with gains from an incremental Cholesky.

use super::{GainCache, SetObjective};
use crate::EnvError;
use rand::Rng;
use rand_distr::StandardNormal;
use std::sync::Arc;

/// The Matérn-5/2 kernel `σ² (1 + √5 r/ℓ + 5r²/(3ℓ²)) exp(−√5 r/ℓ)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Matern52 {
    /// Lengthscale ℓ.
    pub lengthscale: f64,
    /// Prior variance σ².
    pub variance: f64,
}

impl Matern52 {
    /// The kernel between two points.
    pub fn k(&self, a: [f64; 2], b: [f64; 2]) -> f64 {
        let r = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt() / self.lengthscale;
        let s = 5f64.sqrt() * r;
        self.variance * (1.0 + s + s * s / 3.0) * (-s).exp()
    }
}

/// Cholesky factorisation in place of the symmetric `n × n` row-major matrix `a`: afterwards
/// its lower triangle holds `L` with `L Lᵀ = a` (the upper triangle is zeroed). Fails with the
/// index of the first non-positive pivot.
pub fn cholesky(a: &mut [f64], n: usize) -> Result<(), usize> {
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= a[j * n + k] * a[j * n + k];
        }
        if d.is_nan() || d <= 0.0 {
            return Err(j);
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = s / d;
        }
        for k in j + 1..n {
            a[j * n + k] = 0.0;
        }
    }
    Ok(())
}

/// Solves `L x = b` for lower-triangular rows `l` (row `i` holds `i + 1` entries).
fn forward_solve(l: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let mut x = Vec::with_capacity(b.len());
    for (i, row) in l.iter().enumerate() {
        let s: f64 = row[..i].iter().zip(&x).map(|(a, b)| a * b).sum();
        x.push((b[i] - s) / row[i]);
    }
    x
}

/// A GP posterior over fixed points after noisy observations at `observed`: the covariance
/// `k(a, b) − v_aᵀ v_b` with `v_a = L⁻¹ k(X, a)`, `L Lᵀ = K_XX + noise·I`.
struct Posterior {
    points: Vec<[f64; 2]>,
    kernel: Matern52,
    v: Vec<Vec<f64>>,
}

impl Posterior {
    fn new(
        points: Vec<[f64; 2]>,
        kernel: Matern52,
        observed: &[[f64; 2]],
        noise: f64,
    ) -> Result<Self, EnvError> {
        let m = observed.len();
        let mut kxx: Vec<f64> = (0..m * m)
            .map(|i| {
                kernel.k(observed[i / m], observed[i % m])
                    + if i / m == i % m { noise } else { 0.0 }
            })
            .collect();
        cholesky(&mut kxx, m).map_err(|i| {
            EnvError::InvalidArgument(format!(
                "GP observations are degenerate (pivot {i}); give a noise > 0"
            ))
        })?;
        let l: Vec<Vec<f64>> = (0..m).map(|i| kxx[i * m..i * m + i + 1].to_vec()).collect();
        let v = points
            .iter()
            .map(|&p| {
                let k: Vec<f64> = observed.iter().map(|&x| kernel.k(x, p)).collect();
                forward_solve(&l, &k)
            })
            .collect();
        Ok(Self { points, kernel, v })
    }

    fn cov(&self, a: usize, b: usize) -> f64 {
        let dot: f64 = self.v[a].iter().zip(&self.v[b]).map(|(x, y)| x * y).sum();
        self.kernel.k(self.points[a], self.points[b]) - dot
    }
}

/// A weight map: one draw of a GP (kernel `kernel`) at `points`, conditioned on the value 0 at
/// one uniformly random point of `[0, 10]²` (observation noise `noise`, also the sampling
/// jitter), then shifted to be non-negative: `w = f − min f + 1e-3`.
///
/// Deviation: the reference code adds `min` when `min < −3` (a sign slip that can leave
/// negative weights, which make coverage non-monotone); Ember always shifts by `−min + 1e-3`.
pub fn sample_gp_weights<R: Rng + ?Sized>(
    points: &[[f64; 2]],
    kernel: Matern52,
    noise: f64,
    rng: &mut R,
) -> Result<Vec<f64>, EnvError> {
    let anchor = [rng.random_range(0.0..10.0), rng.random_range(0.0..10.0)];
    let posterior = Posterior::new(points.to_vec(), kernel, &[anchor], noise)?;
    let n = points.len();
    let mut cov: Vec<f64> = (0..n * n)
        .map(|i| posterior.cov(i / n, i % n) + if i / n == i % n { noise } else { 0.0 })
        .collect();
    cholesky(&mut cov, n).map_err(|i| {
        EnvError::InvalidArgument(format!("GP weight covariance is not positive (pivot {i})"))
    })?;
    let z: Vec<f64> = (0..n).map(|_| rng.sample(StandardNormal)).collect();
    let f: Vec<f64> = (0..n)
        .map(|i| (0..=i).map(|k| cov[i * n + k] * z[k]).sum())
        .collect();
    let min = f.iter().copied().fold(f64::INFINITY, f64::min);
    Ok(f.iter().map(|v| v - min + 1e-3).collect())
}

/// D-optimal design / information gain over GP states (see the module documentation).
///
/// Faithful to the reference code's `F(A) = ½ logdet(K_AA + 1e-6 I) + 9.965784·|A|` with `K`
/// the GP posterior covariance, with one deviation (pitfall 4 of the spec): `A` is the set of
/// *distinct* states, so a revisit adds nothing (the reference evaluates the multiset, where a
/// repeat adds `≈ ½ ln(1e-6) + 9.97 ≈ +3`).
#[derive(Clone)]
pub struct GpLogDet {
    inner: Arc<LogDet>,
}

struct LogDet {
    posterior: Posterior,
    jitter: f64,
    offset: f64,
}

impl GpLogDet {
    /// The objective over `points` for the GP `kernel` conditioned on observations at
    /// `observed` with noise `noise`; `jitter` is added to `K_AA`'s diagonal and each distinct
    /// state adds `offset` (monotone when `½ ln(jitter) + offset ≥ 0`).
    pub fn new(
        points: Vec<[f64; 2]>,
        kernel: Matern52,
        observed: &[[f64; 2]],
        noise: f64,
        jitter: f64,
        offset: f64,
    ) -> Result<Self, EnvError> {
        if !(jitter > 0.0 && 0.5 * jitter.ln() + offset >= 0.0) {
            return Err(EnvError::InvalidArgument(format!(
                "GP log-det jitter {jitter} with offset {offset} is not monotone: \
                 need jitter > 0 and ½·ln(jitter) + offset >= 0"
            )));
        }
        Ok(Self {
            inner: Arc::new(LogDet {
                posterior: Posterior::new(points, kernel, observed, noise)?,
                jitter,
                offset,
            }),
        })
    }

    /// Posterior variance at each point.
    pub fn variances(&self) -> Vec<f64> {
        let p = &self.inner.posterior;
        (0..p.points.len()).map(|a| p.cov(a, a)).collect()
    }

    /// `F(A)` by one Cholesky of the whole `K_AA + jitter·I` over the distinct elements (the
    /// batch computation the incremental gains must agree with).
    pub fn batch_value(&self, elements: &[usize]) -> f64 {
        let mut set = elements.to_vec();
        set.sort_unstable();
        set.dedup();
        let n = set.len();
        let g = &self.inner;
        let mut k: Vec<f64> = (0..n * n)
            .map(|i| {
                g.posterior.cov(set[i / n], set[i % n])
                    + if i / n == i % n { g.jitter } else { 0.0 }
            })
            .collect();
        match cholesky(&mut k, n) {
            Ok(()) => (0..n).map(|i| k[i * n + i].ln()).sum::<f64>() + g.offset * n as f64,
            Err(_) => f64::NEG_INFINITY,
        }
    }
}

impl SetObjective for GpLogDet {
    fn ground_size(&self) -> usize {
        self.inner.posterior.points.len()
    }

    fn cache(&self) -> Box<dyn GainCache> {
        Box::new(LogDetCache {
            seen: vec![false; self.ground_size()],
            objective: self.inner.clone(),
            members: Vec::new(),
            l: Vec::new(),
            value: 0.0,
        })
    }
}

struct LogDetCache {
    objective: Arc<LogDet>,
    seen: Vec<bool>,
    members: Vec<usize>,
    /// Rows of the Cholesky factor of `K_AA + jitter·I` over `members`.
    l: Vec<Vec<f64>>,
    value: f64,
}

impl LogDetCache {
    /// The new row of the Cholesky factor when `s` joins: `(L⁻¹ k_As, d)`, with `d²` the
    /// conditional variance plus jitter.
    fn extend(&self, s: usize) -> (Vec<f64>, f64) {
        let g = &self.objective;
        let k: Vec<f64> = self
            .members
            .iter()
            .map(|&a| g.posterior.cov(a, s))
            .collect();
        let x = forward_solve(&self.l, &k);
        let d2 = g.posterior.cov(s, s) + g.jitter - x.iter().map(|v| v * v).sum::<f64>();
        // d² ≥ jitter exactly; rounding can push it below for a state next to covered ones.
        (x, d2.max(g.jitter).sqrt())
    }

    fn gain_of(&self, d: f64) -> f64 {
        d.ln() + self.objective.offset
    }
}

impl GainCache for LogDetCache {
    fn gain(&self, s: usize) -> f64 {
        if self.seen[s] {
            return 0.0;
        }
        self.gain_of(self.extend(s).1)
    }

    fn add(&mut self, s: usize) -> f64 {
        if self.seen[s] {
            return 0.0;
        }
        let (mut row, d) = self.extend(s);
        let gain = self.gain_of(d);
        row.push(d);
        self.l.push(row);
        self.members.push(s);
        self.seen[s] = true;
        self.value += gain;
        gain
    }

    fn value(&self) -> f64 {
        self.value
    }
}
