//! Molecular objectives against RDKit 2022.09 reference values
//! (`envs/fixtures/gfn/rdkit_reference.py` → `rdkit_values.json`).
#![cfg(feature = "chem")]

use ember_envs::gfn::metrics::mean_pairwise_distance;
use ember_envs::gfn::mol::{descriptors, fingerprint, read_smiles};
use serde_json::Value;

// Tolerances vs RDKit 2022.09.3 on the 47 fixture molecules. Measured worst |Δ| (chematic
// 1.2.1): MW 3e-14, Crippen logP 4e-16, QED 1e-16, Tanimoto 3e-17, i.e. exact up to rounding.
// The bounds leave room for float differences only.
const TOL_MW: f64 = 0.01;
const TOL_LOGP: f64 = 1e-6;
const TOL_QED: f64 = 1e-3;
const TOL_TANIMOTO: f64 = 1e-9;
// chematic's SA score is *not* Ertl's: its fragment table comes from a corpus of 188
// molecules instead of PubChem, so it reads 0.6–6.4 higher than RDKit's `sascorer` here, with
// Spearman ρ ≈ 0.35. Only the range and a weak rank agreement are checked.
const MIN_SA_SPEARMAN: f64 = 0.3;

fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    for (k, &i) in idx.iter().enumerate() {
        r[i] = k as f64;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let var = |v: &[f64], m: f64| v.iter().map(|x| (x - m).powi(2)).sum::<f64>();
    cov / (var(a, ma) * var(b, mb)).sqrt()
}

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/gfn/rdkit_values.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or_else(|| panic!("missing {key}"))
}

#[test]
fn descriptors_match_rdkit() {
    let data = fixture();
    let mols = data["molecules"].as_array().unwrap();
    assert!(mols.len() >= 30);
    let mut worst = [0.0f64; 3];
    let (mut sa_ours, mut sa_rdkit) = (Vec::new(), Vec::new());
    for m in mols {
        let smiles = m["smiles"].as_str().unwrap();
        let d = descriptors(smiles).unwrap();
        let errs = [
            (d.mw - num(m, "mw")).abs(),
            (d.logp - num(m, "logp")).abs(),
            (d.qed - num(m, "qed")).abs(),
        ];
        assert!((1.0..=10.0).contains(&d.sa), "SA of {smiles}: {}", d.sa);
        sa_ours.push(d.sa);
        sa_rdkit.push(num(m, "sa"));
        for (w, e) in worst.iter_mut().zip(errs) {
            *w = w.max(e);
        }
    }
    let rho = pearson(&ranks(&sa_ours), &ranks(&sa_rdkit));
    println!(
        "worst |Δ| mw {:.1e} logp {:.1e} qed {:.1e}; SA Spearman {rho:.3}",
        worst[0], worst[1], worst[2]
    );
    for (w, tol) in worst.iter().zip([TOL_MW, TOL_LOGP, TOL_QED]) {
        assert!(*w <= tol, "worst |Δ| (mw, logp, qed) = {worst:?}");
    }
    assert!(rho >= MIN_SA_SPEARMAN, "SA Spearman {rho}");
}

#[test]
fn builder_molecules_have_rdkit_formulas() {
    let data = fixture();
    let mut checked = 0;
    for m in data["molecules"].as_array().unwrap() {
        // The builder's Kekulé SMILES are the ones this crate's own reader accepts.
        if let Ok(g) = read_smiles(m["smiles"].as_str().unwrap()) {
            let parsed = chematic_smiles::parse(m["smiles"].as_str().unwrap()).unwrap();
            assert_eq!(
                chematic_chem::calc_mol_formula(&parsed),
                m["formula"].as_str().unwrap()
            );
            assert_eq!(g.atoms.len(), chematic_chem::heavy_atom_count(&parsed));
            let hydrogens: u8 = (0..g.atoms.len()).map(|i| g.implicit_h(i).unwrap()).sum();
            assert_eq!(
                usize::from(hydrogens),
                chematic_chem::num_hydrogens(&parsed)
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 8,
        "only {checked} builder molecules in the fixture"
    );
}

#[test]
fn tanimoto_matches_rdkit() {
    let data = fixture();
    let mols = data["molecules"].as_array().unwrap();
    let fps: Vec<_> = mols
        .iter()
        .map(|m| fingerprint(m["smiles"].as_str().unwrap()).unwrap())
        .collect();
    let mut worst = 0.0f64;
    for p in data["pairs"].as_array().unwrap() {
        let (a, b) = (
            p["a"].as_u64().unwrap() as usize,
            p["b"].as_u64().unwrap() as usize,
        );
        let err = (fps[a].tanimoto(&fps[b]) - num(p, "tanimoto")).abs();
        worst = worst.max(err);
        assert!(
            err <= TOL_TANIMOTO,
            "{} / {}: {err}",
            mols[a]["smiles"],
            mols[b]["smiles"]
        );
    }
    println!("worst |Δ| tanimoto {worst:.2e}");
    let div = mean_pairwise_distance(&fps, |a, b| 1.0 - a.tanimoto(b));
    assert!(div > 0.5 && div <= 1.0);
}
