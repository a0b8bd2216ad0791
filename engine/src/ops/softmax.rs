//! `SOFTMAX` over the last dimension, int8 in and int8 or int16 out, as TFLite's quantized
//! reference.
//!
//! For each row, with `m` the row's maximum and `d = x − m ≤ 0`:
//!
//! ```text
//! e(d)  = exp(d · beta · input_scale)        computed in fixed point from d · M  (Q5.26)
//! out   = clamp(round(e(d) / Σ e · 256) − 128)             int8 output
//! out   = clamp(round(e(d) / Σ e · 65536) − 32768)         int16 output
//! ```
//!
//! Differences below `diff_min` contribute zero and give −128 (their `d · M` would not fit Q5.26).
//! The exponential comes from [`exp_on_negative_values`], the sum is kept in Q12.19 and inverted
//! by [`reciprocal`]. The output scale is 1/256 and its zero point −128 for an int8 output,
//! 1/65536 and −32768 for an int16 output (TFLite's 16x8 mode), fixed by the operator.
//!
//! Mirrors `reference_ops::Softmax` (the quantized overload in `softmax.h`, templated on the
//! output type), with the constants of `PreprocessSoftmaxScaling`.

use super::{bytes_touched, check_zero_point, element, elements, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::fixedpoint::{exp_on_negative_values, reciprocal};
use crate::limits::MAX_SOFTMAX_DEPTH;
use crate::model::{ElementType, Softmax, TensorInfo};
use crate::quant::{
    rounding_divide_by_pot, saturating_rounding_doubling_high_mul,
    saturating_rounding_multiply_by_pot,
};

/// Integer bits of the scaled difference fed to `exp`.
const SCALED_DIFF_INTEGER_BITS: u32 = 5;
/// Integer bits of the sum of exponentials.
const ACCUMULATION_INTEGER_BITS: u32 = 12;

/// Checks shapes, the row length, and that every difference kept fits Q5.26 after scaling.
pub fn check(
    index: u32,
    softmax: &Softmax,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let input = inputs[0];
    if input.element != ElementType::Int8
        || !matches!(out.element, ElementType::Int8 | ElementType::Int16)
    {
        return Err(EngineError::BadElementType { layer: index });
    }
    if input.shape != out.shape || input.shape.is_empty() {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    let depth = *input.shape.last().unwrap_or(&0) as u64;
    if depth == 0 || depth > MAX_SOFTMAX_DEPTH {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    check_zero_point(index, input.zero_point)?;
    let m = softmax.input_multiplier;
    let quantization_ok = m.is_well_formed()
        && m.shift >= 0
        && out.zero_point == out.element.min()
        && softmax.diff_min <= 0
        // Every kept difference d ≥ diff_min satisfies |d · 2^shift| ≤ 2^31.
        && ((softmax.diff_min.unsigned_abs() as u64) << m.shift) <= 1u64 << 31;
    if !quantization_ok {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(LayerCost {
        macs: 2 * elements(out),
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// `d · M` for a kept difference, in Q5.26.
#[inline]
fn scaled_difference(softmax: &Softmax, diff: i32) -> i32 {
    let m = softmax.input_multiplier;
    saturating_rounding_doubling_high_mul(diff.wrapping_shl(m.left_shift()), m.multiplier)
}

/// The reference kernel.
pub fn run(softmax: &Softmax, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let depth = *input.info.shape.last().unwrap_or(&1) as usize;
    let exp_of = |diff: i32| {
        exp_on_negative_values(scaled_difference(softmax, diff), SCALED_DIFF_INTEGER_BITS)
    };
    // A difference from the row's maximum is one of 256 values (0 down to −255): past 128
    // elements (two exponentials each), their exponentials are computed once and looked up.
    let table = (out.len() > 128).then(|| {
        let mut table = [0i32; 256];
        for (d, entry) in table.iter_mut().enumerate() {
            let diff = -(d as i32);
            if diff >= softmax.diff_min {
                *entry = exp_of(diff);
            }
        }
        table
    });
    let exp = |diff: i32| match &table {
        Some(table) => table[(-diff) as usize],
        None => exp_of(diff),
    };
    let ty = out_info.element;
    // 8 or 16 output bits.
    let bits = 8 * ty.size() as i32;
    let size = ty.size() as usize;
    for (row, out_row) in input
        .data
        .chunks_exact(depth)
        .zip(out.chunks_exact_mut(depth * size))
    {
        let max = row.iter().copied().max().unwrap_or(i8::MIN) as i32;
        let mut sum_of_exps: i32 = 0;
        for &x in row {
            let diff = x as i32 - max;
            if diff >= softmax.diff_min {
                // Q0.31 to Q12.19.
                let e = saturating_rounding_multiply_by_pot(
                    exp(diff),
                    -(ACCUMULATION_INTEGER_BITS as i32),
                );
                sum_of_exps = sum_of_exps.wrapping_add(e);
            }
        }
        let (scale, bits_over_unit) = reciprocal(sum_of_exps, ACCUMULATION_INTEGER_BITS);
        // 31 fraction bits down to the 8 or 16 of the output; in [0, 31] since the sum lies in
        // [1, 2^11] (one term is exp(0), at most 2^11 terms of at most one); qed.
        let exponent = (bits_over_unit + 31 - bits).clamp(0, 31) as u32;
        for (c, &x) in row.iter().enumerate() {
            let diff = x as i32 - max;
            let value = if diff >= softmax.diff_min {
                let unsaturated = rounding_divide_by_pot(
                    saturating_rounding_doubling_high_mul(scale, exp(diff)),
                    exponent,
                );
                element::saturate(unsaturated.wrapping_add(ty.min()), ty)
            } else {
                ty.min()
            };
            element::put(out_row, ty, c, value);
        }
    }
}
