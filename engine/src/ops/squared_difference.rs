//! `SQUARED_DIFFERENCE` of two int8 activations, with numpy-style broadcasting.
//!
//! Both inputs are moved to a common scale with `2^left_shift` of headroom (as for `ADD`), and
//! the square of their difference rescaled to the output:
//!
//! ```text
//! a'  = requantize((a − za) · 2^left_shift, Ma)
//! b'  = requantize((b − zb) · 2^left_shift, Mb)
//! out = clamp(requantize((a' − b')², Mo) + zo)
//! ```
//!
//! Mirrors TFLite Micro's `SquaredDifference` for int8 (`squared_difference.cc`, run through
//! `reference_integer_ops::ElementWise` / `BroadcastBinaryFunction4DSlow`), left shift 7.

use super::add::{index, rescaled};
use super::broadcast::{broadcasts, walk};
use super::{
    bytes_touched, check_accumulator, check_zero_point, elements, expect_inputs,
    max_offset_magnitude, Activation,
};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{Add, TensorInfo};
use crate::quant::{requantize, Multiplier};

/// Largest rescaled input magnitude: `|x − z| · 2^left_shift · M`, rounded up (plus one for
/// the double rounding of [`requantize`]); `M` is below one.
fn rescaled_bound(zero_point: i32, left_shift: u32, m: Multiplier) -> u64 {
    let shifted = max_offset_magnitude(zero_point) << left_shift;
    let product = shifted as u128 * m.multiplier as u128;
    let divisor_bits = 31 + (-m.shift) as u32;
    (product >> divisor_bits.min(127)) as u64 + 2
}

/// Checks broadcasting, the quantization and that the square fits 32 bits.
pub fn check(
    index: u32,
    op: &Add,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 2)?;
    if !broadcasts(inputs, out) {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    for info in [inputs[0], inputs[1], out] {
        check_zero_point(index, info.zero_point)?;
    }
    let inputs_below_one = [op.input1_multiplier, op.input2_multiplier]
        .iter()
        .all(|m| m.is_well_formed() && m.shift <= 0);
    if !inputs_below_one || !op.output_multiplier.is_well_formed() || op.left_shift > 7 {
        return Err(EngineError::BadQuantization { layer: index });
    }
    let difference = rescaled_bound(inputs[0].zero_point, op.left_shift, op.input1_multiplier)
        + rescaled_bound(inputs[1].zero_point, op.left_shift, op.input2_multiplier);
    let square = difference * difference;
    if square > i32::MAX as u64 {
        return Err(EngineError::AccumulatorOverflow { layer: index });
    }
    check_accumulator(index, square, op.output_multiplier)?;
    Ok(LayerCost {
        macs: elements(out),
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// The reference kernel.
pub fn run(op: &Add, a: Activation<'_>, b: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let (za, zb, zo) = (a.info.zero_point, b.info.zero_point, out_info.zero_point);
    let scale_a = |x: i8| requantize((x as i32 - za) << op.left_shift, op.input1_multiplier);
    let scale_b = |y: i8| requantize((y as i32 - zb) << op.left_shift, op.input2_multiplier);
    let finish = |va: i32, vb: i32| {
        let d = va.wrapping_sub(vb);
        let squared = requantize(d.wrapping_mul(d), op.output_multiplier);
        squared.wrapping_add(zo).clamp(-128, 127) as i8
    };
    // As `ADD`: past 256 elements, each input's 256 rescaled values are computed once.
    if out.len() > 256 {
        let (ta, tb) = (rescaled(scale_a), rescaled(scale_b));
        walk(
            a,
            b,
            out_info,
            |x, y| finish(ta[index(x)], tb[index(y)]),
            out,
        );
    } else {
        walk(a, b, out_info, |x, y| finish(scale_a(x), scale_b(y)), out);
    }
}
