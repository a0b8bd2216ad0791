//! `SELECT_V2`: `out = condition ? x : y`, element by element, the three inputs broadcast to the
//! output numpy-style.
//!
//! The condition is bool (one byte per element, true when not zero); `x`, `y` and the output
//! share one element type (int8 or int16). Values are copied as they are, without rescaling, as
//! TFLite Micro's kernel copies them (the converter gives `x`, `y` and the output one
//! quantization).
//!
//! Mirrors `reference_ops::Select` and `reference_ops::BroadcastSelect5DSlow` (`select.h`), as
//! TFLite Micro's `select.cc` calls them, with the engine's rank limit.

use super::broadcast::broadcast_strides;
use super::{bytes_touched, elements, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::limits::MAX_RANK;
use crate::model::{ElementType, TensorInfo};

/// Checks the types and that every input broadcasts to the output.
pub fn check(
    index: u32,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 3)?;
    let (condition, x, y) = (inputs[0], inputs[1], inputs[2]);
    let values = matches!(out.element, ElementType::Int8 | ElementType::Int16);
    if condition.element != ElementType::Bool
        || !values
        || x.element != out.element
        || y.element != out.element
    {
        return Err(EngineError::BadElementType { layer: index });
    }
    if inputs
        .iter()
        .any(|i| broadcast_strides(&i.shape, &out.shape).is_none())
    {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    Ok(LayerCost {
        macs: elements(out),
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// The reference kernel: walks the output in row-major order, reading each input at its
/// broadcast position.
pub fn run(inputs: &[Activation<'_>], out_info: &TensorInfo, out: &mut [i8]) {
    let shape = &out_info.shape;
    let size = out_info.element.size() as usize;
    let strides: [[usize; MAX_RANK]; 3] = core::array::from_fn(|k| {
        broadcast_strides(&inputs[k].info.shape, shape).unwrap_or([0; MAX_RANK])
    });
    let rank = shape.len();
    let mut counter = [0u32; MAX_RANK];
    let mut at = [0usize; 3];
    for o in out.chunks_exact_mut(size) {
        let from = if inputs[0].data[at[0]] != 0 { 1 } else { 2 };
        o.copy_from_slice(&inputs[from].data[at[from] * size..(at[from] + 1) * size]);
        // Advance the odometer, innermost dimension first.
        for axis in (0..rank).rev() {
            counter[axis] += 1;
            for k in 0..3 {
                at[k] += strides[k][axis];
            }
            if counter[axis] < shape[axis] {
                break;
            }
            for k in 0..3 {
                at[k] -= strides[k][axis] * shape[axis] as usize;
            }
            counter[axis] = 0;
        }
    }
}
