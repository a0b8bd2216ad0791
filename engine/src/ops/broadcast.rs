//! Numpy-style broadcasting of two activations to an output shape, shared by the binary
//! operators (`ADD`, `SUB`, `MUL`, `MAXIMUM`, `MINIMUM`).
//!
//! Mirrors the index arithmetic of `reference_ops::BroadcastBinaryFunction4DSlow`
//! (`NdArrayDescsForElementwiseBroadcast`), generalised to the engine's rank limit.

use super::{element, Activation};
use crate::limits::MAX_RANK;
use crate::model::TensorInfo;

/// Strides (in elements) with which to read `input` while walking `output` in row-major order:
/// zero along broadcast dimensions. `None` if `input` does not broadcast to `output`.
pub(crate) fn broadcast_strides(input: &[u32], output: &[u32]) -> Option<[usize; MAX_RANK]> {
    if input.len() > output.len() || output.len() > MAX_RANK {
        return None;
    }
    let mut strides = [0usize; MAX_RANK];
    let mut stride = 1usize;
    let lead = output.len() - input.len();
    for axis in (0..output.len()).rev() {
        let out_dim = output[axis];
        let in_dim = if axis >= lead { input[axis - lead] } else { 1 };
        if in_dim == out_dim {
            strides[axis] = stride;
        } else if in_dim == 1 {
            strides[axis] = 0;
        } else {
            return None;
        }
        stride *= in_dim as usize;
    }
    Some(strides)
}

/// Writes `out[i] = f(a[..], b[..])` for every output element, in row-major order, reading each
/// input at its broadcast position. The validator has proved both broadcasts.
pub(crate) fn walk(
    a: Activation<'_>,
    b: Activation<'_>,
    out_info: &TensorInfo,
    mut f: impl FnMut(i8, i8) -> i8,
    out: &mut [i8],
) {
    let shape = &out_info.shape;
    let sa = broadcast_strides(&a.info.shape, shape).unwrap_or([0; MAX_RANK]);
    let sb = broadcast_strides(&b.info.shape, shape).unwrap_or([0; MAX_RANK]);
    if a.info.shape == *shape && b.info.shape == *shape {
        for ((o, &x), &y) in out.iter_mut().zip(a.data).zip(b.data) {
            *o = f(x, y);
        }
        return;
    }
    let rank = shape.len();
    let mut counter = [0u32; MAX_RANK];
    let (mut ia, mut ib) = (0usize, 0usize);
    for o in out.iter_mut() {
        *o = f(a.data[ia], b.data[ib]);
        // Advance the odometer, innermost dimension first.
        for axis in (0..rank).rev() {
            counter[axis] += 1;
            ia += sa[axis];
            ib += sb[axis];
            if counter[axis] < shape[axis] {
                break;
            }
            ia -= sa[axis] * shape[axis] as usize;
            ib -= sb[axis] * shape[axis] as usize;
            counter[axis] = 0;
        }
    }
}

/// [`walk`] for activations of any element type: `out[i] = f(a[..], b[..])` with the values
/// widened to `i32`, the result written in the output's type.
pub(crate) fn walk_typed(
    a: Activation<'_>,
    b: Activation<'_>,
    out_info: &TensorInfo,
    mut f: impl FnMut(i32, i32) -> i32,
    out: &mut [i8],
) {
    let shape = &out_info.shape;
    let sa = broadcast_strides(&a.info.shape, shape).unwrap_or([0; MAX_RANK]);
    let sb = broadcast_strides(&b.info.shape, shape).unwrap_or([0; MAX_RANK]);
    let (ta, tb, to) = (a.info.element, b.info.element, out_info.element);
    let rank = shape.len();
    let mut counter = [0u32; MAX_RANK];
    let (mut ia, mut ib) = (0usize, 0usize);
    let count = out.len() / to.size() as usize;
    for o in 0..count {
        let value = f(element::get(a.data, ta, ia), element::get(b.data, tb, ib));
        element::put(out, to, o, value);
        // Advance the odometer, innermost dimension first.
        for axis in (0..rank).rev() {
            counter[axis] += 1;
            ia += sa[axis];
            ib += sb[axis];
            if counter[axis] < shape[axis] {
                break;
            }
            ia -= sa[axis] * shape[axis] as usize;
            ib -= sb[axis] * shape[axis] as usize;
            counter[axis] = 0;
        }
    }
}

/// Whether both inputs broadcast to the output.
pub(crate) fn broadcasts(inputs: &[&TensorInfo], out: &TensorInfo) -> bool {
    inputs
        .iter()
        .all(|i| broadcast_strides(&i.shape, &out.shape).is_some())
}
