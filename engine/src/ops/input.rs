//! One input of a model with several inputs: a window of activation 0, which holds all the
//! inputs concatenated (see [`crate::model`]). No TFLite kernel: TFLite hands each input over
//! separately.

use super::{byte_len, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{ElementType, InputPart, TensorInfo};

/// Checks that the window lies inside activation 0, a byte string (int8), and returns the
/// cost; the input may be of any element type. Its place among the inputs is checked by the
/// validator, which sees the layers' order.
pub fn check(
    index: u32,
    part: &InputPart,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    if inputs[0].element != ElementType::Int8 {
        return Err(EngineError::BadElementType { layer: index });
    }
    if part.offset as u64 + byte_len(out) > byte_len(inputs[0]) {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    Ok(LayerCost {
        macs: 0,
        bytes: 2 * byte_len(out),
    })
}

/// Copies the window.
pub fn run(part: &InputPart, all: Activation<'_>, out: &mut [i8]) {
    let start = part.offset as usize;
    out.copy_from_slice(&all.data[start..start + out.len()]);
}
