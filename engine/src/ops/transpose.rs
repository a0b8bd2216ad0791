//! `TRANSPOSE`: the input's dimensions permuted, the bytes unchanged.
//!
//! ```text
//! out[i_0, …, i_{r−1}] = in[j]   where j[perm[k]] = i_k
//! ```
//!
//! Mirrors `reference_ops::Transpose` (`TransposeImpl`), which TFLite Micro's `transpose.cc`
//! calls for int8 up to rank 6; here any rank up to [`MAX_RANK`].

use super::{bytes_touched, elements, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::limits::MAX_RANK;
use crate::model::{TensorInfo, Transpose};

/// Checks that `perm` is a permutation of the input's dimensions and the output's shape follows.
pub fn check(
    index: u32,
    transpose: &Transpose,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let input = inputs[0];
    let rank = input.shape.len();
    if transpose.perm.len() != rank || out.shape.len() != rank {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    let mut seen = [false; MAX_RANK];
    for (i, &p) in transpose.perm.iter().enumerate() {
        let p = p as usize;
        if p >= rank || seen[p] || out.shape[i] != input.shape[p] {
            return Err(EngineError::ShapeMismatch { layer: index });
        }
        seen[p] = true;
    }
    if input.zero_point != out.zero_point {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(LayerCost {
        macs: 0,
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// Row-major strides of a shape, in elements.
pub(crate) fn strides(shape: &[u32]) -> [usize; MAX_RANK] {
    let mut strides = [0usize; MAX_RANK];
    let mut stride = 1usize;
    for axis in (0..shape.len()).rev() {
        strides[axis] = stride;
        stride *= shape[axis] as usize;
    }
    strides
}

/// Writes `out` in row-major order of `counts`, element `(i_0, …)` read from
/// `src[base + Σ i_k · steps[k]]`. The caller has proved every such index in bounds.
pub(crate) fn strided_copy(
    src: &[i8],
    base: usize,
    counts: &[u32],
    steps: &[isize; MAX_RANK],
    out: &mut [i8],
) {
    let rank = counts.len();
    let mut counter = [0u32; MAX_RANK];
    let mut at = base as isize;
    for o in out.iter_mut() {
        *o = src[at as usize];
        for axis in (0..rank).rev() {
            counter[axis] += 1;
            at += steps[axis];
            if counter[axis] < counts[axis] {
                break;
            }
            at -= steps[axis] * counts[axis] as isize;
            counter[axis] = 0;
        }
    }
}

/// The reference kernel.
pub fn run(transpose: &Transpose, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    if elements(out_info) == 0 {
        return;
    }
    let in_strides = strides(&input.info.shape);
    let mut steps = [0isize; MAX_RANK];
    for (step, &p) in steps.iter_mut().zip(&transpose.perm) {
        *step = in_strides[p as usize] as isize;
    }
    strided_copy(input.data, 0, &out_info.shape, &steps, out);
}
