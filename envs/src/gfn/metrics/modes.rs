//! Distinct modes discovered over time.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::hash::Hash;

/// Counts the distinct mode objects among the samples fed so far and keeps the curve
/// `(samples seen, modes found)` after every batch. Serialisable, so a resumed run keeps its
/// curve. [`ModeTracker::observe_distinct`] adds a dissimilarity filter (the molecule papers'
/// "modes with Tanimoto similarity < 0.7 to every mode found before").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(
    serialize = "K: Serialize",
    deserialize = "K: Eq + Hash + Deserialize<'de>"
))]
pub struct ModeTracker<K> {
    found: HashSet<K>,
    /// Mode objects refused by the dissimilarity filter (so each is judged once).
    #[serde(default)]
    refused: HashSet<K>,
    seen: usize,
    history: Vec<(usize, usize)>,
}

impl<K: Eq + Hash> Default for ModeTracker<K> {
    fn default() -> Self {
        Self {
            found: HashSet::new(),
            refused: HashSet::new(),
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
        self.observe_distinct(batch, |_, _| false)
    }

    /// [`ModeTracker::observe`] where a new mode object counts only when it is not `similar`
    /// to any mode found before it (greedy, in sampling order); a refused object stays refused.
    pub fn observe_distinct(
        &mut self,
        batch: impl IntoIterator<Item = (K, bool)>,
        similar: impl Fn(&K, &K) -> bool,
    ) -> usize {
        for (key, is_mode) in batch {
            self.seen += 1;
            if !is_mode || self.found.contains(&key) || self.refused.contains(&key) {
                continue;
            }
            if self.found.iter().any(|mode| similar(mode, &key)) {
                self.refused.insert(key);
            } else {
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

    /// The distinct modes found, in no particular order.
    pub fn modes(&self) -> impl Iterator<Item = &K> {
        self.found.iter()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_modes_skip_objects_similar_to_an_earlier_mode() {
        // Integers are "similar" when within 2 of each other.
        let near = |a: &i32, b: &i32| (a - b).abs() <= 2;
        let mut modes = ModeTracker::new();
        assert_eq!(
            modes.observe_distinct([(10, true), (11, true), (3, false)], near),
            1
        );
        // 11 was refused for 10 and stays refused; 20 is far from 10; 13 is only near 11.
        let batch = [(11, true), (20, true), (13, true), (10, true)];
        assert_eq!(modes.observe_distinct(batch, near), 3);
        assert_eq!(modes.history(), &[(3, 1), (7, 3)]);
        // Without the filter every distinct mode object counts.
        let mut plain = ModeTracker::new();
        assert_eq!(
            plain.observe([(10, true), (11, true), (11, true), (3, false)]),
            2
        );
    }
}
