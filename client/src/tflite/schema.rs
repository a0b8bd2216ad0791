//! Typed reading of the subset of the TFLite schema that Vigil uses.
//!
//! Field ids follow `tensorflow/lite/schema/schema.fbs` (a field's id is its
//! position in the table declaration; a union takes two ids, its type first).
//! Everything read is copied into plain owned structs, so the result does not
//! borrow from the file.

use std::fmt;

use super::flatbuffer::{Buf, FlatbufferError, Scalar, Table};
use super::ops::BuiltinOp;

/// The 4-byte file identifier of TFLite flatbuffers, at bytes 4..8.
pub const TFLITE_IDENTIFIER: &[u8; 4] = b"TFL3";

/// Most subgraphs a model may have.
pub const MAX_SUBGRAPHS: usize = 1 << 10;
/// Most operator codes a model may have.
pub const MAX_OPERATOR_CODES: usize = 1 << 12;
/// Most buffers a model may have.
pub const MAX_BUFFERS: usize = 1 << 16;
/// Most tensors a subgraph may have.
pub const MAX_TENSORS: usize = 1 << 16;
/// Most operators a subgraph may have.
pub const MAX_OPERATORS: usize = 1 << 16;
/// Most dimensions a tensor shape (and a reshape or squeeze list) may have.
pub const MAX_RANK: usize = 8;
/// Most entries in an operator's or a subgraph's inputs, outputs or
/// intermediates.
pub const MAX_TENSOR_REFS: usize = 1 << 12;
/// Most entries in each of a tensor's quantization vectors.
pub const MAX_QUANT_PARAMS: usize = 1 << 20;
/// Longest name, description or custom code accepted, in bytes.
pub const MAX_STRING_LEN: usize = 1 << 16;
/// Memory that parsing may use beyond four times the file size. Parts of a
/// flatbuffer can be referenced many times (for example every tensor could
/// point at the same large name), so what is copied out is budgeted rather
/// than trusted to be proportional to the file size.
pub const EXTRA_MEMORY_BUDGET: usize = 64 << 20;

// ---------------------------------------------------------------------------
// Errors

/// Why a file could not be read as a TFLite model.
#[derive(Debug, Clone, PartialEq)]
pub enum TfliteError {
    /// The bytes are not a TFLite flatbuffer.
    NotTflite(String),
    /// The flatbuffer encoding is broken at `context`.
    Malformed {
        /// Where in the model the problem is, e.g. `subgraph 0, tensor 12, shape`.
        context: String,
        /// The low-level problem, with its file offset.
        source: FlatbufferError,
    },
    /// The model is larger than this reader accepts.
    LimitExceeded {
        /// Where in the model the problem is.
        context: String,
        /// What limit was exceeded.
        message: String,
    },
    /// The model decodes but is inconsistent (e.g. an index out of range).
    Invalid {
        /// Where in the model the problem is.
        context: String,
        /// What is wrong.
        message: String,
    },
}

impl TfliteError {
    fn limit(context: impl Into<String>, message: impl Into<String>) -> Self {
        TfliteError::LimitExceeded {
            context: context.into(),
            message: message.into(),
        }
    }

    fn invalid(context: impl Into<String>, message: impl Into<String>) -> Self {
        TfliteError::Invalid {
            context: context.into(),
            message: message.into(),
        }
    }

    /// Puts `prefix` in front of the error's context.
    fn within(mut self, prefix: impl fmt::Display) -> Self {
        match &mut self {
            TfliteError::NotTflite(_) => {}
            TfliteError::Malformed { context, .. }
            | TfliteError::LimitExceeded { context, .. }
            | TfliteError::Invalid { context, .. } => {
                *context = if context.is_empty() {
                    prefix.to_string()
                } else {
                    format!("{prefix}, {context}")
                };
            }
        }
        self
    }

    /// Where in the model the problem is (empty for [`TfliteError::NotTflite`]).
    pub fn context(&self) -> &str {
        match self {
            TfliteError::NotTflite(_) => "",
            TfliteError::Malformed { context, .. }
            | TfliteError::LimitExceeded { context, .. }
            | TfliteError::Invalid { context, .. } => context,
        }
    }
}

impl fmt::Display for TfliteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (context, detail): (&str, &dyn fmt::Display) = match self {
            TfliteError::NotTflite(reason) => return write!(f, "not a TFLite file: {reason}"),
            TfliteError::Malformed { context, source } => (context, source),
            TfliteError::LimitExceeded { context, message }
            | TfliteError::Invalid { context, message } => (context, message),
        };
        if context.is_empty() {
            write!(f, "{detail}")
        } else {
            write!(f, "{context}: {detail}")
        }
    }
}

impl std::error::Error for TfliteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            TfliteError::Malformed { source, .. } => Some(source),
            _ => None,
        }
    }
}

type Result<T> = std::result::Result<T, TfliteError>;

/// Attaches a context to a low-level flatbuffer error.
trait Context<T> {
    fn ctx(self, what: &str) -> Result<T>;
}

impl<T> Context<T> for std::result::Result<T, FlatbufferError> {
    fn ctx(self, what: &str) -> Result<T> {
        self.map_err(|source| TfliteError::Malformed {
            context: what.to_string(),
            source,
        })
    }
}

// ---------------------------------------------------------------------------
// Enumerations

/// Element type of a tensor (`TensorType` in the schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TensorType {
    Float32,
    Float16,
    Int32,
    UInt8,
    Int64,
    String,
    Bool,
    Int16,
    Complex64,
    Int8,
    Float64,
    Complex128,
    UInt64,
    Resource,
    Variant,
    UInt32,
    UInt16,
    Int4,
    BFloat16,
    /// A value this reader does not know.
    Unknown(i8),
}

