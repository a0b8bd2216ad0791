//! The model format: what a model is, as bytes.
//!
//! A model is a SCALE-encoded [`Model`]: a version, the input tensor, and a list of layers in
//! execution order. SCALE has one encoding per value, so decoding and re-encoding gives back the
//! same bytes; [`crate::decode_model`] refuses any byte string for which that is not so, which
//! makes the blake2-256 of the bytes a sound identifier ([`crate::model_id`]).
//!
//! # Activations and their ids
//!
//! Every tensor that flows between layers is an *activation*: row-major (NHWC for images), of
//! one [`ElementType`]: int8 (most layers), int16 (TFLite's 16x8 mode: int16 activations with
//! int8 weights) or int32 (only as the output of a `QUANTIZE`). An activation is held and
//! hashed as its bytes: one per int8 element, two (little-endian) per int16 element, four
//! (little-endian) per int32 element; every length the engine and the chain speak of (a job's
//! input, a claim's output, a dispute's layer inputs) is that byte length
//! ([`TensorInfo::byte_len`]). Each operator states which element types it reads and writes,
//! and the validator refuses any other.
//!
//! Activation `0` is the model's input; activation `k ≥ 1` is the output of layer `k − 1`. A layer
//! names its inputs by these ids and may only use activations computed before it, so the list of
//! layers is already a topological order. The model's output is the last layer's output (see
//! below for models with several).
//!
//! # Models with several inputs
//!
//! A model with inputs `A, B, …` takes them concatenated in order as activation 0 (a rank-1
//! int8 tensor of their total length in bytes), and begins with one [`Op::Input`] layer per
//! input, in order, each reading activation 0 and giving one input its shape, element type and
//! quantization; together they cover activation 0's bytes exactly, without gaps. No other
//! layer reads activation 0. A job's input is therefore the inputs' bytes concatenated in
//! order, and [`crate::ValidatedModel::inputs`] gives each one's shape.
//!
//! # Models with several outputs
//!
//! The model's output is its last layer's output. A model with outputs `Y, Z, …` ends with one
//! [`Op::Output`] layer that reads them in order and writes their bytes concatenated: a rank-1
//! int8 tensor of their total length in bytes, zero point 0. So a claim's output is the outputs'
//! bytes in order, the last trace entry is its hash (each output also has its own entry, that of
//! the layer computing it), and [`crate::ValidatedModel::outputs`] gives each one's shape.
//!
//! # Quantization
//!
//! An activation `q` stands for the real number `scale · (q − zero_point)`. Only the zero point
//! takes part in execution; the importer folds every scale into the layers' fixed-point
//! [`Multiplier`]s, and `scale_bits` is carried (as the IEEE-754 bits of an `f32`) only so that
//! tools can show it. Nothing in the engine reads it.

use alloc::vec::Vec;
use codec::{Decode, Encode};

pub use crate::quant::{Clamp, Multiplier};

/// The format version this engine reads and writes. Version 2 gave every tensor an
/// [`ElementType`]; version 1 models (all int8) must be imported again.
pub const FORMAT_VERSION: u16 = 2;

/// A whole model.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Model {
    /// Must equal [`FORMAT_VERSION`].
    pub version: u16,
    /// The input tensor (activation 0).
    pub input: TensorInfo,
    /// Layers in execution order.
    pub layers: Vec<Layer>,
}

/// The element type of an activation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub enum ElementType {
    /// One byte per element.
    #[default]
    Int8,
    /// Two bytes per element, little-endian.
    Int16,
    /// Four bytes per element, little-endian.
    Int32,
    /// One byte per element, true when not zero (TFLite's `bool`, a condition of `SELECT_V2`).
    Bool,
}

impl ElementType {
    /// Bytes per element.
    pub const fn size(self) -> u64 {
        match self {
            ElementType::Int8 | ElementType::Bool => 1,
            ElementType::Int16 => 2,
            ElementType::Int32 => 4,
        }
    }

