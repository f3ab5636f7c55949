//! `--shard K/N`: a deterministic slice of the grid, so a scheduler's array job (Slurm's
//! `$SLURM_ARRAY_TASK_ID`, a Kubernetes Indexed Job's `$JOB_COMPLETION_INDEX`, both 0-based)
//! fans the grid out over machines that share one output directory.

use std::fmt;
use std::str::FromStr;

/// Slice `index` of `count`: the cells whose position in the grid's dataset-major order is
/// `index` modulo `count` (round robin, so every shard gets a share of each dataset); a cell
/// that wraps another method's run (`iql+cdsa`) goes with its base's cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard, in `0..count`.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl Shard {
    /// The whole grid.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Whether the cell at `position` of the grid belongs to this shard.
    pub fn holds(&self, position: usize) -> bool {
        position % self.count == self.index
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let problem = || format!("--shard {s:?}: expected K/N with 0 <= K < N (K is 0-based)");
        let (k, n) = s.split_once('/').ok_or_else(problem)?;
        let index = k.trim().parse::<usize>().map_err(|_| problem())?;
        let count = n.trim().parse::<usize>().map_err(|_| problem())?;
        if count == 0 || index >= count {
            return Err(problem());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_grid() {
        let shards: Vec<Shard> = ["0/3", "1/3", "2/3"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        for position in 0..10 {
            assert_eq!(shards.iter().filter(|s| s.holds(position)).count(), 1);
        }
        assert!(Shard::ALL.holds(7));
        assert_eq!(shards[1].to_string(), "1/3");
    }

    #[test]
    fn bad_shards_are_refused_in_one_line() {
        for bad in ["3/3", "1/0", "1", "a/2", "-1/2"] {
            let err = bad.parse::<Shard>().unwrap_err();
            assert!(err.contains("0 <= K < N"), "{bad}: {err}");
        }
    }
}