impl TensorType {
    /// Decodes the schema value.
    pub fn from_raw(v: i8) -> Self {
        use TensorType::*;
        match v {
            0 => Float32,
            1 => Float16,
            2 => Int32,
            3 => UInt8,
            4 => Int64,
            5 => String,
            6 => Bool,
            7 => Int16,
            8 => Complex64,
            9 => Int8,
            10 => Float64,
            11 => Complex128,
            12 => UInt64,
            13 => Resource,
            14 => Variant,
            15 => UInt32,
            16 => UInt16,
            17 => Int4,
            18 => BFloat16,
            other => Unknown(other),
        }
    }

    /// The schema value.
    pub fn raw(self) -> i8 {
        use TensorType::*;
        match self {
            Float32 => 0,
            Float16 => 1,
            Int32 => 2,
            UInt8 => 3,
            Int64 => 4,
            String => 5,
            Bool => 6,
            Int16 => 7,
            Complex64 => 8,
            Int8 => 9,
            Float64 => 10,
            Complex128 => 11,
            UInt64 => 12,
            Resource => 13,
            Variant => 14,
            UInt32 => 15,
            UInt16 => 16,
            Int4 => 17,
            BFloat16 => 18,
            Unknown(v) => v,
        }
    }

    /// The schema name, e.g. `"INT8"`.
    pub fn name(self) -> &'static str {
        use TensorType::*;
        match self {
            Float32 => "FLOAT32",
            Float16 => "FLOAT16",
            Int32 => "INT32",
            UInt8 => "UINT8",
            Int64 => "INT64",
            String => "STRING",
            Bool => "BOOL",
            Int16 => "INT16",
            Complex64 => "COMPLEX64",
            Int8 => "INT8",
            Float64 => "FLOAT64",
            Complex128 => "COMPLEX128",
            UInt64 => "UINT64",
            Resource => "RESOURCE",
            Variant => "VARIANT",
            UInt32 => "UINT32",
            UInt16 => "UINT16",
            Int4 => "INT4",
            BFloat16 => "BFLOAT16",
            Unknown(_) => "UNKNOWN",
        }
    }

    /// Size in bytes of one element, for types stored one element per whole
    /// number of bytes (`None` for strings, resources, variants, packed
    /// 4-bit integers and unknown types).
    pub fn element_size(self) -> Option<usize> {
        use TensorType::*;
        match self {
            UInt8 | Int8 | Bool => Some(1),
            Float16 | Int16 | UInt16 | BFloat16 => Some(2),
            Float32 | Int32 | UInt32 => Some(4),
            Int64 | UInt64 | Float64 | Complex64 => Some(8),
            Complex128 => Some(16),
            String | Resource | Variant | Int4 | Unknown(_) => None,
        }
    }
}

impl fmt::Display for TensorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TensorType::Unknown(v) => write!(f, "UNKNOWN({v})"),
            t => f.write_str(t.name()),
        }
    }
}

/// A fused activation function (`ActivationFunctionType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Activation {
    None,
    Relu,
    ReluN1To1,
    Relu6,
    Tanh,
    SignBit,
    /// A value this reader does not know.
    Unknown(i8),
}

impl Activation {
    /// Decodes the schema value.
    pub fn from_raw(v: i8) -> Self {
        match v {
            0 => Activation::None,
            1 => Activation::Relu,
            2 => Activation::ReluN1To1,
            3 => Activation::Relu6,
            4 => Activation::Tanh,
            5 => Activation::SignBit,
            other => Activation::Unknown(other),
        }
    }
}

/// Padding of convolutions and pools (`Padding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Padding {
    Same,
    Valid,
    /// A value this reader does not know.
    Unknown(i8),
}

impl Padding {
    /// Decodes the schema value.
    pub fn from_raw(v: i8) -> Self {
        match v {
            0 => Padding::Same,
            1 => Padding::Valid,
            other => Padding::Unknown(other),
        }
    }
}

/// Weight layout of a fully connected operator
/// (`FullyConnectedOptionsWeightsFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeightsFormat {
    Default,
    Shuffled4x16Int8,
    /// A value this reader does not know.
    Unknown(i8),
}

impl WeightsFormat {
    /// Decodes the schema value.
    pub fn from_raw(v: i8) -> Self {
        match v {
            0 => WeightsFormat::Default,
            1 => WeightsFormat::Shuffled4x16Int8,
            other => WeightsFormat::Unknown(other),
        }
    }
}

// ---------------------------------------------------------------------------
// The model

/// A TFLite model (`Model`, the root table).
#[derive(Debug, Clone, PartialEq)]
pub struct TfliteModel {
    /// Schema version (field 0).
    pub version: u32,
    /// Free-text description (field 3).
    pub description: Option<String>,
    /// Operator codes; operators refer to them by index (field 1).
    pub operator_codes: Vec<OperatorCode>,
    /// Subgraphs; the first is the main one (field 2).
    pub subgraphs: Vec<Subgraph>,
    /// Data buffers; tensors refer to them by index, and buffer 0 is by
    /// convention empty (field 4).
    pub buffers: Vec<Buffer>,
}

/// An entry of `Model.operator_codes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorCode {
    /// The operator: the larger of `deprecated_builtin_code` (field 0, a
    /// byte) and `builtin_code` (field 3), as the schema prescribes.
    pub builtin: BuiltinOp,
    /// Name of a custom operator (field 1).
    pub custom_code: Option<String>,
    /// Operator version (field 2, default 1).
    pub version: i32,
}

