//! D4RL's flat HDF5 layout: reader tolerant of every family's quirks, writer of the v2 layout.

use std::collections::BTreeMap;
use std::path::Path;

use crate::dataset::OfflineDataset;
use crate::error::DatasetError;
use crate::h5io::{H5, KeyInfo, into_1d, into_2d};

/// Keys every D4RL file must have.
const REQUIRED: [&str; 4] = ["observations", "actions", "rewards", "terminals"];

/// Reads a D4RL-layout file and validates it (lengths, ranks, finite values).
pub fn read(path: &Path) -> Result<OfflineDataset, DatasetError> {
    let data = read_unvalidated(path)?;
    data.validate()?;
    Ok(data)
}

/// Reads the columns with their ranks checked but without [`OfflineDataset::validate`].
pub(crate) fn read_unvalidated(path: &Path) -> Result<OfflineDataset, DatasetError> {
    let h5 = H5::open(path)?;
    let keys = h5.walk("")?;
    let mut data = from_keys(&h5, &keys)?;
    data.source = Some(path.to_path_buf());
    Ok(data)
}

/// Builds the table from an opened file whose objects are `keys`.
fn from_keys(h5: &H5, keys: &[KeyInfo]) -> Result<OfflineDataset, DatasetError> {
    let file = h5.label.as_str();
    let is_dataset = |k: &str| keys.iter().any(|ki| ki.path == k && ki.shape.is_some());
    if let Some(missing) = REQUIRED.iter().find(|k| !is_dataset(k)) {
        return Err(DatasetError::MissingKey {
            file: file.to_owned(),
            key: (*missing).to_owned(),
        });
    }
    let optional = |k: &'static str| is_dataset(k).then_some(k);
    let mut infos = BTreeMap::new();
    let mut metadata = BTreeMap::new();
    for ki in keys.iter().filter(|ki| ki.shape.is_some()) {
        if ki.path == "infos" {
            infos.insert(ki.path.clone(), h5.read_f32(&ki.path)?);
        } else if let Some(name) = ki.path.strip_prefix("infos/") {
            if is_numeric(&ki.dtype) {
                infos.insert(name.to_owned(), h5.read_f32(&ki.path)?);
            } else {
                tracing::warn!("{file}: skipping `{}` of dtype {}", ki.path, ki.dtype);
            }
        } else if let Some(name) = ki.path.strip_prefix("metadata/")
            && let Some(value) = h5.read_meta(&ki.path)?
        {
            metadata.insert(name.to_owned(), value);
        }
    }
    Ok(OfflineDataset {
        observations: into_2d(file, "observations", h5.read_f32("observations")?)?,
        actions: into_2d(file, "actions", h5.read_f32("actions")?)?,
        rewards: into_1d(file, "rewards", h5.read_f32("rewards")?)?,
        terminals: into_1d(file, "terminals", h5.read_flags("terminals")?)?,
        timeouts: optional("timeouts")
            .map(|k| into_1d(file, k, h5.read_flags(k)?))
            .transpose()?,
        next_observations: optional("next_observations")
            .map(|k| into_2d(file, k, h5.read_f32(k)?))
            .transpose()?,
        infos,
        metadata,
        source: None,
    })
}

/// Whether a [`KeyInfo::dtype`] names a numeric or boolean type.
fn is_numeric(dtype: &str) -> bool {
    ["float", "int", "uint", "bool"]
        .iter()
        .any(|p| dtype.starts_with(p))
}

/// Writes `data` in the D4RL v2 layout: float32 columns, h5py-compatible bools, gzip,
/// `infos/<key>` and `metadata/<key>` (strings as variable-length UTF-8 scalars).
pub fn write(path: &Path, data: &OfflineDataset) -> Result<(), DatasetError> {
    data.validate()?;
    let h5 = H5::create(path)?;
    h5.write("observations", data.observations.view(), true)?;
    h5.write("actions", data.actions.view(), true)?;
    h5.write("rewards", data.rewards.view(), true)?;
    h5.write("terminals", data.terminals.view(), true)?;
    if let Some(timeouts) = &data.timeouts {
        h5.write("timeouts", timeouts.view(), true)?;
    }
    if let Some(next) = &data.next_observations {
        h5.write("next_observations", next.view(), true)?;
    }
    for (key, info) in &data.infos {
        h5.write(&format!("infos/{key}"), info.view(), true)?;
    }
    for (key, value) in &data.metadata {
        h5.write_meta(&format!("metadata/{key}"), value)?;
    }
    Ok(())
}
