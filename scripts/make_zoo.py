#!/usr/bin/env python3
"""Build a zoo of small full-integer TFLite models (int8; a few 16x8), one per operator pattern.

Usage:
    scripts/python-env scripts/make_zoo.py OUT_DIR [--only NAME ...] [--list]

Every model is built from fixed seeds (weights, representative data), exported
as a batch-1 SavedModel and converted with

    optimizations = [Optimize.DEFAULT]
    target_spec.supported_ops = [TFLITE_BUILTINS_INT8]
    inference_input_type = inference_output_type = tf.int8

unless its entry says otherwise (the `float_io` / `float_out` variants keep a
float32 edge so the converter emits QUANTIZE / DEQUANTIZE). The models are
untrained (random weights; BatchNormalization statistics are set from the
representative data so deep stacks do not collapse to constants); the
representative data is random normal, or scikit-learn data where it is
natural (the digits MLP, which is trained for a few epochs).

For each model OUT_DIR/<name>.tflite is written and its operator list printed
(the same text as `goldens.py --list-ops`). OUT_DIR/zoo_ops.txt collects all of
them. Models are kept small: the MobileNets are about 300-315 KB (most of
it per-channel scales and zero points), the rest under 20 KB.

The operator patterns covered:

    mobilenet_v1        keras.applications.MobileNet 64x64x3, alpha 0.25
    mobilenet_v2        keras.applications.MobileNetV2 64x64x3, alpha 0.35
                        (ADD, MEAN; truncated after block_14_add,
                        GlobalAveragePooling + Dense head)
    ds_cnn_kws          DS-CNN keyword-spotting net on 49x10x1 (AVERAGE_POOL)
    conv1d_kws          Conv1D / MaxPooling1D / GlobalAveragePooling1D
    concat_pad          two conv branches -> CONCATENATION -> PAD -> CONV
                        VALID -> MEAN -> FULLY_CONNECTED
    concat_pad_flat     concat_pad with Flatten instead of the MEAN
    mobilenet_v1_avgpool / mobilenet_v2_avgpool
                        the same backbones with an AVERAGE_POOL_2D head
    relu_separate       RELU / RELU6 after CONCATENATION (not fusable)
    requantize_concat   SOFTMAX branch concatenated: int8 -> int8 QUANTIZE
    concat_input        the input itself concatenated with a conv branch
    act_*               LOGISTIC, TANH, LEAKY_RELU, HARD_SWISH, RELU, RELU6,
                        separate activations
    add_relu            ADD with a fused RELU
    bin_mul / bin_sub / bin_maxmin / bin_mul_broadcast
                        MUL, SUB, MAXIMUM, MINIMUM (and a broadcasting
                        squeeze-excitation MUL [1,6,6,8] * [1,1,1,8])
    float_io            float32 input and output: QUANTIZE ... DEQUANTIZE
    float_out           int8 input, float32 output: ... DEQUANTIZE
    mlp_batch           Dense on a rank-3 input [1, 4, 16]
    mlp_autoencoder     anomaly-detection style dense autoencoder (64-32-8-32-64)
    mlp_digits          sklearn digits MLP, Dense(use_bias=False) layer
    conv_stride2_odd    CONV_2D stride 2 SAME on 7x7
    conv_dilated        CONV_2D dilation 2 VALID
    conv_groups         CONV_2D groups=2
    dw_mult2            DEPTHWISE_CONV_2D depth_multiplier 2
    avgpool_valid_odd / avgpool_same_odd / maxpool_3x3s2_same
    reshape_dynamic     Flatten with a dynamic batch: SHAPE / STRIDED_SLICE /
                        PACK / RESHAPE
    tr_transpose        TRANSPOSE of rank 3 and rank 5 activations
    tr_attention        self-attention: BATCH_MATMUL (with and without adj_y),
                        MUL by a constant, SOFTMAX
    tr_layernorm        layer normalisation written out: MEAN,
                        SQUARED_DIFFERENCE, ADD of a constant, RSQRT, SUB, MUL
    tr_slice_gather     STRIDED_SLICE (strides, negative stride, shrunk axis)
                        and GATHER on activations
    tr_block            a pre-norm transformer block (layer norm, attention,
                        feed-forward, residual ADDs), first position out
    tr_embedding        token ids (int32 input) through an embedding (GATHER at
                        run-time indices), attention
    tr_embedding_lookup the same with EMBEDDING_LOOKUP in place of the GATHER
    two_inputs          a model with two inputs (a sequence and a vector)
    tr_gelu             GELU, exact (erf) and approximate (tanh), between Dense
                        layers; TFLite Micro has no GELU, so its goldens come
                        from LiteRT's reference kernels (goldens.py chooses it)
    fc16x8_mlp / fc16x8_batch / fc16x8_softmax
                        TFLite's 16x8 mode (int16 activations, int8 weights,
                        int64 bias), converted with the
                        EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8
                        ops set: FULLY_CONNECTED 16x8 on [1, 40], [1, 4, 20]
                        and [1, 3, 24], the last with the int16 SOFTMAX
    conv16x8_kws        16x8 convolutional keyword-spotter shape: CONV_2D (stride
                        2, SAME), DEPTHWISE_CONV_2D (multiplier 2), CONV_2D 1x1
                        (ReLU6), CONV_2D dilated VALID, RESHAPE, FULLY_CONNECTED,
                        SOFTMAX, all int16 activations
    add16x8             16x8 residual ADDs (one with a fused ReLU)
    concat16x8          16x8 CONCATENATION of two dense branches and the input
    mulsub16x8          16x8 MUL (also broadcast) and SUB
    pool16x8            16x8 AVERAGE_POOL_2D and MAX_POOL_2D (SAME and VALID,
                        strided, whole-image), two outputs
    svdf_int16_state    int16 input -> QUANTIZE to int8 -> SVDF (rank 2, int16
                        state) -> FULLY_CONNECTED -> SOFTMAX to int16, the shape
                        of tflite-micro's keyword model at other sizes
    softmax16_tables    the int16 SOFTMAX alone on inputs that sweep its tables
    select_v2           SELECT_V2 (tf.where) on a constant bool condition and on
                        a bool model input, both broadcasting
    three_outputs       a model with three outputs: a softmax head, a dense
                        head and the trunk both read (several outputs)
    svdf_int8_state     SVDF with an int8 state (non-zero zero point), batch 2,
                        rank 3, then QUANTIZE int8 -> int16

The converter emits SVDF only from TensorFlow graphs it recognises, so the two
svdf_* models are written directly with the TFLite schema's object API
(`flat_model`), their weights drawn from fixed seeds and their scales set from
the integer statistics of random inputs so that no layer saturates.
    rnn_lstm            two stacked UNIDIRECTIONAL_SEQUENCE_LSTMs (9 and 5
                        units) on a batch of 2 sequences; written as a
                        flatbuffer here (see lstm_model: the converter
                        crashes calibrating an LSTM)
    rnn_lstm_time_major one time-major LSTM (batch 3, 16 units) whose cell
                        clip bites
"""

