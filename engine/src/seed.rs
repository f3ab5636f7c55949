//! One seed for everything random in a run.

use burn::tensor::Device;
use rand::{SeedableRng, rngs::StdRng};

/// Seeds the device's generator (initialisation, sampling on the device) and returns a host
/// generator derived from the same seed (environments, exploration).
pub fn seed_everything(device: &Device, seed: u64) -> StdRng {
    device.seed(seed);
    StdRng::seed_from_u64(seed)
}
