#!/usr/bin/env python3
"""Write per-operator golden outputs of an integer (int8, or 16x8) .tflite model.

Usage:
    scripts/python-env scripts/goldens.py MODEL.tflite OUT_DIR [--seeds 0 1 2]
    scripts/python-env scripts/goldens.py MODEL.tflite OUT_DIR --hashes [--seeds 0 1]
    scripts/python-env scripts/goldens.py MODEL.tflite --list-ops

The reference is the TensorFlow Lite Micro (TFLM) interpreter from the
`tflite-micro` PyPI package, run with every intermediate tensor preserved
(for a model with an operator TFLM lacks, GELU, the model is run operator by
operator, each alone: on TFLM where it has the kernel, on LiteRT's reference
kernels from the `ai-edge-litert` package otherwise; see LayerwiseReference):

    from tflite_micro import runtime
    it = runtime.Interpreter.from_file(
        path, intrepreter_config=runtime.InterpreterConfig.kPreserveAllTensors)
    it.set_input(x, 0); it.invoke()
    it.GetTensor(tensor_index, 0)["tensor_data"]   # numpy array

Input generation (the contract shared with the Rust side): for seed s, each
int8 input tensor of shape S, in the model's order, is

    rng = numpy.random.default_rng(s)      # once per seed
    x = rng.integers(-128, 128, size=S, dtype=numpy.int8)

i.e. uniform over [-128, 127]; an int16 input (TFLite's 16x8 mode) is drawn
from the same generator, in its place in the order, as

    x = rng.integers(-32768, 32768, size=S, dtype=numpy.int16)

i.e. uniform over [-32768, 32767], and written as two little-endian bytes per
element; a bool input (the condition of a SELECT_V2) as

    x = rng.integers(0, 2, size=S).astype(numpy.bool_)

one byte, 0 or 1, per element. Their raw row-major bytes, concatenated in order, are written to
OUT_DIR/seed_<s>/input.bin: exactly the job input the engine takes. A float32 input read by a
QUANTIZE to int8 (the converter's default float edge) is drawn the same way in
its quantized form q and given to the interpreter as (q - zero_point) * scale;
that QUANTIZE gets no golden (its output is the input).

For every operator i of subgraph 0 (i = its position in the operator list)
whose output tensor (outputs[0]) is int8, int16, or the int32 output of a
QUANTIZE, OUT_DIR/seed_<s>/layer_<i>.bin holds the raw row-major bytes of that
output after inference (little-endian for int16 and int32). Other operators
(e.g. SHAPE producing int32) get no file; the manifest says why.

Each seed runs on an interpreter reset first (`reset()`), so a model with
variable tensors (the activation state of SVDF) starts every seed from the
state of a freshly allocated interpreter, as the engine does.

With --hashes (for models whose activations are too large to commit),
OUT_DIR/seed_<s>/layer_hashes.json maps each such operator index to the
blake2b-256 of those bytes instead: the engine's trace entry for the layer.

OUT_DIR/manifest.json describes the model, the input and every operator.

This module also holds the model-reading helpers used by the other scripts
(train_digits.py, compare_layers.py, bench_litert.py).
"""

import argparse
import hashlib
import json
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from tflite_micro import runtime as tflm  # noqa: E402
from tflite_micro.tensorflow.lite.micro.python import (  # noqa: E402
    schema_py_generated as schema_fb,
)

_OP_NAMES = {
    v: k for k, v in vars(schema_fb.BuiltinOperator).items() if not k.startswith("_")
}
_TYPE_NAMES = {
    v: k for k, v in vars(schema_fb.TensorType).items() if not k.startswith("_")
}
_NUMPY_DTYPES = {
    "FLOAT32": np.float32,
    "FLOAT16": np.float16,
    "INT32": np.int32,
    "UINT8": np.uint8,
    "INT64": np.int64,
    "INT16": np.int16,
    "INT8": np.int8,
    "BOOL": np.bool_,
    "UINT32": np.uint32,
    "UINT16": np.uint16,
}