    /// The smallest value of the type.
    pub const fn min(self) -> i32 {
        match self {
            ElementType::Int8 => i8::MIN as i32,
            ElementType::Int16 => i16::MIN as i32,
            ElementType::Int32 => i32::MIN,
            ElementType::Bool => 0,
        }
    }

    /// The largest value of the type.
    pub const fn max(self) -> i32 {
        match self {
            ElementType::Int8 => i8::MAX as i32,
            ElementType::Int16 => i16::MAX as i32,
            ElementType::Int32 => i32::MAX,
            ElementType::Bool => 1,
        }
    }

    /// The type's name, for messages and tools.
    pub const fn name(self) -> &'static str {
        match self {
            ElementType::Int8 => "int8",
            ElementType::Int16 => "int16",
            ElementType::Int32 => "int32",
            ElementType::Bool => "bool",
        }
    }
}

/// Shape, element type and quantization of an activation.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct TensorInfo {
    /// Dimensions, outermost first (NHWC for images); product is the element count.
    pub shape: Vec<u32>,
    /// The value that stands for real zero.
    pub zero_point: i32,
    /// IEEE-754 bits of the real scale; informational only, never used to compute.
    pub scale_bits: u32,
    /// The element type (int8 for every operator but those that say otherwise).
    pub element: ElementType,
}

/// One operator application.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Layer {
    /// The operator's index in the source model, so that its output can be compared with
    /// another implementation's.
    pub source_index: u32,
    /// Activation ids of the inputs (see the module docs), in the operator's order.
    pub inputs: Vec<u32>,
    /// The output activation.
    pub output: TensorInfo,
    /// What the layer computes, with its constants.
    pub op: Op,
}