/// A subgraph (`SubGraph`).
#[derive(Debug, Clone, PartialEq)]
pub struct Subgraph {
    /// All tensors of the subgraph (field 0).
    pub tensors: Vec<Tensor>,
    /// Indices of the input tensors (field 1).
    pub inputs: Vec<i32>,
    /// Indices of the output tensors (field 2).
    pub outputs: Vec<i32>,
    /// Operators in execution order (field 3).
    pub operators: Vec<Operator>,
    /// Name (field 4).
    pub name: Option<String>,
}

/// A tensor (`Tensor`).
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    /// Dimensions (field 0); empty for a scalar or when absent.
    pub shape: Vec<i32>,
    /// Dimensions with -1 for unknown ones (field 7), if given.
    pub shape_signature: Option<Vec<i32>>,
    /// Element type (field 1, default FLOAT32).
    pub tensor_type: TensorType,
    /// Index into `TfliteModel::buffers` (field 2, default 0).
    pub buffer: u32,
    /// Name (field 3).
    pub name: Option<String>,
    /// Quantization parameters (field 4). `None` when the table is absent or
    /// carries nothing (converters write an empty table for float tensors).
    pub quantization: Option<Quantization>,
    /// Whether the tensor is a variable (field 5, default false).
    pub is_variable: bool,
    /// Whether the tensor has sparsity parameters (field 6), i.e. its buffer
    /// is not a dense array. The parameters themselves are not read.
    pub is_sparse: bool,
}

/// Quantization parameters (`QuantizationParameters`).
#[derive(Debug, Clone, PartialEq)]
pub struct Quantization {
    /// Scales (field 2).
    pub scale: Vec<f32>,
    /// Zero points (field 3).
    pub zero_point: Vec<i64>,
    /// The dimension that per-channel scales and zero points run along
    /// (field 6, default 0).
    pub quantized_dimension: i32,
    /// Recorded minimum values (field 0).
    pub min: Vec<f32>,
    /// Recorded maximum values (field 1).
    pub max: Vec<f32>,
    /// Whether the `details` union (fields 4 and 5) is set, meaning a custom
    /// quantization scheme is used instead of scale and zero point. Its
    /// contents are not read.
    pub has_custom_details: bool,
}

/// A data buffer (`Buffer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Buffer {
    /// The bytes: the inline `data` vector (field 0), or for buffers stored
    /// after the flatbuffer, `file[offset..offset + size]` (fields 1 and 2).
    pub data: Vec<u8>,
}

/// An operator (`Operator`).
#[derive(Debug, Clone, PartialEq)]
pub struct Operator {
    /// Index into `TfliteModel::operator_codes` (field 0).
    pub opcode_index: u32,
    /// Input tensor indices; -1 marks an omitted optional input (field 1).
    pub inputs: Vec<i32>,
    /// Output tensor indices (field 2).
    pub outputs: Vec<i32>,
    /// Builtin options (union, fields 3 and 4).
    pub options: BuiltinOptions,
    /// Indices of internal tensors (field 8).
    pub intermediates: Vec<i32>,
}

/// `Conv2DOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv2DOptions {
    pub padding: Padding,
    pub stride_w: i32,
    pub stride_h: i32,
    pub fused_activation: Activation,
    /// Default 1.
    pub dilation_w: i32,
    /// Default 1.
    pub dilation_h: i32,
}

/// `DepthwiseConv2DOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepthwiseConv2DOptions {
    pub padding: Padding,
    pub stride_w: i32,
    pub stride_h: i32,
    pub depth_multiplier: i32,
    pub fused_activation: Activation,
    /// Default 1.
    pub dilation_w: i32,
    /// Default 1.
    pub dilation_h: i32,
}

/// `FullyConnectedOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FullyConnectedOptions {
    pub fused_activation: Activation,
    pub weights_format: WeightsFormat,
    pub keep_num_dims: bool,
    pub asymmetric_quantize_inputs: bool,
}

/// `Pool2DOptions` (average, max and L2 pooling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pool2DOptions {
    pub padding: Padding,
    pub stride_w: i32,
    pub stride_h: i32,
    pub filter_width: i32,
    pub filter_height: i32,
    pub fused_activation: Activation,
}

/// `AddOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddOptions {
    pub fused_activation: Activation,
    /// Default true.
    pub pot_scale_int16: bool,
}

/// `SubOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubOptions {
    pub fused_activation: Activation,
    /// Default true.
    pub pot_scale_int16: bool,
}

/// `MulOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MulOptions {
    pub fused_activation: Activation,
}

/// `ReshapeOptions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReshapeOptions {
    /// Empty when absent (the shape then comes from the second input).
    pub new_shape: Vec<i32>,
}

/// `SoftmaxOptions`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SoftmaxOptions {
    /// Default 0.0, as in the schema.
    pub beta: f32,
}

/// `ConcatenationOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConcatenationOptions {
    pub axis: i32,
    pub fused_activation: Activation,
}

/// `ReducerOptions` (MEAN, SUM, REDUCE_MAX, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReducerOptions {
    pub keep_dims: bool,
}

/// `StridedSliceOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StridedSliceOptions {
    pub begin_mask: i32,
    pub end_mask: i32,
    pub ellipsis_mask: i32,
    pub new_axis_mask: i32,
    pub shrink_axis_mask: i32,
    pub offset: bool,
}

/// `PackOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackOptions {
    pub values_count: i32,
    pub axis: i32,
}

/// `ShapeOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapeOptions {
    /// Raw schema default is 0 (FLOAT32); runtimes read that as INT32.
    pub out_type: TensorType,
}

/// `LeakyReluOptions`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeakyReluOptions {
    pub alpha: f32,
}

/// `SqueezeOptions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqueezeOptions {
    pub squeeze_dims: Vec<i32>,
}

