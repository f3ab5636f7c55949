//! Expert demonstrations: the first N complete episodes of a D4RL-layout file, checked against
//! the environment, and the discriminator's expert set cut from them by GAIL's subsampling
//! (every 20th transition from a random offset per episode, drawn once, B.7 / B.14.10).

use crate::agent::ActionBounds;
use ember_datasets::OfflineDataset;
use rand::Rng;
use std::path::Path;

/// The first `demos` complete episodes (ending with a terminal or time-out flag) of the file at
/// `path`, whose observations must be `obs_dim` wide and actions `act_dim` wide (those of
/// environment `env`); each problem is one line naming the file.
pub fn load_demos(
    path: &Path,
    demos: usize,
    obs_dim: usize,
    act_dim: usize,
    env: &str,
) -> Result<OfflineDataset, String> {
    if demos == 0 {
        return Err("--demos 0: give at least one expert episode (N >= 1)".into());
    }
    let data = ember_datasets::load(path).map_err(|e| e.to_string())?;
    let file = path.display();
    if data.is_empty() {
        return Err(format!("{file}: holds no transitions to imitate"));
    }
    if data.obs_dim() != obs_dim || data.act_dim() != act_dim {
        return Err(format!(
            "{file}: observations {}-d and actions {}-d do not fit {env} ({obs_dim}-d, {act_dim}-d)",
            data.obs_dim(),
            data.act_dim()
        ));
    }
    let complete: Vec<_> = data
        .episodes()
        .into_iter()
        .filter(|r| data.is_episode_end(r.end - 1))
        .collect();
    let Some(last) = complete.get(demos - 1) else {
        return Err(format!(
            "{file}: holds {} complete episodes, --demos asks for {demos}",
            complete.len()
        ));
    };
    Ok(data.head(last.end))
}

/// The discriminator's expert rows, (state, action) with actions in [-1, 1], flattened.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpertSet {
    /// States `[len, state_dim]` (with the absorbing indicator when used).
    pub states: Vec<f32>,
    /// Actions `[len, action_dim]` (with the absorbing indicator when used).
    pub actions: Vec<f32>,
    /// Rows.
    pub len: usize,
}

impl ExpertSet {
    /// Every `subsample`-th transition of each episode of `demos`, from a random offset per
    /// episode; with `absorbing`, indicators are appended and an episode that terminated (not
    /// timed out) on a kept row adds the absorbing pair (what the official code does).
    pub fn new<R: Rng + ?Sized>(
        demos: &OfflineDataset,
        subsample: usize,
        bounds: &ActionBounds,
        absorbing: bool,
        rng: &mut R,
    ) -> Self {
        let mut set = Self {
            states: Vec::new(),
            actions: Vec::new(),
            len: 0,
        };
        let (obs_dim, act_dim) = (demos.obs_dim(), demos.act_dim());
        for episode in demos.episodes() {
            let offset = rng.random_range(0..subsample.min(episode.len()).max(1));
            for i in (episode.start + offset..episode.end).step_by(subsample) {
                let mut action = demos.actions.row(i).to_vec();
                bounds.to_unit(&mut action);
                action.iter_mut().for_each(|a| *a = a.clamp(-1.0, 1.0));
                set.states.extend(demos.observations.row(i).iter());
                set.actions.extend(action);
                if absorbing {
                    set.states.push(0.0);
                    set.actions.push(0.0);
                }
                set.len += 1;
                if absorbing && i + 1 == episode.end && demos.terminals[i] {
                    set.states.extend(std::iter::repeat_n(0.0, obs_dim));
                    set.states.push(1.0);
                    set.actions.extend(std::iter::repeat_n(0.0, act_dim));
                    set.actions.push(1.0);
                    set.len += 1;
                }
            }
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ember_datasets::d4rl;
    use ndarray::{Array1, Array2};
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    /// Three episodes of 45 rows (the second terminal, the others timed out) of 2-d
    /// observations equal to the row index and 1-d actions in [-2, 2].
    fn dataset() -> OfflineDataset {
        let n = 135;
        let obs = Array2::from_shape_fn((n, 2), |(i, _)| i as f32);
        let act = Array2::from_shape_fn((n, 1), |(i, _)| if i % 2 == 0 { 2.0 } else { -1.0 });
        let terminals = Array1::from_shape_fn(n, |i| i == 89);
        let mut data = OfflineDataset::new(obs, act, Array1::zeros(n), terminals).unwrap();
        data.timeouts = Some(Array1::from_shape_fn(n, |i| i == 44 || i == 134));
        data
    }

    #[test]
    fn subsamples_every_twentieth_row_per_episode() {
        let data = dataset();
        let bounds = ActionBounds {
            low: vec![-2.0],
            high: vec![2.0],
        };
        let set = ExpertSet::new(&data, 20, &bounds, false, &mut StdRng::seed_from_u64(0));
        // 45 rows per episode: 2 or 3 kept each, consecutive kept rows 20 apart.
        assert!((6..=9).contains(&set.len), "{}", set.len);
        let rows: Vec<f32> = set.states.chunks(2).map(|s| s[0]).collect();
        for pair in rows.windows(2) {
            let gap = pair[1] - pair[0];
            assert!(
                gap == 20.0 || (pair[1] as usize / 45 != pair[0] as usize / 45),
                "{rows:?}"
            );
        }
        assert!(set.actions.iter().all(|a| *a == 1.0 || *a == -0.5));
        // Keeping every row of the terminal episode adds the absorbing pair after its end.
        let set = ExpertSet::new(&data, 1, &bounds, true, &mut StdRng::seed_from_u64(0));
        assert_eq!(set.len, 136);
        assert_eq!(&set.states[90 * 3..91 * 3], &[0.0, 0.0, 1.0]);
        assert_eq!(&set.actions[90 * 2..91 * 2], &[0.0, 1.0]);
    }

    /// `--demos 0`, too few episodes, a file whose shapes do not fit and an empty file are
    /// one-line errors naming the file.
    #[test]
    fn bad_demos_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("expert.hdf5");
        d4rl::write(&path, &dataset()).unwrap();
        let demos = load_demos(&path, 2, 2, 1, "test").unwrap();
        assert_eq!(demos.len(), 90);
        for (demos, obs, act, needle) in [
            (0, 2, 1, "--demos 0"),
            (4, 2, 1, "holds 3 complete episodes"),
            (1, 3, 1, "do not fit"),
        ] {
            let err = load_demos(&path, demos, obs, act, "test").unwrap_err();
            assert!(err.contains(needle) && !err.contains('\n'), "{err}");
        }
        let empty = dir.path().join("empty.hdf5");
        let nothing = OfflineDataset::new(
            Array2::zeros((0, 2)),
            Array2::zeros((0, 1)),
            Array1::zeros(0),
            Array1::from_elem(0, false),
        );
        match nothing {
            Ok(nothing) => {
                d4rl::write(&empty, &nothing).unwrap();
                let err = load_demos(&empty, 1, 2, 1, "test").unwrap_err();
                assert!(err.contains("empty.hdf5") && !err.contains('\n'), "{err}");
            }
            Err(e) => assert!(!e.to_string().contains('\n')),
        }
    }
}
