//! Turning TFLite's real-valued quantization parameters into the engine's integer constants.
//!
//! This is the only place where floating point meets the engine, and it runs once, at import.
//! Each function reproduces, operation for operation and in the same precision, the
//! preparation step of TFLite Micro's kernels, because the integer constants must be the very
//! ones the reference interpreter derives from the same file.

use vigil_engine::model::{Clamp, Multiplier};

/// `x = q · 2^e` with `q` in `[0.5, 1)`, for finite positive `x` (C's `frexp`).
fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    if exponent == 0 {
        // Subnormal: scale into the normal range first.
        let (q, e) = frexp(x * (1u64 << 54) as f64);
        return (q, e - 54);
    }
    let q = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (q, exponent - 1022)
}

/// TFLite's `QuantizeMultiplier`: the significand rounded to Q0.31 (half away from zero) and
/// the exponent, with the same handling of a significand that rounds up to one and of
/// exponents out of range.
pub fn quantize_multiplier(real: f64) -> Multiplier {
    if real == 0.0 {
        return Multiplier {
            multiplier: 0,
            shift: 0,
        };
    }
    let (q, mut shift) = frexp(real);
    let mut q_fixed = (q * (1i64 << 31) as f64).round() as i64;
    if q_fixed == 1i64 << 31 {
        q_fixed /= 2;
        shift += 1;
    }
    if shift < -31 {
        shift = 0;
        q_fixed = 0;
    }
    if shift > 30 {
        shift = 30;
        q_fixed = (1i64 << 31) - 1;
    }
    Multiplier {
        multiplier: q_fixed as i32,
        shift,
    }
}

/// The int8 output range after a fused activation, as TFLite's
/// `CalculateActivationRangeQuantized` (the bounds quantized with `f32` arithmetic).
pub fn activation_range(
    activation: crate::tflite::Activation,
    scale: f32,
    zero_point: i32,
) -> Option<Clamp> {
    let (min, max) = activation_bounds(
        activation,
        scale,
        zero_point,
        i8::MIN.into(),
        i8::MAX.into(),
    )?;
    Some(Clamp {
        min: min as i8,
        max: max as i8,
    })
}

/// TFLite's `CalculateActivationRangeQuantized` for an output type of range `[qmin, qmax]`:
/// the fused activation's bounds, quantized, within the type's range; `None` for an
/// activation without a range or an empty range.
pub fn activation_bounds(
    activation: crate::tflite::Activation,
    scale: f32,
    zero_point: i32,
    qmin: i32,
    qmax: i32,
) -> Option<(i32, i32)> {
    use crate::tflite::Activation as A;
    let quantize = |f: f32| zero_point.saturating_add((f / scale).round() as i32);
    let (min, max) = match activation {
        A::None => (qmin, qmax),
        A::Relu => (qmin.max(quantize(0.0)), qmax),
        A::Relu6 => (qmin.max(quantize(0.0)), qmax.min(quantize(6.0))),
        A::ReluN1To1 => (qmin.max(quantize(-1.0)), qmax.min(quantize(1.0))),
        _ => return None,
    };
    (min <= max).then_some((min, max))
}

/// TFLite's `ComputeOutSize` for one spatial dimension.
pub fn out_size(same: bool, image: i64, filter: i64, stride: i64, dilation: i64) -> i64 {
    let effective = (filter - 1) * dilation + 1;
    if stride == 0 {
        return 0;
    }
    if same {
        (image + stride - 1) / stride
    } else {
        (image + stride - effective) / stride
    }
}

/// TFLite's `ComputePaddingWithOffset`: the padding before the image (the odd extra row, if
/// any, goes after it, where the kernels never read it).
pub fn padding_before(stride: i64, dilation: i64, image: i64, filter: i64, out: i64) -> i64 {
    let effective = (filter - 1) * dilation + 1;
    let total = ((out - 1) * stride + effective - image).max(0);
    total / 2
}