import argparse
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import goldens  # noqa: E402

L = tf.keras.layers
N_CALIB = 64


# --------------------------------------------------------------------------
# model builders: each returns (keras model, input shape without batch)


def mobilenet_v1():
    m = tf.keras.applications.MobileNet(
        input_shape=(64, 64, 3), alpha=0.25, weights=None, classes=10,
        classifier_activation=None)
    return m


def mobilenet_v2():
    base = tf.keras.applications.MobileNetV2(
        input_shape=(64, 64, 3), alpha=0.35, weights=None, include_top=False)
    x = base.get_layer("block_14_add").output
    x = L.GlobalAveragePooling2D()(x)
    x = L.Dense(10)(x)
    return tf.keras.Model(base.input, x)


def ds_cnn_kws():
    inp = tf.keras.Input((49, 10, 1))
    x = L.Conv2D(32, (10, 4), strides=(2, 2), padding="same", use_bias=False)(inp)
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    for _ in range(3):
        x = L.DepthwiseConv2D(3, padding="same", use_bias=False)(x)
        x = L.BatchNormalization()(x)
        x = L.ReLU()(x)
        x = L.Conv2D(32, 1, use_bias=False)(x)
        x = L.BatchNormalization()(x)
        x = L.ReLU()(x)
    x = L.AveragePooling2D(pool_size=(25, 5))(x)
    x = L.Flatten()(x)
    x = L.Dense(12, activation="softmax")(x)
    return tf.keras.Model(inp, x)


def conv1d_kws():
    inp = tf.keras.Input((49, 10))
    x = L.Conv1D(16, 3, padding="same", activation="relu")(inp)
    x = L.MaxPooling1D(2)(x)
    x = L.Conv1D(16, 3, strides=2, activation="relu")(x)
    x = L.GlobalAveragePooling1D()(x)
    x = L.Dense(4, activation="softmax")(x)
    return tf.keras.Model(inp, x)


def concat_pad():
    inp = tf.keras.Input((12, 12, 3))
    a = L.Conv2D(8, 3, padding="same", activation="relu")(inp)
    b = L.Conv2D(4, 1, padding="same", activation="relu6")(inp)
    x = L.Concatenate()([a, b])
    x = L.ZeroPadding2D(((1, 2), (2, 1)))(x)
    x = L.Conv2D(8, 3, padding="valid", activation="relu")(x)
    x = L.GlobalAveragePooling2D()(x)
    x = L.Dense(10)(x)
    return tf.keras.Model(inp, x)


def mobilenet_v1_avgpool():
    # as mobilenet_v1 but the head is AVERAGE_POOL_2D + RESHAPE instead of MEAN
    base = tf.keras.applications.MobileNet(
        input_shape=(64, 64, 3), alpha=0.25, weights=None, include_top=False)
    x = L.AveragePooling2D(pool_size=2)(base.output)
    x = L.Flatten()(x)
    x = L.Dense(10)(x)
    return tf.keras.Model(base.input, x)


def mobilenet_v2_avgpool():
    base = tf.keras.applications.MobileNetV2(
        input_shape=(64, 64, 3), alpha=0.35, weights=None, include_top=False)
    x = base.get_layer("block_14_add").output
    x = L.AveragePooling2D(pool_size=2)(x)
    x = L.Flatten()(x)
    x = L.Dense(10)(x)
    return tf.keras.Model(base.input, x)


def concat_pad_flat():
    # concat_pad without the MEAN, so CONCATENATION and PAD are reached
    inp = tf.keras.Input((12, 12, 3))
    a = L.Conv2D(8, 3, padding="same", activation="relu")(inp)
    b = L.Conv2D(4, 1, padding="same", activation="relu6")(inp)
    x = L.Concatenate()([a, b])
    x = L.ZeroPadding2D(((1, 2), (2, 1)))(x)
    x = L.Conv2D(8, 3, padding="valid", activation="relu")(x)
    x = L.Flatten()(x)
    x = L.Dense(10)(x)
    return tf.keras.Model(inp, x)


def relu_separate():
    # RELU / RELU6 where the converter cannot fuse them (after CONCATENATION)
    inp = tf.keras.Input((6, 6, 4))
    a = L.Conv2D(6, 3, padding="same")(inp)
    b = L.Conv2D(6, 1)(inp)
    x = L.Concatenate()([a, b])
    x = L.ReLU()(x)
    c = L.Conv2D(4, 1)(x)
    d = L.Conv2D(4, 3, padding="same")(x)
    y = L.Concatenate()([c, d])
    y = L.ReLU(max_value=6.0)(y)
    y = L.Flatten()(y)
    y = L.Dense(8)(y)
    return tf.keras.Model(inp, y)


def requantize_concat():
    # SOFTMAX output (fixed scale 1/256) concatenated with a conv branch: the
    # converter inserts an int8 -> int8 QUANTIZE to unify the scales
    inp = tf.keras.Input((6, 6, 4))
    a = L.Conv2D(6, 3, padding="same", activation="relu")(inp)
    b = L.Conv2D(6, 1)(inp)
    b = L.Softmax()(b)
    x = L.Concatenate()([a, b])
    x = L.Conv2D(4, 1)(x)
    x = L.Flatten()(x)
    x = L.Dense(8)(x)
    return tf.keras.Model(inp, x)


def concat_input():
    inp = tf.keras.Input((8, 8, 3))
    b = L.Conv2D(5, 3, padding="same")(inp)
    x = L.Concatenate()([inp, b])
    x = L.Conv2D(4, 1, activation="relu")(x)
    x = L.Flatten()(x)
    x = L.Dense(6)(x)
    return tf.keras.Model(inp, x)


def _dense_act(act_layer):
    def build():
        inp = tf.keras.Input((16,))
        x = L.Dense(32)(inp)
        x = act_layer()(x)
        x = L.Dense(8)(x)
        return tf.keras.Model(inp, x)
    return build