/// `GatherOptions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatherOptions {
    /// The dimension of the first input indexed.
    pub axis: i32,
    /// Leading dimensions shared by both inputs.
    pub batch_dims: i32,
}

/// `BatchMatMulOptions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchMatMulOptions {
    /// Transpose the first input's last two dimensions.
    pub adj_x: bool,
    /// Transpose the second input's last two dimensions.
    pub adj_y: bool,
    /// Hybrid (float-activation) models only.
    pub asymmetric_quantize_inputs: bool,
}

/// `SVDFOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SvdfOptions {
    /// Filters per output unit.
    pub rank: i32,
    pub fused_activation: Activation,
    /// Hybrid (float-activation) models only.
    pub asymmetric_quantize_inputs: bool,
}

/// `GeluOptions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeluOptions {
    /// The tanh approximation instead of the exact (erf) form.
    pub approximate: bool,
}

/// `UnidirectionalSequenceLSTMOptions`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnidirectionalSequenceLstmOptions {
    /// The cell gate's activation (TANH in Keras' LSTM).
    pub fused_activation: Activation,
    /// Clip of the cell state; 0 means none.
    pub cell_clip: f32,
    /// Clip of the projection; 0 means none.
    pub proj_clip: f32,
    /// The input is `[time, batch, depth]` rather than `[batch, time, depth]`.
    pub time_major: bool,
    /// Hybrid (float-activation) models only.
    pub asymmetric_quantize_inputs: bool,
    /// The recurrent weights are diagonal, stored as vectors.
    pub diagonal_recurrent_tensors: bool,
}

/// The `builtin_options` union of an operator, for the option tables this
/// reader decodes. The variant reflects the union's type field; it is not
/// checked against the operator code.
#[derive(Debug, Clone, PartialEq)]
pub enum BuiltinOptions {
    /// No options (union type 0).
    None,
    /// Union type 1.
    Conv2D(Conv2DOptions),
    /// Union type 2.
    DepthwiseConv2D(DepthwiseConv2DOptions),
    /// Union type 8.
    FullyConnected(FullyConnectedOptions),
    /// Union type 5.
    Pool2D(Pool2DOptions),
    /// Union type 11.
    Add(AddOptions),
    /// Union type 28.
    Sub(SubOptions),
    /// Union type 21.
    Mul(MulOptions),
    /// Union type 17.
    Reshape(ReshapeOptions),
    /// Union type 9.
    Softmax(SoftmaxOptions),
    /// Union type 10.
    Concatenation(ConcatenationOptions),
    /// Union type 27.
    Reducer(ReducerOptions),
    /// Union type 32.
    StridedSlice(StridedSliceOptions),
    /// Union type 59.
    Pack(PackOptions),
    /// Union type 22 (`PadOptions` has no fields).
    Pad,
    /// Union type 55.
    Shape(ShapeOptions),
    /// Union type 30.
    Squeeze(SqueezeOptions),
    /// Union type 75.
    LeakyRelu(LeakyReluOptions),
    /// Union type 23.
    Gather(GatherOptions),
    /// Union type 101.
    BatchMatMul(BatchMatMulOptions),
    /// Union type 116.
    Gelu(GeluOptions),
    /// Union type 6.
    Svdf(SvdfOptions),
    /// Union type 71.
    UnidirectionalSequenceLstm(UnidirectionalSequenceLstmOptions),
    /// Any other options table, by union type; its contents are not read.
    Other(u8),
}

/// Union type values of `BuiltinOptions` that this reader decodes.
pub mod options_type {
    pub const CONV_2D: u8 = 1;
    pub const DEPTHWISE_CONV_2D: u8 = 2;
    pub const POOL_2D: u8 = 5;
    pub const FULLY_CONNECTED: u8 = 8;
    pub const SOFTMAX: u8 = 9;
    pub const CONCATENATION: u8 = 10;
    pub const ADD: u8 = 11;
    pub const RESHAPE: u8 = 17;
    pub const MUL: u8 = 21;
    pub const PAD: u8 = 22;
    pub const REDUCER: u8 = 27;
    pub const SUB: u8 = 28;
    pub const SQUEEZE: u8 = 30;
    pub const STRIDED_SLICE: u8 = 32;
    pub const SHAPE: u8 = 55;
    pub const PACK: u8 = 59;
    pub const LEAKY_RELU: u8 = 75;
    pub const GATHER: u8 = 23;
    pub const BATCH_MATMUL: u8 = 101;
    pub const GELU: u8 = 116;
    pub const SVDF: u8 = 6;
    pub const UNIDIRECTIONAL_SEQUENCE_LSTM: u8 = 71;
}

impl TfliteModel {
    /// The operator code of `op`, if its index is in range (it always is in a
    /// model returned by [`parse`]).
    pub fn opcode(&self, op: &Operator) -> Option<&OperatorCode> {
        usize::try_from(op.opcode_index)
            .ok()
            .and_then(|i| self.operator_codes.get(i))
    }
}

// ---------------------------------------------------------------------------
// Field ids

