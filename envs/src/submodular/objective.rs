//! The [`SetObjective`] trait: a set function over a finite ground set `0..n` with incremental
//! marginal gains, and [`FnObjective`], an objective given by a closure.

use std::sync::Arc;

/// A set function `F` over the ground set `0..ground_size()` with `F(∅) = 0`, evaluated
/// incrementally through a [`GainCache`]. The objectives of SubRL are monotone
/// (`F(A) ≤ F(B)` for `A ⊆ B`) and submodular (`Δ(s | A) ≥ Δ(s | B)` for `A ⊆ B`); the
/// property tests of this module check both for every implementation here.
pub trait SetObjective: Send + Sync {
    /// Number of elements of the ground set.
    fn ground_size(&self) -> usize;

    /// A cache holding the empty set.
    fn cache(&self) -> Box<dyn GainCache>;

    /// `F` of the set of `elements` (repeats count once).
    fn value(&self, elements: &[usize]) -> f64 {
        let mut cache = self.cache();
        for &s in elements {
            cache.add(s);
        }
        cache.value()
    }

    /// The modular (MRL) reward of visiting `s`: `F({s})`, paid again at every visit.
    fn modular(&self, s: usize) -> f64 {
        self.cache().gain(s)
    }
}

/// A set `A` under construction with its value `F(A)`, answering marginal gains.
pub trait GainCache: Send {
    /// `Δ(s | A) = F(A ∪ {s}) − F(A)`, without adding `s`; 0 when `s ∈ A`.
    fn gain(&self, s: usize) -> f64;
    /// Adds `s` to `A` and returns its marginal gain.
    fn add(&mut self, s: usize) -> f64;
    /// `F(A)`.
    fn value(&self) -> f64;
}

/// An objective given by a closure `F(set)` over sorted distinct elements; gains are two
/// closure calls. For user-defined objectives; the closure should be monotone and submodular
/// with `F(∅) = 0` for SubPO's guarantees to apply.
#[derive(Clone)]
pub struct FnObjective {
    n: usize,
    f: Arc<SetFn>,
}

/// The closure behind an [`FnObjective`].
type SetFn = dyn Fn(&[usize]) -> f64 + Send + Sync;

impl FnObjective {
    /// The objective `f` over the ground set `0..n`.
    pub fn new(n: usize, f: impl Fn(&[usize]) -> f64 + Send + Sync + 'static) -> Self {
        Self { n, f: Arc::new(f) }
    }
}

impl SetObjective for FnObjective {
    fn ground_size(&self) -> usize {
        self.n
    }

    fn cache(&self) -> Box<dyn GainCache> {
        Box::new(FnCache {
            value: (self.f)(&[]),
            objective: self.clone(),
            set: Vec::new(),
        })
    }
}

struct FnCache {
    objective: FnObjective,
    /// Sorted distinct elements.
    set: Vec<usize>,
    value: f64,
}

impl FnCache {
    fn with(&self, s: usize) -> Option<Vec<usize>> {
        let at = self.set.binary_search(&s).err()?;
        let mut set = self.set.clone();
        set.insert(at, s);
        Some(set)
    }
}

impl GainCache for FnCache {
    fn gain(&self, s: usize) -> f64 {
        self.with(s)
            .map_or(0.0, |set| (self.objective.f)(&set) - self.value)
    }

    fn add(&mut self, s: usize) -> f64 {
        let Some(set) = self.with(s) else {
            return 0.0;
        };
        let value = (self.objective.f)(&set);
        let gain = value - self.value;
        self.set = set;
        self.value = value;
        gain
    }

    fn value(&self) -> f64 {
        self.value
    }
}