def _hard_swish_layer():
    return L.Lambda(lambda t: t * tf.nn.relu6(t + 3.0) * (1.0 / 6.0))


def act_conv_mix():
    # Conv followed by separate activations, plus RELU / RELU6 in positions
    # where the converter cannot fuse them (after CONCATENATION / RESHAPE).
    inp = tf.keras.Input((6, 6, 4))
    a = L.Conv2D(6, 3, padding="same")(inp)
    a = L.Activation("sigmoid")(a)
    b = L.Conv2D(6, 3, padding="same")(inp)
    b = L.Activation("tanh")(b)
    x = L.Concatenate()([a, b])
    x = L.Conv2D(8, 1)(x)
    c = L.Concatenate()([x, x])
    c = L.ReLU()(c)
    d = L.Reshape((6 * 6 * 16,))(c)
    d = L.Dense(12)(d)
    d = L.Reshape((3, 4))(d)
    d = L.ReLU(max_value=6.0)(d)
    d = L.Flatten()(d)
    return tf.keras.Model(inp, d)


def add_relu():
    inp = tf.keras.Input((16,))
    a = L.Dense(24)(inp)
    b = L.Dense(24)(inp)
    x = L.Add()([a, b])
    x = L.ReLU()(x)
    x = L.Dense(8)(x)
    return tf.keras.Model(inp, x)


def bin_mul():
    inp = tf.keras.Input((16,))
    a = L.Dense(24)(inp)
    b = L.Dense(24, activation="relu")(inp)
    x = L.Multiply()([a, b])
    x = L.Dense(8)(x)
    return tf.keras.Model(inp, x)


def bin_mul_broadcast():
    # squeeze-and-excitation style channel gating: [1,H,W,C] * [1,1,1,C]
    inp = tf.keras.Input((6, 6, 8))
    x = L.Conv2D(8, 3, padding="same", activation="relu")(inp)
    s = L.AveragePooling2D(pool_size=6)(x)
    s = L.Conv2D(4, 1, activation="relu")(s)
    s = L.Conv2D(8, 1, activation="sigmoid")(s)
    x = L.Multiply()([x, s])
    x = L.Conv2D(4, 1)(x)
    return tf.keras.Model(inp, x)


def bin_sub():
    inp = tf.keras.Input((16,))
    a = L.Dense(24)(inp)
    b = L.Dense(24)(inp)
    x = L.Subtract()([a, b])
    x = L.Dense(8)(x)
    return tf.keras.Model(inp, x)


def bin_maxmin():
    inp = tf.keras.Input((16,))
    a = L.Dense(24)(inp)
    b = L.Dense(24)(inp)
    c = L.Dense(24)(inp)
    x = L.Maximum()([a, b])
    x = L.Minimum()([x, c])
    x = L.Dense(8)(x)
    return tf.keras.Model(inp, x)


def float_io():
    inp = tf.keras.Input((16,))
    x = L.Dense(32, activation="relu")(inp)
    x = L.Dense(8)(x)
    return tf.keras.Model(inp, x)


float_out = float_io


def mlp_batch():
    inp = tf.keras.Input((4, 16))
    x = L.Dense(32, activation="relu")(inp)
    x = L.Dense(8)(x)
    return tf.keras.Model(inp, x)


def mlp_autoencoder():
    inp = tf.keras.Input((64,))
    x = inp
    for n in (32, 8, 32):
        x = L.Dense(n, activation="relu")(x)
    x = L.Dense(64)(x)
    return tf.keras.Model(inp, x)


def mlp_digits():
    inp = tf.keras.Input((64,))
    x = L.Dense(32, use_bias=False)(inp)
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    x = L.Dense(10, activation="softmax")(x)
    return tf.keras.Model(inp, x)


def conv_stride2_odd():
    inp = tf.keras.Input((7, 7, 3))
    x = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(inp)
    x = L.Conv2D(4, 2, strides=2, padding="same")(x)
    return tf.keras.Model(inp, x)


def conv_dilated():
    inp = tf.keras.Input((9, 9, 3))
    x = L.Conv2D(8, 3, dilation_rate=2, padding="valid", activation="relu")(inp)
    x = L.Conv2D(4, 3, dilation_rate=2, padding="same")(x)
    return tf.keras.Model(inp, x)


def conv_groups():
    inp = tf.keras.Input((6, 6, 4))
    x = L.Conv2D(8, 3, groups=2, padding="same", activation="relu")(inp)
    x = L.Conv2D(4, 1)(x)
    return tf.keras.Model(inp, x)


def dw_mult2():
    inp = tf.keras.Input((7, 7, 3))
    x = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", activation="relu6")(inp)
    x = L.DepthwiseConv2D(3, strides=2, depth_multiplier=2, padding="valid")(x)
    return tf.keras.Model(inp, x)


def avgpool_valid_odd():
    inp = tf.keras.Input((7, 7, 4))
    x = L.Conv2D(4, 1)(inp)
    x = L.AveragePooling2D(pool_size=3, strides=2, padding="valid")(x)
    return tf.keras.Model(inp, x)


def avgpool_same_odd():
    inp = tf.keras.Input((7, 7, 4))
    x = L.Conv2D(4, 1)(inp)
    x = L.AveragePooling2D(pool_size=3, strides=2, padding="same")(x)
    return tf.keras.Model(inp, x)


def maxpool_3x3s2_same():
    inp = tf.keras.Input((7, 7, 4))
    x = L.Conv2D(4, 1)(inp)
    x = L.MaxPooling2D(pool_size=3, strides=2, padding="same")(x)
    return tf.keras.Model(inp, x)


def reshape_dynamic():
    inp = tf.keras.Input((6, 6, 4))
    x = L.Conv2D(4, 3, padding="same", activation="relu")(inp)
    x = L.Flatten()(x)
    x = L.Dense(8)(x)
    return tf.keras.Model(inp, x)


def tr_transpose():
    # TRANSPOSE of rank 3 and rank 5 activations
    inp = tf.keras.Input((4, 6, 8))
    x = L.Dense(8)(inp)
    x = L.Lambda(lambda t: tf.transpose(t, [0, 2, 1, 3]))(x)
    x = L.Dense(6)(x)
    x = L.Reshape((3, 2, 4, 6))(x)
    x = L.Lambda(lambda t: tf.transpose(t, [0, 4, 2, 3, 1]))(x)
    x = L.Reshape((12, 12))(x)
    x = L.Dense(4)(x)
    return tf.keras.Model(inp, x)


