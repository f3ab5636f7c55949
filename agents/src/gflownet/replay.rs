//! A uniform replay buffer of complete trajectories.

use super::Trajectory;
use rand::Rng;

/// Keeps the last `capacity` trajectories; draws uniformly with replacement.
#[derive(Clone, Debug)]
pub struct Replay<S> {
    capacity: usize,
    items: Vec<Trajectory<S>>,
    next: usize,
}

impl<S: Clone> Replay<S> {
    /// An empty buffer (capacity 0 stores nothing).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            items: Vec::new(),
            next: 0,
        }
    }

    /// Number of stored trajectories.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the buffer is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Stores `trajectories`, overwriting the oldest once full.
    pub fn extend(&mut self, trajectories: &[Trajectory<S>]) {
        if self.capacity == 0 {
            return;
        }
        for t in trajectories {
            if self.items.len() < self.capacity {
                self.items.push(t.clone());
            } else {
                self.items[self.next] = t.clone();
            }
            self.next = (self.next + 1) % self.capacity;
        }
    }

    /// `n` trajectories drawn uniformly (none when empty).
    pub fn sample(&self, n: usize, rng: &mut impl Rng) -> Vec<Trajectory<S>> {
        if self.items.is_empty() {
            return Vec::new();
        }
        (0..n)
            .map(|_| self.items[rng.random_range(0..self.items.len())].clone())
            .collect()
    }
}
