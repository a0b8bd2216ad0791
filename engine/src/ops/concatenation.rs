//! `CONCATENATION` of activations that share the output's scale and zero point.
//!
//! Mirrors `reference_ops::Concatenation`.

use super::{bytes_touched, check_zero_point, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::limits::MAX_LAYER_INPUTS;
use crate::model::{Concatenation, TensorInfo};

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
    let inner: usize = out_info.shape[axis + 1..]
        .iter()
        .map(|&d| d as usize)
        .product();
    let mut o = 0;
    for block in 0..outer {
        for input in inputs {
            let chunk = input.info.shape[axis] as usize * inner;
            out[o..o + chunk].copy_from_slice(&input.data[block * chunk..(block + 1) * chunk]);
            o += chunk;
        }
    }
}