def tr_attention():
    # single-head self-attention: BATCH_MATMUL of two activations, with and
    # without adj_y, a MUL by a constant scale, SOFTMAX over the rows
    inp = tf.keras.Input((6, 8))
    q = L.Dense(8)(inp)
    k = L.Dense(8)(inp)
    v = L.Dense(8)(inp)
    s = L.Lambda(lambda t: tf.matmul(t[0], t[1], transpose_b=True) * 0.35)([q, k])
    s = L.Softmax()(s)
    x = L.Lambda(lambda t: tf.matmul(t[0], t[1]))([s, v])
    x = L.Dense(4)(x)
    return tf.keras.Model(inp, x)


def tr_layernorm():
    # layer normalisation written out: MEAN, SQUARED_DIFFERENCE, ADD of a
    # constant epsilon, RSQRT, SUB, MUL
    inp = tf.keras.Input((6, 16))
    x = L.Dense(16)(inp)

    def norm(t):
        mean = tf.reduce_mean(t, axis=-1, keepdims=True)
        var = tf.reduce_mean(tf.math.squared_difference(t, mean), axis=-1, keepdims=True)
        return (t - mean) * tf.math.rsqrt(var + 1e-3)
    x = L.Lambda(norm)(x)
    x = L.Dense(4)(x)
    return tf.keras.Model(inp, x)


def tr_slice_gather():
    # STRIDED_SLICE (strides, a negative stride, a shrunk axis) and GATHER on activations
    inp = tf.keras.Input((8, 6))
    x = L.Dense(6)(inp)
    a = L.Lambda(lambda t: t[:, 1:7:2, ::-1])(x)
    b = L.Lambda(lambda t: tf.gather(t, [5, 0, 2, 2], axis=1))(x)
    c = L.Lambda(lambda t: t[:, 3, 1:])(x)
    a = L.Flatten()(a)
    b = L.Flatten()(b)
    x = L.Concatenate()([a, b, c])
    x = L.Dense(4)(x)
    return tf.keras.Model(inp, x)


def tr_block():
    # a pre-norm transformer block on a [8, 16] sequence: layer normalisation,
    # single-head attention with a residual ADD, a ReLU feed-forward with a
    # residual ADD, then the first position (STRIDED_SLICE) to a classifier
    inp = tf.keras.Input((8, 16))

    def norm(t):
        mean = tf.reduce_mean(t, axis=-1, keepdims=True)
        var = tf.reduce_mean(tf.math.squared_difference(t, mean), axis=-1, keepdims=True)
        return (t - mean) * tf.math.rsqrt(var + 1e-3)
    x = L.Dense(16)(inp)
    h = L.Lambda(norm)(x)
    q = L.Dense(16)(h)
    k = L.Dense(16)(h)
    v = L.Dense(16)(h)
    s = L.Lambda(lambda t: tf.matmul(t[0], t[1], transpose_b=True) * 0.25)([q, k])
    s = L.Softmax()(s)
    a = L.Lambda(lambda t: tf.matmul(t[0], t[1]))([s, v])
    x = L.Add()([x, L.Dense(16)(a)])
    h = L.Lambda(norm)(x)
    h = L.Dense(32, activation="relu")(h)
    x = L.Add()([x, L.Dense(16)(h)])
    x = L.Lambda(lambda t: t[:, 0, :])(x)
    x = L.Dense(4)(x)
    return tf.keras.Model(inp, x)


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


def tr_embedding():
    # token ids (an int32 input) looking up an embedding table: GATHER at
    # indices computed at run time, then a small attention block
    inp = tf.keras.Input((8,), dtype=tf.int32)
    x = Lookup(50, 16)(inp)
    q = L.Dense(16)(x)
    k = L.Dense(16)(x)
    s = L.Lambda(lambda t: tf.matmul(t[0], t[1], transpose_b=True) * 0.25)([q, k])
    s = L.Softmax()(s)
    x = L.Lambda(lambda t: tf.matmul(t[0], t[1]))([s, x])
    x = L.Flatten()(x)
    x = L.Dense(4)(x)
    return tf.keras.Model(inp, x)


def two_inputs():
    # two inputs, in order: a [4, 8] sequence and an [8] vector added to every row
    a = tf.keras.Input((4, 8))
    b = tf.keras.Input((8,))
    x = L.Dense(8)(a)
    y = L.Dense(8)(b)
    y = L.Reshape((1, 8))(y)
    x = L.Add()([x, y])
    x = L.Dense(3)(x)
    return tf.keras.Model([a, b], x)


def tr_gelu():
    # GELU, exact and approximate, on a [6, 16] sequence between Dense layers
    inp = tf.keras.Input((6, 16))
    x = L.Dense(16)(inp)
    x = L.Lambda(lambda t: tf.nn.gelu(t, approximate=False))(x)
    x = L.Dense(16)(x)
    x = L.Lambda(lambda t: tf.nn.gelu(t, approximate=True))(x)
    x = L.Dense(4)(x)
    return tf.keras.Model(inp, x)