mod field {
    pub mod model {
        pub const VERSION: u16 = 0;
        pub const OPERATOR_CODES: u16 = 1;
        pub const SUBGRAPHS: u16 = 2;
        pub const DESCRIPTION: u16 = 3;
        pub const BUFFERS: u16 = 4;
    }
    pub mod operator_code {
        pub const DEPRECATED_BUILTIN_CODE: u16 = 0;
        pub const CUSTOM_CODE: u16 = 1;
        pub const VERSION: u16 = 2;
        pub const BUILTIN_CODE: u16 = 3;
    }
    pub mod subgraph {
        pub const TENSORS: u16 = 0;
        pub const INPUTS: u16 = 1;
        pub const OUTPUTS: u16 = 2;
        pub const OPERATORS: u16 = 3;
        pub const NAME: u16 = 4;
    }
    pub mod tensor {
        pub const SHAPE: u16 = 0;
        pub const TYPE: u16 = 1;
        pub const BUFFER: u16 = 2;
        pub const NAME: u16 = 3;
        pub const QUANTIZATION: u16 = 4;
        pub const IS_VARIABLE: u16 = 5;
        pub const SPARSITY: u16 = 6;
        pub const SHAPE_SIGNATURE: u16 = 7;
    }
    pub mod quantization {
        pub const MIN: u16 = 0;
        pub const MAX: u16 = 1;
        pub const SCALE: u16 = 2;
        pub const ZERO_POINT: u16 = 3;
        pub const DETAILS_TYPE: u16 = 4;
        pub const QUANTIZED_DIMENSION: u16 = 6;
    }
    pub mod buffer {
        pub const DATA: u16 = 0;
        pub const OFFSET: u16 = 1;
        pub const SIZE: u16 = 2;
    }
    pub mod operator {
        pub const OPCODE_INDEX: u16 = 0;
        pub const INPUTS: u16 = 1;
        pub const OUTPUTS: u16 = 2;
        pub const BUILTIN_OPTIONS_TYPE: u16 = 3;
        pub const BUILTIN_OPTIONS: u16 = 4;
        pub const INTERMEDIATES: u16 = 8;
    }
}

// ---------------------------------------------------------------------------
// Reading

/// Reads a TFLite model from the bytes of a `.tflite` file.
///
/// The whole structure is checked: any offset, length or index that points
/// outside the file or outside the model's own tables is an error, as is
/// exceeding one of the `MAX_*` limits of this module.
pub fn parse(bytes: &[u8]) -> std::result::Result<TfliteModel, TfliteError> {
    if bytes.len() < 8 {
        return Err(TfliteError::NotTflite(format!(
            "the file is only {} bytes long, too short for a flatbuffer header",
            bytes.len()
        )));
    }
    let buf = Buf::new(bytes);
    if buf.file_identifier().as_ref() != Some(TFLITE_IDENTIFIER) {
        return Err(TfliteError::NotTflite(
            "missing the TFL3 identifier".to_string(),
        ));
    }
    let mut reader = Reader {
        buf,
        budget: bytes
            .len()
            .saturating_mul(4)
            .saturating_add(EXTRA_MEMORY_BUDGET),
    };
    let model = reader.model()?;
    validate(&model)?;
    Ok(model)
}

/// Option-table fields read with their defaults when the table is absent.
struct Fields<'a>(Option<Table<'a>>);

impl Fields<'_> {
    fn get<T: Scalar>(&self, id: u16, default: T) -> std::result::Result<T, FlatbufferError> {
        match &self.0 {
            Some(t) => t.scalar(id, default),
            None => Ok(default),
        }
    }
    fn i32(&self, id: u16, default: i32) -> std::result::Result<i32, FlatbufferError> {
        self.get(id, default)
    }
    fn bool(&self, id: u16, default: bool) -> std::result::Result<bool, FlatbufferError> {
        self.get(id, default)
    }
    fn activation(&self, id: u16) -> std::result::Result<Activation, FlatbufferError> {
        self.get(id, 0i8).map(Activation::from_raw)
    }
    fn padding(&self, id: u16) -> std::result::Result<Padding, FlatbufferError> {
        self.get(id, 0i8).map(Padding::from_raw)
    }
}

struct Reader<'a> {
    buf: Buf<'a>,
    /// Bytes that may still be copied out of the file.
    budget: usize,
}

impl<'a> Reader<'a> {
    /// Accounts for `bytes` of memory about to be allocated.
    fn charge(&mut self, bytes: usize, what: &str) -> Result<()> {
        match self.budget.checked_sub(bytes) {
            Some(rest) => {
                self.budget = rest;
                Ok(())
            }
            None => Err(TfliteError::limit(
                what,
                "the model needs far more memory than its file size accounts for (data is referenced repeatedly)",
            )),
        }
    }

    /// Checks a count against a limit and charges memory for `count` values
    /// of type `T`.
    fn admit<T>(&mut self, count: usize, limit: usize, what: &str) -> Result<()> {
        if count > limit {
            return Err(TfliteError::limit(
                what,
                format!("{count} entries, more than the limit of {limit}"),
            ));
        }
        self.charge(count.saturating_mul(std::mem::size_of::<T>()), what)
    }

    /// Reads a vector of tables with `read`, admitting its length against `limit`; an error
    /// names the entry as `one` and its index.
    fn tables<T>(
        &mut self,
        parent: &Table<'a>,
        field: u16,
        limit: usize,
        what: &str,
        one: &str,
        read: impl Fn(&mut Self, &Table<'a>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let Some(v) = parent.table_vector(field).ctx(what)? else {
            return Ok(Vec::new());
        };
        self.admit::<T>(v.len(), limit, what)?;
        let mut out = Vec::with_capacity(v.len());
        for i in 0..v.len() {
            let item = v
                .get(i)
                .ctx("table")
                .and_then(|t| read(self, &t))
                .map_err(|e| e.within(format_args!("{one} {i}")))?;
            out.push(item);
        }
        Ok(out)
    }

    fn scalars<T: Scalar>(
        &mut self,
        table: &Table<'a>,
        id: u16,
        limit: usize,
        what: &str,
    ) -> Result<Option<Vec<T>>> {
        let Some(v) = table.vector::<T>(id).ctx(what)? else {
            return Ok(None);
        };
        self.admit::<T>(v.len(), limit, what)?;
        v.to_vec().ctx(what).map(Some)
    }

