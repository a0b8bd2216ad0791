#!/usr/bin/env python3
"""Draw the plots of docs/economics.md from the tables the runtime's economics example writes.

Usage:
    cargo run -p vigil-runtime --example economics            # writes docs/economics/*.csv
    scripts/python-env scripts/plot_economics.py [DIR]        # writes DIR/*.png (default docs/economics)

The tables come from the runtime's own constants and fee functions
(`runtime/src/economics.rs`); this script only draws them.
"""

import csv
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return {key: [float(row[key]) for row in rows] for key in rows[0]}


def save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"wrote {path}")


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/economics")

    t = read(out / "lie_profit.csv")
    fig, ax = plt.subplots(figsize=(7, 4))
    x = [100 * v for v in t["value_share"]]
    ax.plot(x, t["audits_only"], label="audits, honest watchers, no challenger")
    ax.plot(x, t["audits_half_honest"], label="audits, half the watchers honest")
    ax.plot(x, t["no_watchers"], label="nobody watches")
    ax.plot(x, t["challenger_always"], label="a challenger watches")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("value of the lie to the liar, % of the job's collateral")
    ax.set_ylabel("expected profit of lying (UNIT)")
    ax.set_title("A lie at the least collateral, self-challenge included")
    ax.legend(fontsize=8)
    save(fig, out / "lie_profit.png")

    t = read(out / "simulation.csv")
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(t["lie_rate"], t["mean_lie_profit"], marker="o", label="a lie's mean profit")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("lie rate")
    ax.set_ylabel("UNIT per lie")
    ax.set_title("Simulated: audits only, values up to the collateral")
    ax.legend(fontsize=8)
    save(fig, out / "simulation.png")

    t = read(out / "watcher_income.csv")
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(t["fee"], t["watcher_net_per_audit"], label="net per audit")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("job fee (UNIT)")
    ax.set_ylabel("watcher's net income per audit (UNIT)")
    ax.set_title("A watcher at a lie rate of zero (inference cost 0.1 UNIT)")
    ax.legend(fontsize=8)
    save(fig, out / "watcher_income.png")

    t = read(out / "cornering.csv")
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(t["collateral"], t["cornering_cost"], marker="o")
    ax.set_xlabel("collateral per job (UNIT)")
    ax.set_ylabel("cost to occupy every executor for one window (UNIT)")
    ax.set_title("Cornering 64 executors with default offers")
    save(fig, out / "cornering.png")


if __name__ == "__main__":
    main()
