#!/usr/bin/env python3
"""Train the small int8 transformer used by Vigil's tests: a character-level
language model.

Usage (from the repository root):
    scripts/python-env scripts/train_transformer.py [--out-dir models] [--epochs 12]
    scripts/python-env scripts/train_transformer.py --out-dir models --reference-only

Data: the text of scikit-learn's bundled dataset descriptions
(sklearn/datasets/descr/*.rst, installed with the package; nothing is
downloaded), lower-cased; characters outside the 47 most frequent become one
"other" token. The first 90% of the text trains, the last 10% tests. A sample
is CONTEXT characters; the label is the character that follows.

Model (token ids in, next-character logits out): an embedding table read with
GATHER plus a learned position embedding, two pre-norm transformer blocks
(layer normalisation written out: MEAN, SQUARED_DIFFERENCE, RSQRT, ...;
single-head attention with BATCH_MATMUL and SOFTMAX; a GELU feed-forward;
residual ADDs), the last position (STRIDED_SLICE), a final layer norm and a
Dense head. Exported full-integer int8 (representative dataset: 200 training
windows) with an int32 token input and int8 logits.

Writes:
    OUT/charlm.tflite     the int8 model
    OUT/charlm.md         architecture, accuracy and loss before and after
                          quantization, operators, the command
    OUT/charlm_test_ids.bin        the test text as token ids, one byte each;
                                   window i is ids[i:i+CONTEXT], its label
                                   ids[i+CONTEXT]
    OUT/charlm_test_reference.txt  the reference's int8 logits on every test
                                   window (TFLite Micro operator by operator,
                                   LiteRT's reference kernels for GELU:
                                   goldens.LayerwiseReference): line 1 the
                                   blake2b-256 (hex) of all of them, 48 bytes
                                   per window in order; line 2 the number of
                                   windows; line 3 how many it gets right; line
                                   4 each window's prediction (first maximum),
                                   as hex bytes; for a Rust test to compare the
                                   engine with
The int8 figures in charlm.md are LiteRT's whole-model reference kernels on
the test split. --reference-only writes only the two test files, from the
model already in OUT, and prints the reference's accuracy.
"""

