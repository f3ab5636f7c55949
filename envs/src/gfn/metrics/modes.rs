//! Distinct modes discovered over time.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::hash::Hash;

/// Counts the distinct mode objects among the samples fed so far and keeps the curve
/// `(samples seen, modes found)` after every batch. Serialisable, so a resumed run keeps its
/// curve.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(
    serialize = "K: Serialize",
    deserialize = "K: Eq + Hash + Deserialize<'de>"
))]
pub struct ModeTracker<K> {
    found: HashSet<K>,
    seen: usize,
    history: Vec<(usize, usize)>,
}

impl<K: Eq + Hash> Default for ModeTracker<K> {
    fn default() -> Self {
        Self {
            found: HashSet::new(),
            seen: 0,
            history: Vec::new(),
        }
    }
}

impl<K: Eq + Hash> ModeTracker<K> {
    /// An empty tracker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds a batch of `(object key, is it a mode)` samples; returns the modes found so far.
    pub fn observe(&mut self, batch: impl IntoIterator<Item = (K, bool)>) -> usize {
        for (key, is_mode) in batch {
            self.seen += 1;
            if is_mode {
                self.found.insert(key);
            }
        }
        self.history.push((self.seen, self.found.len()));
        self.found.len()
    }

    /// Number of distinct modes found.
    pub fn n_modes(&self) -> usize {
        self.found.len()
    }

    /// Number of samples fed.
    pub fn n_samples(&self) -> usize {
        self.seen
    }

    /// `(samples seen, modes found)` after each batch.
    pub fn history(&self) -> &[(usize, usize)] {
        &self.history
    }
}
