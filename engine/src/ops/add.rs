//! `ADD` and `SUB` of two int8 activations, with numpy-style broadcasting.
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
//!
//! Mirrors `reference_integer_ops::Add` / `reference_integer_ops::BroadcastAdd4DSlow` (`ADD`) and
//! `reference_ops::BroadcastQuantSubSlow` (`SUB`), as TFLite Micro's `add.cc` and `sub.cc` call
//! them for int8; and `reference_ops::Add` / `BroadcastAdd4DSlow` and `reference_ops::Sub` /
//! `BroadcastQuantSubSlow` for int16 (`ADD` and `SUB` in 16x8 mode, the same general path with a
//! headroom shift of 15), where the validator proves from the zero
//! points and multipliers that the shifted inputs and their sum fit `i32`.

use super::broadcast::{broadcasts, walk, walk_typed};
use super::element::{max_offset, zero_point_fits};
use super::{bytes_touched, check_zero_point, elements, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{Add, Add16, ElementType, TensorInfo};
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
    if !broadcasts(inputs, out) {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    for input in inputs {
        check_zero_point(index, input.zero_point)?;
    }
    check_zero_point(index, out.zero_point)?;
    let below_one = [
        add.input1_multiplier,
        add.input2_multiplier,
        add.output_multiplier,
    ]
    .iter()
    .all(|m| m.is_well_formed() && m.shift <= 0);
    if !below_one || add.left_shift > MAX_LEFT_SHIFT {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(LayerCost {
        macs: elements(out),
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// The reference kernel of `ADD` (`subtract` false) and `SUB` (`subtract` true).
///
/// Each input's rescaled value depends on that element alone, so a layer with more elements than
/// an int8 has values rescales the 256 possible values of each input once ([`rescaled`]) and looks
/// them up; the sums and the output rescaling are per element, as in the reference.
pub fn run(
    add: &Add,
    subtract: bool,
    a: Activation<'_>,
    b: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
) {
    let (za, zb) = (a.info.zero_point, b.info.zero_point);
    let scale_a = |x: i8| requantize((x as i32 - za) << add.left_shift, add.input1_multiplier);
    let scale_b = |y: i8| requantize((y as i32 - zb) << add.left_shift, add.input2_multiplier);
    let finish = |va: i32, vb: i32| {
        let combined = if subtract {
            va.wrapping_sub(vb)
        } else {
            va.wrapping_add(vb)
        };
        let sum = requantize(combined, add.output_multiplier);
        add.clamp.apply(sum.wrapping_add(out_info.zero_point))
    };
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

/// `scale(x)` for each of the 256 int8 values, at [`index`]`(x)`.
pub(crate) fn rescaled(scale: impl Fn(i8) -> i32) -> [i32; 256] {
    let mut table = [0i32; 256];
    for (x, entry) in (i8::MIN..=i8::MAX).zip(table.iter_mut()) {
        *entry = scale(x);
    }
    table
}

/// Where `x`'s entry is in a table from [`rescaled`].
#[inline]
pub(crate) fn index(x: i8) -> usize {
    (x as i32 + 128) as usize
}

/// `|requantize(v, m)|` for `|v| ≤ bound` and a multiplier below one: at most `bound · m`
/// rounded up, plus one for the rounding.
fn scaled_bound(bound: u64, m: crate::quant::Multiplier) -> u64 {
    let total_shift = (31 - m.shift).clamp(0, 62) as u32;
    (((bound as u128) * (m.multiplier.max(0) as u128)) >> total_shift) as u64 + 1
}

/// Checks an int16 `ADD`: types, broadcasting, quantization, and that neither the shifted
/// inputs nor their rescaled sum leave `i32`.
pub fn check16(
    index: u32,
    add: &Add16,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 2)?;
    let int16 = |t: &TensorInfo| t.element == ElementType::Int16;
    if !int16(out) || !inputs.iter().all(|t| int16(t)) {
        return Err(EngineError::BadElementType { layer: index });
    }
    if !broadcasts(inputs, out) {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    let zero_points_ok = inputs
        .iter()
        .chain([&out])
        .all(|t| zero_point_fits(ElementType::Int16, t.zero_point));
    let below_one = [
        add.input1_multiplier,
        add.input2_multiplier,
        add.output_multiplier,
    ]
    .iter()
    .all(|m| m.is_well_formed() && m.shift <= 0);
    if !zero_points_ok || !below_one || add.min > add.max || add.left_shift > 31 {
        return Err(EngineError::BadQuantization { layer: index });
    }
    let shifted =
        |t: &TensorInfo| (max_offset(ElementType::Int16, t.zero_point) as u128) << add.left_shift;
    let (a, b) = (shifted(inputs[0]), shifted(inputs[1]));
    let fits = a <= i32::MAX as u128
        && b <= i32::MAX as u128
        && scaled_bound(a as u64, add.input1_multiplier)
            + scaled_bound(b as u64, add.input2_multiplier)
            <= i32::MAX as u64;
    if !fits {
        return Err(EngineError::AccumulatorOverflow { layer: index });
    }
    Ok(LayerCost {
        macs: elements(out),
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// The reference kernel of an int16 `ADD` (`subtract` false) and `SUB` (`subtract` true).
pub fn run16(
    add: &Add16,
    subtract: bool,
    a: Activation<'_>,
    b: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
) {
    let (za, zb) = (a.info.zero_point, b.info.zero_point);
    walk_typed(
        a,
        b,
        out_info,
        |x, y| {
            let va = requantize((x - za) << add.left_shift, add.input1_multiplier);
            let vb = requantize((y - zb) << add.left_shift, add.input2_multiplier);
            let combined = if subtract {
                va.wrapping_sub(vb)
            } else {
                va.wrapping_add(vb)
            };
            let sum = requantize(combined, add.output_multiplier);
            sum.wrapping_add(out_info.zero_point)
                .clamp(add.min as i32, add.max as i32)
        },
        out,
    );
}