/// The operators, with TFLite's int8 reference semantics.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub enum Op {
    /// `FULLY_CONNECTED`: one input `[.., depth]`, output `[.., units]`.
    FullyConnected(FullyConnected),
    /// `CONV_2D`: NHWC input, OHWI filter.
    Conv2d(Conv2d),
    /// `DEPTHWISE_CONV_2D`: NHWC input, `[1, H, W, C·multiplier]` filter.
    DepthwiseConv2d(DepthwiseConv2d),
    /// `AVERAGE_POOL_2D`: input and output share scale and zero point.
    AveragePool2d(Pool2d),
    /// `MAX_POOL_2D`: input and output share scale and zero point.
    MaxPool2d(Pool2d),
    /// `ADD` of two activations, with numpy-style broadcasting.
    Add(Add),
    /// `RESHAPE` (and `SQUEEZE`, `EXPAND_DIMS`): the bytes unchanged, a new shape.
    Reshape,
    /// `SOFTMAX` over the last dimension, int8 in, int8 out (scale 1/256, zero point -128) or
    /// int16 out (scale 1/65536, zero point -32768).
    Softmax(Softmax),
    /// `QUANTIZE` between integer types (int8 or int16 in; int8, int16 or int32 out): a change
    /// of scale, zero point and perhaps element type.
    Requantize(Requantize),
    /// `CONCATENATION` along `axis` of inputs sharing the output's scale and zero point.
    Concatenation(Concatenation),
    /// `PAD` / `PADV2` with a constant value.
    Pad(Pad),
    /// `MEAN` over some axes.
    Mean(Mean),
    /// `LOGISTIC` (sigmoid), int8 in, int8 out (scale 1/256, zero point -128).
    Logistic(SmoothActivation),
    /// `TANH`, int8 in, int8 out (scale 1/128, zero point 0).
    Tanh(SmoothActivation),
    /// `MUL` of two activations, with numpy-style broadcasting.
    Mul(Mul),
    /// `SUB`: the first activation minus the second, with broadcasting; constants as for `ADD`.
    Sub(Add),
    /// `MAXIMUM` of two activations sharing scale and zero point, with broadcasting.
    Maximum,
    /// `MINIMUM` of two activations sharing scale and zero point, with broadcasting.
    Minimum,
    /// `LEAKY_RELU`: a different rescaling for negative and non-negative inputs.
    LeakyRelu(LeakyRelu),
    /// A clamp of the raw int8 values, with no rescaling (TFLite's standalone `RELU6`, which
    /// keeps the input's quantization whatever the output tensor says).
    Clamp(Clamp),
    /// `HARD_SWISH`.
    HardSwish(HardSwish),
    /// `TRANSPOSE`: the input's dimensions permuted; input and output share quantization.
    Transpose(Transpose),
    /// `STRIDED_SLICE` of an activation: every `stride`-th element of a range per dimension.
    StridedSlice(StridedSlice),
    /// `GATHER` of slices of an activation along an axis, at constant indices.
    Gather(Gather),
    /// `BATCH_MATMUL` of two activations, with broadcasting over the batch dimensions.
    BatchMatMul(BatchMatMul),
    /// `RSQRT`: `1/√x` of each element.
    Rsqrt(Rsqrt),
    /// `SQUARED_DIFFERENCE` of two activations, with broadcasting; constants as for `ADD`
    /// (with a headroom shift of 7), the output multiplier possibly above one.
    SquaredDifference(Add),
    /// One input of a model with several inputs (see [the module docs](self)): the bytes
    /// `[offset, offset + len)` of activation 0, under this layer's shape and quantization.
    Input(InputPart),
    /// A constant activation: these values under this layer's shape and quantization (an
    /// operand of an element-wise operator stored in the source model, or the bool condition
    /// of a `SELECT_V2`, one byte 0 or 1 per element). Reads no activation.
    Constant(Vec<i8>),
    /// `GATHER` at indices computed at run time (an embedding looked up by token ids): the first
    /// input is indexed along `axis` by the second, which holds int32 indices as four
    /// little-endian bytes each (its last dimension is 4).
    Lookup(Lookup),
    /// `GELU`: each output value read from a 256-entry table by its input value (the table
    /// computed at import from the scales, as TFLite computes it when it prepares).
    Gelu(Table),
    /// `SVDF`: int8 input `[batch, input_size]` and output `[batch, units]`, with an int8 or
    /// int16 activation state that starts each run as a single invoke finds it (see
    /// [`crate::ops::svdf`]).
    Svdf(Svdf),
    /// `FULLY_CONNECTED` in TFLite's 16x8 mode: int16 input and output, int8 weights, int64
    /// bias.
    FullyConnected16(FullyConnected16),
    /// The outputs of a model with several (see [the module docs](self)): the bytes of its
    /// inputs, of any element types, concatenated in order into one int8 (byte) tensor. Only
    /// as the last layer.
    Output,
    /// `SELECT_V2`: of a bool condition and two int8 (or int16) activations of one type, each
    /// broadcast to the output, the first's element where the condition holds, else the
    /// second's, copied as they are (see [`crate::ops::select`]).
    Select,
    /// `SOFTMAX` with int16 input and output (TFLite's 16x8 mode): two interpolated 513-entry
    /// tables, computed at import as TFLite computes them when it prepares (see
    /// [`crate::ops::softmax16`]).
    Softmax16(Softmax16),
    /// `CONV_2D` in TFLite's 16x8 mode: int16 input and output (zero points 0), int8 filters,
    /// int64 bias (see [`crate::ops::conv16`]).
    Conv2d16(Conv2d16),
    /// `DEPTHWISE_CONV_2D` in TFLite's 16x8 mode (see [`crate::ops::conv16`]).
    DepthwiseConv2d16(DepthwiseConv2d16),
    /// `AVERAGE_POOL_2D` of int16 activations; input and output share scale and zero point.
    AveragePool2d16(Pool2d16),
    /// `MAX_POOL_2D` of int16 activations; input and output share scale and zero point.
    MaxPool2d16(Pool2d16),
    /// `ADD` of two int16 activations (16x8 mode), with broadcasting (see [`crate::ops::add`]).
    Add16(Add16),
    /// `SUB` of two int16 activations (16x8 mode): the first minus the second, constants as for
    /// [`Op::Add16`].
    Sub16(Add16),
    /// `MUL` of two int16 activations (16x8 mode, zero points 0), with broadcasting.
    Mul16(Mul16),
    /// `UNIDIRECTIONAL_SEQUENCE_LSTM`: TFLite's integer LSTM (int8 input, weights and hidden
    /// state, int16 gates and cell state) over a sequence `[batch, time, depth]` (or
    /// `[time, batch, depth]`), output `[.., .., units]`: the hidden state after each step.
    Lstm(Lstm),
}

