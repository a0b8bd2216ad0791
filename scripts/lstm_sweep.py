#!/usr/bin/env python3
"""Compare the engine with TFLite Micro on random int8 LSTM models.

Usage:
    scripts/python-env scripts/lstm_sweep.py --vigil target/debug/vigil [--seed 1] [--models 25]

Each model is written by make_zoo.lstm_model with a random configuration: one
or two stacked UNIDIRECTIONAL_SEQUENCE_LSTMs of 1-23 units, batch 1-3, 1-8
steps of 1-11 inputs, batch or time major, hidden scales and zero points, cell
scales 2^-17 to 2^-8, cell clips (none, 0.1 to 10) and weight gains from 1 to
400 (the larger drive the gates and the cell state into saturation). Every
layer of each is compared on seeds 0, 1 and 2 with scripts/compare_layers.py;
the last line counts the models that differ.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_zoo  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vigil", required=True, help="the vigil binary")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--models", type=int, default=25)
    args = ap.parse_args(argv)
    here = os.path.dirname(os.path.abspath(__file__))
    rng = np.random.default_rng(args.seed)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.models):
            layers = [{
                "units": int(rng.integers(1, 24)),
                "hidden_scale": float(rng.choice([1 / 128, 1 / 300, 1 / 40, 0.05])),
                "hidden_zp": int(rng.integers(-20, 21)),
                "cell_log2": int(rng.integers(-17, -7)),
                "cell_clip": float(rng.choice([0, 0, 0.1, 0.5, 2.0, 10.0])),
                "gain": float(rng.choice([1, 8, 60, 400])),
            } for _ in range(int(rng.integers(1, 3)))]
            batch, steps, depth = (int(rng.integers(1, 4)), int(rng.integers(1, 9)),
                                   int(rng.integers(1, 12)))
            time_major = bool(rng.integers(0, 2))
            blob = make_zoo.lstm_model(layers, batch=batch, steps=steps, depth=depth,
                                       time_major=time_major,
                                       seed=int(rng.integers(0, 1 << 30)))
            path = os.path.join(tmp, "lstm_%d.tflite" % k)
            with open(path, "wb") as f:
                f.write(blob)
            r = subprocess.run([sys.executable, os.path.join(here, "compare_layers.py"), path,
                                "--vigil", args.vigil, "--seeds", "0", "1", "2"],
                               capture_output=True, text=True)
            lines = r.stdout.strip().splitlines()
            ok = r.returncode == 0 and bool(lines) and lines[-1].endswith(" 0 failed")
            failed += not ok
            print("%2d %s batch %d, %d steps of %d, %s, %s" % (
                k, "match" if ok else "DIFFERS", batch, steps, depth,
                "time major" if time_major else "batch major", layers), flush=True)
            if not ok:
                print(r.stdout[-2000:], r.stderr[-2000:])
    print("%d models, %d differ" % (args.models, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
