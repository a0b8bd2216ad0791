//! `RSQRT`: `1/√x` of each element, in TFLite's fixed point.
//!
//! ```text
//! v = in − zi
//! v ≤ 0:  out = 127
//! else:   (m, s) = inverse square root of v (Newton–Raphson in Q3.28, five steps)
//!         out = clamp(requantize(requantize(1, (m, s + 20)), (M, shift_M − 20)) + zo)
//! ```
//!
//! Mirrors TFLite Micro's `RsqrtEvalQuantized` (`elementwise.cc`) with
//! `GetInvSqrtQuantizedMultiplierExp` (`kernels/internal/common.h`). TFLite Micro stops with an
//! error on an input below the zero point; the engine's kernels cannot fail, so such an input
//! gives 127, as zero does.

use super::{bytes_touched, check_zero_point, elements, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{Rsqrt, TensorInfo};
use crate::quant::{
    requantize, rounding_divide_by_pot, saturating_rounding_doubling_high_mul as srdhm,
    saturating_rounding_multiply_by_pot, Multiplier,
};

/// The headroom TFLite keeps between the two rescalings.
const SHIFT: i32 = 20;

/// Checks the element count, the zero points and the multiplier's range.
pub fn check(
    index: u32,
    op: &Rsqrt,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    if elements(inputs[0]) != elements(out) {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    check_zero_point(index, inputs[0].zero_point)?;
    check_zero_point(index, out.zero_point)?;
    // The second rescaling shifts by `shift − 20`, which must stay within [−31, 10].
    if !op.multiplier.is_well_formed() || op.multiplier.shift - SHIFT < -31 {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(LayerCost {
        macs: 8 * elements(out),
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// `1/√input` as a Q0.31 multiplier and a left shift (TFLite's
/// `GetInvSqrtQuantizedMultiplierExp` with `reverse_shift = −1`), for `input ≥ 0`.
pub fn inv_sqrt_multiplier(mut input: i32) -> (i32, i32) {
    if input <= 1 {
        return (i32::MAX, 0);
    }
    let mut shift = 11i32;
    while input >= 1 << 29 {
        input /= 4;
        shift += 1;
    }
    let max_left_shift_bits = (input as u32).leading_zeros() - 1;
    let pairs = max_left_shift_bits / 2 - 1;
    shift -= pairs as i32;
    input <<= 2 * pairs;
    // Q3.28 fixed point throughout.
    let fixed_input = input >> 1;
    let half_input = rounding_divide_by_pot(fixed_input, 1);
    let half_three = (1 << 28) + (1 << 27);
    let mut x: i32 = 1 << 28;
    for _ in 0..5 {
        let x3 = saturating_rounding_multiply_by_pot(srdhm(srdhm(x, x), x), 6);
        let step = srdhm(half_three, x).wrapping_sub(srdhm(half_input, x3));
        x = saturating_rounding_multiply_by_pot(step, 3);
    }
    const HALF_SQRT_2: i32 = 1_518_500_250;
    let mut multiplier = srdhm(x, HALF_SQRT_2);
    if shift < 0 {
        multiplier <<= -shift;
        shift = 0;
    }
    (multiplier, -shift)
}

/// The output for one offset input `v = in − zi`.
#[inline]
fn rsqrt(op: &Rsqrt, v: i32, zo: i32) -> i8 {
    if v <= 0 {
        return i8::MAX;
    }
    let (m, s) = inv_sqrt_multiplier(v);
    let data = requantize(
        1,
        Multiplier {
            multiplier: m,
            shift: s + SHIFT,
        },
    );
    let out = requantize(
        data,
        Multiplier {
            multiplier: op.multiplier.multiplier,
            shift: op.multiplier.shift - SHIFT,
        },
    );
    out.wrapping_add(zo).clamp(-128, 127) as i8
}

/// The reference kernel. A layer with more elements than an int8 has values first fills a table of
/// the 256 possible outputs, then looks each element up; a smaller one (a layer norm's one value
/// per row) computes each element directly, which is fewer Newton–Raphson runs.
pub fn run(op: &Rsqrt, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let zi = input.info.zero_point;
    let zo = out_info.zero_point;
    if out.len() <= 256 {
        for (o, &x) in out.iter_mut().zip(input.data) {
            *o = rsqrt(op, x as i32 - zi, zo);
        }
        return;
    }
    let mut table = [0i8; 256];
    for (q, entry) in (-128i32..=127).zip(table.iter_mut()) {
        *entry = rsqrt(op, q - zi, zo);
    }
    for (o, &x) in out.iter_mut().zip(input.data) {
        *o = table[(x as i32 + 128) as usize];
    }
}