/// The gates of an [`Lstm`], in TFLite's order: input, forget, cell, output.
pub const LSTM_GATES: usize = 4;

/// One gate of an [`Lstm`]: the step's input and the previous hidden state, each through a
/// dense product rescaled to the gate's int16 Q3.12 scale, added.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct LstmGate {
    /// Input weights, `[units, depth]` row-major, symmetric.
    pub input_weights: Vec<i8>,
    /// Recurrent weights, `[units, units]` row-major, symmetric.
    pub recurrent_weights: Vec<i8>,
    /// One bias per unit, added to the input product.
    pub bias: Vec<i32>,
    /// `input_scale · input_weights_scale / 2^-12`.
    pub input_multiplier: Multiplier,
    /// `hidden_scale · recurrent_weights_scale / 2^-12`.
    pub recurrent_multiplier: Multiplier,
}

/// Constants of a `UNIDIRECTIONAL_SEQUENCE_LSTM` (see [`crate::ops::lstm`]).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Lstm {
    /// The input is `[time, batch, depth]` rather than `[batch, time, depth]`.
    pub time_major: bool,
    /// The gates, [`LSTM_GATES`] of them: input, forget, cell, output.
    pub gates: Vec<LstmGate>,
    /// Zero point of the int8 hidden state (its initial value).
    pub hidden_zero_point: i32,
    /// forget gate · cell state → cell state: `2^-15 · cell_scale / cell_scale`.
    pub forget_multiplier: Multiplier,
    /// input gate · cell gate → cell state: `2^-15 · 2^-15 / cell_scale`.
    pub input_multiplier: Multiplier,
    /// tanh(cell state) · output gate → hidden state: `2^-15 · 2^-15 / hidden_scale`.
    pub hidden_multiplier: Multiplier,
    /// The cell state is scaled into the tanh table's Q3.12 input by `(c · multiplier +
    /// round) >> right_shift`.
    pub cell_tanh_multiplier: i32,
    /// See `cell_tanh_multiplier`.
    pub cell_tanh_right_shift: u32,
    /// The cell state is clipped to `[-clip, clip]` after each update, when set.
    pub cell_clip: Option<i16>,
}

/// Constants of an int16 `MUL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Mul16 {
    /// `scale1 · scale2 / output_scale`.
    pub multiplier: Multiplier,
    /// Smallest output value (the fused activation's lower bound).
    pub min: i16,
    /// Largest output value.
    pub max: i16,
}

/// Constants of an int16 `ADD`: as [`Add`] (headroom shift 15 in TFLite), with an int16
/// output range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Add16 {
    /// Headroom shift applied to both inputs (15 for int16 in TFLite).
    pub left_shift: u32,
    /// Rescaling of the first input, a multiplier below one.
    pub input1_multiplier: Multiplier,
    /// Rescaling of the second input, a multiplier below one.
    pub input2_multiplier: Multiplier,
    /// Rescaling of the sum to the output, a multiplier below one.
    pub output_multiplier: Multiplier,
    /// Smallest output value (the fused activation's lower bound).
    pub min: i16,
    /// Largest output value.
    pub max: i16,
}

/// Constants of an int16 pooling layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Pool2d16 {
    /// The pooling window (dilation is always one).
    pub window: Window,
    /// Smallest output value (the fused activation's lower bound).
    pub min: i16,
    /// Largest output value.
    pub max: i16,
}

