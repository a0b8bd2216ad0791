//! Reading TensorFlow Lite (`.tflite`) model files.
//!
//! A `.tflite` file is a FlatBuffers buffer with the file identifier `TFL3`
//! whose root table is `tflite.Model` (see `tensorflow/lite/schema/schema.fbs`
//! in the TensorFlow sources). `vigil model import` reads such a file,
//! refuses anything the engine cannot run, and converts the rest. Model files
//! come from users and are untrusted input, so this reader is written to fail
//! cleanly on anything malformed:
//!
//! * [`flatbuffer`] is a minimal, generic FlatBuffers reader. Every offset,
//!   vtable, vector and string is bounds-checked before use and errors name
//!   the file offset at which a problem was found. It never panics and never
//!   allocates in proportion to a length it has not checked against the file.
//! * [`schema`] decodes the part of the TFLite schema the importer needs into
//!   plain owned structs, with the schema's default values for absent fields,
//!   limits on sizes (tensors, operators, buffers, rank, ...) and a check that
//!   every index (buffer, operator code, tensor) is in range.
//! * [`ops`] names every builtin operator code, so that unsupported operators
//!   can be refused by the name users know them by.
//!
//! # What is read
//!
//! * `Model`: `version`, `operator_codes`, `subgraphs`, `description`,
//!   `buffers`. Metadata and signature definitions are not needed for
//!   inference and are skipped.
//! * `OperatorCode`: both the old byte-sized `deprecated_builtin_code` and the
//!   newer 32-bit `builtin_code` (the operator is the larger of the two, as the
//!   schema prescribes), `custom_code` and `version`.
//! * `SubGraph`: `tensors`, `inputs`, `outputs`, `operators`, `name`.
//! * `Tensor`: `shape`, `shape_signature`, `type`, `buffer`, `name`,
//!   `quantization` (scale, zero point, quantized dimension, min, max) and
//!   `is_variable`. Only the presence of sparsity parameters and of custom
//!   quantization details is recorded, so that such tensors can be refused.
//! * `Buffer`: inline `data`, or for models that keep their weights after the
//!   flatbuffer (models over 2 GB), the `offset`/`size` pair locating the data
//!   in the file.
//! * `Operator`: `opcode_index`, `inputs`, `outputs`, `intermediates` and the
//!   `builtin_options` union, decoded for the option tables of the operators
//!   the engine can support (convolutions, pooling, fully connected,
//!   elementwise arithmetic, reshaping, softmax, concatenation, reductions,
//!   strided slice, pack, pad, shape, squeeze, the sequence LSTM). Other
//!   option tables are reported by union type only. Custom options and the second options union
//!   (`builtin_options_2`, used only by StableHLO operators) are not read:
//!   operators that need them are refused by operator code anyway.

pub mod flatbuffer;
pub mod ops;
pub mod schema;

pub use flatbuffer::{FlatbufferError, FlatbufferErrorKind};
pub use ops::BuiltinOp;
pub use schema::{
    parse, Activation, AddOptions, BatchMatMulOptions, Buffer, BuiltinOptions,
    ConcatenationOptions, Conv2DOptions, DepthwiseConv2DOptions, FullyConnectedOptions,
    GatherOptions, GeluOptions, LeakyReluOptions, MulOptions, Operator, OperatorCode, PackOptions,
    Padding, Pool2DOptions, Quantization, ReducerOptions, ReshapeOptions, ShapeOptions,
    SoftmaxOptions, SqueezeOptions, StridedSliceOptions, SubOptions, Subgraph, SvdfOptions, Tensor,
    TensorType, TfliteError, TfliteModel, UnidirectionalSequenceLstmOptions, WeightsFormat,
};
