//! Plot data of a run as CSV files in the run directory (the PNG rendering is added where the
//! `// PLOT:` comment stands).

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

/// Writes `reward_hist.csv`, `modes.csv` and (with several objectives) `pareto_front.csv`
/// into `dir`.
pub fn write_plot_data(dir: &Path, data: &PlotData) -> Result<(), RuntimeError> {
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| RuntimeError::io(&path, e))
    };
    let mut hist = String::from("log_reward_lo,log_reward_hi,count\n");
    let finite: Vec<f64> = data
        .log_rewards
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
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
    // PLOT: reward_hist.png (bar chart of reward_hist.csv)
    let mut modes = String::from("trajectories,modes\n");
    for (n, m) in &data.modes {
        let _ = writeln!(modes, "{n},{m}");
    }
    write("modes.csv", modes)?;
    // PLOT: modes.png (line chart of modes.csv)
    if data.objective_names.len() > 1 {
        let mut front = data.objective_names.join(",") + "\n";
        for p in &data.pareto_front {
            let cells: Vec<String> = p.iter().map(f64::to_string).collect();
            let _ = writeln!(front, "{}", cells.join(","));
        }
        write("pareto_front.csv", front)?;
        // PLOT: pareto_front.png (scatter of the first two objectives of pareto_front.csv)
    }
    Ok(())
}
