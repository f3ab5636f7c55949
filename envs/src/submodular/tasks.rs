//! [`SubrlTask`]: the grid experiments of SubRL with the reference code's parameters
//! (`params/*/*.yaml`, `utils/environment.py` of `manish-pra/non-additive-RL` @ `ef8ea29`).
//!
//! | task | grid | H | objective |
//! | --- | --- | --- | --- |
//! | `coverage` | 30×30 | 80 | coverage, unit weights |
//! | `bimodal` | 30×30 | 40 | coverage, `w = sigmoid(u·v)`, `u, v = linspace(−1, 1)` of row and column |
//! | `gp` | 30×30 | 40 | coverage, a GP weight map (Matérn-5/2, ℓ = 1), 10 instances |
//! | `entropy` | 30×30 | 40 | GP log-det (5 noisy observations), 10 instances |
//! | `steiner` | 7×15 | 40 | items: 6 types in 18, 14, 13, 16, 18, 14 random cells, requirements 3, 2, 3, 4, 6, 3 |
//! | `two-rooms` | 7×14 | 40 | coverage, unit weights, walls between two rooms and a corridor |
//!
//! The modular (MRL) reward of every task is `F({s})` per visit ([`SetObjective::modular`]);
//! for `entropy` that is `½ ln(σ²(s) + 1e-6) + 9.965784`, where the reference code mixes in
//! `log2` (`½ log2(σ²(s) + 1e-6) + 9.965784`).
//!
//! Every task starts at cell 34 (the reference code's hard-coded start; configurable here) and
//! is normalised by `MAX_Ret` of its footprint (`2(H + 1)` for 2×2), as the reference code
//! normalises every task. Random instances come from the engine's RNG seeded by the task and
//! instance number, so instance `k` is the same on every machine (the reference code ships
//! pickled instances instead; Ember's are new draws of the same distributions).

use super::{
    Footprint, GpLogDet, GridEnv, GridWorld, ItemCoverage, MarginalGain, Matern52, SetObjective,
    WeightedCoverage, sample_gp_weights,
};
use crate::EnvError;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use std::path::Path;
use std::sync::Arc;

/// One of the SubRL grid experiments (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubrlTask {
    /// Unit-weight coverage, 30×30, H = 80.
    Coverage,
    /// Coverage of a two-corner weight map, 30×30, H = 40.
    Bimodal,
    /// Coverage of a GP-sampled weight map (informative path planning), 10 instances.
    Gp,
    /// Bayesian D-optimal experiment design (GP log-det), 10 instances.
    Entropy,
    /// Truncated item collection ("Steiner covering"), 7×15.
    Steiner,
    /// Unit-weight coverage of two rooms joined by a corridor, 7×14.
    TwoRooms,
}

/// Choices a run makes about a task; `None` takes the task's default.
#[derive(Clone, Debug)]
pub struct TaskOptions {
    /// Instance number of the randomly drawn tasks (`gp`, `entropy`: 0..10; others: 0).
    pub instance: usize,
    /// Horizon `H` (states per trajectory).
    pub horizon: Option<usize>,
    /// Start cell `(row, col)`; default cell 34 (the reference code's), or `(0, 0)` on grids
    /// smaller than 35 cells.
    pub start: Option<(usize, usize)>,
    /// Grid `(rows, cols)`, for the open-grid tasks (`coverage`, `bimodal`, `gp`, `entropy`).
    pub size: Option<(usize, usize)>,
    /// Coverage footprint.
    pub footprint: Footprint,
    /// A weight map replacing the task's (coverage tasks only), row-major, one per cell.
    pub weights: Option<Vec<f64>>,
}

impl Default for TaskOptions {
    fn default() -> Self {
        Self {
            instance: 0,
            horizon: None,
            start: None,
            size: None,
            footprint: Footprint::Small,
            weights: None,
        }
    }
}

/// A built task: the grid, where and how long trajectories run, the objective, the
/// normaliser and a per-cell map to draw.
#[derive(Clone)]
pub struct SubrlSetup {
    /// Which task.
    pub task: SubrlTask,
    /// Which instance of it.
    pub instance: usize,
    /// The grid.
    pub grid: Arc<GridWorld>,
    /// Start cell.
    pub start: usize,
    /// Horizon `H`.
    pub horizon: usize,
    /// The objective `F` over cells.
    pub objective: Arc<dyn SetObjective>,
    /// The normaliser `MAX_Ret`: normalised `F = F / MAX_Ret`.
    pub max_return: f64,
    /// A value per cell to draw under trajectories (weights, posterior variance, item type).
    pub map: Vec<f64>,
    /// What [`SubrlSetup::map`] shows.
    pub map_label: &'static str,
}