    fn string(&mut self, table: &Table<'a>, id: u16, what: &str) -> Result<Option<String>> {
        let Some(s) = table.string(id).ctx(what)? else {
            return Ok(None);
        };
        if s.len() > MAX_STRING_LEN {
            return Err(TfliteError::limit(
                what,
                format!(
                    "{} bytes long, more than the limit of {MAX_STRING_LEN}",
                    s.len()
                ),
            ));
        }
        self.charge(s.len(), what)?;
        Ok(Some(s.to_string()))
    }

    fn model(&mut self) -> Result<TfliteModel> {
        use field::model as f;
        let root = self.buf.root().ctx("model")?;
        let version = root.scalar::<u32>(f::VERSION, 0).ctx("model version")?;
        let description = self.string(&root, f::DESCRIPTION, "model description")?;

        let operator_codes = self.tables(
            &root,
            f::OPERATOR_CODES,
            MAX_OPERATOR_CODES,
            "operator codes",
            "operator code",
            Self::operator_code,
        )?;

        let buffers = self.tables(
            &root,
            f::BUFFERS,
            MAX_BUFFERS,
            "buffers",
            "buffer",
            Self::buffer,
        )?;

        let subgraphs = self.tables(
            &root,
            f::SUBGRAPHS,
            MAX_SUBGRAPHS,
            "subgraphs",
            "subgraph",
            Self::subgraph,
        )?;

        Ok(TfliteModel {
            version,
            description,
            operator_codes,
            subgraphs,
            buffers,
        })
    }

    fn operator_code(&mut self, t: &Table<'a>) -> Result<OperatorCode> {
        use field::operator_code as f;
        let deprecated = t
            .scalar::<i8>(f::DEPRECATED_BUILTIN_CODE, 0)
            .ctx("deprecated_builtin_code")?;
        let code = t.scalar::<i32>(f::BUILTIN_CODE, 0).ctx("builtin_code")?;
        let custom_code = self.string(t, f::CUSTOM_CODE, "custom_code")?;
        let version = t.scalar::<i32>(f::VERSION, 1).ctx("version")?;
        Ok(OperatorCode {
            builtin: BuiltinOp(code.max(i32::from(deprecated))),
            custom_code,
            version,
        })
    }

    fn buffer(&mut self, t: &Table<'a>) -> Result<Buffer> {
        use field::buffer as f;
        let inline = t.bytes(f::DATA).ctx("data")?;
        let offset = t.scalar::<u64>(f::OFFSET, 0).ctx("offset")?;
        let size = t.scalar::<u64>(f::SIZE, 0).ctx("size")?;
        // The schema: the offset "is only valid if > 1".
        let external = offset > 1;
        let bytes: &[u8] = match (inline, external) {
            (Some(data), true) if !data.is_empty() => {
                return Err(TfliteError::invalid(
                    "",
                    "has both inline data and an external offset",
                ))
            }
            (_, true) => {
                let range = usize::try_from(offset)
                    .ok()
                    .zip(usize::try_from(size).ok())
                    .and_then(|(o, s)| Some(o..o.checked_add(s)?))
                    .filter(|r| r.end <= self.buf.len());
                match range {
                    Some(r) => &self.buf.bytes()[r],
                    None => {
                        return Err(TfliteError::invalid(
                            "",
                            format!(
                                "external data at offset {offset:#x} with size {size} runs past the end of the file ({} bytes)",
                                self.buf.len()
                            ),
                        ))
                    }
                }
            }
            (Some(data), false) => data,
            (None, false) => &[],
        };
        self.charge(bytes.len(), "data")?;
        Ok(Buffer {
            data: bytes.to_vec(),
        })
    }

    fn subgraph(&mut self, t: &Table<'a>) -> Result<Subgraph> {
        use field::subgraph as f;
        let tensors = self.tables(
            t,
            f::TENSORS,
            MAX_TENSORS,
            "tensors",
            "tensor",
            Self::tensor,
        )?;
        let inputs = self
            .scalars::<i32>(t, f::INPUTS, MAX_TENSOR_REFS, "inputs")?
            .unwrap_or_default();
        let outputs = self
            .scalars::<i32>(t, f::OUTPUTS, MAX_TENSOR_REFS, "outputs")?
            .unwrap_or_default();
        let operators = self.tables(
            t,
            f::OPERATORS,
            MAX_OPERATORS,
            "operators",
            "operator",
            Self::operator,
        )?;
        let name = self.string(t, f::NAME, "name")?;
        Ok(Subgraph {
            tensors,
            inputs,
            outputs,
            operators,
            name,
        })
    }

    fn tensor(&mut self, t: &Table<'a>) -> Result<Tensor> {
        use field::tensor as f;
        let shape = self
            .scalars::<i32>(t, f::SHAPE, MAX_RANK, "shape")?
            .unwrap_or_default();
        let shape_signature =
            self.scalars::<i32>(t, f::SHAPE_SIGNATURE, MAX_RANK, "shape_signature")?;
        let tensor_type = TensorType::from_raw(t.scalar::<i8>(f::TYPE, 0).ctx("type")?);
        let buffer = t.scalar::<u32>(f::BUFFER, 0).ctx("buffer")?;
        let name = self.string(t, f::NAME, "name")?;
        let quantization = match t.table(f::QUANTIZATION).ctx("quantization")? {
            Some(q) => self
                .quantization(&q)
                .map_err(|e| e.within("quantization"))?,
            None => None,
        };
        let is_variable = t.scalar::<bool>(f::IS_VARIABLE, false).ctx("is_variable")?;
        let is_sparse = t.has_field(f::SPARSITY).ctx("sparsity")?;
        Ok(Tensor {
            shape,
            shape_signature,
            tensor_type,
            buffer,
            name,
            quantization,
            is_variable,
            is_sparse,
        })
    }

