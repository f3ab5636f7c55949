//! Fragment molecule builder: vocabulary, DAG contract, canonical states, valid SMILES.

use std::collections::BTreeMap;

use ember_envs::gfn::mol::{
    AtomGraph, DEFAULT_FRAGMENTS, FragAction, FragGraph, FragMolEnv, Vocabulary, read_smiles,
    write_smiles,
};
use ember_envs::gfn::{GfnEnv, check_state};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Hill-order molecular formula with implicit hydrogens (as RDKit's `CalcMolFormula`).
fn formula(g: &AtomGraph) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, &sym) in g.atoms.iter().enumerate() {
        *counts.entry(sym).or_default() += 1;
        *counts.entry("H").or_default() += g.implicit_h(i).unwrap() as usize;
    }
    counts.retain(|_, n| *n > 0);
    let mut order: Vec<&str> = Vec::new();
    if counts.contains_key("C") {
        order.extend(["C", "H"].iter().filter(|s| counts.contains_key(*s)));
    }
    order.extend(
        counts
            .keys()
            .filter(|s| !order.contains(s))
            .copied()
            .collect::<Vec<_>>(),
    );
    order
        .iter()
        .map(|s| match counts[s] {
            1 => s.to_string(),
            n => format!("{s}{n}"),
        })
        .collect()
}

fn env() -> FragMolEnv {
    FragMolEnv::new(Vocabulary::default_set(), 6).unwrap()
}

fn random_trajectory(env: &FragMolEnv, rng: &mut StdRng) -> Vec<FragGraph> {
    let mut states = vec![env.initial()];
    loop {
        let s = states.last().unwrap();
        let mask = env.forward_mask(s);
        let allowed: Vec<usize> = (0..mask.len()).filter(|&a| mask[a]).collect();
        // Stop with probability 1/5 once allowed, so trajectories reach various sizes.
        let stop_ok = mask[env.exit_action()];
        if stop_ok && (allowed.len() == 1 || rng.random_range(0..5) == 0) {
            return states;
        }
        let choices: Vec<usize> = allowed.into_iter().filter(|&a| !env.is_exit(a)).collect();
        let a = choices[rng.random_range(0..choices.len())];
        states.push(env.step(s, a).unwrap());
    }
}

#[test]
fn vocabulary_is_valid() {
    let vocab = Vocabulary::default_set();
    assert_eq!(vocab.fragments().len(), DEFAULT_FRAGMENTS.len());
    assert_eq!(vocab.max_stems(), 3);
    for frag in vocab.fragments() {
        // Every stem atom can give up one hydrogen per stem it carries.
        for &atom in &frag.stems {
            let n = frag.stems.iter().filter(|&&a| a == atom).count();
            assert!(
                frag.atoms.implicit_h(atom).unwrap() as usize >= n,
                "{}",
                frag.name
            );
        }
    }
    assert!(Vocabulary::new(&[("bad", "c1ccccc1")]).is_err());
    assert!(Vocabulary::new(&[("no stem", "CC")]).is_err());
    assert!(read_smiles("C(C").is_err());
}

#[test]
fn smiles_writer_basics() {
    let g = read_smiles("C1=CC=CC=C1C(=O)O").unwrap();
    assert_eq!(g.atoms.len(), 9);
    assert_eq!(formula(&g), "C7H6O2");
    let again = read_smiles(&write_smiles(&g, 0)).unwrap();
    assert_eq!(formula(&again), "C7H6O2");
    assert_eq!(again.bonds.len(), g.bonds.len());
}

#[test]
fn actions_round_trip_and_layout() {
    let env = env();
    for a in 0..env.n_actions() {
        let act = env.decode(a).unwrap();
        assert_eq!(env.action_index(act), Some(a));
    }
    assert_eq!(env.decode(env.exit_action()), Some(FragAction::Stop));
    assert!(env.decode(env.n_actions()).is_none());
    let init = env.initial();
    let mask = env.forward_mask(&init);
    assert_eq!(
        mask.iter().filter(|&&m| m).count(),
        env.vocab().fragments().len()
    );
    assert!(!mask[env.exit_action()]);
    assert_eq!(env.encode(&init), vec![0.0; env.feature_dim()]);
}

/// Attaches `fragment` (by its stem 0) to stem `stem` of the first node holding `on`.
fn attach(env: &FragMolEnv, g: &FragGraph, on: usize, stem: usize, fragment: usize) -> FragGraph {
    let node = g.nodes().iter().position(|n| n.fragment == on).unwrap();
    let action = FragAction::Attach {
        node,
        stem,
        fragment,
        fragment_stem: 0,
    };
    env.step(g, env.action_index(action).unwrap()).unwrap()
}