/// Constants of a 16x8 `CONV_2D`: as [`Conv2d`], with int64 biases and an int16 output range.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Conv2d16 {
    /// The filter window; its size is the filter's spatial size.
    pub window: Window,
    /// Input channels each filter sees (the input's channels divided by the number of groups).
    pub filter_input_channels: u32,
    /// Filters, `[out_channels, height, width, filter_input_channels]` row-major, symmetric.
    pub filter: Vec<i8>,
    /// One int64 bias per output channel, or none.
    pub bias: Vec<i64>,
    /// Output rescaling: one per output channel or one for all; shifts in `[-31, 7]`.
    pub output_multipliers: Vec<Multiplier>,
    /// Smallest output value (the fused activation's lower bound).
    pub min: i16,
    /// Largest output value.
    pub max: i16,
}

/// Constants of a 16x8 `DEPTHWISE_CONV_2D`: as [`DepthwiseConv2d`], with int64 biases and an
/// int16 output range.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct DepthwiseConv2d16 {
    /// The filter window.
    pub window: Window,
    /// Output channels per input channel.
    pub depth_multiplier: u32,
    /// Filter, `[1, height, width, out_channels]` row-major, symmetric.
    pub filter: Vec<i8>,
    /// One int64 bias per output channel, or none.
    pub bias: Vec<i64>,
    /// Output rescaling: one per output channel or one for all; shifts in `[-31, 7]`.
    pub output_multipliers: Vec<Multiplier>,
    /// Smallest output value.
    pub min: i16,
    /// Largest output value.
    pub max: i16,
}

/// Entries of each table of a [`Softmax16`].
pub const SOFTMAX16_LUT_ENTRIES: usize = 513;

/// Constants of an int16 `SOFTMAX`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Softmax16 {
    /// `input_scale · beta / (10 / 65535)`: differences from the row maximum to the table's
    /// input range.
    pub input_multiplier: Multiplier,
    /// `exp(x)` for `x` in `[-10, 0]`, Q0.15, [`SOFTMAX16_LUT_ENTRIES`] values in `[0, 32767]`.
    pub exp_lut: Vec<i16>,
    /// `1 / (1 + x)` for `x` in `[0, 1]`, Q0.15, [`SOFTMAX16_LUT_ENTRIES`] values.
    pub reciprocal_lut: Vec<i16>,
}

/// Constants of an `SVDF` (see [`crate::ops::svdf`]).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Svdf {
    /// Filters per output unit.
    pub rank: u32,
    /// Number of filters (`units · rank`).
    pub filters: u32,
    /// Length of each filter's memory (columns of the state).
    pub memory: u32,
    /// Feature weights, `[filters, input_size]` row-major, symmetric.
    pub weights_feature: Vec<i8>,
    /// Time weights, `[filters, memory]` row-major, of the state's element type (int8 values
    /// when the state is int8).
    pub weights_time: Vec<i16>,
    /// One bias per unit, or none.
    pub bias: Vec<i32>,
    /// Element type of the activation state and of the time weights: int8 or int16.
    pub state_element: ElementType,
    /// Zero point of the activation state.
    pub state_zero_point: i32,
    /// `input_scale · weights_feature_scale / state_scale`: feature products to the state.
    pub feature_multiplier: Multiplier,
    /// `state_scale · weights_time_scale / output_scale`: the reduced sums to the output.
    pub output_multiplier: Multiplier,
}

/// Constants of a 16x8 fully connected layer (int16 activations, int8 weights).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct FullyConnected16 {
    /// Number of output units.
    pub units: u32,
    /// Length of the dot product (the input's last dimension).
    pub depth: u32,
    /// Weights, `[units, depth]` row-major, symmetric.
    pub weights: Vec<i8>,
    /// One int64 bias per unit, or none.
    pub bias: Vec<i64>,
    /// Output rescaling: one per unit (per-channel) or one for all; shifts in `[-31, 7]`.
    pub output_multipliers: Vec<Multiplier>,
    /// Smallest output value (the fused activation's lower bound).
    pub min: i16,
    /// Largest output value.
    pub max: i16,
}

