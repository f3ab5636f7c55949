//! Consistency checks of an [`OfflineDataset`]: column lengths, widths and finite values.

use ndarray::{ArrayView2, Axis};

use crate::dataset::OfflineDataset;
use crate::error::DatasetError;

impl OfflineDataset {
    /// Checks that all columns agree in length/width and that the float columns are finite;
    /// returns the first problem found.
    pub fn validate(&self) -> Result<(), DatasetError> {
        match self.problems().into_iter().next() {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }

    /// Every problem [`Self::validate`] would report: shape problems, then non-finite values.
    pub fn problems(&self) -> Vec<DatasetError> {
        let mut out = self.shape_problems();
        out.extend(self.value_problems());
        out
    }

    /// Column-length and width mismatches. When empty, every method is safe to call.
    pub fn shape_problems(&self) -> Vec<DatasetError> {
        let file = self.label();
        let n = self.len();
        let mut out = Vec::new();
        let mut lengths = vec![
            ("actions".to_owned(), self.actions.nrows()),
            ("rewards".to_owned(), self.rewards.len()),
            ("terminals".to_owned(), self.terminals.len()),
        ];
        lengths.extend(
            self.timeouts
                .as_ref()
                .map(|t| ("timeouts".to_owned(), t.len())),
        );
        lengths.extend(
            self.next_observations
                .as_ref()
                .map(|o| ("next_observations".to_owned(), o.nrows())),
        );
        for (key, info) in &self.infos {
            match info.shape().first() {
                Some(&len) => lengths.push((info_key(key), len)),
                None => out.push(DatasetError::key(
                    &file,
                    &info_key(key),
                    "expected rank >= 1, found a scalar",
                )),
            }
        }
        for (key, len) in lengths.into_iter().filter(|&(_, len)| len != n) {
            out.push(DatasetError::key(
                &file,
                &key,
                format!("length {len} does not match `observations` ({n} rows)"),
            ));
        }
        if let Some(next) = &self.next_observations
            && next.ncols() != self.obs_dim()
        {
            out.push(DatasetError::key(
                &file,
                "next_observations",
                format!(
                    "width {} does not match `observations` (width {})",
                    next.ncols(),
                    self.obs_dim()
                ),
            ));
        }
        out
    }

    /// NaN/Inf values in observations, actions, rewards and next observations.
    pub fn value_problems(&self) -> Vec<DatasetError> {
        let file = self.label();
        let rewards = self.rewards.view().insert_axis(Axis(1));
        let mut columns = vec![
            ("observations", self.observations.view()),
            ("actions", self.actions.view()),
            ("rewards", rewards),
        ];
        if let Some(next) = &self.next_observations {
            columns.push(("next_observations", next.view()));
        }
        columns
            .into_iter()
            .filter_map(|(key, col)| non_finite(col).map(|(count, row)| (key, count, row)))
            .map(|(key, count, row)| {
                DatasetError::key(
                    &file,
                    key,
                    format!("{count} NaN/Inf values (first at row {row})"),
                )
            })
            .collect()
    }
}

/// HDF5 path of an info entry.
fn info_key(key: &str) -> String {
    if key == "infos" {
        key.to_owned()
    } else {
        format!("infos/{key}")
    }
}

/// Count of non-finite values and the first row holding one.
fn non_finite(col: ArrayView2<f32>) -> Option<(usize, usize)> {
    let mut count = 0;
    let mut first = None;
    for (row, values) in col.outer_iter().enumerate() {
        let bad = values.iter().filter(|v| !v.is_finite()).count();
        if bad > 0 {
            count += bad;
            first.get_or_insert(row);
        }
    }
    first.map(|row| (count, row))
}