#[test]
fn states_are_canonical_up_to_insertion_order() {
    let env = env();
    let (methyl, chloro, benzene) = (0, 19, 21);
    let ring = env.step(&env.initial(), benzene).unwrap();
    let with_methyl = attach(&env, &ring, benzene, 0, methyl);
    let a = attach(&env, &with_methyl, benzene, 1, chloro);
    let b = attach(
        &env,
        &attach(&env, &ring, benzene, 1, chloro),
        benzene,
        0,
        methyl,
    );
    assert_eq!(a, b);
    assert_eq!(a.len(), 3);
    // Starting from the methyl and attaching the ring to it gives the same graph too.
    let m = env.step(&env.initial(), methyl).unwrap();
    let c = env
        .step(
            &m,
            env.action_index(FragAction::Attach {
                node: 0,
                stem: 0,
                fragment: benzene,
                fragment_stem: 0,
            })
            .unwrap(),
        )
        .unwrap();
    assert_eq!(c, with_methyl);
    assert_eq!(env.backward_actions_between(&a, &with_methyl).len(), 1);
    assert_eq!(env.smiles(&a).len(), "CC1=CC(Cl)=CC=C1".len());
}

#[test]
fn random_trajectories_respect_the_contract() {
    let env = env();
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..60 {
        let states = random_trajectory(&env, &mut rng);
        let last = states.last().unwrap();
        assert!(last.len() <= env.max_frags() && !last.is_empty());
        for s in &states {
            check_state(&env, s).unwrap();
        }
        // Walk back to the initial state by removing leaves.
        let mut s = last.clone();
        while !s.is_empty() {
            let b = env.backward_mask(&s).iter().position(|&m| m).unwrap();
            s = env.backward_step(&s, b).unwrap();
        }
    }
}

/// Per-atom invariants (element, hydrogens, sorted bond orders), sorted: equal for the same
/// molecule whatever the atom order.
fn atom_invariants(g: &AtomGraph) -> Vec<(&'static str, u8, Vec<u8>)> {
    let mut v: Vec<_> = (0..g.atoms.len())
        .map(|i| {
            let mut orders: Vec<u8> = g.neighbours(i).iter().map(|&(_, o)| o).collect();
            orders.sort();
            (g.atoms[i], g.implicit_h(i).unwrap(), orders)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn random_molecules_read_back_with_the_crate_reader() {
    let env = env();
    let mut rng = StdRng::seed_from_u64(13);
    for _ in 0..300 {
        let mol = env.molecule(random_trajectory(&env, &mut rng).last().unwrap());
        for root in [0, mol.atoms.len() - 1] {
            let smiles = write_smiles(&mol, root);
            let back = read_smiles(&smiles).unwrap_or_else(|e| panic!("{smiles}: {e}"));
            assert_eq!(back.bonds.len(), mol.bonds.len(), "{smiles}");
            assert_eq!(atom_invariants(&back), atom_invariants(&mol), "{smiles}");
        }
    }
}

#[cfg(feature = "chem")]
#[test]
fn random_molecules_give_valid_smiles_that_parse_back() {
    let env = env();
    let mut rng = StdRng::seed_from_u64(11);
    for _ in 0..300 {
        let states = random_trajectory(&env, &mut rng);
        let g = states.last().unwrap();
        let mol = env.molecule(g);
        let smiles = env.smiles(g);
        let parsed = chematic_smiles::parse(&smiles).unwrap_or_else(|e| panic!("{smiles}: {e}"));
        let hydrogens: usize = (0..mol.atoms.len())
            .map(|i| mol.implicit_h(i).unwrap() as usize)
            .sum();
        assert_eq!(chematic_chem::num_hydrogens(&parsed), hydrogens, "{smiles}");
        assert_eq!(
            chematic_chem::heavy_atom_count(&parsed),
            mol.atoms.len(),
            "{smiles}"
        );
        // A different traversal of the same atom graph has the same canonical form.
        let other = write_smiles(&mol, mol.atoms.len() - 1);
        let reparsed = chematic_smiles::parse(&other).unwrap();
        assert_eq!(
            chematic_smiles::canonical_smiles(&parsed),
            chematic_smiles::canonical_smiles(&reparsed),
            "{smiles} vs {other}"
        );
    }
}
