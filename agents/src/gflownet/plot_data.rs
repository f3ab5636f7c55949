//! The plots of a run, as the CSV data behind them and (feature `plots`) as PNG charts, in the
//! run directory.

use ember_engine::runtime::RuntimeError;
use std::fmt::Write as _;
use std::path::Path;

/// What the plots of a GFlowNet run show.
#[derive(Clone, Debug, Default)]
pub struct PlotData {
    /// `log R` of the final samples (the reward-distribution histogram).
    pub log_rewards: Vec<f64>,
    /// `(trajectories sampled, modes found)` over training.
    pub modes: Vec<(usize, usize)>,
    /// Objective vectors of the non-dominated unique samples (several objectives only).
    pub pareto_front: Vec<Vec<f64>>,
    /// Names of the objectives, in order.
    pub objective_names: Vec<String>,
}

/// Bins of the reward histogram.
const BINS: usize = 30;

/// Writes `reward_hist.csv`, `modes.csv` and, with several objectives, `pareto_front.csv` into
/// `dir`; with the `plots` feature also a `.png` chart of each (skipped when it has no data).
pub fn write_plot_data(dir: &Path, data: &PlotData) -> Result<(), RuntimeError> {
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| RuntimeError::io(&path, e))
    };
    let mut hist = String::from("log_reward_lo,log_reward_hi,count\n");
    let finite = data.finite_log_rewards();
    if let (Some(lo), Some(hi)) = (
        finite.iter().copied().reduce(f64::min),
        finite.iter().copied().reduce(f64::max),
    ) {
        let width = ((hi - lo) / BINS as f64).max(1e-12);
        let mut counts = [0usize; BINS];
        for v in &finite {
            counts[(((v - lo) / width) as usize).min(BINS - 1)] += 1;
        }
        for (i, c) in counts.iter().enumerate() {
            let a = lo + i as f64 * width;
            let _ = writeln!(hist, "{a},{},{c}", a + width);
        }
    }
    write("reward_hist.csv", hist)?;
    let mut modes = String::from("trajectories,modes\n");
    for (n, m) in &data.modes {
        let _ = writeln!(modes, "{n},{m}");
    }
    write("modes.csv", modes)?;
    if data.objective_names.len() > 1 {
        let mut front = data.objective_names.join(",") + "\n";
        for p in &data.pareto_front {
            let cells: Vec<String> = p.iter().map(f64::to_string).collect();
            let _ = writeln!(front, "{}", cells.join(","));
        }
        write("pareto_front.csv", front)?;
    }
    #[cfg(feature = "plots")]
    draw(dir, data)?;
    Ok(())
}

impl PlotData {
    /// The finite `log R` values (what the histogram bins).
    fn finite_log_rewards(&self) -> Vec<f64> {
        self.log_rewards
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect()
    }
}

/// Draws the PNG charts of [`write_plot_data`] (a chart is skipped when it has no data).
#[cfg(feature = "plots")]
fn draw(dir: &Path, data: &PlotData) -> Result<(), RuntimeError> {
    use crate::plot::{self, Curve, Labels};
    let finite = data.finite_log_rewards();
    if !finite.is_empty() {
        let labels = Labels {
            title: "reward distribution of the final samples",
            x: "log R",
            y: "samples",
        };
        png(dir, "reward_hist.png", |p| {
            plot::histogram(p, labels, &finite, BINS)
        })?;
    }
    if !data.modes.is_empty() {
        let curve = Curve {
            label: "modes found".into(),
            points: data
                .modes
                .iter()
                .map(|&(n, m)| (n as f64, m as f64, 0.0))
                .collect(),
        };
        let labels = Labels {
            title: "modes discovered over training",
            x: "trajectories sampled",
            y: "modes",
        };
        png(dir, "modes.png", |p| plot::line_chart(p, labels, &[curve]))?;
    }
    if data.objective_names.len() > 1 && !data.pareto_front.is_empty() {
        let points = data.pareto_front.iter().map(|p| (p[0], p[1])).collect();
        let labels = Labels {
            title: "sampled Pareto front (first two objectives)",
            x: &data.objective_names[0],
            y: &data.objective_names[1],
        };
        png(dir, "pareto_front.png", |p| {
            plot::scatter(p, labels, &[("non-dominated samples".into(), points)])
        })?;
    }
    Ok(())
}

/// Draws one chart into `dir/name`, reporting failures as run-directory errors.
#[cfg(feature = "plots")]
fn png(
    dir: &Path,
    name: &str,
    draw: impl FnOnce(&Path) -> Result<(), crate::plot::PlotError>,
) -> Result<(), RuntimeError> {
    let path = dir.join(name);
    draw(&path).map_err(|e| RuntimeError::io(&path, std::io::Error::other(e.to_string())))
}