impl SubrlSetup {
    /// A fresh environment of the task: SubRL rewards ([`MarginalGain`]), modular ones with
    /// `modular`, the visited bitmap in the observation with `bitmap`.
    pub fn env(&self, modular: bool, bitmap: bool) -> Result<MarginalGain<GridEnv>, EnvError> {
        let env = GridEnv::new(
            self.task.name(),
            self.grid.clone(),
            self.start,
            self.horizon,
        )?;
        Ok(MarginalGain::new(
            env,
            self.objective.clone(),
            modular,
            bitmap,
        ))
    }
}

impl SubrlTask {
    /// Every task name, as [`SubrlTask::parse`] accepts them.
    pub const NAMES: [&'static str; 6] = [
        "coverage",
        "bimodal",
        "gp",
        "entropy",
        "steiner",
        "two-rooms",
    ];

    /// The task called `name` (case-insensitive).
    pub fn parse(name: &str) -> Result<Self, EnvError> {
        let all = [
            Self::Coverage,
            Self::Bimodal,
            Self::Gp,
            Self::Entropy,
            Self::Steiner,
            Self::TwoRooms,
        ];
        let wanted = name.trim().to_ascii_lowercase().replace('_', "-");
        all.into_iter()
            .find(|t| t.name() == wanted)
            .ok_or_else(|| EnvError::UnknownEnv {
                name: name.to_string(),
                known: Self::NAMES.iter().map(|s| s.to_string()).collect(),
            })
    }

