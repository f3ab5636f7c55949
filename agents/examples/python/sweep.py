"""A small offline-RL grid from Python, results as CSV (no pandas needed to write it).

    pip install ./agents/python          # once
    python agents/examples/python/sweep.py [out.csv]

Trains BC and IQL on the bundled Pendulum dataset for two seeds each with the presets in
configs/pendulum/ (the same runs as `ember train --config ...`, about 30 s each), evaluates
each final policy with `ember.offline.evaluate`, and writes one row per run: algo, seed,
steps, final return (mean, std), normalized score, run directory. Read it back with `csv` or
`pandas.read_csv`.
"""

import csv
import pathlib
import sys

import ember

ROOT = pathlib.Path(__file__).resolve().parents[3]
DATASET = ROOT / "data" / "pendulum-mixed.hdf5"
CONFIGS = ROOT / "configs" / "pendulum"


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "runs/python-sweep.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    fields = ["algo", "seed", "steps", "return_mean", "return_std", "normalized", "run_dir"]
    with out.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for algo in ["bc", "iql"]:
            for seed in [0, 1]:
                run = ember.offline.train(
                    algo,
                    DATASET,
                    "pendulum",
                    config=CONFIGS / f"{algo}.toml",
                    seed=seed,
                    run_dir=f"runs/python-sweep/{algo}-s{seed}",
                )
                report = ember.offline.evaluate(run["run_dir"], episodes=10)
                row = {
                    "algo": algo,
                    "seed": seed,
                    "steps": run["steps"],
                    "return_mean": f"{report['mean']:.2f}",
                    "return_std": f"{report['std']:.2f}",
                    "normalized": "" if report["normalized"] is None else f"{report['normalized']:.1f}",
                    "run_dir": run["run_dir"],
                }
                writer.writerow(row)
                f.flush()
                print(row)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