# Operators that only compute shapes; an importer may fold them away.
SHAPE_ONLY_OPS = {"SHAPE", "STRIDED_SLICE", "PACK"}


def _decode(name):
    if isinstance(name, bytes):
        return name.decode("utf-8", "replace")
    return name


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tensor_info(model, sg, index):
    """Static description of tensor `index` of subgraph `sg`."""
    t = sg.tensors[index]
    dtype = _TYPE_NAMES.get(t.type, str(t.type))
    q = t.quantization
    scales, zps, qdim = [], [], 0
    if q is not None:
        if q.scale is not None:
            scales = [float(s) for s in q.scale]
        if q.zeroPoint is not None:
            zps = [int(z) for z in q.zeroPoint]
        qdim = int(q.quantizedDimension or 0)
    shape = [int(d) for d in t.shape] if t.shape is not None else []
    buf = model.buffers[t.buffer] if t.buffer is not None else None
    is_const = buf is not None and buf.data is not None and len(buf.data) > 0
    info = {
        "tensor": int(index),
        "name": _decode(t.name),
        "shape": shape,
        "dtype": dtype.lower(),
        "scale": scales[0] if len(scales) == 1 else (scales or None),
        "zero_point": zps[0] if len(zps) == 1 else (zps or None),
        "constant": bool(is_const),
    }
    if len(scales) > 1:
        info["quantized_dimension"] = qdim
    return info


