//! Everything that can go wrong, as one typed error.

use core::fmt;

/// Why a model was refused or an execution could not run.
///
/// Each variant names the condition that failed; `layer` fields are indices into
/// [`crate::Model::layers`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineError {
    /// The bytes are not a SCALE encoding of a model.
    Malformed,
    /// The bytes decode, but re-encoding the model gives other bytes (trailing or
    /// non-canonical data).
    NotCanonical,
    /// The model's format version is not the one this engine reads.
    UnsupportedVersion {
        /// The version found.
        found: u16,
    },
    /// The model is larger than [`crate::limits::MAX_MODEL_BYTES`].
    ModelTooLarge,
    /// The model has no layers, or more than [`crate::limits::MAX_LAYERS`].
    LayerCountOutOfRange,
    /// A tensor's rank or size is outside the stated bounds.
    TensorOutOfBounds {
        /// The layer whose tensor it is; `None` for the model's input.
        layer: Option<u32>,
    },
    /// A layer reads an activation that does not exist yet, or the wrong number of inputs.
    BadInputs {
        /// The layer.
        layer: u32,
    },
    /// Shapes of a layer's inputs, constants and output do not fit together.
    ShapeMismatch {
        /// The layer.
        layer: u32,
    },
    /// A quantization constant is outside the range its operator is specified for.
    BadQuantization {
        /// The layer.
        layer: u32,
    },
    /// An accumulator could leave its integer type for some input.
    AccumulatorOverflow {
        /// The layer.
        layer: u32,
    },
    /// A layer's cost is above [`crate::limits::MAX_LAYER_MACS`].
    LayerTooCostly {
        /// The layer.
        layer: u32,
    },
    /// All activations together exceed [`crate::limits::MAX_TOTAL_ACTIVATION_ELEMENTS`] bytes.
    ActivationsTooLarge,
    /// A layer index past the end of the model.
    NoSuchLayer {
        /// The index asked for.
        layer: u32,
    },
    /// A layer reads or writes an element type its operator does not take (e.g. int16 into an
    /// int8-only operator), or its input and output types are not a pair it converts.
    BadElementType {
        /// The layer.
        layer: u32,
    },
    /// An input given for execution has the wrong number of bytes.
    WrongInputLength {
        /// Bytes expected.
        expected: u64,
        /// Bytes given.
        found: u64,
    },
}

impl EngineError {
    /// A stable one-byte code, for chains that store or emit the reason.
    pub fn code(&self) -> u8 {
        match self {
            EngineError::Malformed => 1,
            EngineError::NotCanonical => 2,
            EngineError::UnsupportedVersion { .. } => 3,
            EngineError::ModelTooLarge => 4,
            EngineError::LayerCountOutOfRange => 5,
            EngineError::TensorOutOfBounds { .. } => 6,
            EngineError::BadInputs { .. } => 7,
            EngineError::ShapeMismatch { .. } => 8,
            EngineError::BadQuantization { .. } => 9,
            EngineError::AccumulatorOverflow { .. } => 10,
            EngineError::LayerTooCostly { .. } => 11,
            EngineError::NoSuchLayer { .. } => 12,
            EngineError::WrongInputLength { .. } => 13,
            EngineError::ActivationsTooLarge => 14,
            EngineError::BadElementType { .. } => 15,
        }
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::Malformed => write!(f, "the bytes are not a Vigil model"),
            EngineError::NotCanonical => {
                write!(
                    f,
                    "the model is not in canonical form (trailing or re-encoded bytes)"
                )
            }
            EngineError::UnsupportedVersion { found } => write!(
                f,
                "model format version {found} is not supported (this engine reads version {})",
                crate::model::FORMAT_VERSION
            ),
            EngineError::ModelTooLarge => write!(
                f,
                "the model is larger than {} bytes",
                crate::limits::MAX_MODEL_BYTES
            ),
            EngineError::LayerCountOutOfRange => write!(
                f,
                "a model must have between 1 and {} layers",
                crate::limits::MAX_LAYERS
            ),
            EngineError::TensorOutOfBounds { layer: None } => {
                write!(f, "the input tensor's rank or size is out of bounds")
            }
            EngineError::TensorOutOfBounds { layer: Some(l) } => {
                write!(f, "layer {l}: a tensor's rank or size is out of bounds")
            }
            EngineError::BadInputs { layer } => {
                write!(
                    f,
                    "layer {layer}: inputs are missing, too many, or not computed yet"
                )
            }
            EngineError::ShapeMismatch { layer } => {
                write!(
                    f,
                    "layer {layer}: shapes of inputs, constants and output do not agree"
                )
            }
            EngineError::BadQuantization { layer } => {
                write!(f, "layer {layer}: a quantization constant is out of range")
            }
            EngineError::AccumulatorOverflow { layer } => {
                write!(f, "layer {layer}: an accumulator could overflow 32 bits")
            }
            EngineError::LayerTooCostly { layer } => write!(
                f,
                "layer {layer}: more than {} multiply-accumulates",
                crate::limits::MAX_LAYER_MACS
            ),
            EngineError::NoSuchLayer { layer } => write!(f, "there is no layer {layer}"),
            EngineError::BadElementType { layer } => write!(
                f,
                "layer {layer}: an element type (int8, int16, int32) its operator does not take"
            ),
            EngineError::ActivationsTooLarge => write!(
                f,
                "the activations of all layers together exceed {} bytes",
                crate::limits::MAX_TOTAL_ACTIVATION_ELEMENTS
            ),
            EngineError::WrongInputLength { expected, found } => {
                write!(f, "expected an input of {expected} bytes, got {found}")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for EngineError {}
