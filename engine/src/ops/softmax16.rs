//! `SOFTMAX` with int16 input and output (TFLite's 16x8 mode), by two interpolated tables.
//!
//! For each row, with `m` the row's maximum and `d = x − m ≤ 0`:
//!
//! ```text
//! e(d)    = lut(exp_lut, clamp(requantize(d, M) + 32767))     exp on [-10, 0], Q0.15
//! s       = Σ e(d)                                             Q16.15
//! h       = clz(s)                                             headroom + 1
//! r       = lut(reciprocal_lut, clamp((s << (h − 1) + 2^13) >> 14 − 3 · 2^15))   1/(1+x), Q0.15
//! out     = clamp((e(d) · r + 2^(30 − h)) >> (31 − h), 0, 32767)
//! ```
//!
//! `lut(t, v)` reads the 513-entry table `t` at `256 + (v >> 7)` and interpolates linearly
//! with the low 7 bits of `v`, rounding. `M = input_scale · beta / (10 / 65535)`. The output's
//! scale is 1/32768, its zero point 0; the input's zero point is 0.
//!
//! The tables do not depend on the model; TFLite computes them in `float` when it prepares
//! (`LUTPopulate`), and the importer computes them with the same operations, so the engine only
//! reads them. For any table values the kernel is defined: the validator requires the `exp`
//! table's values in `[0, 32767]` and its value at zero positive, so every row's sum is positive
//! and below 2^31, which keeps every shift in range.
//!
//! Mirrors `reference_ops::SoftmaxInt16` and `SoftMaxCalculateExp` (`softmax.h`) with
//! `LUTLookup` (`common.h`), as TFLite Micro's `softmax.cc` calls them for an int16 input.

use super::element;
use super::{bytes_touched, check_accumulator, elements, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::limits::MAX_SOFTMAX_DEPTH;
use crate::model::{ElementType, Softmax16, TensorInfo, SOFTMAX16_LUT_ENTRIES};
use crate::quant::requantize;

/// `LUTLookup` for int16: the entry at `256 + (value >> 7)` plus the slope to the next entry
/// times the low 7 bits, rounded; the sum wraps to `i16` as the C++ cast does.
#[inline]
fn lookup(value: i16, lut: &[i16]) -> i16 {
    // value >> 7 lies in [-256, 255]: the index in [0, 511], the next in [1, 512]; qed.
    let index = (256 + (value as i32 >> 7)) as usize;
    let offset = (value & 0x7f) as i32;
    let base = lut[index] as i32;
    let slope = lut[index + 1] as i32 - base;
    let delta = (slope * offset + 64) >> 7;
    (base + delta) as i16
}

/// Checks types, quantization, tables and the row length.
pub fn check(
    index: u32,
    op: &Softmax16,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let input = inputs[0];
    if input.element != ElementType::Int16 || out.element != ElementType::Int16 {
        return Err(EngineError::BadElementType { layer: index });
    }
    if input.shape != out.shape {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    let depth = *input.shape.last().unwrap_or(&0) as u64;
    if depth == 0 || depth > MAX_SOFTMAX_DEPTH {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    let tables_ok = op.exp_lut.len() == SOFTMAX16_LUT_ENTRIES
        && op.reciprocal_lut.len() == SOFTMAX16_LUT_ENTRIES
        && op.exp_lut.iter().all(|&v| v >= 0)
        && lookup(i16::MAX, &op.exp_lut) > 0;
    if !tables_ok
        || input.zero_point != 0
        || out.zero_point != 0
        || !op.input_multiplier.is_well_formed()
    {
        return Err(EngineError::BadQuantization { layer: index });
    }
    // The largest difference from the row maximum is 65535 in magnitude.
    check_accumulator(index, 65535, op.input_multiplier)?;
    Ok(LayerCost {
        macs: 3 * elements(out),
        bytes: bytes_touched(inputs, 4 * SOFTMAX16_LUT_ENTRIES as u64, out),
    })
}

/// `e(d)` of one element.
#[inline]
fn exp_of(op: &Softmax16, diff: i32) -> i16 {
    let scaled = requantize(diff, op.input_multiplier);
    let centred = scaled.wrapping_add(32767).clamp(-32768, 32767) as i16;
    lookup(centred, &op.exp_lut)
}

/// The reference kernel.
pub fn run(op: &Softmax16, input: Activation<'_>, out: &mut [i8]) {
    let depth = *input.info.shape.last().unwrap_or(&1) as usize;
    let rows = elements(input.info) as usize / depth;
    let ty = ElementType::Int16;
    for row in 0..rows {
        let at = row * depth;
        let value = |c: usize| element::get(input.data, ty, at + c);
        let max = (0..depth).map(value).max().unwrap_or(i16::MIN as i32);
        // Q16.15; in [1, 2^11 · 32767] by the validator's conditions on the table; qed.
        let sum: i32 = (0..depth)
            .map(|c| exp_of(op, value(c) - max) as i32)
            .fold(0i32, i32::wrapping_add);
        let headroom_plus_one = (sum as u32).leading_zeros() as i32;
        // In [1, 31] for a positive sum; the shifts below are kept in range for any sum.
        let shifted = (((sum as i64) << (headroom_plus_one - 1).clamp(0, 62)) + (1 << 13)) >> 14;
        let centred = (shifted - ((1 << 15) + (1 << 16))).clamp(-32768, 32767) as i16;
        let reciprocal = lookup(centred, &op.reciprocal_lut) as i64;
        let right_shift = (31 - headroom_plus_one).clamp(1, 62);
        let round = 1i64 << (right_shift - 1);
        for c in 0..depth {
            let e = exp_of(op, value(c) - max) as i64;
            let result = ((e * reciprocal + round) >> right_shift) as i32;
            element::put(out, ty, at + c, result.clamp(0, 32767));
        }
    }
}
