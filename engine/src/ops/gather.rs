//! `GATHER` along an axis at constant indices: whole slices of the input copied.
//!
//! ```text
//! out[o, i, n] = in[o, indices[i], n]    o over the dimensions before `axis`, n after it
//! ```
//!
//! Mirrors `reference_ops::Gather` as TFLite Micro's `gather.cc` runs it (`batch_dims` 0). The
//! indices are constants of the model ([`Gather`]) or an activation holding int32 indices as
//! four little-endian bytes each ([`Lookup`], an embedding looked up by token ids). An index
//! outside the indexed dimension, where TFLite Micro stops with an error, gives a slice of the
//! output's zero point: the engine's kernels cannot fail.

use super::{bytes_touched, elements, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{Gather, Lookup, TensorInfo};

/// Checks the axis, the indices against the indexed dimension, and the output's size.
pub fn check(
    index: u32,
    gather: &Gather,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let input = inputs[0];
    let axis = gather.axis as usize;
    if axis >= input.shape.len() {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    let indexed = input.shape[axis];
    if gather.indices.iter().any(|&i| i >= indexed) {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    let (outer, inner) = outer_inner(&input.shape, axis);
    let count = (outer as u128) * (gather.indices.len() as u128) * (inner as u128);
    if count != elements(out) as u128 {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    if input.zero_point != out.zero_point {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(LayerCost {
        macs: 0,
        bytes: bytes_touched(inputs, 4 * gather.indices.len() as u64, out),
    })
}

/// Products of the dimensions before and after `axis`.
fn outer_inner(shape: &[u32], axis: usize) -> (u64, u64) {
    let outer = shape[..axis].iter().map(|&d| d as u64).product();
    let inner = shape[axis + 1..].iter().map(|&d| d as u64).product();
    (outer, inner)
}

/// The reference kernel.
pub fn run(gather: &Gather, input: Activation<'_>, out: &mut [i8]) {
    let axis = gather.axis as usize;
    let (outer, inner) = outer_inner(&input.info.shape, axis);
    let (outer, inner) = (outer as usize, inner as usize);
    let indexed = input.info.shape[axis] as usize;
    let mut at = 0;
    for o in 0..outer {
        for &i in &gather.indices {
            let from = (o * indexed + i as usize) * inner;
            out[at..at + inner].copy_from_slice(&input.data[from..from + inner]);
            at += inner;
        }
    }
}

/// Checks a gather at run-time indices: the axis, the indices' last dimension of four bytes,
/// the output's size and quantization.
pub fn check_lookup(
    index: u32,
    op: &Lookup,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 2)?;
    let (params, indices) = (inputs[0], inputs[1]);
    let axis = op.axis as usize;
    if axis >= params.shape.len() || indices.shape.last() != Some(&4) {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    let (outer, inner) = outer_inner(&params.shape, axis);
    let count = (outer as u128) * (elements(indices) as u128 / 4) * (inner as u128);
    if count != elements(out) as u128 {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    if params.zero_point != out.zero_point {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(LayerCost {
        macs: 0,
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// The kernel of a gather at run-time indices.
pub fn run_lookup(op: &Lookup, params: Activation<'_>, indices: Activation<'_>, out: &mut [i8]) {
    let axis = op.axis as usize;
    let (outer, inner) = outer_inner(&params.info.shape, axis);
    let (outer, inner) = (outer as usize, inner as usize);
    let indexed = params.info.shape[axis] as usize;
    let mut at = 0;
    for o in 0..outer {
        for b in indices.data.chunks_exact(4) {
            let i = i32::from_le_bytes([b[0] as u8, b[1] as u8, b[2] as u8, b[3] as u8]);
            let slice = &mut out[at..at + inner];
            match usize::try_from(i).ok().filter(|&i| i < indexed) {
                Some(i) => {
                    let from = (o * indexed + i) * inner;
                    slice.copy_from_slice(&params.data[from..from + inner]);
                }
                None => slice.fill(params.info.zero_point as i8),
            }
            at += inner;
        }
    }
}
