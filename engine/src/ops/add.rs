//! `ADD` of two int8 activations, with numpy-style broadcasting.
//!
//! Both inputs are moved to a common scale with `2^left_shift` of headroom, added, and the sum
//! rescaled to the output (TFLite's `AddElementwise`):
//!
//! ```text
//! a'  = requantize((a − za) · 2^left_shift, Ma)
//! b'  = requantize((b − zb) · 2^left_shift, Mb)
//! out = clamp(requantize(a' + b', Mo) + zo)
//! ```
//!
//! With `|a − za| ≤ 255` and `left_shift ≤ 22`, every shifted value is below `2^30` and the
//! multipliers are below one, so the sum fits `i32`.

use super::{bytes_touched, check_zero_point, elements, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::limits::MAX_RANK;
use crate::model::{Add, TensorInfo};
use crate::quant::requantize;

/// Largest headroom shift for which the shifted inputs and their sum fit 32 bits.
const MAX_LEFT_SHIFT: u32 = 22;

/// Checks broadcasting and quantization.
pub fn check(
    index: u32,
    add: &Add,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 2)?;
    for input in inputs {
        if broadcast_strides(&input.shape, &out.shape).is_none() {
            return Err(EngineError::ShapeMismatch { layer: index });
        }
        check_zero_point(index, input.zero_point)?;
    }
    check_zero_point(index, out.zero_point)?;
    let below_one = [add.input1_multiplier, add.input2_multiplier, add.output_multiplier]
        .iter()
        .all(|m| m.is_well_formed() && m.shift <= 0);
    if !below_one || add.left_shift > MAX_LEFT_SHIFT {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(LayerCost { macs: elements(out), bytes: bytes_touched(inputs, 0, out) })
}

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

/// Walks `shape` in row-major order, calling `f(out_index, a_index, b_index)`.
fn walk(shape: &[u32], a: &[usize; MAX_RANK], b: &[usize; MAX_RANK], mut f: impl FnMut(usize, usize, usize)) {
    let total: usize = shape.iter().map(|&d| d as usize).product();
    let rank = shape.len();
    let mut counter = [0u32; MAX_RANK];
    let (mut ia, mut ib) = (0usize, 0usize);
    for o in 0..total {
        f(o, ia, ib);
        // Advance the odometer, innermost dimension first.
        for axis in (0..rank).rev() {
            counter[axis] += 1;
            ia += a[axis];
            ib += b[axis];
            if counter[axis] < shape[axis] {
                break;
            }
            ia -= a[axis] * shape[axis] as usize;
            ib -= b[axis] * shape[axis] as usize;
            counter[axis] = 0;
        }
    }
}

/// The reference kernel.
pub fn run(add: &Add, a: Activation<'_>, b: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let out_shape = &out_info.shape;
    // The validator proved both broadcasts; qed.
    let sa = broadcast_strides(&a.info.shape, out_shape).unwrap_or([0; MAX_RANK]);
    let sb = broadcast_strides(&b.info.shape, out_shape).unwrap_or([0; MAX_RANK]);
    let (za, zb) = (a.info.zero_point, b.info.zero_point);
    walk(out_shape, &sa, &sb, |o, ia, ib| {
        let va = requantize((a.data[ia] as i32 - za) << add.left_shift, add.input1_multiplier);
        let vb = requantize((b.data[ib] as i32 - zb) << add.left_shift, add.input2_multiplier);
        let sum = requantize(va.wrapping_add(vb), add.output_multiplier);
        out[o] = add.clamp.apply(sum.wrapping_add(out_info.zero_point));
    });
}
