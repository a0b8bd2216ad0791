#!/usr/bin/env python3
"""Compare Vigil's per-layer outputs with the TFLM reference, byte for byte.

Usage:
    scripts/python-env scripts/compare_layers.py MODEL.tflite \\
        --vigil target/release/vigil [--seeds 0 1 2 3] [--keep DIR]

This plays the part of an external checker. It imports the model once with
    vigil model import MODEL.tflite -o WORK/model.vgm
and for each seed s:
  1. builds the seeded inputs exactly as goldens.py does (int8 uniform over
     [-128, 127]; int32 token ids below the rows of the table they index; a
     float input in its quantized form) and writes each one's raw bytes to
     WORK/seed_<s>/input_<k>.bin;
  2. runs
        vigil model run WORK/model.vgm --input WORK/seed_<s>/input_0.bin \\
            [--input ...] --dump-layers WORK/seed_<s>/layers
     which writes layers/layer_<i>.bin for source operator i;
  3. runs the TFLM interpreter (all tensors preserved; LiteRT's reference
     kernels for a model with an operator TFLM lacks, as goldens.py) on the
     same input and compares every operator's first output with layer_<i>.bin.

Per layer the status is one of
    match      file present, identical bytes
    MISMATCH   file present, different bytes (count and max |diff| shown)
    SIZE       file present, wrong length
    MISSING    no file for an operator that has an int8 output
    edge       no file for the QUANTIZE of a float input (its output is
               the int8 input given); not a failure
    folded     no file for a shape-only operator (SHAPE, STRIDED_SLICE,
               PACK, plus any named with --fold-ok) or an operator whose
               output is not int8; not a failure
Files for operator indices that do not exist are reported as EXTRA.

Exit status: 0 when every seed matches, 1 on any MISMATCH/SIZE/MISSING/
EXTRA or a failed vigil command, 2 on usage errors.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import goldens  # noqa: E402

_NP = {"int8": np.int8, "uint8": np.uint8, "int16": np.int16, "int32": np.int32,
       "float32": np.float32, "int64": np.int64}


def run(cmd):
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.stdout.strip():
        for line in p.stdout.rstrip().splitlines()[-20:]:
            print("  | " + line)
    return p.returncode


def compare_seed(info, seed, vgm, vigil, work, interpreter, foldable):
    d = os.path.join(work, "seed_%d" % seed)
    layers_dir = os.path.join(d, "layers")
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(layers_dir)
    quantized, fed = goldens.make_inputs(info, seed)
    cmd = [vigil, "model", "run", vgm]
    for k, q in enumerate(quantized):
        in_path = os.path.join(d, "input_%d.bin" % k)
        with open(in_path, "wb") as f:
            f.write(q.tobytes(order="C"))
        cmd += ["--input", in_path]

    rc = run(cmd + ["--dump-layers", layers_dir])
    if rc != 0:
        print("seed %d: vigil model run failed with exit status %d" % (seed, rc))
        return False

    ref, _ = goldens.run_reference(info, fed, interpreter=interpreter)
    edges = {e[3] for e in goldens.input_edges(info) if isinstance(e[3], int)}
    rows = []
    ok = True
    for o in info.operators:
        i = o["index"]
        out = o["output"]
        path = os.path.join(layers_dir, "layer_%d.bin" % i)
        expected = np.ascontiguousarray(ref[i])
        n = int(expected.size)
        shape = "x".join(str(v) for v in out["shape"])
        if not os.path.exists(path):
            if i in edges:
                rows.append((i, o["op"], shape, "edge", "-", "-"))
            elif o["op"] in foldable or out["dtype"] != "int8":
                rows.append((i, o["op"], shape, "folded", "-", "-"))
            else:
                rows.append((i, o["op"], shape, "MISSING", "-", "-"))
                ok = False
            continue
        with open(path, "rb") as f:
            got_bytes = f.read()
        exp_bytes = expected.tobytes(order="C")
        if got_bytes == exp_bytes:
            rows.append((i, o["op"], shape, "match", "0/%d" % n, "0"))
            continue
        ok = False
        if len(got_bytes) != len(exp_bytes):
            rows.append((i, o["op"], shape, "SIZE",
                         "%d bytes, want %d" % (len(got_bytes), len(exp_bytes)), "-"))
            continue
        dt = expected.dtype
        got = np.frombuffer(got_bytes, dtype=dt).reshape(-1)
        exp = expected.reshape(-1)
        if np.issubdtype(dt, np.integer):
            diff = np.abs(got.astype(np.int64) - exp.astype(np.int64))
            maxd = str(int(diff.max()))
        else:
            diff = np.abs(got.astype(np.float64) - exp.astype(np.float64))
            maxd = "%.6g" % float(np.nanmax(diff))
        bad = int(np.count_nonzero(got != exp))
        rows.append((i, o["op"], shape, "MISMATCH", "%d/%d" % (bad, n), maxd))

    known = {"layer_%d.bin" % o["index"] for o in info.operators}
    for name in sorted(os.listdir(layers_dir)):
        if name not in known:
            rows.append(("?", name, "-", "EXTRA", "-", "-"))
            ok = False

    print("\nseed %d%s" % (seed, "" if ok else "  (FAILED)"))
    header = ("op", "name", "shape", "status", "mismatched", "max|diff|")
    widths = [max(len(str(r[k])) for r in rows + [header]) for k in range(len(header))]
    fmt = "  ".join("%%-%ds" % w for w in widths)
    print(fmt % header)
    print(fmt % tuple("-" * w for w in widths))
    for r in rows:
        print(fmt % tuple(str(v) for v in r))
    print()
    return ok


def main():
    ap = argparse.ArgumentParser(description="compare vigil layer dumps with TFLM")
    ap.add_argument("model", help=".tflite file")
    ap.add_argument("--vigil", required=True, help="path to the vigil binary")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    ap.add_argument("--fold-ok", metavar="OP", nargs="+", default=[],
                    help="more op names (e.g. RESHAPE) whose missing files count "
                    "as folded")
    ap.add_argument("--keep", metavar="DIR",
                    help="work in DIR and keep it (default: a temporary directory)")
    args = ap.parse_args()

    vigil = args.vigil
    if os.sep in vigil:
        vigil = os.path.abspath(vigil)
    if not (os.path.isfile(vigil) and os.access(vigil, os.X_OK)) and shutil.which(vigil) is None:
        print("vigil binary not found or not executable: %s" % args.vigil, file=sys.stderr)
        return 2

    info = goldens.ModelInfo(args.model)
    goldens.input_edges(info)  # refuses the inputs it cannot draw

    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        work = os.path.abspath(args.keep)
        cleanup = None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="vigil-compare-")
        work = cleanup.name

    try:
        vgm = os.path.join(work, "model.vgm")
        rc = run([vigil, "model", "import", os.path.abspath(args.model), "-o", vgm])
        if rc != 0 or not os.path.exists(vgm):
            print("vigil model import failed (exit status %d)" % rc)
            return 1
        interpreter = goldens.make_reference(info)
        foldable = set(goldens.SHAPE_ONLY_OPS) | {op.upper() for op in args.fold_ok}
        results = {}
        for seed in args.seeds:
            results[seed] = compare_seed(info, seed, vgm, vigil, work, interpreter, foldable)
        failed = [s for s, good in results.items() if not good]
        print("%s: %d seeds, %d passed, %d failed%s" % (
            os.path.basename(args.model), len(results), len(results) - len(failed),
            len(failed), (" (seeds %s)" % failed) if failed else ""))
        return 1 if failed else 0
    finally:
        if cleanup is not None:
            cleanup.cleanup()


if __name__ == "__main__":
    sys.exit(main())
