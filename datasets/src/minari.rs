//! Minari's layout (`data/main_data.hdf5` with `episode_<k>` groups + `metadata.json`),
//! converted to and from the D4RL table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2, ArrayD, Axis, concatenate, s};

use crate::builder::d4rl_flags;
use crate::dataset::{MetaValue, OfflineDataset};
use crate::error::{DatasetError, label};
use crate::h5io::{H5, into_1d, into_2d};

/// The HDF5 file inside a Minari dataset directory.
const DATA_FILE: &str = "data/main_data.hdf5";

/// One episode: T steps, T+1 observations.
struct Episode {
    observations: Array2<f32>,
    actions: Array2<f32>,
    rewards: Array1<f32>,
    terminals: Array1<bool>,
    timeouts: Array1<bool>,
    infos: BTreeMap<String, ArrayD<f32>>,
}

/// Reads a Minari dataset (the directory holding `data/main_data.hdf5` and `metadata.json`,
/// or the HDF5 file itself) into a D4RL table: `terminals = terminated && !truncated`,
/// `timeouts = truncated`, and each episode's last step is a timeout unless it is terminal.
/// Observations 0..T become `observations`, 1..=T `next_observations`; `metadata.json`
/// fields become metadata (objects and lists as JSON text).
pub fn read(path: &Path) -> Result<OfflineDataset, DatasetError> {
    let data = read_unvalidated(path)?;
    data.validate()?;
    Ok(data)
}

