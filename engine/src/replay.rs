//! A host-side replay buffer for online agents: it grows as the agent acts, up to a capacity,
//! then overwrites the oldest transitions; minibatches are gathered on the host and uploaded.

use crate::Batch;
use crate::runtime::RuntimeError;
use burn::tensor::{Device, Tensor, TensorData};
use rand::Rng;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

/// First bytes of a saved buffer, followed by a format version.
const MAGIC: &[u8; 8] = b"EMBERRB1";

/// A first-in-first-out store of transitions `(s, a, r, s', terminal)` with uniform sampling.
#[derive(Clone, Debug)]
pub struct ReplayBuffer {
    capacity: usize,
    obs_dim: usize,
    act_dim: usize,
    observations: Vec<f32>,
    actions: Vec<f32>,
    rewards: Vec<f32>,
    next_observations: Vec<f32>,
    masks: Vec<f32>,
    /// Row the next transition is written to once the buffer is full.
    next: usize,
}

impl ReplayBuffer {
    /// An empty buffer holding at most `capacity` (at least 1) transitions of the given widths.
    pub fn new(capacity: usize, obs_dim: usize, act_dim: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            obs_dim,
            act_dim,
            observations: Vec::new(),
            actions: Vec::new(),
            rewards: Vec::new(),
            next_observations: Vec::new(),
            masks: Vec::new(),
            next: 0,
        }
    }

    /// Number of transitions held.
    pub fn len(&self) -> usize {
        self.rewards.len()
    }

    /// Whether no transition has been stored.
    pub fn is_empty(&self) -> bool {
        self.rewards.is_empty()
    }

    /// Most transitions held at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Stores one transition; `terminal` marks a true end of the episode (not a time limit),
    /// after which the target does not bootstrap. Panics if a slice has the wrong width (a bug
    /// of the caller, which knows the environment's spaces).
    pub fn push(
        &mut self,
        obs: &[f32],
        action: &[f32],
        reward: f32,
        next_obs: &[f32],
        terminal: bool,
    ) {
        assert_eq!(obs.len(), self.obs_dim, "replay: observation width");
        assert_eq!(action.len(), self.act_dim, "replay: action width");
        assert_eq!(
            next_obs.len(),
            self.obs_dim,
            "replay: next observation width"
        );
        let mask = if terminal { 0.0 } else { 1.0 };
        if self.len() < self.capacity {
            self.observations.extend_from_slice(obs);
            self.actions.extend_from_slice(action);
            self.rewards.push(reward);
            self.next_observations.extend_from_slice(next_obs);
            self.masks.push(mask);
            return;
        }
        let row = self.next;
        let (o, a) = (row * self.obs_dim, row * self.act_dim);
        self.observations[o..o + self.obs_dim].copy_from_slice(obs);
        self.actions[a..a + self.act_dim].copy_from_slice(action);
        self.rewards[row] = reward;
        self.next_observations[o..o + self.obs_dim].copy_from_slice(next_obs);
        self.masks[row] = mask;
        self.next = (row + 1) % self.capacity;
    }

    /// `batch_size` transitions drawn uniformly with replacement, uploaded to `device`.
    /// Panics on an empty buffer.
    pub fn sample<R: Rng + ?Sized>(
        &self,
        batch_size: usize,
        rng: &mut R,
        device: &Device,
    ) -> Batch {
        assert!(!self.is_empty(), "replay: sampling from an empty buffer");
        let rows: Vec<usize> = (0..batch_size)
            .map(|_| rng.random_range(0..self.len()))
            .collect();
        let gather = |column: &[f32], width: usize| {
            let mut out = Vec::with_capacity(batch_size * width);
            for &row in &rows {
                out.extend_from_slice(&column[row * width..(row + 1) * width]);
            }
            Tensor::<2>::from_data(TensorData::new(out, [batch_size, width]), device)
        };
        Batch {
            observations: gather(&self.observations, self.obs_dim),
            actions: gather(&self.actions, self.act_dim),
            rewards: gather(&self.rewards, 1),
            next_observations: gather(&self.next_observations, self.obs_dim),
            masks: gather(&self.masks, 1),
        }
    }

    /// Writes the buffer's contents to `path` (raw little-endian `f32` columns after a header).
    pub fn save(&self, path: &Path) -> Result<(), RuntimeError> {
        let io = |e| RuntimeError::io(path, e);
        let mut out = BufWriter::new(std::fs::File::create(path).map_err(io)?);
        out.write_all(MAGIC).map_err(io)?;
        for value in [
            self.capacity,
            self.obs_dim,
            self.act_dim,
            self.len(),
            self.next,
        ] {
            out.write_all(&(value as u64).to_le_bytes()).map_err(io)?;
        }
        for column in self.columns() {
            for value in column {
                out.write_all(&value.to_le_bytes()).map_err(io)?;
            }
        }
        out.flush().map_err(io)
    }

    /// Replaces the contents with those saved at `path`, which must have this buffer's widths
    /// and capacity.
    pub fn load(&mut self, path: &Path) -> Result<(), RuntimeError> {
        let io = |e| RuntimeError::io(path, e);
        let bad = |problem: String| RuntimeError::Checkpoint {
            path: path.to_path_buf(),
            problem,
        };
        let mut input = BufReader::new(std::fs::File::open(path).map_err(io)?);
        let mut magic = [0u8; 8];
        input.read_exact(&mut magic).map_err(io)?;
        if &magic != MAGIC {
            return Err(bad("not an Ember replay buffer".into()));
        }
        let mut header = [0usize; 5];
        for value in &mut header {
            let mut bytes = [0u8; 8];
            input.read_exact(&mut bytes).map_err(io)?;
            *value = u64::from_le_bytes(bytes) as usize;
        }
        let [capacity, obs_dim, act_dim, len, next] = header;
        if (capacity, obs_dim, act_dim) != (self.capacity, self.obs_dim, self.act_dim)
            || len > capacity
        {
            return Err(bad(format!(
                "holds capacity {capacity}, widths {obs_dim}/{act_dim}, {len} rows; \
                 this agent needs capacity {}, widths {}/{}",
                self.capacity, self.obs_dim, self.act_dim
            )));
        }
        let mut read = |count: usize| -> Result<Vec<f32>, RuntimeError> {
            let mut bytes = vec![0u8; count * 4];
            input.read_exact(&mut bytes).map_err(io)?;
            Ok(bytes
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect())
        };
        self.observations = read(len * obs_dim)?;
        self.actions = read(len * act_dim)?;
        self.rewards = read(len)?;
        self.next_observations = read(len * obs_dim)?;
        self.masks = read(len)?;
        self.next = next % capacity;
        Ok(())
    }

    fn columns(&self) -> [&[f32]; 5] {
        [
            &self.observations,
            &self.actions,
            &self.rewards,
            &self.next_observations,
            &self.masks,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    /// Transition `i` has observation `[i, i]`, action `[-i]`, reward `i`, next `[i+1, i+1]`,
    /// and is terminal when `i` is odd.
    fn push(buffer: &mut ReplayBuffer, i: usize) {
        let x = i as f32;
        buffer.push(&[x, x], &[-x], x, &[x + 1.0, x + 1.0], i % 2 == 1);
    }

    fn rows(batch: &Batch) -> Vec<(f32, f32, f32, f32, f32)> {
        let v = |t: &Tensor<2>| t.to_data().try_to_vec::<f32>().unwrap();
        let (o, a, r, n, m) = (
            v(&batch.observations),
            v(&batch.actions),
            v(&batch.rewards),
            v(&batch.next_observations),
            v(&batch.masks),
        );
        (0..r.len())
            .map(|k| (o[2 * k], a[k], r[k], n[2 * k], m[k]))
            .collect()
    }

    #[test]
    fn grows_then_overwrites_the_oldest() {
        let device = Device::flex();
        let mut buffer = ReplayBuffer::new(3, 2, 1);
        assert!(buffer.is_empty());
        for i in 0..5 {
            push(&mut buffer, i);
        }
        assert_eq!((buffer.len(), buffer.capacity()), (3, 3));
        let mut rng = StdRng::seed_from_u64(0);
        let mut seen: Vec<f32> = Vec::new();
        for (o, a, r, n, m) in rows(&buffer.sample(64, &mut rng, &device)) {
            // Every row is one consistent transition.
            assert_eq!((a, r, n), (-o, o, o + 1.0));
            assert_eq!(m, if o as usize % 2 == 1 { 0.0 } else { 1.0 });
            if !seen.contains(&o) {
                seen.push(o);
            }
        }
        seen.sort_by(f32::total_cmp);
        // 0 and 1 were overwritten by 3 and 4.
        assert_eq!(seen, vec![2.0, 3.0, 4.0]);
    }

    #[test]
    fn save_and_load_round_trip() {
        let device = Device::flex();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("replay.bin");
        let mut buffer = ReplayBuffer::new(4, 2, 1);
        for i in 0..6 {
            push(&mut buffer, i);
        }
        buffer.save(&path).unwrap();
        let mut restored = ReplayBuffer::new(4, 2, 1);
        restored.load(&path).unwrap();
        let sample = |b: &ReplayBuffer| rows(&b.sample(16, &mut StdRng::seed_from_u64(1), &device));
        assert_eq!(sample(&restored), sample(&buffer));
        // The write position survives too: the next push replaces the same row in both.
        push(&mut buffer, 6);
        push(&mut restored, 6);
        assert_eq!(sample(&restored), sample(&buffer));

        let mut other = ReplayBuffer::new(4, 3, 1);
        let err = other.load(&path).unwrap_err().to_string();
        assert!(err.contains("widths 2/1"), "{err}");
    }
}