import argparse
import glob
import os
import random
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
os.environ.setdefault("PYTHONHASHSEED", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import goldens  # noqa: E402

SEED = 0
CONTEXT = 24
WIDTH = 32
FFN = 64
VOCAB = 48  # 47 characters and "other"
BLOCKS = 2
COMMAND = "scripts/python-env scripts/train_transformer.py --out-dir models"
L = tf.keras.layers


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    tf.keras.utils.set_random_seed(seed)


def load_text():
    import sklearn.datasets
    descr = os.path.join(os.path.dirname(sklearn.datasets.__file__), "descr")
    files = sorted(glob.glob(os.path.join(descr, "*.rst")))
    if not files:
        raise SystemExit("no dataset descriptions under %s" % descr)
    return "".join(open(f, encoding="utf-8").read() for f in files).lower(), files


def vocabulary(text):
    counts = {}
    for c in text:
        counts[c] = counts.get(c, 0) + 1
    chars = sorted(counts, key=lambda c: (-counts[c], c))[:VOCAB - 1]
    return {c: i for i, c in enumerate(sorted(chars))}


def encode(text, vocab):
    other = VOCAB - 1
    return np.array([vocab.get(c, other) for c in text], dtype=np.int32)


def windows(ids):
    n = len(ids) - CONTEXT
    x = np.stack([ids[i:i + CONTEXT] for i in range(n)])
    return x.astype(np.int32), ids[CONTEXT:CONTEXT + n].astype(np.int32)


class Lookup(L.Layer):
    """An embedding table read with tf.gather (Keras' Embedding adds int32
    arithmetic for negative ids in front of the GATHER)."""

    def __init__(self, rows, width, **kwargs):
        super().__init__(**kwargs)
        self.rows, self.width = rows, width

    def build(self, input_shape):
        self.table = self.add_weight(shape=(self.rows, self.width),
                                     initializer="random_normal", name="table")

    def call(self, ids):
        return tf.gather(self.table, ids)


class AddWeight(L.Layer):
    """x + a learned tensor of the given shape (a position embedding, a bias)."""

    def __init__(self, shape, init="zeros", **kwargs):
        super().__init__(**kwargs)
        self.shape_ = tuple(shape)
        self.init = init

    def build(self, input_shape):
        self.w = self.add_weight(shape=self.shape_, initializer=self.init, name="w")

    def call(self, x):
        return x + self.w


class LayerNorm(L.Layer):
    """Layer normalisation written out in the operators TFLite keeps."""

    def build(self, input_shape):
        d = input_shape[-1]
        self.gamma = self.add_weight(shape=(d,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(d,), initializer="zeros", name="beta")

    def call(self, t):
        mean = tf.reduce_mean(t, axis=-1, keepdims=True)
        var = tf.reduce_mean(tf.math.squared_difference(t, mean), axis=-1, keepdims=True)
        return (t - mean) * tf.math.rsqrt(var + 1e-3) * self.gamma + self.beta


def build_model():
    ids = tf.keras.Input((CONTEXT,), dtype=tf.int32)
    x = Lookup(VOCAB, WIDTH)(ids)
    x = AddWeight((CONTEXT, WIDTH), init="random_normal")(x)
    for _ in range(BLOCKS):
        h = LayerNorm()(x)
        q = L.Dense(WIDTH)(h)
        k = L.Dense(WIDTH)(h)
        v = L.Dense(WIDTH)(h)
        s = L.Lambda(lambda t: tf.matmul(t[0], t[1], transpose_b=True)
                     * (1.0 / np.sqrt(WIDTH)))([q, k])
        s = L.Softmax()(s)
        a = L.Lambda(lambda t: tf.matmul(t[0], t[1]))([s, v])
        x = L.Add()([x, L.Dense(WIDTH)(a)])
        h = LayerNorm()(x)
        h = L.Dense(FFN)(h)
        h = L.Lambda(lambda t: tf.nn.gelu(t, approximate=False))(h)
        x = L.Add()([x, L.Dense(WIDTH)(h)])
    x = L.Lambda(lambda t: t[:, -1, :])(x)
    x = LayerNorm()(x)
    logits = L.Dense(VOCAB)(x)
    return tf.keras.Model(ids, logits)


def convert(model, x_train):
    with tempfile.TemporaryDirectory() as tmp:
        export_dir = os.path.join(tmp, "saved_model")
        model.export(export_dir, format="tf_saved_model", verbose=False,
                     input_signature=[tf.TensorSpec((1, CONTEXT), tf.int32, name="x")])
        rng = np.random.default_rng(SEED)
        pick = rng.permutation(len(x_train))[:200]

        def representative():
            for i in pick:
                yield [x_train[i:i + 1]]

        conv = tf.lite.TFLiteConverter.from_saved_model(export_dir)
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = representative
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = tf.int8  # the int32 token input stays int32
        conv.inference_output_type = tf.int8
        return conv.convert()


def cross_entropy(logits, y):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(y)), y].mean())


