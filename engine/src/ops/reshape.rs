//! `RESHAPE`, `SQUEEZE`, `EXPAND_DIMS`: the same bytes under a new shape.
//!
//! Mirrors TFLite Micro's `reshape.cc`, which copies the input's bytes unchanged, whatever
//! their element type.

use super::{byte_len, elements, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::TensorInfo;

/// Checks that the element count, element type and quantization are unchanged.
pub fn check(
    index: u32,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    if elements(inputs[0]) != elements(out) {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    if inputs[0].element != out.element {
        return Err(EngineError::BadElementType { layer: index });
    }
    if inputs[0].zero_point != out.zero_point {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(LayerCost {
        macs: 0,
        bytes: 2 * byte_len(out),
    })
}

/// Copies the input.
pub fn run(input: Activation<'_>, out: &mut [i8]) {
    out.copy_from_slice(input.data);
}
