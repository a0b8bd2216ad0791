#!/usr/bin/env python3
"""Train the small int8 digits CNN used by Vigil's tests.

Usage (from the repository root):
    scripts/python-env scripts/train_digits.py [--out-dir models] [--epochs 80]

Data: scikit-learn's bundled `load_digits` (1797 8x8 grey images, values
0..16, 10 classes), scaled to [0, 1], split 75/25 stratified with
random_state=0.

Writes:
    OUT/digits.tflite              full-integer int8 model (int8 in, int8 out)
    OUT/digits_test_inputs.bin     N*64 int8 bytes: the test split, quantized
                                   with the model input's scale/zero point
    OUT/digits_test_labels.bin     N bytes: test labels 0..9
    OUT/digits.md                  architecture, accuracies, op list, command
"""

import argparse
import os
import random
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
os.environ.setdefault("PYTHONHASHSEED", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import goldens  # noqa: E402

SEED = 0
COMMAND = "scripts/python-env scripts/train_digits.py --out-dir models"

ARCHITECTURE = """\
| # | Keras layer | output shape |
| --- | --- | --- |
| 0 | input (int8 after conversion) | 1x8x8x1 |
| 1 | Conv2D 16 filters 3x3, SAME, ReLU | 1x8x8x16 |
| 2 | DepthwiseConv2D 3x3, dilation 2, SAME, ReLU6 | 1x8x8x16 |
| 3 | Conv2D 16 filters 1x1 (pointwise), linear | 1x8x8x16 |
| 4 | Add(1, 3) then ReLU (residual; ReLU fused into ADD) | 1x8x8x16 |
| 5 | MaxPool2D 2x2, stride 2 | 1x4x4x16 |
| 6 | Conv2D 32 filters 3x3, SAME, ReLU | 1x4x4x32 |
| 7 | AveragePool2D 2x2, stride 1, SAME (edge windows are partial) | 1x4x4x32 |
| 8 | DepthwiseConv2D 3x3, stride 2, SAME, ReLU6 | 1x2x2x32 |
| 9 | Reshape to 1x128 | 1x128 |
| 10 | Dense 10 (FULLY_CONNECTED) | 1x10 |
| 11 | Softmax | 1x10 |
"""


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    tf.keras.utils.set_random_seed(seed)
    try:
        tf.config.experimental.enable_op_determinism()
    except Exception:  # pragma: no cover - older TF
        pass


def load_data():
    d = load_digits()
    x = (d.images.astype(np.float32) / 16.0)[..., None]  # N x 8 x 8 x 1 in [0, 1]
    y = d.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.25, stratify=y, random_state=SEED)


def build_model():
    L = tf.keras.layers
    inp = tf.keras.Input(shape=(8, 8, 1), name="image")
    a = L.Conv2D(16, 3, padding="same", activation="relu", name="conv1")(inp)
    b = L.DepthwiseConv2D(3, padding="same", dilation_rate=2, name="dw1")(a)
    b = L.ReLU(max_value=6.0, name="dw1_relu6")(b)
    b = L.Conv2D(16, 1, padding="same", name="pw1")(b)
    c = L.Add(name="residual")([a, b])
    c = L.ReLU(name="residual_relu")(c)
    c = L.MaxPooling2D(2, name="maxpool")(c)
    c = L.Conv2D(32, 3, padding="same", activation="relu", name="conv2")(c)
    c = L.AveragePooling2D(2, strides=1, padding="same", name="avgpool")(c)
    c = L.DepthwiseConv2D(3, strides=2, padding="same", name="dw2")(c)
    c = L.ReLU(max_value=6.0, name="dw2_relu6")(c)
    c = L.Reshape((128,), name="flatten")(c)
    c = L.Dense(10, name="logits")(c)
    out = L.Softmax(name="probs")(c)
    return tf.keras.Model(inp, out, name="vigil_digits")


def train(model, x_train, y_train, epochs):
    model.compile(
        optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
        loss=tf.keras.losses.SparseCategoricalCrossentropy(),
        metrics=["accuracy"],
    )
    model.fit(x_train, y_train, batch_size=32, epochs=epochs, shuffle=True,
              verbose=0)
    return model


def convert(model, x_train):
    # Export a batch-1 SavedModel (variables frozen by the converter, static
    # shapes so the flatten is a plain RESHAPE), then convert to full int8.
    with tempfile.TemporaryDirectory() as tmp:
        export_dir = os.path.join(tmp, "saved_model")
        model.export(export_dir, format="tf_saved_model", verbose=False,
                     input_signature=[tf.TensorSpec([1, 8, 8, 1], tf.float32, name="image")])

        def representative():
            for i in range(len(x_train)):
                yield [x_train[i:i + 1]]

        conv = tf.lite.TFLiteConverter.from_saved_model(export_dir)
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = representative
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = tf.int8
        conv.inference_output_type = tf.int8
        return conv.convert()


def quantize_inputs(x, scale, zero_point):
    q = np.round(x / scale) + zero_point
    return np.clip(q, -128, 127).astype(np.int8)


def int8_accuracy(model_path, xq, y):
    it = goldens.make_tflm(model_path, preserve=False)
    correct = 0
    for i in range(len(xq)):
        it.set_input(xq[i:i + 1], 0)
        it.invoke()
        out = it.get_output(0).reshape(-1)
        # np.argmax returns the first maximal index on ties.
        correct += int(int(np.argmax(out)) == int(y[i]))
    return correct / len(xq)


