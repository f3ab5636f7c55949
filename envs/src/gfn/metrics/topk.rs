//! Top-k mean reward over the unique objects of a sampling history.

use std::collections::HashMap;
use std::hash::Hash;

/// The unique objects sampled so far with their (un-normalised) rewards.
#[derive(Debug, Clone)]
pub struct TopK<K> {
    rewards: HashMap<K, f64>,
}

impl<K: Eq + Hash> Default for TopK<K> {
    fn default() -> Self {
        Self {
            rewards: HashMap::new(),
        }
    }
}

impl<K: Eq + Hash + Clone> TopK<K> {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a sample; an object seen before keeps its first reward.
    pub fn insert(&mut self, key: K, reward: f64) {
        self.rewards.entry(key).or_insert(reward);
    }

    /// The reward recorded for `key`, if it was sampled.
    pub fn get(&self, key: &K) -> Option<f64> {
        self.rewards.get(key).copied()
    }

    /// Number of unique objects.
    pub fn len(&self) -> usize {
        self.rewards.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.rewards.is_empty()
    }

    /// The `k` best unique objects, best first.
    pub fn top(&self, k: usize) -> Vec<(K, f64)> {
        let mut all: Vec<(K, f64)> = self.rewards.iter().map(|(k, &r)| (k.clone(), r)).collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1));
        all.truncate(k);
        all
    }

    /// Mean reward of the top `k` unique objects (fewer if fewer were seen; `None` if none).
    pub fn mean_top(&self, k: usize) -> Option<f64> {
        let top = self.top(k);
        (!top.is_empty()).then(|| top.iter().map(|(_, r)| r).sum::<f64>() / top.len() as f64)
    }
}
