//! # Vigil's inference engine
//!
//! Deterministic integer inference for quantized neural networks (int8, and TFLite's 16x8 mode:
//! int16 activations with int8 weights), with the semantics of TFLite Micro's reference
//! kernels, bit for bit. The same crate runs natively (executors, challengers, tools) and inside
//! a chain's WebAssembly runtime (dispute adjudication), and all of them compute the same bits
//! because nothing here uses floating point: activations are int8 or int16, accumulators i32
//! (i64 in the 16x8 dense layer), rescaling is by fixed-point multipliers with defined rounding
//! ([`quant`]).
//!
//! ## Glossary
//!
//! - **Model**: a SCALE-encoded [`Model`] (see [`model`] for the format). Its id is the
//!   blake2-256 of its bytes ([`model_id`]).
//! - **Validation**: [`decode_model`] refuses anything malformed, non-canonical, out of bounds
//!   ([`limits`]) or able to overflow, with a typed [`EngineError`]; only a
//!   [`ValidatedModel`] can run.
//! - **Layer**: one operator application ([`ops`]); the unit a dispute re-executes
//!   ([`ValidatedModel::run_layer`]).
//! - **Trace**: blake2-256 of each layer's output ([`hash_activation`]), returned by
//!   [`ValidatedModel::run`] with the output and each layer's [`LayerCost`].
//!
//! ## Limits
//!
//! int8 activations, and int16, bool (a SELECT_V2 condition) or an int32 QUANTIZE output where
//! an operator says so (see
//! [`model`]); no float layers; one or several inputs and outputs (see [`model`]); the
//! operators in [`model::Op`]. A layer with state (`SVDF`) starts every run from the state of a freshly
//! reset interpreter ([`ops::svdf`]).

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(clippy::float_arithmetic)]
#![deny(rustdoc::broken_intra_doc_links)]
#![warn(missing_docs)]

extern crate alloc;

pub mod cost;
pub mod error;
pub mod fixedpoint;
pub mod limits;
pub mod model;
pub mod ops;
pub mod quant;
pub mod testing;
pub mod trace;
mod validated;

pub use cost::LayerCost;
pub use error::EngineError;
pub use model::{Model, FORMAT_VERSION};
pub use trace::{as_i8, as_u8, challenge_commitment, hash_activation};
pub use validated::{decode_model, model_id, Execution, ValidatedModel};
