//! `PAD` and `PADV2`: the input placed inside a larger tensor filled with a constant.
//!
//! Mirrors `reference_ops::Pad` (`PadImpl`).

use super::{bytes_touched, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{Pad, TensorInfo};

/// Checks that the output is the input grown by the paddings.
pub fn check(
    index: u32,
    pad: &Pad,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let input = inputs[0];
    let fits = pad.paddings.len() == input.shape.len()
        && input.shape.len() == out.shape.len()
        && pad
            .paddings
            .iter()
            .zip(input.shape.iter().zip(&out.shape))
            .all(|(&(before, after), (&i, &o))| {
                i as u64 + before as u64 + after as u64 == o as u64
            });
    if !fits {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    if input.zero_point != out.zero_point {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(LayerCost {
        macs: 0,
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// Fills the output with the pad value, then copies each innermost row of the input in place.
pub fn run(pad: &Pad, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    out.fill(pad.value);
    let rank = input.info.shape.len();
    if rank == 0 {
        out.copy_from_slice(input.data);
        return;
    }
    let in_shape = &input.info.shape;
    let out_shape = &out_info.shape;
    let row = in_shape[rank - 1] as usize;
    if row == 0 {
        return;
    }
    // Strides of the output, in elements.
    let mut out_strides = [0usize; crate::limits::MAX_RANK];
    let mut stride = 1;
    for axis in (0..rank).rev() {
        out_strides[axis] = stride;
        stride *= out_shape[axis] as usize;
    }
    let rows = input.data.len() / row;
    let mut counter = [0usize; crate::limits::MAX_RANK];
    for r in 0..rows {
        let mut offset = pad.paddings[rank - 1].0 as usize;
        for axis in 0..rank - 1 {
            offset += (counter[axis] + pad.paddings[axis].0 as usize) * out_strides[axis];
        }
        out[offset..offset + row].copy_from_slice(&input.data[r * row..(r + 1) * row]);
        for axis in (0..rank - 1).rev() {
            counter[axis] += 1;
            if counter[axis] < in_shape[axis] as usize {
                break;
            }
            counter[axis] = 0;
        }
    }
}
