//! Bounds on everything a model can ask for.
//!
//! A model is untrusted input (anyone can submit one to the chain), so every quantity that
//! drives memory or time is bounded before anything is allocated or run. The bounds are
//! generous for the models this engine is for (microcontroller-class vision and audio models);
//! a chain may impose tighter ones of its own on top.

/// Largest encoded model accepted by [`crate::decode_model`].
pub const MAX_MODEL_BYTES: usize = 64 << 20;

/// Most layers in a model.
pub const MAX_LAYERS: usize = 1024;

/// Most dimensions of a tensor.
pub const MAX_RANK: usize = 6;

/// Most elements of any tensor (activation or constant).
pub const MAX_ELEMENTS: u64 = 1 << 24;

/// Most multiply-accumulates of one layer.
pub const MAX_LAYER_MACS: u64 = 1 << 34;

/// Most inputs of one layer (concatenation).
pub const MAX_LAYER_INPUTS: usize = 64;

/// Longest softmax row: the sum of `depth` exponentials, each at most one in Q12.19, must fit in
/// 32 bits.
pub const MAX_SOFTMAX_DEPTH: u64 = 1 << 11;

/// Most bytes of all activations together (input and every layer's output; an int8 element is
/// one byte, an int16 two): bounds the memory of a whole run, whatever order the layers free
/// their inputs in.
pub const MAX_TOTAL_ACTIVATION_ELEMENTS: u64 = 1 << 26;
