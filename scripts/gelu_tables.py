#!/usr/bin/env python3
"""Write the int8 GELU tables LiteRT's reference kernels use, for the importer's test.

Usage:
    scripts/python-env scripts/gelu_tables.py client/src/import/gelu_tables.txt

For each of 24 one-operator models (tf.nn.gelu, exact and approximate, converted
full-integer int8 from twelve ranges of representative data, so twelve pairs of scales),
LiteRT (ai-edge-litert, BUILTIN_REF) is run on the input -128..127; its output is the
table full TFLite's GeluPrepare filled. Each line of the output is one case:
approximate (0/1), input scale, input zero point, output scale, output zero point (the
scales as the float32 bit patterns, in hex), then the 256 table values. The same table
is also computed here in numpy float32 as a check.
"""
import os, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"]="2"
import numpy as np, tensorflow as tf
from ai_edge_litert.interpreter import Interpreter, OpResolverType
import scipy.special as sp
def build(approx, lo, hi, seed):
    f = tf.function(lambda x: tf.nn.gelu(x, approximate=approx), input_signature=[tf.TensorSpec((1,256),tf.float32)])
    conv = tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()], f)
    rng = np.random.default_rng(seed)
    def rep():
        for i in range(20):
            yield [rng.uniform(lo, hi, (1,256)).astype(np.float32)]
    conv.optimizations=[tf.lite.Optimize.DEFAULT]; conv.representative_dataset=rep
    conv.target_spec.supported_ops=[tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type=tf.int8; conv.inference_output_type=tf.int8
    return conv.convert()
f32=np.float32
def emul(approx, si, zi, so, zo, variant):
    v = np.arange(-128,128)
    x = (f32(si) * (v - zi).astype(f32)).astype(f32)
    if approx:
        k = f32(np.sqrt(2/np.pi))
        t = np.tanh((k*(x + f32(0.044715)*x*x*x)).astype(f32)).astype(f32)
        y = f32(0.5)*x*(f32(1)+t)
    elif variant=="erfc":
        y = f32(0.5)*x*sp.erfc((x*f32(-np.sqrt(0.5))).astype(f32)).astype(f32)
    else:
        y = (0.5*x.astype(np.float64)*(1+sp.erf(x.astype(np.float64)*np.sqrt(0.5)))).astype(f32)
    inv = f32(1)/f32(so)
    r = np.round(y*inv)  # numpy rounds half to even! fix:
    r = np.sign(y*inv)*np.floor(np.abs(y*inv)+f32(0.5))
    q = (r + f32(zo)).astype(np.int64)
    return np.clip(q,-128,127)
# Ranges of the representative data (low, high, seed): each gives a pair of scales.
RANGES = [(-3, 3, 0), (-8, 2, 1), (-0.5, 6, 2), (-20, 20, 3), (-1, 1, 4), (-0.05, 0.1, 5),
          (-4, 0.5, 6), (-60, 10, 7), (-2, 12, 8), (-0.3, 0.3, 9), (-6, 6, 10), (-1.5, 40, 11)]


def main(out):
    cases = []
    for approx in (False, True):
        for lo, hi, seed in RANGES:
            blob = build(approx, lo, hi, seed)
            it = Interpreter(model_content=blob,
                             experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
            it.allocate_tensors()
            ind, outd = it.get_input_details()[0], it.get_output_details()[0]
            si, zi = ind["quantization"]
            so, zo = outd["quantization"]
            ops = [o["op_name"] for o in it._get_ops_details()]
            assert ops == ["GELU"], ops
            it.set_tensor(ind["index"], np.arange(-128, 128, dtype=np.int8).reshape(1, 256))
            it.invoke()
            got = it.get_tensor(outd["index"]).reshape(-1).astype(np.int64)
            assert (emul(approx, si, zi, so, zo, "erfc") == got).all()
            bits = lambda x: "%08x" % int(np.float32(x).view(np.uint32))
            cases.append(" ".join([str(int(approx)), bits(si), str(int(zi)), bits(so),
                                   str(int(zo))] + [str(v) for v in got.tolist()]))
    with open(out, "w") as f:
        f.write("\n".join(cases) + "\n")
    print("%d tables written to %s" % (len(cases), out))


if __name__ == "__main__":
    main(sys.argv[1])