/// Entries of a [`Table`]: one per int8 value.
pub const TABLE_ENTRIES: usize = 256;

/// A table from int8 input value to int8 output value.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Table {
    /// The output for input `v` at index `v + 128`; exactly [`TABLE_ENTRIES`] values.
    pub values: Vec<i8>,
}

/// Constants of a `GATHER` at run-time indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Lookup {
    /// The dimension of the first input indexed.
    pub axis: u32,
}

/// Where one of several inputs lies in activation 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct InputPart {
    /// Offset of the input's first byte in activation 0.
    pub offset: u32,
}

/// Constants of a `TRANSPOSE`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Transpose {
    /// Output dimension `i` is input dimension `perm[i]`.
    pub perm: Vec<u32>,
}

/// One input dimension of a strided slice: the indices `start + k · stride` for `k < count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct SliceDim {
    /// The first index read.
    pub start: u32,
    /// Step between indices read; negative walks backwards; never zero.
    pub stride: i32,
    /// How many indices are read.
    pub count: u32,
}

/// Constants of a `STRIDED_SLICE`, resolved at import (masks, negative indices, clamping):
/// one [`SliceDim`] per input dimension. The output holds the elements read, in row-major order
/// of the `count`s; its shape drops the shrunk dimensions.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct StridedSlice {
    /// One per input dimension.
    pub dims: Vec<SliceDim>,
}

/// Constants of a `GATHER`: `out[o.., i, n..] = in[o.., indices[i], n..]` along `axis`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Gather {
    /// The input dimension indexed.
    pub axis: u32,
    /// The indices, flattened row-major (the output shape carries their shape).
    pub indices: Vec<u32>,
}

/// Constants of a `BATCH_MATMUL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct BatchMatMul {
    /// The first input's last two dimensions are `[depth, rows]` rather than `[rows, depth]`.
    pub adj_x: bool,
    /// The second input's last two dimensions are `[cols, depth]` rather than `[depth, cols]`.
    pub adj_y: bool,
    /// `scale1 · scale2 / output_scale`.
    pub multiplier: Multiplier,
}

/// Constants of an `RSQRT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Rsqrt {
    /// `1 / (√input_scale · output_scale)`; its shift must be at least −11.
    pub multiplier: Multiplier,
}

/// Constants of a fully connected layer.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct FullyConnected {
    /// Number of output units.
    pub units: u32,
    /// Length of the dot product (the input's last dimension).
    pub depth: u32,
    /// Weights, `[units, depth]` row-major.
    pub weights: Vec<i8>,
    /// The weights' zero point (zero for symmetric weights).
    pub weights_zero_point: i32,
    /// One bias per unit, or none.
    pub bias: Vec<i32>,
    /// Output rescaling: one per unit (per-channel) or one for all.
    pub output_multipliers: Vec<Multiplier>,
    /// Fused activation.
    pub clamp: Clamp,
}

/// Stride, dilation and padding of a 2-D window over an NHWC image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Window {
    /// Window height and width.
    pub size: (u32, u32),
    /// Step between windows (height, width).
    pub stride: (u32, u32),
    /// Spacing between taps (height, width).
    pub dilation: (u32, u32),
    /// Implicit rows above and columns left of the image (height, width); the far side pads
    /// implicitly to whatever the output size needs.
    pub padding: (u32, u32),
}

/// Constants of a 2-D convolution.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Conv2d {
    /// The filter window; its size is the filter's spatial size.
    pub window: Window,
    /// Input channels each filter sees (the input's channels divided by the number of groups).
    pub filter_input_channels: u32,
    /// Filters, `[out_channels, height, width, filter_input_channels]` row-major.
    pub filter: Vec<i8>,
    /// One bias per output channel, or none.
    pub bias: Vec<i32>,
    /// Output rescaling: one per output channel or one for all.
    pub output_multipliers: Vec<Multiplier>,
    /// Fused activation.
    pub clamp: Clamp,
}