class ModelInfo:
    """Subgraph-0 view of a .tflite file (operators, tensors, I/O)."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.data = f.read()
        self.model = tflm.convert_bytearray_to_object(bytearray(self.data))
        self.num_subgraphs = len(self.model.subgraphs)
        sg = self.model.subgraphs[0]
        self.sg = sg
        self.inputs = [tensor_info(self.model, sg, i) for i in sg.inputs]
        self.outputs = [tensor_info(self.model, sg, i) for i in sg.outputs]
        self.operators = []
        for idx, op in enumerate(sg.operators or []):
            code = tflm.get_builtin_code_from_operator_code(
                self.model.operatorCodes[op.opcodeIndex]
            )
            name = _OP_NAMES.get(code, "BUILTIN_%d" % code)
            if name == "CUSTOM":
                cc = self.model.operatorCodes[op.opcodeIndex].customCode
                name = "CUSTOM:" + (_decode(cc) or "?")
            ins = [int(i) for i in (op.inputs if op.inputs is not None else [])]
            outs = [int(i) for i in (op.outputs if op.outputs is not None else [])]
            self.operators.append(
                {
                    "index": idx,
                    "op": name,
                    "inputs": ins,
                    "outputs": outs,
                    "output": tensor_info(self.model, sg, outs[0]) if outs else None,
                }
            )

    def op_names(self):
        return [o["op"] for o in self.operators]

    def describe(self):
        lines = []
        lines.append("model: %s (%d bytes, sha256 %s)" % (
            self.path, len(self.data), hashlib.sha256(self.data).hexdigest()))
        lines.append("subgraphs: %d" % self.num_subgraphs)
        for t in self.inputs:
            lines.append("input:  tensor %d %s %s scale=%s zp=%s" % (
                t["tensor"], t["dtype"], t["shape"], t["scale"], t["zero_point"]))
        for t in self.outputs:
            lines.append("output: tensor %d %s %s scale=%s zp=%s" % (
                t["tensor"], t["dtype"], t["shape"], t["scale"], t["zero_point"]))
        for o in self.operators:
            out = o["output"]
            lines.append("  op %3d %-20s -> tensor %3d %-5s %s" % (
                o["index"], o["op"], out["tensor"], out["dtype"], out["shape"]))
        return "\n".join(lines)


# Operators TFLite Micro has no kernel for: a model with one of them is run
# operator by operator (LayerwiseReference), these on LiteRT's reference kernels.
LITERT_ONLY_OPS = ("GELU",)


def needs_litert(info):
    return any(o["op"] in LITERT_ONLY_OPS for o in info.operators)


def single_op_model(info, k):
    """The .tflite bytes of a model that is operator k of `info` alone: its
    non-constant inputs become the model's inputs, its outputs the model's
    outputs; tensors, constants and operator codes are kept as they are."""
    import copy
    import flatbuffers
    model = copy.deepcopy(info.model)
    sg = model.subgraphs[0]
    op = sg.operators[k]

    def constant(t):
        b = model.buffers[sg.tensors[t].buffer]
        return b is not None and b.data is not None and len(b.data) > 0

    sg.operators = [op]
    sg.inputs = [int(t) for t in op.inputs if t >= 0 and not constant(t)]
    sg.outputs = [int(t) for t in op.outputs]
    model.signatureDefs = None
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


class LayerwiseReference:
    """The reference for a model with an operator TFLite Micro lacks (GELU):
    the model is run operator by operator, each operator alone as a model of
    its own, on TFLite Micro where it has the kernel and on LiteRT's reference
    kernels (BUILTIN_REF) for the others; each operator reads the outputs the
    reference gave its inputs. So every layer TFLite Micro can run is checked
    against TFLite Micro, and only GELU against LiteRT (whose reference kernels,
    as built in ai-edge-litert, round requantization once where TFLite Micro
    rounds twice, so the whole model on LiteRT can differ by 1 here and there).
    Offers the few TFLM interpreter methods these scripts call."""

    def __init__(self, info, arena_size=None):
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
        self.info = info
        self.steps = []
        for o in info.operators:
            blob = single_op_model(info, o["index"])
            if o["op"] in LITERT_ONLY_OPS:
                it = Interpreter(model_content=blob,
                                 experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
                it.allocate_tensors()
            else:
                it = tflm.Interpreter.from_bytes(blob, arena_size=arena_size)
            sg_inputs = [t for t in o["inputs"] if t >= 0 and self._is_activation(t)]
            self.steps.append((o, it, sg_inputs))
        self.values = {}

    def _is_activation(self, t):
        b = self.info.model.buffers[self.info.sg.tensors[t].buffer]
        return b is None or b.data is None or len(b.data) == 0

    def set_input(self, x, k):
        self.values[self.info.inputs[k]["tensor"]] = np.asarray(x)

    def invoke(self):
        for o, it, ins in self.steps:
            litert = o["op"] in LITERT_ONLY_OPS
            if litert:
                details = it.get_input_details()
                for d, t in zip(details, ins):
                    it.set_tensor(d["index"], self.values[t].reshape(d["shape"]))
                it.invoke()
                outs = [it.get_tensor(d["index"]) for d in it.get_output_details()]
            else:
                for j, t in enumerate(ins):
                    it.set_input(self.values[t], j)
                it.invoke()
                outs = [it.get_output(j) for j in range(len(o["outputs"]))]
            for t, v in zip(o["outputs"], outs):
                self.values[t] = np.array(v, copy=True)

    def reset(self):
        for o, it, _ in self.steps:
            if o["op"] not in LITERT_ONLY_OPS:
                it.reset()

    def GetTensor(self, index, subgraph):  # noqa: N802 (TFLM's name)
        return {"tensor_data": self.values[index]}

    def get_output(self, k):
        return self.values[self.info.outputs[k]["tensor"]]


def make_reference(info, arena_size=None):
    """The reference interpreter for a model: TFLM, or TFLM and LiteRT's
    reference kernels operator by operator when the model has an operator
    TFLM lacks."""
    if needs_litert(info):
        return LayerwiseReference(info, arena_size=arena_size)
    return make_tflm(info.path, preserve=True, arena_size=arena_size)


def reference_name(info):
    if needs_litert(info):
        from ai_edge_litert import __version__ as litert_version
        return ("operator by operator: tflite-micro %s (TFLM Python interpreter) for every "
                "operator it has, ai-edge-litert %s (BUILTIN_REF reference kernels) for %s"
                % (_tflm_version(), litert_version, ", ".join(LITERT_ONLY_OPS)))
    return "tflite-micro %s (TFLM Python interpreter, kPreserveAllTensors)" % _tflm_version()


def make_tflm(path, preserve=True, arena_size=None):
    cfg = (tflm.InterpreterConfig.kPreserveAllTensors if preserve
           else tflm.InterpreterConfig.kAllocationRecording)
    # TFLM's default arena is 10x the model's size, too small for a model whose
    # activations outweigh its weights: at least 256 KiB.
    if arena_size is None:
        arena_size = max(10 * os.path.getsize(path), 256 << 10)
    return tflm.Interpreter.from_file(
        path, arena_size=arena_size, intrepreter_config=cfg)


def run_reference(info, x, arena_size=None, interpreter=None):
    """Run TFLM on input `x` (one array, or a list of one per model input);
    return {op_index: numpy array} for every operator's first output, plus the
    model outputs."""
    it = interpreter or make_reference(info, arena_size=arena_size)
    # Variable tensors (SVDF's state, the hidden and cell state of UNIDIRECTIONAL_SEQUENCE_LSTM)
    # as a freshly allocated interpreter holds them: a stateful operator would otherwise carry
    # its state from one invoke to the next; every run starts from the initial state, as the
    # engine's does.
    it.reset()
    for k, xk in enumerate(x if isinstance(x, list) else [x]):
        it.set_input(xk, k)
    it.invoke()
    layers = {}
    for o in info.operators:
        if not o["outputs"]:
            continue
        t = it.GetTensor(o["outputs"][0], 0)
        layers[o["index"]] = np.array(t["tensor_data"], copy=True)
    outputs = [np.array(it.get_output(k), copy=True) for k in range(len(info.outputs))]
    return layers, outputs


def input_edges(info):
    """For each model input: (shape, scale, zero_point, quantize_op_index or
    None). An int8 input is its own quantization; a float32 input must be read
    by a QUANTIZE to int8 (a float edge), whose output quantization is used."""
    edges = []
    for t in info.inputs:
        if t["dtype"] in ("int8", "int16"):
            edges.append((t["shape"], t["scale"], t["zero_point"], None, t["dtype"]))
            continue
        if t["dtype"] == "bool":
            edges.append((t["shape"], None, None, None, "bool"))
            continue
        # Token ids: drawn below the rows of the table the first reader looks up
        # (GATHER: table, ids; EMBEDDING_LOOKUP: ids, table).
        tables = [o["inputs"][0] for o in info.operators
                  if o["op"] == "GATHER" and o["inputs"][1:2] == [t["tensor"]]]
        tables += [o["inputs"][1] for o in info.operators
                   if o["op"] == "EMBEDDING_LOOKUP" and o["inputs"][:1] == [t["tensor"]]]
        if t["dtype"] == "int32" and tables:
            rows = tensor_info(info.model, info.sg, tables[0])["shape"][0]
            edges.append((t["shape"], None, None, ("indices", rows), "int32"))
            continue
        quantize = [o for o in info.operators
                    if o["op"] == "QUANTIZE" and t["tensor"] in o["inputs"]]
        if t["dtype"] != "float32" or len(quantize) != 1 or \
                quantize[0]["output"]["dtype"] != "int8":
            raise SystemExit("%s: input tensor %d is %s, only int8 or int16 inputs or "
                             "float32 inputs quantized to int8 are supported" % (
                                 info.path, t["tensor"], t["dtype"]))
        q = quantize[0]["output"]
        edges.append((t["shape"], q["scale"], q["zero_point"], quantize[0]["index"], "int8"))
    return edges


def make_inputs(info, seed):
    """The seeded int8 inputs, in order, from one generator per seed, and what
    the reference interpreter is given: the same for int8 inputs, and for a
    float input the real values (q - zero_point) * scale, which its QUANTIZE
    turns back into q."""
    rng = np.random.default_rng(seed)
    quantized, fed = [], []
    for shape, scale, zero_point, quantize, dtype in input_edges(info):
        if isinstance(quantize, tuple):
            ids = rng.integers(0, quantize[1], size=tuple(shape)).astype("<i4")
            quantized.append(ids)
            fed.append(ids)
            continue
        if dtype == "bool":
            q = rng.integers(0, 2, size=tuple(shape)).astype(np.bool_)
            quantized.append(q)
            fed.append(q)
            continue
        if dtype == "int16":
            q = rng.integers(-32768, 32768, size=tuple(shape), dtype=np.int16)
            quantized.append(q.astype("<i2"))
            fed.append(q)
            continue
        q = rng.integers(-128, 128, size=tuple(shape), dtype=np.int8)
        quantized.append(q)
        if quantize is None:
            fed.append(q)
        else:
            real = (q.astype(np.float64) - zero_point) * scale
            fed.append(real.astype(np.float32))
    return quantized, fed


def write_goldens(model_path, out_dir, seeds, arena_size=None, clean=True, hashes=False):
    info = ModelInfo(model_path)
    edges = input_edges(info)
    edge_ops = {e[3] for e in edges if isinstance(e[3], int)}
    golden_dtypes = {"int8", "int16"}
    if clean and os.path.isdir(out_dir):
        for name in os.listdir(out_dir):
            p = os.path.join(out_dir, name)
            if name.startswith("seed_") and os.path.isdir(p):
                shutil.rmtree(p)
    os.makedirs(out_dir, exist_ok=True)
    it = make_reference(info, arena_size=arena_size)

    ops_manifest = []
    for o in info.operators:
        out = o["output"]
        entry = {
            "index": o["index"],
            "op": o["op"],
            "output_tensor": out["tensor"],
            "shape": out["shape"],
            "dtype": out["dtype"],
            "scale": out["scale"],
            "zero_point": out["zero_point"],
            "golden": out["dtype"] in golden_dtypes
            or (out["dtype"] == "int32" and o["op"] == "QUANTIZE"),
        }
        if len(o["outputs"]) > 1:
            entry["extra_outputs"] = o["outputs"][1:]
        if o["index"] in edge_ops:
            entry["golden"] = False
            entry["skipped_reason"] = "float edge: its output is the int8 input"
        elif not entry["golden"]:
            entry["skipped_reason"] = "output dtype %s is not an activation type" % out["dtype"]
        ops_manifest.append(entry)

    total = 0
    for seed in seeds:
        quantized, fed = make_inputs(info, seed)
        layers, outputs = run_reference(info, fed, interpreter=it)
        for q, (_, _, _, quantize, _) in zip(quantized, edges):
            if isinstance(quantize, int) and not np.array_equal(layers[quantize], q):
                raise SystemExit("op %d: the float edge does not give back the int8 input"
                                 % quantize)
        d = os.path.join(out_dir, "seed_%d" % seed)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "input.bin"), "wb") as f:
            for q in quantized:
                f.write(q.tobytes(order="C"))
                total += q.nbytes
        digests = {}
        for entry in ops_manifest:
            if not entry["golden"]:
                continue
            arr = layers[entry["index"]]
            if arr.dtype.name != entry["dtype"]:
                raise SystemExit("op %d: interpreter returned %s" % (entry["index"], arr.dtype))
            data = np.ascontiguousarray(arr.astype(arr.dtype.newbyteorder("<"))).tobytes(order="C")
            if hashes:
                digests[str(entry["index"])] = hashlib.blake2b(data, digest_size=32).hexdigest()
                continue
            with open(os.path.join(d, "layer_%d.bin" % entry["index"]), "wb") as f:
                f.write(data)
            total += len(data)
        if hashes:
            with open(os.path.join(d, "layer_hashes.json"), "w") as f:
                json.dump(digests, f, indent=1, sort_keys=True)
                f.write("\n")
        with open(os.path.join(d, "output.json"), "w") as f:
            json.dump([o.reshape(-1).tolist() for o in outputs], f)
            f.write("\n")

    manifest = {
        "model": os.path.basename(model_path),
        "model_sha256": sha256_file(model_path),
        "model_bytes": len(info.data),
        "reference": reference_name(info),
        "seeds": list(seeds),
        "input": {
            "tensor": info.inputs[0]["tensor"],
            "shape": edges[0][0],
            "dtype": edges[0][4],
            "scale": edges[0][1],
            "zero_point": edges[0][2],
            "generation": "numpy.random.default_rng(seed).integers(-32768, 32768, "
            "size=shape, dtype=numpy.int16); two little-endian bytes each in "
            "seed_<s>/input.bin" if edges[0][4] == "int16" else
            "numpy.random.default_rng(seed).integers(-128, 128, "
            "size=shape, dtype=numpy.int8); raw row-major bytes in seed_<s>/input.bin",
        },
        "inputs": [
            {"tensor": t["tensor"], "shape": e[0],
             "dtype": e[4], "scale": e[1],
             "zero_point": e[2], "float_edge": isinstance(e[3], int)}
            for t, e in zip(info.inputs, edges)
        ],
        "inputs_generation": "one numpy.random.default_rng(seed) draws every input in "
        "order as above; seed_<s>/input.bin holds them concatenated; a float input is "
        "given to the interpreter as (q - zero_point) * scale, which its QUANTIZE turns "
        "back into q; an int32 input of GATHER or EMBEDDING_LOOKUP indices is "
        "rng.integers(0, rows) for the rows of the table looked up, 4 little-endian "
        "bytes each; an int16 input is rng.integers(-32768, 32768, dtype=int16), 2 "
        "little-endian bytes each; a bool input is rng.integers(0, 2).astype(bool), one "
        "byte 0 or 1 each",
        "outputs": [
            {k: t[k] for k in ("tensor", "shape", "dtype", "scale", "zero_point")}
            for t in info.outputs
        ],
        "layer_files": ("seed_<s>/layer_hashes.json maps operator i (subgraph 0) to the "
                        "blake2b-256 (hex) of the raw row-major bytes of its outputs[0] after "
                        "inference, the engine's trace entry; only where golden is true")
        if hashes else "seed_<s>/layer_<i>.bin = raw row-major bytes of outputs[0] "
        "of operator i (subgraph 0) after inference; only where golden is true",
        "operators": ops_manifest,
    }
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    return info, manifest, total


def _tflm_version():
    import tflite_micro
    return getattr(tflite_micro, "__version__", "unknown")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", help=".tflite file")
    ap.add_argument("out_dir", nargs="?", help="output directory")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--arena-size", type=int, default=None,
                    help="TFLM arena bytes (default: 10x model size, at least 256 KiB)")
    ap.add_argument("--hashes", action="store_true",
                    help="write each layer's blake2b-256 (the engine's trace entry) "
                    "instead of its bytes, for large models")
    ap.add_argument("--list-ops", action="store_true",
                    help="print inputs, outputs and the operator list, then exit")
    args = ap.parse_args(argv)

    if args.list_ops:
        print(ModelInfo(args.model).describe())
        return 0
    if not args.out_dir:
        ap.error("OUT_DIR is required unless --list-ops is given")

    info, manifest, total = write_goldens(
        args.model, args.out_dir, args.seeds, arena_size=args.arena_size, hashes=args.hashes)
    written = sum(1 for o in manifest["operators"] if o["golden"])
    skipped = [o for o in manifest["operators"] if not o["golden"]]
    print("%s: %d operators, %d goldens per seed, seeds %s, %d bytes written to %s" % (
        args.model, len(info.operators), written, args.seeds, total, args.out_dir))
    for o in skipped:
        print("  skipped op %d %s: %s" % (o["index"], o["op"], o["skipped_reason"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
