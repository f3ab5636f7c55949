"""Molecule design with your own scoring function, from Python.

    pip install ./agents/python          # once (add rdkit for the RDKit scorer)
    python agents/examples/python/molecule_design.py

A GFlowNet learns to build molecules from fragments with probability proportional to the
score, so it returns many different good molecules, not one optimum. `score` receives a list
of SMILES (one call per sampled batch; Ember's Rust side does the rest with the GIL released)
and returns one float per molecule, higher is better, ideally in [0, 1]. With RDKit installed
the score is RDKit's QED times a molecular-weight window; without, a pure-Python stand-in.
Files (samples.csv, top_k.csv, metrics, plots) go to runs/example-python-molecules/;
rerunning continues that run: delete the directory after changing `score`.
"""

import math

import ember

try:
    from rdkit import Chem, RDLogger
    from rdkit.Chem import QED, Descriptors

    RDLogger.DisableLog("rdApp.*")

    def score(smiles):
        out = []
        for s in smiles:
            mol = Chem.MolFromSmiles(s)
            if mol is None:
                out.append(0.0)
                continue
            window = 1.0 if 250 <= Descriptors.MolWt(mol) <= 400 else 0.5
            out.append(QED.qed(mol) * window)
        return out

    SCORER = "RDKit QED x MW window"
except ImportError:

    def score(smiles):
        # Pure Python: about 24 heavy atoms, about 30% of them nitrogen or oxygen.
        out = []
        for s in smiles:
            atoms = sum(ch.isalpha() and ch not in "Hlr" for ch in s)
            polar = sum(s.count(a) for a in "NnOo") / max(atoms, 1)
            size = math.exp(-(((atoms - 24) / 6) ** 2))
            out.append(size * max(0.0, 1.0 - abs(polar - 0.3) / 0.3))
        return out

    SCORER = "pure-Python size/polarity score (install rdkit for QED)"


def main():
    task = ember.gfn.MoleculeTask(score, max_frags=6, mode_threshold=0.8)
    result = ember.gfn.train(
        task,
        loss="tb",
        steps=300,
        batch_size=32,
        run_dir="runs/example-python-molecules",
        progress=True,
    )
    last = result.evaluations[-1]
    print(f"scorer: {SCORER}")
    print(
        f"{last['trajectories']} molecules sampled, {len(result.modes())} modes (score >= 0.8), "
        f"top-100 mean {last['top_k_mean']:.3f}, diversity {last['top_k_diversity']:.3f}"
    )
    print("\nbest 10:")
    for smiles, reward, _ in result.top_k(10):
        print(f"  {reward:.3f}  {smiles}")
    print("\n5 fresh samples of the trained GFlowNet:")
    for smiles, log_reward, _ in result.samples(5):
        print(f"  log R {log_reward:7.3f}  {smiles}")
    print(f"\nfiles in {result.run_dir}")


if __name__ == "__main__":
    main()
