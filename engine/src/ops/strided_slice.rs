//! `STRIDED_SLICE` of an activation: per input dimension, `count` indices from `start` in steps
//! of `stride`; the shrunk dimensions are dropped from the output's shape but not from the walk.
//!
//! ```text
//! out[k_0, …] = in[start_0 + k_0 · stride_0, …]
//! ```
//!
//! Mirrors `reference_ops::StridedSlice` (TFLite Micro's `strided_slice.cc`); the importer
//! resolves the masks and negative indices as `strided_slice::StartForAxis` /
//! `StopForAxis` do, so the engine only walks.

use super::transpose::{strided_copy, strides};
use super::{bytes_touched, elements, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::limits::MAX_RANK;
use crate::model::{StridedSlice, TensorInfo};

/// Checks that every index read is inside the input and the output holds them all.
pub fn check(
    index: u32,
    slice: &StridedSlice,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let input = inputs[0];
    if slice.dims.len() != input.shape.len() {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    let mut count = 1u64;
    for (d, &dim) in slice.dims.iter().zip(&input.shape) {
        if d.stride == 0 {
            return Err(EngineError::ShapeMismatch { layer: index });
        }
        if d.count > 0 {
            let last = d.start as i64 + (d.count as i64 - 1) * d.stride as i64;
            if d.start >= dim || last < 0 || last >= dim as i64 {
                return Err(EngineError::ShapeMismatch { layer: index });
            }
        }
        count = count.saturating_mul(d.count as u64);
    }
    if count != elements(out) {
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

/// The reference kernel.
pub fn run(slice: &StridedSlice, input: Activation<'_>, out: &mut [i8]) {
    if out.is_empty() {
        return;
    }
    let in_strides = strides(&input.info.shape);
    let mut steps = [0isize; MAX_RANK];
    let mut counts = [0u32; MAX_RANK];
    let mut base = 0usize;
    for (axis, d) in slice.dims.iter().enumerate() {
        steps[axis] = in_strides[axis] as isize * d.stride as isize;
        counts[axis] = d.count;
        base += d.start as usize * in_strides[axis];
    }
    strided_copy(input.data, base, &counts[..slice.dims.len()], &steps, out);
}