    fn quantization(&mut self, t: &Table<'a>) -> Result<Option<Quantization>> {
        use field::quantization as f;
        let min = self
            .scalars::<f32>(t, f::MIN, MAX_QUANT_PARAMS, "min")?
            .unwrap_or_default();
        let max = self
            .scalars::<f32>(t, f::MAX, MAX_QUANT_PARAMS, "max")?
            .unwrap_or_default();
        let scale = self
            .scalars::<f32>(t, f::SCALE, MAX_QUANT_PARAMS, "scale")?
            .unwrap_or_default();
        let zero_point = self
            .scalars::<i64>(t, f::ZERO_POINT, MAX_QUANT_PARAMS, "zero_point")?
            .unwrap_or_default();
        let has_custom_details = t.scalar::<u8>(f::DETAILS_TYPE, 0).ctx("details_type")? != 0;
        let quantized_dimension = t
            .scalar::<i32>(f::QUANTIZED_DIMENSION, 0)
            .ctx("quantized_dimension")?;
        if min.is_empty()
            && max.is_empty()
            && scale.is_empty()
            && zero_point.is_empty()
            && !has_custom_details
        {
            return Ok(None);
        }
        Ok(Some(Quantization {
            scale,
            zero_point,
            quantized_dimension,
            min,
            max,
            has_custom_details,
        }))
    }

    fn operator(&mut self, t: &Table<'a>) -> Result<Operator> {
        use field::operator as f;
        let opcode_index = t.scalar::<u32>(f::OPCODE_INDEX, 0).ctx("opcode_index")?;
        let inputs = self
            .scalars::<i32>(t, f::INPUTS, MAX_TENSOR_REFS, "inputs")?
            .unwrap_or_default();
        let outputs = self
            .scalars::<i32>(t, f::OUTPUTS, MAX_TENSOR_REFS, "outputs")?
            .unwrap_or_default();
        let intermediates = self
            .scalars::<i32>(t, f::INTERMEDIATES, MAX_TENSOR_REFS, "intermediates")?
            .unwrap_or_default();
        let options = self
            .builtin_options(t)
            .map_err(|e| e.within("builtin_options"))?;
        Ok(Operator {
            opcode_index,
            inputs,
            outputs,
            options,
            intermediates,
        })
    }

