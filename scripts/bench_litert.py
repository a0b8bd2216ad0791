#!/usr/bin/env python3
"""Time int8 inference of a .tflite model with LiteRT and TFLM.

Usage:
    scripts/python-env scripts/bench_litert.py MODEL.tflite [--runs 200] [--seed 0]

Runners (all single-threaded, same seeded random inputs as goldens.py: int8,
int32 token ids, or a float input given as the real values of seeded int8):
    litert_ref      ai_edge_litert.interpreter.Interpreter with
                    experimental_op_resolver_type=OpResolverType.BUILTIN_REF
                    (the reference kernels), num_threads=1
    litert_default  the same with OpResolverType.AUTO (optimized kernels and
                    default delegates, i.e. XNNPACK where it applies),
                    num_threads=1
    litert_builtin  OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
                    (optimized kernels, no XNNPACK), num_threads=1
    tflm            tflite_micro.runtime.Interpreter (TFLM reference kernels);
                    for a model with an operator TFLM lacks (GELU) it is not
                    timed, and outputs are compared with goldens.py's
                    reference instead (TFLM operator by operator, LiteRT's
                    reference kernels for GELU)

Prints one JSON object: per runner the median, min and mean seconds per
inference (invoke only; the input is set before each timed invoke), and
whether its output equals TFLM's byte for byte. A runner that cannot load
the model reports {"error": ...} instead. With --check-layers it also
compares every int8 operator output of LiteRT's reference kernels
(experimental_preserve_all_tensors=True) with TFLM's.
"""

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from ai_edge_litert import interpreter as litert  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import goldens  # noqa: E402


def time_runs(set_input, invoke, runs, warmup):
    for _ in range(warmup):
        set_input()
        invoke()
    samples = []
    for _ in range(runs):
        set_input()
        t0 = time.perf_counter()
        invoke()
        samples.append(time.perf_counter() - t0)
    return {
        "median_s": statistics.median(samples),
        "min_s": min(samples),
        "mean_s": statistics.fmean(samples),
        "runs": runs,
    }


def litert_model_bytes(path):
    """The model for LiteRT. LiteRT rejects per-channel quantized tensors
    whose quantized_dimension is not below their rank (seen on 1-D bias
    tensors with quantized_dimension 3, which TFLM accepts); such models are
    rewritten in memory with quantized_dimension 0 for those tensors."""
    with open(path, "rb") as f:
        data = f.read()
    model = goldens.tflm.convert_bytearray_to_object(bytearray(data))
    fixed = 0
    for sg in model.subgraphs:
        for t in sg.tensors or []:
            q = t.quantization
            rank = len(t.shape) if t.shape is not None else 0
            if q is not None and q.scale is not None and len(q.scale) > 1 \
                    and rank >= 1 and q.quantizedDimension >= rank:
                q.quantizedDimension = 0
                fixed += 1
    if not fixed:
        return data, 0
    import flatbuffers
    b = flatbuffers.Builder(len(data) + 4096)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output()), fixed


def litert_interpreter(path, resolver, preserve=False):
    data, _ = litert_model_bytes(path)
    it = litert.Interpreter(
        model_content=data,
        num_threads=1,
        experimental_op_resolver_type=resolver,
        experimental_preserve_all_tensors=preserve,
    )
    it.allocate_tensors()
    return it


def bench_litert(path, resolver, xs, runs, warmup):
    it = litert_interpreter(path, resolver)
    inps = [d["index"] for d in it.get_input_details()]
    out = it.get_output_details()[0]["index"]

    def set_inputs():
        for i, x in zip(inps, xs):
            it.set_tensor(i, x)
    res = time_runs(set_inputs, it.invoke, runs, warmup)
    return res, np.array(it.get_tensor(out), copy=True)


def bench_tflm(path, xs, runs, warmup):
    it = goldens.make_tflm(path, preserve=False)

    def set_inputs():
        for k, x in enumerate(xs):
            it.set_input(x, k)
    res = time_runs(set_inputs, it.invoke, runs, warmup)
    return res, np.array(it.get_output(0), copy=True)


def check_layers(info, xs):
    """Compare int8 op outputs of LiteRT BUILTIN_REF and the reference."""
    ref_layers, _ = goldens.run_reference(info, xs)
    it = litert_interpreter(info.path, litert.OpResolverType.BUILTIN_REF, preserve=True)
    for d, x in zip(it.get_input_details(), xs):
        it.set_tensor(d["index"], x)
    it.invoke()
    mismatched = []
    for o in info.operators:
        if o["output"]["dtype"] != "int8":
            continue
        a = np.asarray(it.get_tensor(o["outputs"][0])).reshape(-1)
        b = ref_layers[o["index"]].reshape(-1)
        if a.tobytes() != b.tobytes():
            mismatched.append({
                "index": o["index"], "op": o["op"],
                "differing": int(np.count_nonzero(a != b)),
                "max_abs_diff": int(np.max(np.abs(a.astype(np.int32) - b.astype(np.int32)))),
            })
    return mismatched


def main():
    ap = argparse.ArgumentParser(description="time LiteRT and TFLM inference")
    ap.add_argument("model")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--check-layers", action="store_true")
    args = ap.parse_args()

    info = goldens.ModelInfo(args.model)
    _, xs = goldens.make_inputs(info, args.seed)

    results = {}
    if goldens.needs_litert(info):
        _, (tflm_out,) = goldens.run_reference(info, xs)
        tflm_res = {"error": "TFLite Micro has no %s; outputs compared with the reference "
                    "(TFLite Micro operator by operator, LiteRT for %s)" % (
                        ", ".join(goldens.LITERT_ONLY_OPS), ", ".join(goldens.LITERT_ONLY_OPS))}
    else:
        tflm_res, tflm_out = bench_tflm(args.model, xs, args.runs, args.warmup)
    runners = [
        ("litert_ref", litert.OpResolverType.BUILTIN_REF),
        ("litert_default", litert.OpResolverType.AUTO),
        ("litert_builtin", litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES),
    ]
    for name, resolver in runners:
        try:
            res, out = bench_litert(args.model, resolver, xs, args.runs, args.warmup)
        except (ValueError, RuntimeError) as e:
            # e.g. LiteRT refuses models that TFLM accepts (per-channel bias
            # tensors whose quantized_dimension exceeds their rank).
            results[name] = {"error": str(e).split(".Tensor")[0][:300]}
            continue
        res["output_equals_tflm"] = out.tobytes() == tflm_out.tobytes()
        results[name] = res
    if "error" not in tflm_res:
        tflm_res["output_equals_tflm"] = True
    results["tflm"] = tflm_res

    report = {
        "model": os.path.basename(args.model),
        "model_sha256": goldens.sha256_file(args.model),
        "seed": args.seed,
        "threads": 1,
        "litert_fixed_quantized_dimension_tensors": litert_model_bytes(args.model)[1],
        "results": results,
    }
    if args.check_layers:
        try:
            report["litert_ref_vs_tflm_layer_mismatches"] = check_layers(info, xs)
        except (ValueError, RuntimeError) as e:
            report["litert_ref_vs_tflm_layer_mismatches"] = {
                "error": str(e).split(".Tensor")[0][:300]}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
