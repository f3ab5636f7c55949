//! One seed for everything random in a run, and the restart of the random streams at a
//! checkpoint that makes a resumed run draw what the uninterrupted one drew.

use burn::tensor::Device;
use rand::{SeedableRng, rngs::StdRng};

/// Seeds the device's generator (initialisation, sampling on the device) and returns a host
/// generator derived from the same seed (environments, exploration).
pub fn seed_everything(device: &Device, seed: u64) -> StdRng {
    device.seed(seed);
    StdRng::seed_from_u64(seed)
}

/// Restarts the device's generator and returns a host generator, both from `(seed, step)`.
///
/// burn's generators cannot be read back, so a checkpoint cannot store their state; instead
/// the runtime restarts them at every checkpoint step, in the uninterrupted run and in the run
/// resumed from that checkpoint alike.
pub fn reseed(device: &Device, seed: u64, step: usize) -> StdRng {
    seed_everything(device, stream_seed(seed, step))
}

/// The seed of the random streams after checkpoint `step` of a run seeded `seed` (SplitMix64 of
/// both, so nearby seeds and steps give unrelated streams).
pub fn stream_seed(seed: u64, step: usize) -> u64 {
    splitmix64(seed ^ splitmix64(step as u64 ^ 0x5EED_5EED_5EED_5EED_u64))
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_seed_and_step_and_repeat() {
        assert_eq!(stream_seed(0, 10), stream_seed(0, 10));
        assert_ne!(stream_seed(0, 10), stream_seed(1, 10));
        assert_ne!(stream_seed(0, 10), stream_seed(0, 20));
        // SplitMix64's published first output for state 0.
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    }
}