/// Constants of a depthwise 2-D convolution.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct DepthwiseConv2d {
    /// The filter window.
    pub window: Window,
    /// Output channels per input channel.
    pub depth_multiplier: u32,
    /// Filter, `[1, height, width, out_channels]` row-major.
    pub filter: Vec<i8>,
    /// One bias per output channel, or none.
    pub bias: Vec<i32>,
    /// Output rescaling: one per output channel or one for all.
    pub output_multipliers: Vec<Multiplier>,
    /// Fused activation.
    pub clamp: Clamp,
}

/// Constants of a pooling layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Pool2d {
    /// The pooling window (dilation is always one).
    pub window: Window,
    /// Fused activation.
    pub clamp: Clamp,
}

/// Constants of an addition. Both inputs are brought to a common scale with `2^left_shift`
/// headroom, added, and the sum rescaled to the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Add {
    /// Headroom shift applied to both inputs (20 for int8 in TFLite).
    pub left_shift: u32,
    /// Rescaling of the first input, a multiplier below one.
    pub input1_multiplier: Multiplier,
    /// Rescaling of the second input, a multiplier below one.
    pub input2_multiplier: Multiplier,
    /// Rescaling of the sum to the output, a multiplier below one.
    pub output_multiplier: Multiplier,
    /// Fused activation.
    pub clamp: Clamp,
}

/// Constants of an int8 softmax (see [`crate::ops::softmax`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Softmax {
    /// `beta · input_scale` scaled to Q5.26, as a multiplier of at least one.
    pub input_multiplier: Multiplier,
    /// Differences from the row maximum below this contribute zero.
    pub diff_min: i32,
}

/// Constants of an int8-to-int8 requantization (`QUANTIZE`, and `RELU` as a layer of its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Requantize {
    /// `input_scale / output_scale`.
    pub multiplier: Multiplier,
    /// Output range: the whole int8 range, or ReLU's.
    pub clamp: Clamp,
}

/// Constants of a `MEAN`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Mean {
    /// The input dimensions averaged over, increasing, without repeats.
    pub axes: Vec<u32>,
    /// `None` when input and output share scale and zero point (the sum is divided by the
    /// count, truncating); else the multiplier `input_scale / output_scale / count` in
    /// TFLite's form (see [`crate::ops::mean`]).
    pub rescale: Option<Multiplier>,
}

/// Constants of `LOGISTIC` and `TANH`: the input is scaled to Q4.27 by `input_multiplier`;
/// offset inputs at or beyond `±input_radius` saturate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct SmoothActivation {
    /// `input_scale · 2^27`, as a multiplier (usually above one).
    pub input_multiplier: Multiplier,
    /// Offset inputs with `|x − zp| ≥ input_radius` give the extreme outputs.
    pub input_radius: i32,
}

/// Constants of a `MUL`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Mul {
    /// `scale1 · scale2 / output_scale`.
    pub multiplier: Multiplier,
    /// Fused activation.
    pub clamp: Clamp,
}

/// Constants of a `HARD_SWISH` (see [`crate::ops::hard_swish`]): two 16-bit fixed-point
/// multipliers with their exponents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct HardSwish {
    /// `input_scale / 128 / output_scale`, Q0.15.
    pub output_multiplier: i16,
    /// Its exponent (at most zero).
    pub output_exponent: i32,
    /// `input_scale / 128 / (3 / 32768)`, Q0.15.
    pub reluish_multiplier: i16,
    /// Its exponent.
    pub reluish_exponent: i32,
}

