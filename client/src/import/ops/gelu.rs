//! `GELU` (int8): the 256-entry table full TFLite's `GeluPrepare` fills with
//! `LUTPopulate<int8_t>`, computed here in `f32` step by step as it does, so that the bytes agree:
//!
//! ```text
//! x     = input_scale · (v − input_zero_point)                       for v in −128..=127
//! exact:  y = 0.5 · x · erfc(x · −(1/√2))
//! tanh:   y = 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x · x · x)))
//! out   = clamp(int(round(y · (1 / output_scale)) + output_zero_point), −128, 127)
//! ```
//!
//! `round` is half away from zero (`TfLiteRound`). `erfc` and `tanh` are the C library's `f32`
//! functions in TFLite (`erfcf`, `tanhf`), here `libm`'s ports of musl's. They may differ from
//! another C library's in the last bit, which changes an entry only if `y / output_scale` lies
//! within that bit of a half; the test `gelu_tables_equal_litert` compares whole tables with
//! LiteRT's for eight pairs of scales.

use vigil_engine::model::{Op, Table, TABLE_ENTRIES};

use super::{Ctx, ImportError};
use crate::tflite::BuiltinOptions;

/// `√(2/π)` as TFLite's `kSqrt2dPi`: the product in `f64`, rounded once to `f32`.
const SQRT_2_OVER_PI: f32 =
    (core::f64::consts::FRAC_2_SQRT_PI * core::f64::consts::FRAC_1_SQRT_2) as f32;

/// The exact GELU in `f32`, as `reference_ops::GeluTransform`.
fn gelu_exact(x: f32) -> f32 {
    0.5f32 * x * libm::erfcf(x * -(core::f64::consts::FRAC_1_SQRT_2 as f32))
}

/// The tanh approximation in `f32`, as `reference_ops::GeluTransformApproximate`.
fn gelu_approximate(x: f32) -> f32 {
    0.5f32 * x * (1.0f32 + libm::tanhf(SQRT_2_OVER_PI * (x + 0.044715f32 * x * x * x)))
}

/// The table for the given quantizations, or `None` when some entry is not a finite number in
/// `i32` range before the clamp (an output scale absurdly small for the input's range).
pub fn table(
    approximate: bool,
    input_scale: f32,
    input_zero_point: i32,
    output_scale: f32,
    output_zero_point: i32,
) -> Option<Vec<i8>> {
    let transform = if approximate {
        gelu_approximate
    } else {
        gelu_exact
    };
    let inverse_scale = 1.0f32 / output_scale;
    let mut values = Vec::with_capacity(TABLE_ENTRIES);
    for v in i8::MIN as i32..=i8::MAX as i32 {
        let dequantized = input_scale * (v - input_zero_point) as f32;
        let rescaled = (transform(dequantized) * inverse_scale).round();
        let shifted = rescaled + output_zero_point as f32;
        // `static_cast<int32_t>` of a value outside i32 is undefined in C++: refuse it.
        if !shifted.is_finite() || shifted < i32::MIN as f32 || shifted >= i32::MAX as f32 {
            return None;
        }
        values.push((shifted as i32).clamp(i8::MIN as i32, i8::MAX as i32) as i8);
    }
    Some(values)
}

pub(in crate::import) fn import(cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let approximate = match cx.options {
        BuiltinOptions::Gelu(o) => o.approximate,
        BuiltinOptions::None => false,
        _ => return Err(cx.invalid("options are not GeluOptions")),
    };
    let values = table(approximate, cx.x_scale, cx.x_zp, cx.out_scale, cx.out_zp)
        .ok_or_else(|| cx.unsupported("output scale too small for the input scale"))?;
    Ok(Op::Gelu(Table { values }))
}