def lstm_model(layers, batch, steps, depth, time_major=False, seed=0):
    """A full-integer model of stacked UNIDIRECTIONAL_SEQUENCE_LSTMs, written
    here as a flatbuffer: the pinned converter (TensorFlow 2.21) crashes with
    a segmentation fault when it calibrates a Keras LSTM for int8, so the
    quantized model is built directly, as the converter would lay it out
    (tflite-micro's mnist_lstm example shows the layout): 24 inputs, int8
    weights with one scale each, int32 biases at input_scale * weights_scale,
    an int8 hidden state and an int16 cell state (a power-of-two scale) as
    variable tensors. `layers` is one dict per LSTM: units, hidden_scale,
    hidden_zp, cell_log2 (the cell scale's exponent), cell_clip (0: none),
    gain (default 1). The weights are random; at gain 1 their scales keep the
    gates away from saturation, a larger gain drives them into it.
    The input is int8, scale 1/100, zero point 7."""
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    rng = np.random.default_rng(seed)
    model = schema.ModelT()
    model.version = 3
    model.buffers = [schema.BufferT()]
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM
    code.version = 1
    model.operatorCodes = [code]
    sg = schema.SubGraphT()
    sg.tensors, sg.operators = [], []

    def tensor(name, shape, dtype, scale, zp, data=None, variable=False):
        t = schema.TensorT()
        t.name, t.shape, t.type, t.isVariable = name, list(shape), dtype, variable
        q = schema.QuantizationParametersT()
        q.scale, q.zeroPoint = [float(scale)], [int(zp)]
        t.quantization = q
        t.buffer = 0
        if data is not None:
            b = schema.BufferT()
            b.data = np.ascontiguousarray(data).tobytes()
            model.buffers.append(b)
            t.buffer = len(model.buffers) - 1
        sg.tensors.append(t)
        return len(sg.tensors) - 1

    T = schema.TensorType
    outer = (steps, batch) if time_major else (batch, steps)
    x_scale, x_zp = 1 / 100, 7
    x = tensor("input", outer + (depth,), T.INT8, x_scale, x_zp)
    sg.inputs = [x]
    for n, layer in enumerate(layers):
        units = layer["units"]
        h_scale, h_zp = layer["hidden_scale"], layer["hidden_zp"]

        def weights(name, fan_in, rows, cols):
            scale = np.float32(layer.get("gain", 1.0) * 2.0 / 127 / np.sqrt(fan_in))
            w = rng.integers(-127, 128, size=(rows, cols), dtype=np.int8)
            return tensor("lstm%d/%s" % (n, name), (rows, cols), T.INT8, scale, 0, w), scale

        inputs = [x]
        w_in = [weights("input_weights_%s" % g, depth, units, depth) for g in "ifco"]
        w_rec = [weights("recurrent_weights_%s" % g, units, units, units) for g in "ifco"]
        inputs += [t for t, _ in w_in] + [t for t, _ in w_rec] + [-1, -1, -1]
        for g, (_, w_scale) in zip("ifco", w_in):
            b_scale = np.float32(x_scale) * w_scale
            b = np.round(rng.uniform(-0.5, 0.5, units) / b_scale).astype(np.int32)
            inputs.append(tensor("lstm%d/bias_%s" % (n, g), (units,), T.INT32, b_scale, 0, b))
        inputs += [-1, -1]
        inputs.append(tensor("lstm%d/hidden_state" % n, (batch, units), T.INT8, h_scale, h_zp,
                             variable=True))
        inputs.append(tensor("lstm%d/cell_state" % n, (batch, units), T.INT16,
                             2.0 ** layer["cell_log2"], 0, variable=True))
        inputs += [-1, -1, -1, -1]
        out = tensor("lstm%d/output" % n, outer + (units,), T.INT8, h_scale, h_zp)
        op = schema.OperatorT()
        op.opcodeIndex = 0
        op.inputs, op.outputs = inputs, [out]
        op.builtinOptionsType = schema.BuiltinOptions.UnidirectionalSequenceLSTMOptions
        o = schema.UnidirectionalSequenceLSTMOptionsT()
        o.fusedActivationFunction = schema.ActivationFunctionType.TANH
        o.cellClip = float(layer.get("cell_clip", 0.0))
        o.timeMajor = time_major
        op.builtinOptions = o
        sg.operators.append(op)
        x, x_scale, x_zp, depth = out, h_scale, h_zp, units
    sg.outputs = [x]
    model.subgraphs = [sg]
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def rnn_lstm():
    # two stacked LSTMs (9 and 5 units) over a batch of two sequences of six
    # 6-vectors; non-zero input and hidden zero points; cell scales 2^-11 and
    # 2^-12
    return lstm_model([
        {"units": 9, "hidden_scale": 1 / 120, "hidden_zp": -5, "cell_log2": -11},
        {"units": 5, "hidden_scale": 1 / 110, "hidden_zp": 3, "cell_log2": -12},
    ], batch=2, steps=6, depth=6, seed=11)


def rnn_lstm_time_major():
    # one time-major LSTM ([5 steps, 3 batches, 8]) of 16 units, cell scale
    # 2^-14 (its tanh input shifted right) and a cell clip of 0.75 that bites
    return lstm_model([
        {"units": 16, "hidden_scale": 1 / 128, "hidden_zp": 0, "cell_log2": -14,
         "cell_clip": 0.75},
    ], batch=3, steps=5, depth=8, time_major=True, seed=12)


def as_embedding_lookup(blob):
    """The tr_embedding model with its GATHER rewritten as the equivalent
    EMBEDDING_LOOKUP (ids first, table second, no options), which the
    converter does not emit but older models and other tools do."""
    import flatbuffers
    from tflite_micro import runtime as tflm
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    model = tflm.convert_bytearray_to_object(bytearray(blob))
    gather = schema.BuiltinOperator.GATHER
    lookup = schema.BuiltinOperator.EMBEDDING_LOOKUP
    codes = [i for i, c in enumerate(model.operatorCodes) if c.builtinCode == gather]
    for i in codes:
        model.operatorCodes[i].builtinCode = lookup
        model.operatorCodes[i].deprecatedBuiltinCode = lookup
        model.operatorCodes[i].version = 1
    tensors = model.subgraphs[0].tensors
    for op in model.subgraphs[0].operators:
        if op.opcodeIndex in codes:
            op.inputs = list(reversed(list(op.inputs)))
            op.builtinOptionsType = schema.BuiltinOptions.NONE
            op.builtinOptions = None
            # EMBEDDING_LOOKUP takes a 1-D lookup: drop the batch dimension of the
            # ids and of the rows looked up (the next layer flattens them alike).
            for t in (op.inputs[0], op.outputs[0]):
                tensors[t].shape = list(tensors[t].shape)[1:]
                if tensors[t].shapeSignature is not None:
                    tensors[t].shapeSignature = list(tensors[t].shapeSignature)[1:]
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def fc16x8_mlp():
    inp = tf.keras.Input((40,))
    x = L.Dense(32, activation="relu")(inp)
    x = L.Dense(16, activation="relu")(x)
    x = L.Dense(6)(x)
    return tf.keras.Model(inp, x)


def fc16x8_softmax():
    inp = tf.keras.Input((3, 24))
    x = L.Dense(16, activation="relu")(inp)
    x = L.Dense(7, activation="softmax")(x)
    return tf.keras.Model(inp, x)


def conv16x8_kws():
    inp = tf.keras.Input((10, 8, 1))
    x = L.Conv2D(8, (3, 3), strides=(2, 2), padding="same", activation="relu")(inp)
    x = L.DepthwiseConv2D((3, 3), padding="same", depth_multiplier=2, activation="relu")(x)
    x = L.Conv2D(12, (1, 1), activation="relu6")(x)
    x = L.Conv2D(6, (2, 2), padding="valid", dilation_rate=(2, 1))(x)
    x = L.Flatten()(x)
    x = L.Dense(5, activation="softmax")(x)
    return tf.keras.Model(inp, x)