/// Softmax's input scaling (TFLite's `PreprocessSoftmaxScaling` with 5 integer bits, then
/// `CalculateInputRadius`): the multiplier of at least one that maps input differences to
/// Q5.26, and the smallest difference that still fits.
pub fn softmax_scaling(beta: f64, input_scale: f64) -> (Multiplier, i32) {
    const INTEGER_BITS: i32 = 5;
    let max_real = ((1i64 << 31) - 1) as f64;
    let real = (beta * input_scale * (1i64 << (31 - INTEGER_BITS)) as f64).min(max_real);
    let multiplier = quantize_multiplier(real);
    let radius = (((1i64 << INTEGER_BITS) - 1) as f64 * (1i64 << (31 - INTEGER_BITS)) as f64
        / (1i64 << multiplier.shift.max(0)) as f64)
        .floor() as i32;
    (multiplier, -radius)
}

/// `LOGISTIC` and `TANH` input scaling (TFLite Micro's int8 preparation): the input scale times
/// `2^27` split by `frexp` into a Q0.31 significand (rounded, with no renormalisation) and an
/// exponent, and the radius beyond which the output saturates: `floor(15 · 2^27 / 2^shift)`.
/// `None` if the significand or exponent cannot be represented.
pub fn smooth_activation(input_scale: f32) -> Option<vigil_engine::model::SmoothActivation> {
    let real = input_scale as f64 * (1i64 << 27) as f64;
    let (q, shift) = frexp(real);
    let q_fixed = (q * (1i64 << 31) as f64).round() as i64;
    if !(0..=i32::MAX as i64).contains(&q_fixed) || !(-31..=30).contains(&shift) {
        return None;
    }
    let radius = (15.0 * (1i64 << 27) as f64 / 2f64.powi(shift)).floor();
    Some(vigil_engine::model::SmoothActivation {
        input_multiplier: Multiplier {
            multiplier: q_fixed as i32,
            shift,
        },
        input_radius: radius.min(i32::MAX as f64) as i32,
    })
}

/// A multiplier as a Q0.15 significand and an exponent: TFLite's `QuantizeMultiplier` followed
/// by `DownScaleInt32ToInt16Multiplier` (round to 16 bits, saturating near one).
pub fn quantize_multiplier_int16(real: f64) -> (i16, i32) {
    let m = quantize_multiplier(real);
    const ROUNDING_OFFSET: i32 = 1 << 15;
    let significand = if m.multiplier >= i32::MAX - ROUNDING_OFFSET {
        i16::MAX
    } else {
        ((m.multiplier + ROUNDING_OFFSET) >> 16) as i16
    };
    (significand, m.shift)
}

/// `MEAN`'s multiplier with `1/count` folded in (TFLite's `QuantizedMeanOrSum`): shift the
/// significand up by `k = min(floor(log2 count), 32, 31 + shift)`, divide by the count
/// (truncating), and lower the exponent by `k`.
pub fn mean_multiplier(ratio: Multiplier, count: i64) -> Multiplier {
    let log2 = 63 - (count.max(1) as u64).leading_zeros() as i32;
    let k = log2.min(32).min(31 + ratio.shift);
    let multiplier = (((ratio.multiplier as i64) << k) / count.max(1)) as i32;
    Multiplier {
        multiplier,
        shift: ratio.shift - k,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frexp_splits_into_significand_and_exponent() {
        assert_eq!(frexp(1.0), (0.5, 1));
        assert_eq!(frexp(0.75), (0.75, 0));
        assert_eq!(frexp(3.0), (0.75, 2));
        // A subnormal: the same split as C's frexp.
        assert_eq!(frexp(1e-310), (0.5752618031559393, -1029));
    }

    #[test]
    fn quantize_multiplier_of_one_half_and_near_one() {
        assert_eq!(
            quantize_multiplier(0.5),
            Multiplier {
                multiplier: 1 << 30,
                shift: 0
            }
        );
        // Rounds up to 2^31: renormalised.
        let m = quantize_multiplier(1.0 - 1e-12);
        assert_eq!(
            m,
            Multiplier {
                multiplier: 1 << 30,
                shift: 1
            }
        );
        assert_eq!(quantize_multiplier(1e-12).multiplier, 0);
    }

    #[test]
    fn relu6_range_is_quantized_six() {
        let clamp = activation_range(crate::tflite::Activation::Relu6, 6.0 / 255.0, -128).unwrap();
        assert_eq!(
            clamp,
            Clamp {
                min: -128,
                max: 127
            }
        );
        let clamp = activation_range(crate::tflite::Activation::Relu, 0.1, 3).unwrap();
        assert_eq!(clamp, Clamp { min: 3, max: 127 });
    }
}