/// Constants of a `LEAKY_RELU`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct LeakyRelu {
    /// `input_scale / output_scale`, for non-negative inputs.
    pub identity_multiplier: Multiplier,
    /// `input_scale · alpha / output_scale`, for negative inputs.
    pub alpha_multiplier: Multiplier,
}

/// Constants of a concatenation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Concatenation {
    /// The dimension along which the inputs are joined.
    pub axis: u32,
}

/// Constants of a constant padding.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Pad {
    /// `(before, after)` per dimension of the input.
    pub paddings: Vec<(u32, u32)>,
    /// The value written into the padding.
    pub value: i8,
}

impl Op {
    /// The TFLite name of the operator, for messages and tools.
    pub fn name(&self) -> &'static str {
        match self {
            Op::FullyConnected(_) => "FULLY_CONNECTED",
            Op::Conv2d(_) => "CONV_2D",
            Op::DepthwiseConv2d(_) => "DEPTHWISE_CONV_2D",
            Op::AveragePool2d(_) => "AVERAGE_POOL_2D",
            Op::MaxPool2d(_) => "MAX_POOL_2D",
            Op::Add(_) => "ADD",
            Op::Reshape => "RESHAPE",
            Op::Softmax(_) => "SOFTMAX",
            Op::Requantize(_) => "QUANTIZE",
            Op::Concatenation(_) => "CONCATENATION",
            Op::Pad(_) => "PAD",
            Op::Mean(_) => "MEAN",
            Op::Logistic(_) => "LOGISTIC",
            Op::Tanh(_) => "TANH",
            Op::Mul(_) => "MUL",
            Op::Sub(_) => "SUB",
            Op::Maximum => "MAXIMUM",
            Op::Minimum => "MINIMUM",
            Op::LeakyRelu(_) => "LEAKY_RELU",
            Op::Clamp(_) => "RELU6",
            Op::HardSwish(_) => "HARD_SWISH",
            Op::Transpose(_) => "TRANSPOSE",
            Op::StridedSlice(_) => "STRIDED_SLICE",
            Op::Gather(_) => "GATHER",
            Op::BatchMatMul(_) => "BATCH_MATMUL",
            Op::Rsqrt(_) => "RSQRT",
            Op::SquaredDifference(_) => "SQUARED_DIFFERENCE",
            Op::Input(_) => "INPUT",
            Op::Constant(_) => "CONSTANT",
            Op::Lookup(_) => "GATHER",
            Op::Gelu(_) => "GELU",
            Op::Svdf(_) => "SVDF",
            Op::FullyConnected16(_) => "FULLY_CONNECTED",
            Op::Output => "OUTPUT",
            Op::Select => "SELECT_V2",
            Op::Softmax16(_) => "SOFTMAX",
            Op::Conv2d16(_) => "CONV_2D",
            Op::DepthwiseConv2d16(_) => "DEPTHWISE_CONV_2D",
            Op::AveragePool2d16(_) => "AVERAGE_POOL_2D",
            Op::MaxPool2d16(_) => "MAX_POOL_2D",
            Op::Add16(_) => "ADD",
            Op::Sub16(_) => "SUB",
            Op::Mul16(_) => "MUL",
            Op::Lstm(_) => "UNIDIRECTIONAL_SEQUENCE_LSTM",
        }
    }
}

impl TensorInfo {
    /// An int8 tensor.
    pub fn int8(shape: Vec<u32>, zero_point: i32, scale_bits: u32) -> Self {
        TensorInfo {
            shape,
            zero_point,
            scale_bits,
            element: ElementType::Int8,
        }
    }

    /// Number of elements, or `None` if the product overflows `u64`.
    pub fn element_count(&self) -> Option<u64> {
        self.shape
            .iter()
            .try_fold(1u64, |acc, &d| acc.checked_mul(d as u64))
    }

    /// Number of bytes that hold the tensor (elements times the element size), or `None` if
    /// that overflows `u64`.
    pub fn byte_len(&self) -> Option<u64> {
        self.element_count()?.checked_mul(self.element.size())
    }
}
