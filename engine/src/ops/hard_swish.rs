//! `HARD_SWISH`: `x · relu6(x + 3) / 6`, in TFLite's 16-bit fixed point.
//!
//! With `x = in − zi` moved to a "high-resolution" scale (`· 2^7`, which fits 16 bits):
//!
//! ```text
//! pre     = srdhm16(x·2^7, M_out)                        x on the output scale, before the shift
//! reluish = x·2^7 rescaled by (M_relu, e_relu) to [−1, 1] in Q0.15, then mapped to [0, 1]
//! out     = clamp(rdbp(sdhm16(reluish, pre), −e_out) + zo)
//! ```
//!
//! Every intermediate is an `i16`, as in the reference kernel; the 16-bit multiplications are
//! gemmlowp's (`srdhm16` rounds, `sdhm16` truncates).
//!
//! Mirrors `reference_ops::HardSwish` (the int8 path of `hard_swish.h`), with the constants of
//! TFLite Micro's `HardSwishPrepare`.

use super::{bytes_touched, check_zero_point, elements, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{HardSwish, TensorInfo};
use crate::quant::{rounding_divide_by_pot, Clamp};

/// Checks shapes and that the exponents are in the range the kernel is defined for.
pub fn check(
    index: u32,
    op: &HardSwish,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    if inputs[0].shape != out.shape {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    check_zero_point(index, inputs[0].zero_point)?;
    check_zero_point(index, out.zero_point)?;
    let ok = (-15..=0).contains(&op.output_exponent) && (-15..=16).contains(&op.reluish_exponent);
    if !ok {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(LayerCost {
        macs: elements(out),
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// gemmlowp's 16-bit `SaturatingRoundingDoublingHighMul`.
fn srdhm16(a: i16, b: i16) -> i16 {
    if a == i16::MIN && b == i16::MIN {
        return i16::MAX;
    }
    let ab = a as i32 * b as i32;
    let nudge = if ab >= 0 { 1 << 14 } else { 1 - (1 << 14) };
    ((ab + nudge) / (1 << 15)) as i16
}

/// TFLite's 16-bit `SaturatingDoublingHighMul`: truncating, saturating the one overflow.
fn sdhm16(a: i16, b: i16) -> i16 {
    if a == i16::MIN && b == i16::MIN {
        return i16::MAX;
    }
    ((a as i32 * b as i32) / (1 << 15)) as i16
}

fn saturating_left_shift16(x: i16, amount: i32) -> i16 {
    (x as i32 * (1i32 << amount)).clamp(i16::MIN as i32, i16::MAX as i32) as i16
}

/// The reference kernel.
pub fn run(op: &HardSwish, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let zi = input.info.zero_point;
    for (o, &v) in out.iter_mut().zip(input.data) {
        let hires = ((v as i32 - zi) * (1 << 7)) as i16;
        let pre = srdhm16(hires, op.output_multiplier);
        let mut reluish = hires;
        if op.reluish_exponent > 0 {
            reluish = saturating_left_shift16(reluish, op.reluish_exponent - 1);
        }
        reluish = srdhm16(reluish, op.reluish_multiplier);
        if op.reluish_exponent > 0 {
            reluish = saturating_left_shift16(reluish, 1);
        }
        if op.reluish_exponent < 0 {
            reluish =
                rounding_divide_by_pot(reluish as i32, op.reluish_exponent.unsigned_abs()) as i16;
        }
        let reluish = ((reluish as i32 + (1 << 15)) >> 1) as i16;
        let product = sdhm16(reluish, pre);
        let value = rounding_divide_by_pot(product as i32, op.output_exponent.unsigned_abs());
        *o = Clamp::FULL.apply((value as i16 as i32) + out_info.zero_point);
    }
}
