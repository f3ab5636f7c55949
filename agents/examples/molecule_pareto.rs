//! Multi-objective molecule design with an order-preserving GFlowNet: drug-likeness (QED)
//! against synthesizability (SA) without choosing weights or a reward exponent; the sampler
//! learns from the Pareto order alone. Rerunning continues the run in
//! `runs/example-molecule-pareto/` from its checkpoint; delete that directory to start over.
//!
//! ```text
//! cargo run --release --example molecule_pareto
//! ```

use ember::engine::parse_device;
use ember::engine::runtime::RunConfig;
use ember::envs::gfn::metrics::pareto_mask;
use ember::gflownet::{
    GflowNet, GfnConfig, LossKind, MoleculeTask, RunOptions, parse_objectives, train_run,
};

fn main() -> anyhow::Result<()> {
    let objectives = parse_objectives("qed,sa")?;
    let task = MoleculeTask::with_objectives(6, &objectives, 0.5)?;
    let config = GfnConfig {
        loss: LossKind::Subtb,
        order_preserving: true,
        op_weight: 0.1,
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
            run_dir: Some("runs/example-molecule-pareto".into()),
            objective_names: vec!["qed".into(), "sa".into()],
        },
    )?;
    println!(
        "hypervolume of the sampled Pareto front: {:.4}",
        report.last().hypervolume.unwrap_or(0.0)
    );
    let points: Vec<Vec<f64>> = report.samples.iter().map(|s| s.2.clone()).collect();
    println!("non-dominated final samples (qed, sa):");
    let mut shown = std::collections::HashSet::new();
    for (s, keep) in report.samples.iter().zip(pareto_mask(&points)) {
        if keep && shown.insert(s.0.clone()) {
            println!("  {:.3} {:.3}  {}", s.2[0], s.2[1], s.0);
        }
    }
    Ok(())
}
