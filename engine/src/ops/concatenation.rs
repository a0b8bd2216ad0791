//! `CONCATENATION` of activations that share the output's scale, zero point and element type:
//! int8, or int16 with zero point 0 (TFLite's 16x8 mode).
//!
//! Mirrors `reference_ops::Concatenation`, which copies the values as they are.

use super::{bytes_touched, check_zero_point, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::limits::MAX_LAYER_INPUTS;
use crate::model::{Concatenation, ElementType, TensorInfo};

/// Checks that all inputs agree with the output except along the axis, where they add up.
pub fn check(
    index: u32,
    concat: &Concatenation,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    let mismatch = EngineError::ShapeMismatch { layer: index };
    if inputs.is_empty() || inputs.len() > MAX_LAYER_INPUTS {
        return Err(EngineError::BadInputs { layer: index });
    }
    let typed = matches!(out.element, ElementType::Int8 | ElementType::Int16);
    if !typed || inputs.iter().any(|i| i.element != out.element) {
        return Err(EngineError::BadElementType { layer: index });
    }
    let axis = concat.axis as usize;
    if axis >= out.shape.len() {
        return Err(mismatch);
    }
    let mut along = 0u64;
    for input in inputs {
        if input.shape.len() != out.shape.len() {
            return Err(mismatch);
        }
        let others_agree = input
            .shape
            .iter()
            .zip(&out.shape)
            .enumerate()
            .all(|(d, (a, b))| d == axis || a == b);
        if !others_agree {
            return Err(mismatch);
        }
        along += input.shape[axis] as u64;
        if input.zero_point != out.zero_point {
            return Err(EngineError::BadQuantization { layer: index });
        }
    }
    if along != out.shape[axis] as u64 {
        return Err(mismatch);
    }
    if out.element == ElementType::Int16 && out.zero_point != 0 {
        return Err(EngineError::BadQuantization { layer: index });
    }
    check_zero_point(index, out.zero_point)?;
    Ok(LayerCost {
        macs: 0,
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// Copies the inputs' slices side by side.
pub fn run(
    concat: &Concatenation,
    inputs: &[Activation<'_>],
    out_info: &TensorInfo,
    out: &mut [i8],
) {
    let axis = concat.axis as usize;
    let outer: usize = out_info.shape[..axis].iter().map(|&d| d as usize).product();
    // In bytes: elements times their size.
    let inner: usize = out_info.shape[axis + 1..]
        .iter()
        .map(|&d| d as usize)
        .product::<usize>()
        * out_info.element.size() as usize;
    let mut o = 0;
    for block in 0..outer {
        for input in inputs {
            let chunk = input.info.shape[axis] as usize * inner;
            out[o..o + chunk].copy_from_slice(&input.data[block * chunk..(block + 1) * chunk]);
            o += chunk;
        }
    }
}
