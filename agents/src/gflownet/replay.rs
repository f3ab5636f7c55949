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

    /// The stored trajectories in slot order and the slot written next (what a checkpoint
    /// keeps).
    pub fn slots(&self) -> (&[Trajectory<S>], usize) {
        (&self.items, self.next)
    }

    /// A buffer of `capacity` holding `items` in slot order, `next` the slot written next: the
    /// inverse of [`Replay::slots`]. Fails when they cannot come from such a buffer.
    pub fn from_slots(
        capacity: usize,
        items: Vec<Trajectory<S>>,
        next: usize,
    ) -> Result<Self, String> {
        let fits = items.len() <= capacity
            && next < capacity.max(1)
            && (items.len() == capacity || next == items.len() % capacity.max(1));
        if !fits {
            return Err(format!(
                "{} trajectories with next slot {next} do not fit a buffer of capacity {capacity}",
                items.len()
            ));
        }
        Ok(Self {
            capacity,
            items,
            next,
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gflownet::Score;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn traj(id: u32) -> Trajectory<u32> {
        Trajectory {
            states: vec![0, id],
            forward: vec![vec![0]],
            backward: vec![vec![0]],
            score: Score::scalar(f64::from(id)),
            partial: Vec::new(),
        }
    }

    #[test]
    fn keeps_the_newest_capacity_trajectories() {
        let mut replay = Replay::new(3);
        replay.extend(&(1..=5).map(traj).collect::<Vec<_>>());
        assert_eq!(replay.len(), 3);
        let mut rng = StdRng::seed_from_u64(0);
        let seen: std::collections::BTreeSet<u32> = replay
            .sample(200, &mut rng)
            .iter()
            .map(|t| *t.object())
            .collect();
        assert_eq!(seen.into_iter().collect::<Vec<_>>(), vec![3, 4, 5]);
        let mut off = Replay::new(0);
        off.extend(&[traj(1)]);
        assert!(off.is_empty() && off.sample(4, &mut rng).is_empty());
    }
}