/// [`read`] without the final [`OfflineDataset::validate`].
pub(crate) fn read_unvalidated(path: &Path) -> Result<OfflineDataset, DatasetError> {
    let (data_file, meta_file) = locate(path)?;
    let h5 = H5::open(&data_file)?;
    let mut ids: Vec<(u64, String)> = h5
        .file
        .member_names()
        .map_err(h5.err(""))?
        .into_iter()
        .filter_map(|name| Some((name.strip_prefix("episode_")?.parse().ok()?, name)))
        .collect();
    ids.sort();
    if ids.is_empty() {
        return Err(DatasetError::invalid(
            &h5.label,
            "no `episode_<k>` groups: not a Minari data file",
        ));
    }
    let episodes = ids
        .iter()
        .map(|(_, name)| read_episode(&h5, name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut data = join(&h5.label, episodes)?;
    if let Some(meta_file) = meta_file {
        data.metadata = read_metadata(&meta_file)?;
    }
    data.source = Some(path.to_path_buf());
    Ok(data)
}

/// The data file and (if present) `metadata.json` of a Minari dataset directory or data file.
pub(crate) fn locate(path: &Path) -> Result<(PathBuf, Option<PathBuf>), DatasetError> {
    let (data_file, candidates) = if path.is_dir() {
        (path.join(DATA_FILE), vec![path.join("metadata.json")])
    } else {
        let parent = path.parent().unwrap_or(Path::new("."));
        (
            path.to_path_buf(),
            vec![
                parent.join("metadata.json"),
                parent.join("../metadata.json"),
            ],
        )
    };
    if !data_file.exists() {
        return Err(DatasetError::NotFound {
            file: label(&data_file),
        });
    }
    Ok((data_file, candidates.into_iter().find(|p| p.is_file())))
}

/// Reads `observations` or `actions` of an episode: rank 2, or rank 1 as one column.
fn read_table(h5: &H5, key: &str) -> Result<Array2<f32>, DatasetError> {
    let array = h5.read_f32(key)?;
    if array.ndim() == 1 {
        let n = array.len();
        return into_2d(
            &h5.label,
            key,
            array
                .into_shape_with_order(vec![n, 1])
                .map_err(h5_shape(h5, key))?,
        );
    }
    into_2d(&h5.label, key, array)
}

fn h5_shape<'a>(h5: &'a H5, key: &'a str) -> impl Fn(ndarray::ShapeError) -> DatasetError + 'a {
    move |e| DatasetError::key(&h5.label, key, e.to_string())
}

fn read_episode(h5: &H5, name: &str) -> Result<Episode, DatasetError> {
    let file = h5.label.as_str();
    let keys = h5.walk(name)?;
    let key = |k: &str| format!("{name}/{k}");
    for k in [
        "observations",
        "actions",
        "rewards",
        "terminations",
        "truncations",
    ] {
        match keys.iter().find(|ki| ki.path == key(k)) {
            None => {
                return Err(DatasetError::MissingKey {
                    file: file.into(),
                    key: key(k),
                });
            }
            Some(ki) if ki.shape.is_none() => {
                return Err(DatasetError::key(
                    file,
                    &key(k),
                    "is a group (Dict/Tuple space): not supported",
                ));
            }
            Some(_) => {}
        }
    }
    let observations = read_table(h5, &key("observations"))?;
    let actions = read_table(h5, &key("actions"))?;
    let rewards = into_1d(file, &key("rewards"), h5.read_f32(&key("rewards"))?)?;
    let terminations = into_1d(
        file,
        &key("terminations"),
        h5.read_flags(&key("terminations"))?,
    )?;
    let truncations = into_1d(
        file,
        &key("truncations"),
        h5.read_flags(&key("truncations"))?,
    )?;
    let steps = actions.nrows();
    if observations.nrows() != steps + 1 {
        return Err(DatasetError::key(
            file,
            &key("observations"),
            format!(
                "{} rows, expected {} (one more than `actions`)",
                observations.nrows(),
                steps + 1
            ),
        ));
    }
    for (k, len) in [
        ("rewards", rewards.len()),
        ("terminations", terminations.len()),
        ("truncations", truncations.len()),
    ] {
        if len != steps {
            return Err(DatasetError::key(
                file,
                &key(k),
                format!("length {len} does not match `actions` ({steps} rows)"),
            ));
        }
    }
    let (terminals, mut timeouts): (Vec<bool>, Vec<bool>) = terminations
        .iter()
        .zip(&truncations)
        .map(|(&te, &tr)| d4rl_flags(te, tr))
        .unzip();
    if let Some(last) = steps.checked_sub(1)
        && !terminals[last]
    {
        timeouts[last] = true;
    }
    let info_prefix = key("infos/");
    let mut infos = BTreeMap::new();
    for ki in keys.iter().filter(|ki| ki.shape.is_some()) {
        let Some(info) = ki.path.strip_prefix(&info_prefix) else {
            continue;
        };
        let array = match h5.read_f32(&ki.path) {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!("skipping info: {e}");
                continue;
            }
        };
        // Minari records the reset info too (T+1 rows): row t+1 belongs to step t.
        let rows = array.shape().first().copied().unwrap_or(0);
        if rows == steps + 1 {
            infos.insert(
                info.to_owned(),
                array.slice_axis(Axis(0), (1..).into()).to_owned(),
            );
        } else if rows == steps {
            infos.insert(info.to_owned(), array);
        } else {
            tracing::warn!(
                "{file}: skipping `{}`: {rows} rows for {steps} steps",
                ki.path
            );
        }
    }
    Ok(Episode {
        observations,
        actions,
        rewards,
        terminals: Array1::from(terminals),
        timeouts: Array1::from(timeouts),
        infos,
    })
}

/// Concatenates episodes into one table; info keys missing from some episode are dropped.
fn join(file: &str, episodes: Vec<Episode>) -> Result<OfflineDataset, DatasetError> {
    let cat2 = |key: &str, parts: Vec<ndarray::ArrayView2<f32>>| {
        concatenate(Axis(0), &parts)
            .map_err(|e| DatasetError::key(file, key, format!("episodes disagree in width: {e}")))
    };
    let observations = cat2(
        "observations",
        episodes
            .iter()
            .map(|e| e.observations.slice(s![..-1, ..]))
            .collect(),
    )?;
    let next_observations = cat2(
        "observations",
        episodes
            .iter()
            .map(|e| e.observations.slice(s![1.., ..]))
            .collect(),
    )?;
    let actions = cat2(
        "actions",
        episodes.iter().map(|e| e.actions.view()).collect(),
    )?;
    let cat1 = |get: fn(&Episode) -> &Array1<bool>| {
        episodes
            .iter()
            .flat_map(|e| get(e).iter().copied())
            .collect::<Array1<bool>>()
    };
    let terminals = cat1(|e| &e.terminals);
    let timeouts = cat1(|e| &e.timeouts);
    let rewards: Array1<f32> = episodes
        .iter()
        .flat_map(|e| e.rewards.iter().copied())
        .collect();
    let mut infos = BTreeMap::new();
    if let Some(first) = episodes.first() {
        for key in first.infos.keys() {
            let parts: Option<Vec<_>> = episodes
                .iter()
                .map(|e| e.infos.get(key).map(|a| a.view()))
                .collect();
            match parts.map(|p| concatenate(Axis(0), &p)) {
                Some(Ok(joined)) => {
                    infos.insert(key.clone(), joined);
                }
                _ => tracing::warn!(
                    "{file}: dropping info `{key}`: absent or differently shaped in some episode"
                ),
            }
        }
    }
    Ok(OfflineDataset {
        observations,
        actions,
        rewards,
        terminals,
        timeouts: Some(timeouts),
        next_observations: Some(next_observations),
        infos,
        metadata: BTreeMap::new(),
        source: None,
    })
}

/// Reads `metadata.json` into metadata values.
fn read_metadata(path: &Path) -> Result<BTreeMap<String, MetaValue>, DatasetError> {
    let text = std::fs::read_to_string(path).map_err(|e| DatasetError::io(path, e))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| DatasetError::invalid(&label(path), format!("invalid JSON: {e}")))?;
    let serde_json::Value::Object(fields) = json else {
        return Err(DatasetError::invalid(
            &label(path),
            "expected a JSON object",
        ));
    };
    Ok(fields
        .into_iter()
        .filter_map(|(k, v)| {
            let value = match v {
                serde_json::Value::Null => return None,
                serde_json::Value::String(s) => MetaValue::Str(s),
                serde_json::Value::Bool(b) => MetaValue::Int(i64::from(b)),
                serde_json::Value::Number(n) => n.as_i64().map_or_else(
                    || MetaValue::Float(n.as_f64().unwrap_or(f64::NAN)),
                    MetaValue::Int,
                ),
                other => MetaValue::Str(other.to_string()),
            };
            Some((k, value))
        })
        .collect())
}

