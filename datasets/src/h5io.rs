//! Thin layer over `hdf5-metno`: opening with clear errors, walking keys, dtype-tolerant
//! column reads and the writes shared by the D4RL and Minari formats.

use std::io::Read;
use std::path::Path;

use hdf5::types::{FixedAscii, FixedUnicode, TypeDescriptor, VarLenAscii, VarLenUnicode};
use hdf5::{Dataset, H5Type, Location, LocationType};
use ndarray::{Array1, Array2, ArrayD, ArrayView, Dimension, Ix1, Ix2};

use crate::dataset::MetaValue;
use crate::error::{DatasetError, label};

/// The 8-byte HDF5 signature.
const SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";
/// Longest fixed-length string read from metadata (longer ones are truncated by HDF5).
const MAX_FIXED_STR: usize = 4096;

/// One object found while walking a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// Path from the root, without a leading `/` (e.g. `infos/qpos`).
    pub path: String,
    /// Dataset shape; `None` for a group.
    pub shape: Option<Vec<usize>>,
    /// Human-readable dtype (`float32`, `bool`, `string (len 3)`, `group`, ...).
    pub dtype: String,
}

/// An open HDF5 file plus the name used in error messages.
pub(crate) struct H5 {
    pub file: hdf5::File,
    pub label: String,
}

/// Whether `path` carries the HDF5 signature (at 0, or after a user block of 512·2^k bytes).
fn has_signature(path: &Path) -> Result<bool, DatasetError> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(1 << 20).read_to_end(&mut bytes))
        .map_err(|e| DatasetError::io(path, e))?;
    let offsets =
        std::iter::once(0).chain(std::iter::successors(Some(512usize), |o| o.checked_mul(2)));
    Ok(offsets
        .take_while(|&o| o + SIGNATURE.len() <= bytes.len())
        .any(|o| &bytes[o..o + SIGNATURE.len()] == SIGNATURE))
}

impl H5 {
    /// Opens `path` read-only: missing file, non-HDF5 content and truncation get their own errors.
    pub fn open(path: &Path) -> Result<Self, DatasetError> {
        let name = label(path);
        if path.is_dir() {
            return Err(DatasetError::invalid(
                &name,
                "is a directory, expected an HDF5 file",
            ));
        }
        if !has_signature(path)? {
            return Err(DatasetError::NotHdf5 { file: name });
        }
        let file = hdf5::File::open(path).map_err(|e| DatasetError::Corrupt {
            file: name.clone(),
            detail: e.to_string(),
        })?;
        Ok(Self { file, label: name })
    }

    /// Creates (truncates) `path` for writing.
    pub fn create(path: &Path) -> Result<Self, DatasetError> {
        let name = label(path);
        let file = hdf5::File::create(path)
            .map_err(|e| DatasetError::invalid(&name, format!("cannot create HDF5 file: {e}")))?;
        Ok(Self { file, label: name })
    }

    /// Maps an HDF5 library error on `key` to a [`DatasetError`].
    pub fn err<'a>(&'a self, key: &'a str) -> impl Fn(hdf5::Error) -> DatasetError + 'a {
        move |e| {
            DatasetError::key(
                &self.label,
                key,
                format!("HDF5 error (file truncated or corrupt?): {e}"),
            )
        }
    }

    /// Every group and dataset below `prefix` ("" for the whole file), depth first, sorted by name.
    pub fn walk(&self, prefix: &str) -> Result<Vec<KeyInfo>, DatasetError> {
        let mut out = Vec::new();
        let group = if prefix.is_empty() {
            self.file.as_group()
        } else {
            self.file.group(prefix)
        };
        self.walk_group(&group.map_err(self.err(prefix))?, prefix, &mut out)?;
        Ok(out)
    }