    /// The task's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Coverage => "coverage",
            Self::Bimodal => "bimodal",
            Self::Gp => "gp",
            Self::Entropy => "entropy",
            Self::Steiner => "steiner",
            Self::TwoRooms => "two-rooms",
        }
    }

    /// Number of instances (`gp` and `entropy`: 10; the others have one).
    pub fn instances(self) -> usize {
        match self {
            Self::Gp | Self::Entropy => 10,
            _ => 1,
        }
    }

    /// The reference code's horizon.
    pub fn default_horizon(self) -> usize {
        match self {
            Self::Coverage => 80,
            _ => 40,
        }
    }

    /// The reference code's grid `(rows, cols)`.
    pub fn default_size(self) -> (usize, usize) {
        match self {
            Self::Steiner => (7, 15),
            Self::TwoRooms => (7, 14),
            _ => (30, 30),
        }
    }

    fn uses_weights(self) -> bool {
        matches!(
            self,
            Self::Coverage | Self::Bimodal | Self::Gp | Self::TwoRooms
        )
    }

    /// Builds instance `options.instance` of the task.
    pub fn build(self, options: &TaskOptions) -> Result<SubrlSetup, EnvError> {
        let invalid = |m: String| Err(EnvError::InvalidArgument(m));
        if options.instance >= self.instances() {
            return invalid(format!(
                "instance {} is out of range: {} has {} instance(s) (0..={})",
                options.instance,
                self.name(),
                self.instances(),
                self.instances() - 1
            ));
        }
        if options.weights.is_some() && !self.uses_weights() {
            return invalid(format!(
                "a weight map applies to the coverage tasks (coverage, bimodal, gp, two-rooms), \
                 not to {}",
                self.name()
            ));
        }
        let fixed_layout = matches!(self, Self::Steiner | Self::TwoRooms);
        if fixed_layout && options.size.is_some_and(|s| s != self.default_size()) {
            return invalid(format!(
                "{} has a fixed {}x{} layout; --size does not apply",
                self.name(),
                self.default_size().0,
                self.default_size().1
            ));
        }
        let (rows, cols) = options.size.unwrap_or(self.default_size());
        let mut grid = GridWorld::new(rows, cols)?;
        if self == Self::TwoRooms {
            let walls = [0, 1, 4, 5, 6]
                .into_iter()
                .flat_map(|r| (4..=9).map(move |c| (r, c)));
            grid = grid.with_walls(walls)?;
        }
        let horizon = options.horizon.unwrap_or(self.default_horizon());
        let start = match options.start {
            Some((r, c)) => grid.checked_cell(r, c)?,
            None if grid.n_cells() > 34 => 34,
            None => 0,
        };
        // Instance k of a task is the same draw everywhere.
        let mut rng =
            StdRng::seed_from_u64(0x5B_2024 ^ ((self as u64) << 32) ^ options.instance as u64);
        let n = grid.n_cells();
        let points: Vec<[f64; 2]> = (0..n).map(|i| grid.coordinates(i)).collect();
        let kernel = Matern52 {
            lengthscale: 1.0,
            variance: 1.0,
        };
        let (objective, map, map_label): (Arc<dyn SetObjective>, Vec<f64>, &'static str) =
            match self {
                Self::Entropy => {
                    let observed: Vec<[f64; 2]> = (0..5)
                        .map(|_| {
                            use rand::Rng;
                            [rng.random_range(0.0..10.0), rng.random_range(0.0..10.0)]
                        })
                        .collect();
                    // The reference code's F: ½ logdet(K_AA + 1e-6 I) + log2(1000)·|A|.
                    let f = GpLogDet::new(points, kernel, &observed, 1e-3, 1e-6, 9.965784)?;
                    let map = f.variances();
                    (Arc::new(f), map, "posterior variance")
                }
                Self::Steiner => {
                    let sizes = [18, 14, 13, 16, 18, 14];
                    let mut cells: Vec<usize> = (0..n).collect();
                    cells.shuffle(&mut rng);
                    let mut group = vec![None; n];
                    let mut next = cells.into_iter();
                    for (k, &size) in sizes.iter().enumerate() {
                        for cell in next.by_ref().take(size) {
                            group[cell] = Some(k);
                        }
                    }
                    let map = group
                        .iter()
                        .map(|g| g.map_or(0.0, |k| k as f64 + 1.0))
                        .collect();
                    let f = ItemCoverage::new(group, vec![3, 2, 3, 4, 6, 3])?;
                    (Arc::new(f), map, "item type (0: none)")
                }
                _ => {
                    let weights = match (&options.weights, self) {
                        (Some(w), _) => w.clone(),
                        (None, Self::Bimodal) => {
                            let lin = |i: usize, m: usize| {
                                if m > 1 {
                                    -1.0 + 2.0 * i as f64 / (m - 1) as f64
                                } else {
                                    0.0
                                }
                            };
                            (0..n)
                                .map(|i| {
                                    let (r, c) = grid.row_col(i);
                                    1.0 / (1.0 + (-(lin(r, rows) * lin(c, cols))).exp())
                                })
                                .collect()
                        }
                        (None, Self::Gp) => sample_gp_weights(&points, kernel, 1e-3, &mut rng)?,
                        _ => vec![1.0; n],
                    };
                    let f = WeightedCoverage::on_grid(&grid, weights.clone(), options.footprint)?;
                    (Arc::new(f), weights, "weight")
                }
            };
        let grid = Arc::new(grid);
        // Checks the horizon and the start cell.
        GridEnv::new(self.name(), grid.clone(), start, horizon)?;
        Ok(SubrlSetup {
            task: self,
            instance: options.instance,
            grid,
            start,
            horizon,
            objective,
            max_return: options.footprint.max_return(horizon),
            map,
            map_label,
        })
    }
}

/// Reads a weight map for a `rows × cols` grid: one line per row, weights separated by commas
/// or white space (blank lines and lines starting with `#` are skipped). Errors name the file,
/// the line and the problem.
pub fn read_weights(path: &Path, rows: usize, cols: usize) -> Result<Vec<f64>, EnvError> {
    let bad = |m: String| EnvError::InvalidArgument(format!("{}: {m}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let mut weights = Vec::with_capacity(rows * cols);
    let mut n_rows = 0;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        n_rows += 1;
        let row: Vec<&str> = line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .collect();
        if row.len() != cols {
            return Err(bad(format!(
                "line {} has {} weights, expected {cols} (a {rows}x{cols} grid)",
                i + 1,
                row.len()
            )));
        }
        for cell in row {
            let w: f64 = cell
                .parse()
                .map_err(|_| bad(format!("line {}: `{cell}` is not a number", i + 1)))?;
            if !(w.is_finite() && w >= 0.0) {
                return Err(bad(format!(
                    "line {}: weight {w} must be finite and >= 0",
                    i + 1
                )));
            }
            weights.push(w);
        }
    }
    if n_rows != rows {
        return Err(bad(format!(
            "{n_rows} rows of weights, expected {rows} (a {rows}x{cols} grid)"
        )));
    }
    Ok(weights)
}
