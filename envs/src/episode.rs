//! Bookkeeping shared by the base environments: the random stream and the episode status.

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::{EnvError, Space};

/// The random stream of an environment plus whether an episode is currently running.
pub(crate) struct EpisodeCore {
    rng: StdRng,
    running: bool,
}

impl EpisodeCore {
    /// A core whose stream is seeded from OS entropy (like an unseeded Gymnasium environment).
    pub(crate) fn new() -> Self {
        Self {
            rng: StdRng::from_os_rng(),
            running: false,
        }
    }

    /// Starts an episode: re-seeds the stream if `seed` is given and returns it for sampling the
    /// initial state.
    pub(crate) fn begin(&mut self, seed: Option<u64>) -> &mut StdRng {
        if let Some(seed) = seed {
            self.rng = StdRng::seed_from_u64(seed);
        }
        self.running = true;
        &mut self.rng
    }

    /// Marks an episode as running after its state was set directly.
    pub(crate) fn resume(&mut self) {
        self.running = true;
    }

    /// Checks that a step may be taken with `action` in `space`.
    pub(crate) fn check_step(&self, space: &Space, action: &[f32]) -> Result<(), EnvError> {
        if !self.running {
            return Err(EnvError::ResetNeeded);
        }
        space.validate(action)
    }

    /// Records the outcome of a step: a terminated episode needs a reset.
    pub(crate) fn finish_step(&mut self, terminated: bool) {
        self.running = !terminated;
    }
}

/// Copies `values` into a fixed-size state, checking the length.
pub(crate) fn state_from_slice<const N: usize>(values: &[f64]) -> Result<[f64; N], EnvError> {
    values.try_into().map_err(|_| EnvError::StateLength {
        expected: N,
        got: values.len(),
    })
}