def pool16x8():
    inp = tf.keras.Input((9, 7, 3))
    x = L.Conv2D(6, (3, 3), padding="same", activation="relu")(inp)
    a = L.AveragePooling2D((3, 2), strides=(2, 2), padding="same")(x)
    m = L.MaxPooling2D((2, 2), strides=(2, 2), padding="valid")(x)
    a = L.Conv2D(4, (1, 1))(a)
    m = L.Conv2D(4, (1, 1))(m)
    a = L.AveragePooling2D((5, 4), padding="valid")(a)
    m = L.MaxPooling2D((4, 3), padding="valid")(m)
    return tf.keras.Model(inp, [L.Flatten()(a), L.Flatten()(m)])


def add16x8():
    inp = tf.keras.Input((4, 12))
    h = L.Dense(12, activation="relu")(inp)
    y = L.Add()([inp, L.Dense(12)(h)])
    z = L.ReLU()(L.Add()([y, L.Dense(12)(y)]))
    return tf.keras.Model(inp, L.Dense(5)(z))


def concat16x8():
    inp = tf.keras.Input((3, 10))
    a = L.Dense(6, activation="relu")(inp)
    b = L.Dense(4)(inp)
    x = L.Concatenate(axis=-1)([a, b, inp])
    return tf.keras.Model(inp, L.Dense(5)(x))


def mulsub16x8():
    inp = tf.keras.Input((3, 8))
    a = L.Dense(8, activation="relu")(inp)
    b = L.Dense(8)(inp)
    gate = L.Dense(1, activation="relu")(inp)
    x = L.Concatenate()([L.Multiply()([a, b]), L.Subtract()([a, b]), L.Multiply()([b, gate])])
    return tf.keras.Model(inp, L.Dense(4)(x))


def fc16x8_batch():
    inp = tf.keras.Input((4, 20))
    x = L.Dense(24, activation="relu")(inp)
    x = L.Dense(10)(x)
    return tf.keras.Model(inp, x)


OPS_16X8 = {"ops": "16x8", "input": tf.int16, "output": tf.int16}


class _Select(L.Layer):
    """tf.where twice: on a constant condition broadcast along rows, then on a
    bool model input broadcast along columns."""

    def call(self, h, mask):
        condition = tf.constant(np.array([[True, False, True, True, False, True]]))
        picked = tf.where(condition, h, h * 0.5)
        return tf.where(mask, picked, h * -0.3)


def select_v2():
    x = tf.keras.Input((4, 6))
    mask = tf.keras.Input((4, 1), dtype=tf.bool)
    h = L.Dense(6)(x)
    out = L.Dense(5)(_Select()(h, mask))
    return tf.keras.Model([x, mask], out)


def three_outputs():
    inp = tf.keras.Input((16,))
    trunk = L.Dense(12, activation="relu")(inp)
    probabilities = L.Dense(4, activation="softmax")(trunk)
    regression = L.Dense(3)(trunk)
    return tf.keras.Model(inp, [probabilities, regression, trunk])


class FlatModel:
    """A one-subgraph TFLite model written with the schema's object API."""

    def __init__(self):
        from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
        self.s = schema
        self.model = schema.ModelT()
        self.model.version = 3
        self.model.buffers = [schema.BufferT()]
        self.model.operatorCodes = []
        self.sg = schema.SubGraphT()
        self.sg.tensors, self.sg.operators = [], []
        self.model.subgraphs = [self.sg]

    def tensor(self, shape, dtype, scale, zero_point, data=None, variable=False):
        s = self.s
        t = s.TensorT()
        t.shape = list(shape)
        t.type = {"int8": s.TensorType.INT8, "int16": s.TensorType.INT16,
                  "int32": s.TensorType.INT32}[dtype]
        q = s.QuantizationParametersT()
        q.scale, q.zeroPoint = [float(scale)], [int(zero_point)]
        t.quantization = q
        t.isVariable = variable
        t.buffer = 0
        if data is not None:
            b = s.BufferT()
            b.data = np.asarray(data).astype({"int8": "<i1", "int16": "<i2",
                                               "int32": "<i4"}[dtype]).tobytes()
            self.model.buffers.append(b)
            t.buffer = len(self.model.buffers) - 1
        self.sg.tensors.append(t)
        return len(self.sg.tensors) - 1

    def op(self, name, inputs, outputs, options_type=None, options=None):
        s = self.s
        code = getattr(s.BuiltinOperator, name)
        codes = [c.builtinCode for c in self.model.operatorCodes]
        if code not in codes:
            c = s.OperatorCodeT()
            c.builtinCode, c.deprecatedBuiltinCode, c.version = code, min(code, 127), 1
            self.model.operatorCodes.append(c)
            codes.append(code)
        o = s.OperatorT()
        o.opcodeIndex = codes.index(code)
        o.inputs, o.outputs = list(inputs), list(outputs)
        if options is not None:
            o.builtinOptionsType, o.builtinOptions = options_type, options
        self.sg.operators.append(o)

    def finish(self, inputs, outputs):
        import flatbuffers
        self.sg.inputs, self.sg.outputs = list(inputs), list(outputs)
        builder = flatbuffers.Builder(1024)
        builder.Finish(self.model.Pack(builder), file_identifier=b"TFL3")
        return bytes(builder.Output())


