#!/usr/bin/env python3
"""Overlay the evaluation curves of several Ember runs in one PNG (development-time helper).

    python3 scripts/plot_eval_curves.py OUT.png "gp on=runs/gail-gp" "none=runs/gail-none" \
        --hline "expert=3421.6" --hline "BC=812.3" --xlabel "environment steps" --title "..."

Each run directory's `eval.csv` (step, return_mean, return_std) gives one line with a
one-standard-deviation band over its evaluation episodes. Needs matplotlib.
"""
import argparse
import csv
import sys
from pathlib import Path


def read_curve(run_dir):
    path = Path(run_dir) / "eval.csv"
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        sys.exit(f"error: {path}: {e.strerror}")
    if not rows:
        sys.exit(f"error: {path}: no evaluation rows")
    try:
        return [(float(r["step"]), float(r["return_mean"]), float(r["return_std"])) for r in rows]
    except (KeyError, ValueError) as e:
        sys.exit(f"error: {path}: expected step, return_mean, return_std columns ({e})")


def label_value(text, what):
    label, sep, value = text.partition("=")
    if not sep or not label or not value:
        sys.exit(f"error: {what} {text!r}: expected LABEL=VALUE")
    return label, value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("runs", nargs="+", help="LABEL=RUN_DIR")
    parser.add_argument("--hline", action="append", default=[], help="LABEL=RETURN")
    parser.add_argument("--xlabel", default="step")
    parser.add_argument("--title", default="")
    args = parser.parse_args()
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("error: matplotlib is not installed (pip install matplotlib)")
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    for text in args.runs:
        label, run_dir = label_value(text, "run")
        curve = read_curve(run_dir)
        xs, ys, sd = zip(*curve)
        line = ax.plot(xs, ys, marker="o", markersize=3, label=label)[0]
        ax.fill_between(xs, [y - s for y, s in zip(ys, sd)], [y + s for y, s in zip(ys, sd)],
                        color=line.get_color(), alpha=0.15)
    for text in args.hline:
        label, value = label_value(text, "--hline")
        try:
            y = float(value)
        except ValueError:
            sys.exit(f"error: --hline {text!r}: {value!r} is not a number")
        ax.axhline(y, linestyle="--", linewidth=1, color="grey")
        ax.annotate(label, (0, y), textcoords="offset points", xytext=(4, 3), fontsize=8)
    ax.set_xlabel(args.xlabel)
    ax.set_ylabel("evaluation return")
    if args.title:
        ax.set_title(args.title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