    fn builtin_options(&mut self, t: &Table<'a>) -> Result<BuiltinOptions> {
        use options_type as ty;
        let Some((kind, table)) = t
            .union(
                field::operator::BUILTIN_OPTIONS_TYPE,
                field::operator::BUILTIN_OPTIONS,
            )
            .ctx("union")?
        else {
            return Ok(BuiltinOptions::None);
        };
        // A missing value table reads as all defaults, as in the TFLite runtime.
        let o = Fields(table);
        let opts = (|| -> std::result::Result<BuiltinOptions, FlatbufferError> {
            Ok(match kind {
                ty::CONV_2D => BuiltinOptions::Conv2D(Conv2DOptions {
                    padding: o.padding(0)?,
                    stride_w: o.i32(1, 0)?,
                    stride_h: o.i32(2, 0)?,
                    fused_activation: o.activation(3)?,
                    dilation_w: o.i32(4, 1)?,
                    dilation_h: o.i32(5, 1)?,
                }),
                ty::DEPTHWISE_CONV_2D => BuiltinOptions::DepthwiseConv2D(DepthwiseConv2DOptions {
                    padding: o.padding(0)?,
                    stride_w: o.i32(1, 0)?,
                    stride_h: o.i32(2, 0)?,
                    depth_multiplier: o.i32(3, 0)?,
                    fused_activation: o.activation(4)?,
                    dilation_w: o.i32(5, 1)?,
                    dilation_h: o.i32(6, 1)?,
                }),
                ty::POOL_2D => BuiltinOptions::Pool2D(Pool2DOptions {
                    padding: o.padding(0)?,
                    stride_w: o.i32(1, 0)?,
                    stride_h: o.i32(2, 0)?,
                    filter_width: o.i32(3, 0)?,
                    filter_height: o.i32(4, 0)?,
                    fused_activation: o.activation(5)?,
                }),
                ty::FULLY_CONNECTED => BuiltinOptions::FullyConnected(FullyConnectedOptions {
                    fused_activation: o.activation(0)?,
                    weights_format: WeightsFormat::from_raw(o.get(1, 0i8)?),
                    keep_num_dims: o.bool(2, false)?,
                    asymmetric_quantize_inputs: o.bool(3, false)?,
                }),
                ty::SOFTMAX => BuiltinOptions::Softmax(SoftmaxOptions {
                    beta: o.get(0, 0.0f32)?,
                }),
                ty::CONCATENATION => BuiltinOptions::Concatenation(ConcatenationOptions {
                    axis: o.i32(0, 0)?,
                    fused_activation: o.activation(1)?,
                }),
                ty::ADD => BuiltinOptions::Add(AddOptions {
                    fused_activation: o.activation(0)?,
                    pot_scale_int16: o.bool(1, true)?,
                }),
                ty::SUB => BuiltinOptions::Sub(SubOptions {
                    fused_activation: o.activation(0)?,
                    pot_scale_int16: o.bool(1, true)?,
                }),
                ty::MUL => BuiltinOptions::Mul(MulOptions {
                    fused_activation: o.activation(0)?,
                }),
                ty::PAD => BuiltinOptions::Pad,
                ty::REDUCER => BuiltinOptions::Reducer(ReducerOptions {
                    keep_dims: o.bool(0, false)?,
                }),
                ty::STRIDED_SLICE => BuiltinOptions::StridedSlice(StridedSliceOptions {
                    begin_mask: o.i32(0, 0)?,
                    end_mask: o.i32(1, 0)?,
                    ellipsis_mask: o.i32(2, 0)?,
                    new_axis_mask: o.i32(3, 0)?,
                    shrink_axis_mask: o.i32(4, 0)?,
                    offset: o.bool(5, false)?,
                }),
                ty::PACK => BuiltinOptions::Pack(PackOptions {
                    values_count: o.i32(0, 0)?,
                    axis: o.i32(1, 0)?,
                }),
                ty::GATHER => BuiltinOptions::Gather(GatherOptions {
                    axis: o.i32(0, 0)?,
                    batch_dims: o.i32(1, 0)?,
                }),
                ty::BATCH_MATMUL => BuiltinOptions::BatchMatMul(BatchMatMulOptions {
                    adj_x: o.bool(0, false)?,
                    adj_y: o.bool(1, false)?,
                    asymmetric_quantize_inputs: o.bool(2, false)?,
                }),
                ty::GELU => BuiltinOptions::Gelu(GeluOptions {
                    approximate: o.bool(0, false)?,
                }),
                ty::SVDF => BuiltinOptions::Svdf(SvdfOptions {
                    rank: o.i32(0, 0)?,
                    fused_activation: o.activation(1)?,
                    asymmetric_quantize_inputs: o.bool(2, false)?,
                }),
                ty::UNIDIRECTIONAL_SEQUENCE_LSTM => {
                    BuiltinOptions::UnidirectionalSequenceLstm(UnidirectionalSequenceLstmOptions {
                        fused_activation: o.activation(0)?,
                        cell_clip: o.get(1, 0.0f32)?,
                        proj_clip: o.get(2, 0.0f32)?,
                        time_major: o.bool(3, false)?,
                        asymmetric_quantize_inputs: o.bool(4, false)?,
                        diagonal_recurrent_tensors: o.bool(5, false)?,
                    })
                }
                ty::LEAKY_RELU => BuiltinOptions::LeakyRelu(LeakyReluOptions {
                    alpha: o.get(0, 0.0f32)?,
                }),
                ty::SHAPE => BuiltinOptions::Shape(ShapeOptions {
                    out_type: TensorType::from_raw(o.get(0, 0i8)?),
                }),
                // Vector-valued options are read below.
                ty::RESHAPE => BuiltinOptions::Reshape(ReshapeOptions {
                    new_shape: Vec::new(),
                }),
                ty::SQUEEZE => BuiltinOptions::Squeeze(SqueezeOptions {
                    squeeze_dims: Vec::new(),
                }),
                other => BuiltinOptions::Other(other),
            })
        })()
        .ctx("options table")?;
        Ok(match (opts, table) {
            (BuiltinOptions::Reshape(_), Some(t)) => BuiltinOptions::Reshape(ReshapeOptions {
                new_shape: self
                    .scalars::<i32>(&t, 0, MAX_RANK, "new_shape")?
                    .unwrap_or_default(),
            }),
            (BuiltinOptions::Squeeze(_), Some(t)) => BuiltinOptions::Squeeze(SqueezeOptions {
                squeeze_dims: self
                    .scalars::<i32>(&t, 0, MAX_RANK, "squeeze_dims")?
                    .unwrap_or_default(),
            }),
            (opts, _) => opts,
        })
    }
}

/// Checks the indices that tie the model together.
fn validate(model: &TfliteModel) -> Result<()> {
    if model.subgraphs.is_empty() {
        return Err(TfliteError::invalid("model", "has no subgraphs"));
    }
    let n_codes = model.operator_codes.len();
    let n_buffers = model.buffers.len();
    for (s, sg) in model.subgraphs.iter().enumerate() {
        let n_tensors = sg.tensors.len();
        let tensor_ok = |i: i32, optional: bool| {
            (optional && i == -1) || usize::try_from(i).is_ok_and(|i| i < n_tensors)
        };
        for (t, tensor) in sg.tensors.iter().enumerate() {
            if usize::try_from(tensor.buffer).map_or(true, |b| b >= n_buffers) {
                return Err(TfliteError::invalid(
                    format!("subgraph {s}, tensor {t}"),
                    format!(
                        "refers to buffer {}, but the model has {n_buffers} buffers",
                        tensor.buffer
                    ),
                ));
            }
        }
        for (what, list) in [("inputs", &sg.inputs), ("outputs", &sg.outputs)] {
            if let Some(&bad) = list.iter().find(|&&i| !tensor_ok(i, false)) {
                return Err(TfliteError::invalid(
                    format!("subgraph {s}, {what}"),
                    format!("tensor index {bad} is out of range ({n_tensors} tensors)"),
                ));
            }
        }
        for (o, op) in sg.operators.iter().enumerate() {
            if usize::try_from(op.opcode_index).map_or(true, |i| i >= n_codes) {
                return Err(TfliteError::invalid(
                    format!("subgraph {s}, operator {o}"),
                    format!(
                        "refers to operator code {}, but the model has {n_codes}",
                        op.opcode_index
                    ),
                ));
            }
            for (what, list) in [
                ("inputs", &op.inputs),
                ("outputs", &op.outputs),
                ("intermediates", &op.intermediates),
            ] {
                if let Some(&bad) = list.iter().find(|&&i| !tensor_ok(i, true)) {
                    return Err(TfliteError::invalid(
                        format!("subgraph {s}, operator {o}, {what}"),
                        format!("tensor index {bad} is out of range ({n_tensors} tensors)"),
                    ));
                }
            }
        }
    }
    Ok(())
}