def int8_logits(model_path, x):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    it = Interpreter(model_path=model_path,
                     experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    inp = it.get_input_details()[0]
    out = it.get_output_details()[0]
    scale, zero_point = out["quantization"]
    logits = np.empty((len(x), VOCAB), dtype=np.float64)
    for i in range(len(x)):
        it.set_tensor(inp["index"], x[i:i + 1])
        it.invoke()
        q = it.get_tensor(out["index"]).reshape(-1).astype(np.float64)
        logits[i] = (q - zero_point) * scale
    return logits


def write_reference(out_dir, test_ids):
    """The test text's ids and the reference's int8 logits on every window."""
    path = os.path.join(out_dir, "charlm.tflite")
    x_test, y_test = windows(test_ids)
    info = goldens.ModelInfo(path)
    ref = goldens.LayerwiseReference(info)
    logits = np.empty((len(x_test), VOCAB), dtype=np.int8)
    for i in range(len(x_test)):
        ref.set_input(x_test[i:i + 1], 0)
        ref.invoke()
        logits[i] = ref.get_output(0).reshape(-1)
    with open(os.path.join(out_dir, "charlm_test_ids.bin"), "wb") as f:
        f.write(test_ids.astype(np.uint8).tobytes())
    import hashlib
    predictions = logits.argmax(axis=1)
    correct = int((predictions == y_test).sum())
    with open(os.path.join(out_dir, "charlm_test_reference.txt"), "w") as f:
        f.write("%s\n%d\n%d\n%s\n" % (
            hashlib.blake2b(logits.tobytes(), digest_size=32).hexdigest(), len(y_test),
            correct, predictions.astype(np.uint8).tobytes().hex()))
    print("reference int8 (TFLite Micro operator by operator, LiteRT for GELU): "
          "%d of %d windows right (%.4f)" % (correct, len(y_test), correct / len(y_test)))
    return correct, len(y_test)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-dir", default="models")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--reference-only", action="store_true",
                    help="only write the test ids and the reference's logits")
    args = ap.parse_args()
    seed_everything(SEED)

    text, files = load_text()
    vocab = vocabulary(text)
    ids = encode(text, vocab)
    split = int(len(ids) * 0.9)
    if args.reference_only:
        write_reference(args.out_dir, ids[split:])
        return 0
    x_train, y_train = windows(ids[:split])
    x_test, y_test = windows(ids[split:])
    print("text: %d characters from %d files; %d training and %d test windows" % (
        len(text), len(files), len(x_train), len(x_test)), flush=True)

    model = build_model()
    model.compile(optimizer=tf.keras.optimizers.Adam(3e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=128, verbose=2,
              shuffle=True)
    float_logits = model.predict(x_test, batch_size=512, verbose=0).astype(np.float64)
    float_acc = float((float_logits.argmax(axis=1) == y_test).mean())
    float_loss = cross_entropy(float_logits, y_test)

    os.makedirs(args.out_dir, exist_ok=True)
    path = os.path.join(args.out_dir, "charlm.tflite")
    with open(path, "wb") as f:
        f.write(convert(model, x_train))
    q_logits = int8_logits(path, x_test)
    int8_acc = float((q_logits.argmax(axis=1) == y_test).mean())
    int8_loss = cross_entropy(q_logits, y_test)
    info = goldens.ModelInfo(path)
    size = os.path.getsize(path)
    print("float: accuracy %.4f, loss %.4f; int8: accuracy %.4f, loss %.4f; %d bytes" % (
        float_acc, float_loss, int8_acc, int8_loss, size))
    ref_correct, ref_total = write_reference(args.out_dir, ids[split:])

    chars = "".join(sorted(vocab, key=vocab.get))
    md = """# charlm.tflite

A character-level language model with two transformer blocks, trained here by
`scripts/train_transformer.py` on the text of scikit-learn's bundled dataset
descriptions (`sklearn/datasets/descr/*.rst`, {nchars} characters, lower-cased;
nothing is downloaded). Given {ctx} characters (int32 token ids, one per
character) it gives int8 logits for the next one.

- Vocabulary: {vocab} tokens, the characters {chars!r} (ids 0-{last} in that
  order) and id {other} for any other character.
- Width {width}, feed-forward {ffn} with exact GELU, one attention head, {blocks}
  pre-norm blocks, {size} bytes, {ops} operators.
- Split: the first 90% of the text trains ({ntrain} windows), the last 10% tests
  ({ntest} windows).

| | next-character accuracy | cross-entropy (nats) |
| --- | --- | --- |
| float (Keras) | {fa:.4f} | {fl:.4f} |
| int8 (LiteRT reference kernels, whole model) | {qa:.4f} | {ql:.4f} |
| int8 (TFLite Micro operator by operator, LiteRT for GELU; the engine) | {ra:.4f} ({rc} of {rt}) | |

The last row is the reference the engine is bit-exact with: `cargo test` checks
that the engine gives the same logits on every test window
(`charlm_int8_predictions_match_reference`, `charlm_test_reference.txt`). LiteRT
run whole differs from it on some windows because its reference kernels, as
built in `ai-edge-litert`, requantize with one rounding where TFLite Micro
rounds twice.

Reproduce with `{cmd}` (CPU, a few minutes; on this machine a second run gave
the same model, byte for byte).

Operators:

```
{desc}
```
""".format(nchars=len(text), ctx=CONTEXT, vocab=VOCAB, chars=chars, last=VOCAB - 2,
           other=VOCAB - 1, width=WIDTH, ffn=FFN, blocks=BLOCKS, size=size,
           ops=len(info.operators), ntrain=len(x_train), ntest=len(x_test), fa=float_acc,
           fl=float_loss, qa=int8_acc, ql=int8_loss, ra=ref_correct / ref_total,
           rc=ref_correct, rt=ref_total, cmd=COMMAND, desc=info.describe())
    with open(os.path.join(args.out_dir, "charlm.md"), "w") as f:
        f.write(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