def _svdf(fm, rng, x, x_scale, x_zp, batch, input_size, filters, rank, memory,
          state_dtype, state_zp, out_zp):
    """Appends an SVDF reading int8 tensor x; returns (output tensor, its scale).
    Scales are set from the integer statistics of random inputs: the feature
    products fill about a quarter of the state's range, the outputs about a
    third of int8's."""
    s = fm.s
    units = filters // rank
    wf = rng.integers(-127, 128, size=(filters, input_size))
    top = 127 if state_dtype == "int8" else 32767
    wt = rng.integers(-top, top + 1, size=(filters, memory))
    probe = rng.integers(-128, 128, size=(256, input_size)) - x_zp
    dot = probe @ wf.T
    wf_scale = 0.02
    state_scale = float(np.std(dot)) * x_scale * wf_scale / (top / 4)
    state = np.clip(np.rint(dot * x_scale * wf_scale / state_scale), -top - 1, top)
    reduced = (state * wt[:, -1]).reshape(256, units, rank).sum(-1)
    wt_scale = 1 / top
    bias_scale = np.float32(state_scale) * np.float32(wt_scale)
    bias = rng.integers(-1, 2, size=units) * int(np.std(reduced))
    out_scale = float(np.std(reduced)) * state_scale * wt_scale / 40
    t_wf = fm.tensor((filters, input_size), "int8", wf_scale, 0, wf)
    t_wt = fm.tensor((filters, memory), state_dtype, wt_scale, 0, wt)
    t_b = fm.tensor((units,), "int32", bias_scale, 0, bias)
    t_state = fm.tensor((batch, memory * filters), state_dtype, state_scale, state_zp,
                        variable=True)
    y = fm.tensor((batch, units), "int8", out_scale, out_zp)
    o = s.SVDFOptionsT()
    o.rank = rank
    o.fusedActivationFunction = s.ActivationFunctionType.NONE
    fm.op("SVDF", [x, t_wf, t_wt, t_b, t_state], [y], s.BuiltinOptions.SVDFOptions, o)
    return y, out_scale


def svdf_int16_state():
    rng = np.random.default_rng(27)
    fm = FlatModel()
    s = fm.s
    x16 = fm.tensor((1, 40), "int16", 1 / 2048, 0)
    x8 = fm.tensor((1, 40), "int8", 16 / 127, -3)
    fm.op("QUANTIZE", [x16], [x8])
    h, h_scale = _svdf(fm, rng, x8, 16 / 127, -3, 1, 40, 24, 2, 6, "int16", 0, -5)
    w = rng.integers(-127, 128, size=(5, 12))
    w_scale = 0.01
    logits_scale = h_scale * w_scale * 250
    logits = fm.tensor((1, 5), "int8", logits_scale, 2)
    fm.op("FULLY_CONNECTED", [h, fm.tensor((5, 12), "int8", w_scale, 0, w),
                              fm.tensor((5,), "int32", np.float32(h_scale) * np.float32(w_scale),
                                        0, rng.integers(-500, 500, size=5))],
          [logits], s.BuiltinOptions.FullyConnectedOptions, s.FullyConnectedOptionsT())
    probs = fm.tensor((1, 5), "int16", 1 / 65536, -32768)
    so = s.SoftmaxOptionsT()
    # beta so that 25 steps of the logits are one nat: the probabilities spread.
    so.beta = 0.04 / logits_scale
    fm.op("SOFTMAX", [logits], [probs], s.BuiltinOptions.SoftmaxOptions, so)
    return fm.finish([x16], [probs])


def svdf_int8_state():
    rng = np.random.default_rng(28)
    fm = FlatModel()
    x = fm.tensor((2, 12), "int8", 0.05, 4)
    y, y_scale = _svdf(fm, rng, x, 0.05, 4, 2, 12, 9, 3, 4, "int8", 5, 1)
    z = fm.tensor((2, 3), "int16", y_scale / 200, 0)
    fm.op("QUANTIZE", [y], [z])
    return fm.finish([x], [z])


def softmax16_tables():
    """An int16 SOFTMAX alone on 64 rows of 8 uniform int16 inputs at scale
    10/32768: the differences from each row's maximum sweep the whole exp table
    and the row sums much of the reciprocal table."""
    fm = FlatModel()
    s = fm.s
    x = fm.tensor((1, 64, 8), "int16", 10 / 32768, 0)
    y = fm.tensor((1, 64, 8), "int16", 1 / 32768, 0)
    so = s.SoftmaxOptionsT()
    so.beta = 1.0
    fm.op("SOFTMAX", [x], [y], s.BuiltinOptions.SoftmaxOptions, so)
    return fm.finish([x], [y])


# name -> (builder, options)
ZOO = {
    "mobilenet_v1": (mobilenet_v1, {}),
    "mobilenet_v2": (mobilenet_v2, {}),
    "ds_cnn_kws": (ds_cnn_kws, {}),
    "conv1d_kws": (conv1d_kws, {}),
    "mobilenet_v1_avgpool": (mobilenet_v1_avgpool, {}),
    "mobilenet_v2_avgpool": (mobilenet_v2_avgpool, {}),
    "concat_pad": (concat_pad, {}),
    "concat_pad_flat": (concat_pad_flat, {}),
    "relu_separate": (relu_separate, {}),
    "requantize_concat": (requantize_concat, {}),
    "concat_input": (concat_input, {}),
    "act_logistic": (_dense_act(lambda: L.Activation("sigmoid")), {}),
    "act_tanh": (_dense_act(lambda: L.Activation("tanh")), {}),
    "act_leaky_relu": (_dense_act(lambda: L.LeakyReLU(negative_slope=0.2)), {}),
    "act_hard_swish": (_dense_act(_hard_swish_layer), {}),
    "act_relu6_dense": (_dense_act(lambda: L.ReLU(max_value=6.0)), {}),
    "act_conv_mix": (act_conv_mix, {}),
    "add_relu": (add_relu, {}),
    "bin_mul": (bin_mul, {}),
    "bin_mul_broadcast": (bin_mul_broadcast, {}),
    "bin_sub": (bin_sub, {}),
    "bin_maxmin": (bin_maxmin, {}),
    "float_io": (float_io, {"input": tf.float32, "output": tf.float32}),
    "float_out": (float_out, {"output": tf.float32}),
    "mlp_batch": (mlp_batch, {}),
    "mlp_autoencoder": (mlp_autoencoder, {}),
    "mlp_digits": (mlp_digits, {"data": "digits"}),
    "conv_stride2_odd": (conv_stride2_odd, {}),
    "conv_dilated": (conv_dilated, {}),
    "conv_groups": (conv_groups, {}),
    "dw_mult2": (dw_mult2, {}),
    "avgpool_valid_odd": (avgpool_valid_odd, {}),
    "avgpool_same_odd": (avgpool_same_odd, {}),
    "maxpool_3x3s2_same": (maxpool_3x3s2_same, {}),
    "reshape_dynamic": (reshape_dynamic, {"dynamic_batch": True}),
    "tr_transpose": (tr_transpose, {}),
    "tr_attention": (tr_attention, {}),
    "tr_layernorm": (tr_layernorm, {}),
    "tr_slice_gather": (tr_slice_gather, {}),
    "tr_block": (tr_block, {}),
    "tr_embedding": (tr_embedding, {"tokens": 50}),
    "tr_embedding_lookup": (tr_embedding, {"tokens": 50, "rewrite": as_embedding_lookup}),
    "two_inputs": (two_inputs, {}),
    "tr_gelu": (tr_gelu, {}),
    "three_outputs": (three_outputs, {}),
    "select_v2": (select_v2, {"input_dtypes": (tf.float32, tf.bool)}),
    "fc16x8_mlp": (fc16x8_mlp, OPS_16X8),
    "fc16x8_batch": (fc16x8_batch, OPS_16X8),
    "fc16x8_softmax": (fc16x8_softmax, OPS_16X8),
    "conv16x8_kws": (conv16x8_kws, OPS_16X8),
    "pool16x8": (pool16x8, OPS_16X8),
    "add16x8": (add16x8, OPS_16X8),
    "concat16x8": (concat16x8, OPS_16X8),
    "mulsub16x8": (mulsub16x8, OPS_16X8),
    "svdf_int16_state": (svdf_int16_state, {"flat": True}),
    "svdf_int8_state": (svdf_int8_state, {"flat": True}),
    "softmax16_tables": (softmax16_tables, {"flat": True}),
    "rnn_lstm": (rnn_lstm, {"flatbuffer": True}),
    "rnn_lstm_time_major": (rnn_lstm_time_major, {"flatbuffer": True}),
}


