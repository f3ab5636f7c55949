//! [`ItemCoverage`]: truncated item collection (the reference code's "Steiner covering"),
//! `F(A) = Σ_k min(|A ∩ G_k|, D_k)` for disjoint item groups `G_k` with requirements `D_k`.

use super::{GainCache, SetObjective};
use crate::EnvError;
use std::sync::Arc;

/// Truncated item coverage (see the module documentation).
#[derive(Clone)]
pub struct ItemCoverage {
    inner: Arc<Items>,
}

struct Items {
    /// The group of each element, if it holds an item.
    group: Vec<Option<usize>>,
    requirements: Vec<usize>,
}

impl ItemCoverage {
    /// Items over `group.len()` elements; `group[s] = Some(k)` puts an item of type `k` at `s`,
    /// and type `k` counts up to `requirements[k]` distinct visited elements.
    pub fn new(group: Vec<Option<usize>>, requirements: Vec<usize>) -> Result<Self, EnvError> {
        if let Some(k) = group.iter().flatten().find(|&&k| k >= requirements.len()) {
            return Err(EnvError::InvalidArgument(format!(
                "item type {k} has no requirement ({} given)",
                requirements.len()
            )));
        }
        Ok(Self {
            inner: Arc::new(Items {
                group,
                requirements,
            }),
        })
    }

    /// The item type at each element.
    pub fn groups(&self) -> &[Option<usize>] {
        &self.inner.group
    }

    /// The largest value: `Σ_k min(|G_k|, D_k)`.
    pub fn max_value(&self) -> f64 {
        let mut sizes = vec![0; self.inner.requirements.len()];
        for k in self.inner.group.iter().flatten() {
            sizes[*k] += 1;
        }
        sizes
            .iter()
            .zip(&self.inner.requirements)
            .map(|(n, d)| n.min(d))
            .sum::<usize>() as f64
    }
}

impl SetObjective for ItemCoverage {
    fn ground_size(&self) -> usize {
        self.inner.group.len()
    }

    fn cache(&self) -> Box<dyn GainCache> {
        Box::new(ItemCache {
            seen: vec![false; self.inner.group.len()],
            counts: vec![0; self.inner.requirements.len()],
            objective: self.inner.clone(),
            value: 0,
        })
    }
}

struct ItemCache {
    objective: Arc<Items>,
    seen: Vec<bool>,
    counts: Vec<usize>,
    value: usize,
}

impl GainCache for ItemCache {
    fn gain(&self, s: usize) -> f64 {
        match self.objective.group[s] {
            Some(k) if !self.seen[s] && self.counts[k] < self.objective.requirements[k] => 1.0,
            _ => 0.0,
        }
    }

    fn add(&mut self, s: usize) -> f64 {
        let gain = self.gain(s);
        if !self.seen[s] {
            self.seen[s] = true;
            if let Some(k) = self.objective.group[s] {
                self.counts[k] += 1;
            }
        }
        self.value += gain as usize;
        gain
    }

    fn value(&self) -> f64 {
        self.value as f64
    }
}