/// Writes `data` as a Minari-layout directory: `dir/data/main_data.hdf5` with one
/// `episode_<k>` group per [`OfflineDataset::episodes`] entry and `dir/metadata.json` holding
/// the scalar metadata plus `total_episodes`, `total_steps` and `data_format`. Needs
/// `next_observations` (for each episode's final observation). Spaces and `env_spec` are not
/// written, so Python `minari` may not load the result; this crate's reader does.
pub fn write(dir: &Path, data: &OfflineDataset) -> Result<(), DatasetError> {
    data.validate()?;
    let Some(next) = &data.next_observations else {
        return Err(DatasetError::MissingKey {
            file: data.label(),
            key: "next_observations".into(),
        });
    };
    let data_path = dir.join(DATA_FILE);
    if let Some(parent) = data_path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| DatasetError::io(parent, e))?;
    }
    let h5 = H5::create(&data_path)?;
    let episodes = data.episodes();
    for (k, range) in episodes.iter().enumerate() {
        let g = format!("episode_{k}");
        let last = range.end - 1;
        let obs = concatenate(
            Axis(0),
            &[
                data.observations.slice(s![range.clone(), ..]),
                next.slice(s![last..=last, ..]),
            ],
        )
        .map_err(|e| DatasetError::key(&data.label(), "next_observations", e.to_string()))?;
        h5.write(&format!("{g}/observations"), obs.view(), true)?;
        h5.write(
            &format!("{g}/actions"),
            data.actions.slice(s![range.clone(), ..]),
            true,
        )?;
        h5.write(
            &format!("{g}/rewards"),
            data.rewards.slice(s![range.clone()]),
            true,
        )?;
        h5.write(
            &format!("{g}/terminations"),
            data.terminals.slice(s![range.clone()]),
            true,
        )?;
        let truncations = match &data.timeouts {
            Some(t) => t.slice(s![range.clone()]).to_owned(),
            None => Array1::from_elem(range.len(), false),
        };
        h5.write(&format!("{g}/truncations"), truncations.view(), true)?;
        for (key, info) in &data.infos {
            h5.write(
                &format!("{g}/infos/{key}"),
                info.slice_axis(Axis(0), range.clone().into()),
                true,
            )?;
        }
    }
    let mut meta = serde_json::Map::new();
    for (key, value) in &data.metadata {
        match value {
            MetaValue::Array(_) => {
                tracing::warn!("minari::write: metadata `{key}` is an array; not written")
            }
            other => {
                meta.insert(key.clone(), serde_json::to_value(other).unwrap_or_default());
            }
        }
    }
    meta.insert("total_episodes".into(), episodes.len().into());
    meta.insert("total_steps".into(), data.len().into());
    meta.insert("data_format".into(), "hdf5".into());
    let meta_path = dir.join("metadata.json");
    let text = serde_json::to_string_pretty(&meta).unwrap_or_default();
    std::fs::write(&meta_path, text).map_err(|e| DatasetError::io(&meta_path, e))
}
