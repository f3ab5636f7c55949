//! Named training metrics kept on the device until someone reads them, so logging does not force
//! a host synchronisation on every step.

use burn::tensor::Tensor;
use std::collections::BTreeMap;

/// Scalars produced by one update, each a one-element tensor still on the device.
#[derive(Default, Clone, Debug)]
pub struct Metrics {
    entries: Vec<(&'static str, Tensor<1>)>,
}

/// Metrics read back to the host.
pub type MetricsRow = BTreeMap<String, f64>;

impl Metrics {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `value` (any shape; it is reduced by its mean) under `name`, detached.
    pub fn push<const D: usize>(&mut self, name: &'static str, value: Tensor<D>) {
        self.entries.push((name, value.detach().mean()));
    }

    /// Appends another set of metrics.
    pub fn extend(&mut self, other: Metrics) {
        self.entries.extend(other.entries);
    }

    /// Reads every metric back to the host (one synchronisation).
    pub fn read(&self) -> MetricsRow {
        self.entries
            .iter()
            .map(|(name, value)| {
                (
                    name.to_string(),
                    value
                        .to_data()
                        .try_to_vec::<f32>()
                        .map_or(f64::NAN, |v| v[0] as f64),
                )
            })
            .collect()
    }
}