def representative_data(shape, opts, seed, dtype=None):
    if dtype == tf.bool:
        rng = np.random.default_rng(seed)
        return rng.integers(0, 2, size=(N_CALIB,) + tuple(shape)).astype(np.bool_)
    if "tokens" in opts:
        rng = np.random.default_rng(seed)
        return rng.integers(0, opts["tokens"], size=(N_CALIB,) + tuple(shape)).astype(np.int32)
    if opts.get("data") == "digits":
        from sklearn.datasets import load_digits
        x = load_digits().data.astype(np.float32) / 16.0
        rng = np.random.default_rng(seed)
        idx = rng.permutation(len(x))[:N_CALIB]
        return x[idx].reshape((N_CALIB,) + tuple(shape))
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N_CALIB,) + tuple(shape)).astype(np.float32)


def calibrate_batchnorm(model, data, seed):
    """Data-dependent initialisation of the untrained BatchNormalization
    layers: moving mean / variance are set to the statistics of the layer's
    input on `data` (so deep untrained stacks keep O(1) activations instead of
    collapsing to a constant), gamma / beta are drawn at random."""
    rng = np.random.default_rng(seed + 1)
    for layer in model.layers:
        if not isinstance(layer, L.BatchNormalization):
            continue
        sub = tf.keras.Model(model.inputs, layer.input)
        a = sub.predict(data, verbose=0, batch_size=len(data))
        axes = tuple(range(a.ndim - 1))
        mean = a.mean(axis=axes)
        var = a.var(axis=axes) + 1e-3
        n = mean.shape[0]
        gamma = rng.uniform(0.5, 1.5, n).astype(np.float32)
        beta = rng.uniform(-0.5, 0.5, n).astype(np.float32)
        layer.set_weights([gamma, beta, mean.astype(np.float32), var.astype(np.float32)])


def build(name, seed=1234):
    builder, opts = ZOO[name]
    if opts.get("flatbuffer") or opts.get("flat"):
        return builder()
    tf.keras.utils.set_random_seed(seed)
    model = builder()
    shapes = [tuple(int(d) for d in inp.shape[1:]) for inp in model.inputs]
    dtypes = opts.get("input_dtypes") or [tf.int32 if "tokens" in opts else tf.float32] * len(shapes)
    datas = [representative_data(shape, opts, seed + k, dtypes[k])
             for k, shape in enumerate(shapes)]
    data = datas[0]
    if opts.get("data") == "digits":
        # a few epochs so the BatchNormalization statistics are not trivial
        from sklearn.datasets import load_digits
        d = load_digits()
        model.compile(optimizer=tf.keras.optimizers.Adam(0.01),
                      loss="sparse_categorical_crossentropy")
        model.fit(d.data.astype(np.float32) / 16.0, d.target, epochs=3,
                  batch_size=64, verbose=0, shuffle=False)
    elif len(shapes) == 1:
        calibrate_batchnorm(model, data, seed)
    batch = None if opts.get("dynamic_batch") else 1
    with tempfile.TemporaryDirectory() as tmp:
        export_dir = os.path.join(tmp, "saved_model")
        signature = [tf.TensorSpec((batch,) + shape, dtypes[k], name="x" if k == 0 else "x%d" % k)
                     for k, shape in enumerate(shapes)]
        if len(shapes) > 1:
            signature = [signature]
        model.export(export_dir, format="tf_saved_model", verbose=False,
                     input_signature=signature)

        def representative():
            for i in range(len(data)):
                if len(datas) == 1:
                    yield [data[i:i + 1]]
                else:
                    yield {spec.name: d[i:i + 1] for spec, d in zip(signature[0], datas)}

        conv = tf.lite.TFLiteConverter.from_saved_model(export_dir)
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = representative
        conv.target_spec.supported_ops = [
            tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8
            if opts.get("ops") == "16x8" else tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = opts.get("input", tf.int8)
        conv.inference_output_type = opts.get("output", tf.int8)
        blob = conv.convert()
        if "rewrite" in opts:
            blob = opts["rewrite"](blob)
        return blob


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="build only these")
    ap.add_argument("--list", action="store_true", help="list the model names")
    args = ap.parse_args(argv)
    if args.list:
        print("\n".join(ZOO))
        return 0
    names = args.only or list(ZOO)
    unknown = [n for n in names if n not in ZOO]
    if unknown:
        ap.error("unknown model(s): %s" % ", ".join(unknown))
    os.makedirs(args.out_dir, exist_ok=True)
    summary = []
    for name in names:
        path = os.path.join(args.out_dir, name + ".tflite")
        blob = build(name)
        with open(path, "wb") as f:
            f.write(blob)
        text = goldens.ModelInfo(path).describe()
        print(text, flush=True)
        if len(blob) >= 320 * 1024:
            print("warning: %s is %d bytes" % (name, len(blob)), file=sys.stderr)
        summary.append(text)
    mode = "a" if args.only else "w"
    with open(os.path.join(args.out_dir, "zoo_ops.txt"), mode) as f:
        f.write("\n\n".join(summary) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