    fn walk_group(
        &self,
        group: &hdf5::Group,
        prefix: &str,
        out: &mut Vec<KeyInfo>,
    ) -> Result<(), DatasetError> {
        let mut names = group.member_names().map_err(self.err(prefix))?;
        names.sort();
        for name in names {
            let path = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}/{name}")
            };
            match (group as &Location).loc_type_by_name(&name) {
                Ok(LocationType::Group) => {
                    out.push(KeyInfo {
                        path: path.clone(),
                        shape: None,
                        dtype: "group".into(),
                    });
                    let child = group.group(&name).map_err(self.err(&path))?;
                    self.walk_group(&child, &path, out)?;
                }
                Ok(LocationType::Dataset) => {
                    let ds = group.dataset(&name).map_err(self.err(&path))?;
                    let dtype = describe(&ds).map_or_else(|| "unknown".into(), |d| d.to_string());
                    out.push(KeyInfo {
                        path,
                        shape: Some(ds.shape()),
                        dtype,
                    });
                }
                Ok(other) => out.push(KeyInfo {
                    path,
                    shape: None,
                    dtype: format!("{other:?}"),
                }),
                Err(e) => tracing::warn!("{}: skipping `{path}`: {e}", self.label),
            }
        }
        Ok(())
    }

    fn dataset(&self, key: &str) -> Result<Dataset, DatasetError> {
        self.file.dataset(key).map_err(self.err(key))
    }

    fn descriptor(&self, ds: &Dataset, key: &str) -> Result<TypeDescriptor, DatasetError> {
        describe(ds)
            .ok_or_else(|| DatasetError::key(&self.label, key, "cannot determine its dtype"))
    }

    /// Reads a numeric or boolean dataset as `f32` in one call (float64/int columns are cast).
    pub fn read_f32(&self, key: &str) -> Result<ArrayD<f32>, DatasetError> {
        let ds = self.dataset(key)?;
        match self.descriptor(&ds, key)? {
            TypeDescriptor::Float(_) | TypeDescriptor::Integer(_) | TypeDescriptor::Unsigned(_) => {
                ds.read_dyn::<f32>().map_err(self.err(key))
            }
            TypeDescriptor::Boolean => Ok(ds
                .read_dyn::<bool>()
                .map_err(self.err(key))?
                .mapv(f32::from)),
            other => Err(DatasetError::key(
                &self.label,
                key,
                format!("dtype {other} is not numeric"),
            )),
        }
    }

    /// Reads a flag column: HDF5 bool (h5py's int8 enum), any integer, or float (nonzero = true).
    pub fn read_flags(&self, key: &str) -> Result<ArrayD<bool>, DatasetError> {
        let ds = self.dataset(key)?;
        match self.descriptor(&ds, key)? {
            TypeDescriptor::Boolean => ds.read_dyn::<bool>().map_err(self.err(key)),
            TypeDescriptor::Float(_) | TypeDescriptor::Integer(_) | TypeDescriptor::Unsigned(_) => {
                Ok(ds
                    .read_dyn::<f64>()
                    .map_err(self.err(key))?
                    .mapv(|v| v != 0.0))
            }
            other => Err(DatasetError::key(
                &self.label,
                key,
                format!("dtype {other} cannot hold flags"),
            )),
        }
    }

    /// Reads one metadata dataset; `None` (with a warning) for types a [`MetaValue`] cannot hold.
    pub fn read_meta(&self, key: &str) -> Result<Option<MetaValue>, DatasetError> {
        let ds = self.dataset(key)?;
        let desc = self.descriptor(&ds, key)?;
        let err = self.err(key);
        let value = match (&desc, ds.ndim()) {
            (TypeDescriptor::Integer(_) | TypeDescriptor::Unsigned(_), 0) => {
                MetaValue::Int(ds.read_scalar::<i64>().map_err(err)?)
            }
            (TypeDescriptor::Boolean, 0) => {
                MetaValue::Int(i64::from(ds.read_scalar::<bool>().map_err(err)?))
            }
            (TypeDescriptor::Float(_), 0) => {
                MetaValue::Float(ds.read_scalar::<f64>().map_err(err)?)
            }
            (TypeDescriptor::FixedAscii(_), 0) => MetaValue::Str(
                ds.read_scalar::<FixedAscii<MAX_FIXED_STR>>()
                    .map_err(err)?
                    .as_str()
                    .to_owned(),
            ),
            (TypeDescriptor::FixedUnicode(_), 0) => MetaValue::Str(
                ds.read_scalar::<FixedUnicode<MAX_FIXED_STR>>()
                    .map_err(err)?
                    .as_str()
                    .to_owned(),
            ),
            (TypeDescriptor::VarLenAscii, 0) => MetaValue::Str(
                ds.read_scalar::<VarLenAscii>()
                    .map_err(err)?
                    .as_str()
                    .to_owned(),
            ),
            (TypeDescriptor::VarLenUnicode, 0) => MetaValue::Str(
                ds.read_scalar::<VarLenUnicode>()
                    .map_err(err)?
                    .as_str()
                    .to_owned(),
            ),
            (
                TypeDescriptor::Float(_)
                | TypeDescriptor::Integer(_)
                | TypeDescriptor::Unsigned(_)
                | TypeDescriptor::Boolean,
                _,
            ) => MetaValue::Array(self.read_f32(key)?),
            _ => {
                tracing::warn!(
                    "{}: key `{key}`: skipping metadata of dtype {desc} (rank {})",
                    self.label,
                    ds.ndim()
                );
                return Ok(None);
            }
        };
        Ok(Some(value))
    }

    /// Writes `data` at `key` (intermediate groups are created), gzip-compressed if asked and non-empty.
    pub fn write<T: H5Type, D: Dimension>(
        &self,
        key: &str,
        data: ArrayView<T, D>,
        gzip: bool,
    ) -> Result<(), DatasetError> {
        let builder = self.file.new_dataset_builder();
        let builder = if gzip && !data.is_empty() {
            builder.deflate(4)
        } else {
            builder
        };
        builder
            .with_data(data)
            .create(key)
            .map(drop)
            .map_err(self.err(key))
    }

    /// Writes one metadata value as a scalar (strings as variable-length UTF-8) or an array.
    pub fn write_meta(&self, key: &str, value: &MetaValue) -> Result<(), DatasetError> {
        let err = self.err(key);
        let scalar = |ds: hdf5::Result<Dataset>| ds.map_err(&err);
        match value {
            MetaValue::Str(s) => {
                let v: VarLenUnicode = s
                    .parse()
                    .map_err(|e| DatasetError::key(&self.label, key, format!("{e}")))?;
                scalar(self.file.new_dataset::<VarLenUnicode>().create(key))?.write_scalar(&v)
            }
            MetaValue::Int(v) => {
                scalar(self.file.new_dataset::<i64>().create(key))?.write_scalar(v)
            }
            MetaValue::Float(v) => {
                scalar(self.file.new_dataset::<f64>().create(key))?.write_scalar(v)
            }
            MetaValue::Array(a) => return self.write(key, a.view(), false),
        }
        .map_err(&err)
    }
}

/// The dtype of a dataset, if the library can describe it.
fn describe(ds: &Dataset) -> Option<TypeDescriptor> {
    ds.dtype().ok()?.to_descriptor().ok()
}

/// `array` as rank 2, or a rank error naming `key`.
pub(crate) fn into_2d<T>(
    file: &str,
    key: &str,
    array: ArrayD<T>,
) -> Result<Array2<T>, DatasetError> {
    let rank = array.ndim();
    array
        .into_dimensionality::<Ix2>()
        .map_err(|_| DatasetError::key(file, key, format!("expected rank 2, found rank {rank}")))
}

/// `array` as rank 1, squeezing an (N, 1) column, or a rank error naming `key`.
pub(crate) fn into_1d<T>(
    file: &str,
    key: &str,
    array: ArrayD<T>,
) -> Result<Array1<T>, DatasetError> {
    let shape = array.shape().to_vec();
    let flat = match shape.as_slice() {
        [_] => array.into_dimensionality::<Ix1>().ok(),
        [n, 1] => array.into_shape_with_order(*n).ok(),
        _ => None,
    };
    flat.ok_or_else(|| {
        DatasetError::key(
            file,
            key,
            format!("expected rank 1 or shape (N, 1), found shape {shape:?}"),
        )
    })
}