def main():
    ap = argparse.ArgumentParser(description="train the int8 digits CNN")
    ap.add_argument("--out-dir", default="models")
    ap.add_argument("--epochs", type=int, default=100)
    args = ap.parse_args()

    seed_everything(SEED)
    x_train, x_test, y_train, y_test = load_data()
    print("train %d, test %d" % (len(x_train), len(x_test)))

    model = build_model()
    trainer = train(model, x_train, y_train, args.epochs)
    float_acc = float(np.mean(np.argmax(trainer.predict(x_test, verbose=0), axis=1) == y_test))
    train_acc = float(np.mean(np.argmax(trainer.predict(x_train, verbose=0), axis=1) == y_train))
    print("float accuracy: train %.4f, test %.4f" % (train_acc, float_acc))

    os.makedirs(args.out_dir, exist_ok=True)
    tfl_path = os.path.join(args.out_dir, "digits.tflite")
    with open(tfl_path, "wb") as f:
        f.write(convert(model, x_train))

    info = goldens.ModelInfo(tfl_path)
    inp = info.inputs[0]
    out = info.outputs[0]
    assert inp["dtype"] == "int8" and out["dtype"] == "int8", (inp, out)
    xq = quantize_inputs(x_test, inp["scale"], inp["zero_point"])
    int8_acc = int8_accuracy(tfl_path, xq, y_test)
    print("int8 accuracy (TFLM): test %.4f" % int8_acc)

    with open(os.path.join(args.out_dir, "digits_test_inputs.bin"), "wb") as f:
        f.write(xq.reshape(len(xq), 64).tobytes(order="C"))
    with open(os.path.join(args.out_dir, "digits_test_labels.bin"), "wb") as f:
        f.write(y_test.astype(np.uint8).tobytes())

    correct_int8 = int(round(int8_acc * len(xq)))
    op_rows = "\n".join(
        "| %d | %s | %s | %s | %s | %s |" % (
            o["index"], o["op"], o["output"]["dtype"], "x".join(map(str, o["output"]["shape"])),
            "%.8g" % o["output"]["scale"] if isinstance(o["output"]["scale"], float) else "-",
            o["output"]["zero_point"] if o["output"]["zero_point"] is not None else "-")
        for o in info.operators)
    md = """# digits.tflite

A small full-integer int8 CNN for scikit-learn's bundled `load_digits` data
set (8x8 grey images of the digits 0-9). It is Vigil's own test model: small
enough to commit, and it exercises CONV_2D, DEPTHWISE_CONV_2D (with dilation
and with stride 2), ADD, MAX_POOL_2D, AVERAGE_POOL_2D, RESHAPE,
FULLY_CONNECTED and SOFTMAX.

## Reproduce

```
{command}
```

Seed {seed} for Python, NumPy and TensorFlow (op determinism on); data split
75/25, stratified, `random_state=0`; pixels scaled to [0, 1] (value / 16);
Adam (lr 0.01), batch 32, {epochs} epochs. Converted with
`tf.lite.TFLiteConverter` from a batch-1 SavedModel export, full-integer int8
(`TFLITE_BUILTINS_INT8`, representative data = the training split, int8
inference input and output), so there are no QUANTIZE/DEQUANTIZE ops.
Retraining on another machine or with other package versions may give a
slightly different model; the committed file is the reference.

## Accuracy on the test split ({n_test} images)

| model | accuracy |
| --- | --- |
| float (Keras) | {float_acc:.4f} |
| int8 (TFLM reference interpreter) | {int8_acc:.4f} ({correct}/{n_test}) |

Training-split float accuracy: {train_acc:.4f}.

## Architecture

{arch}
## Tensors

- input: tensor {in_t}, int8 {in_shape}, scale {in_scale:.10g}, zero point {in_zp}
  (`q = clip(round(x / scale) + zero_point, -128, 127)`, x in [0, 1])
- output: tensor {out_t}, int8 {out_shape}, scale {out_scale:.10g}, zero point {out_zp}

## Operators (subgraph 0)

| index | op | output dtype | output shape | output scale | output zero point |
| --- | --- | --- | --- | --- | --- |
{op_rows}

## Test data files

- `digits_test_inputs.bin`: {n_test} x 64 int8 bytes, row-major (image by
  image, row by row), already quantized with the input scale/zero point above.
- `digits_test_labels.bin`: {n_test} bytes, the labels 0-9 in the same order.

A program that runs `digits.tflite` on each 64-byte row and takes the argmax
of the 10 int8 outputs (the first index on ties, as numpy does) should reproduce the int8 accuracy above exactly
({correct} correct).
""".format(
        command=COMMAND, seed=SEED, epochs=args.epochs, n_test=len(x_test),
        float_acc=float_acc, int8_acc=int8_acc, correct=correct_int8, train_acc=train_acc,
        arch=ARCHITECTURE, in_t=inp["tensor"], in_shape="x".join(map(str, inp["shape"])),
        in_scale=inp["scale"], in_zp=inp["zero_point"], out_t=out["tensor"],
        out_shape="x".join(map(str, out["shape"])), out_scale=out["scale"],
        out_zp=out["zero_point"], op_rows=op_rows)
    with open(os.path.join(args.out_dir, "digits.md"), "w") as f:
        f.write(md)
    print(info.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
