//! Molecule design with your own scoring function.
//!
//! Copy this file, change `score`, run it:
//!
//! ```text
//! cargo run --release --example molecule_design
//! ```
//!
//! A GFlowNet learns to build molecules from fragments with probability proportional to the
//! score, so it returns many different good molecules, not one optimum. The run writes
//! `samples.csv`, `top_k.csv`, metrics and plot data to `runs/example-molecule-design/`.
//! Rerunning continues that run from its checkpoint: delete the directory after changing
//! `score`.

use ember::engine::parse_device;
use ember::engine::runtime::RunConfig;
use ember::envs::gfn::mol::descriptors;
use ember::gflownet::{
    GflowNet, GfnConfig, LossKind, MoleculeTask, RunOptions, diverse_selection, train_run,
};

/// The score of a molecule (SMILES), higher is better, ideally in [0, 1]. Here: drug-likeness
/// (QED) times a molecular-weight window around 250–400 Da.
fn score(smiles: &str) -> f64 {
    let Ok(d) = descriptors(smiles) else {
        return 0.0;
    };
    let window = if (250.0..=400.0).contains(&d.mw) {
        1.0
    } else {
        0.5
    };
    d.qed * window
}

fn main() -> anyhow::Result<()> {
    // Molecules of up to 6 fragments; a "mode" is a molecule scoring at least 0.8.
    let task = MoleculeTask::new(6, |smiles| vec![score(smiles)], 0.8)?;
    let config = GfnConfig {
        loss: LossKind::Tb,
        batch_size: 32,
        hidden: vec![128, 128],
        ..GfnConfig::default()
    };
    let device = parse_device("cpu")?.autodiff();
    let mut gfn = GflowNet::new(task, config, &device, 0)?;
    let report = train_run(
        &mut gfn,
        &RunOptions {
            run: RunConfig {
                steps: 300,
                eval_every: 50,
                log_every: 50,
                checkpoint_every: 100,
                keep_checkpoints: 2,
                progress: true,
            },
            final_samples: 500,
            top_k: 100,
            run_dir: Some("runs/example-molecule-design".into()),
            objective_names: vec!["score".into()],
        },
    )?;

    let last = report.last();
    println!(
        "{} molecules sampled, {} above 0.8; top-100 mean score {:.3}, diversity {:.3}",
        last.trajectories,
        last.modes,
        last.top_k_mean.unwrap_or(0.0),
        last.top_k_diversity.unwrap_or(0.0)
    );
    println!("\nbest 10:");
    for (smiles, reward, _) in report.top.iter().take(10) {
        println!("  {reward:.3}  {smiles}");
    }
    // Diverse picks: best first, none more than 0.4 Tanimoto-similar to another.
    let smiles: Vec<String> = report.top.iter().map(|t| t.0.clone()).collect();
    println!("\n10 diverse among the top 100:");
    for i in diverse_selection(&smiles, 10, 0.4) {
        println!("  {:.3}  {}", report.top[i].1, smiles[i]);
    }
    Ok(())
}
