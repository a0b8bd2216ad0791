//! Element-wise activations as layers of their own: `LOGISTIC`, `TANH`, `LEAKY_RELU`, and the
//! raw clamp of a standalone `RELU6`.
//!
//! ```text
//! logistic: x = in − zi;  |x| ≥ radius → −128 / 127;  else
//!           out = clamp(rdbp(logistic(requantize(x, M)), 23) − 128)     (Q4.27 in, Q0.31 out)
//! tanh:     same saturation;  out = clamp(rdbp(tanh(requantize(x, M)), 24) + zo)
//! leaky:    out = clamp(requantize(x, x ≥ 0 ? M_identity : M_alpha) + zo)
//! clamp:    out = clamp(in)
//! ```
//!
//! Mirrors `reference_integer_ops::Logistic` and `reference_integer_ops::Tanh` (int8),
//! `reference_ops::QuantizeLeakyRelu`, and TFLite Micro's `Relu6Quantized`
//! (`activations_common.cc`).

use super::{
    bytes_touched, check_accumulator, check_zero_point, elements, expect_inputs, Activation,
};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::fixedpoint;
use crate::model::{LeakyRelu, SmoothActivation, TensorInfo};
use crate::quant::{requantize, rounding_divide_by_pot, Clamp};

fn check_unary(
    index: u32,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    if inputs[0].shape != out.shape {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    check_zero_point(index, inputs[0].zero_point)?;
    check_zero_point(index, out.zero_point)?;
    Ok(LayerCost {
        macs: elements(out),
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// Checks `LOGISTIC` / `TANH`: the fixed output quantization, and that every unsaturated input
/// survives the multiplier's left shift.
pub fn check_smooth(
    index: u32,
    op: &SmoothActivation,
    output_zero_point: i32,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    let cost = check_unary(index, inputs, out)?;
    let m = op.input_multiplier;
    if !m.is_well_formed() || op.input_radius < 0 || out.zero_point != output_zero_point {
        return Err(EngineError::BadQuantization { layer: index });
    }
    check_accumulator(index, op.input_radius as u64, m)?;
    Ok(cost)
}

/// Checks `LEAKY_RELU`.
pub fn check_leaky_relu(
    index: u32,
    op: &LeakyRelu,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    let cost = check_unary(index, inputs, out)?;
    let magnitude = super::max_offset_magnitude(inputs[0].zero_point);
    for m in [op.identity_multiplier, op.alpha_multiplier] {
        if !m.is_well_formed() {
            return Err(EngineError::BadQuantization { layer: index });
        }
        check_accumulator(index, magnitude, m)?;
    }
    Ok(cost)
}

/// Checks a raw clamp.
pub fn check_clamp(
    index: u32,
    clamp: &Clamp,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    let cost = check_unary(index, inputs, out)?;
    if clamp.min > clamp.max {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(cost)
}

fn run_smooth(
    op: &SmoothActivation,
    input: Activation<'_>,
    out: &mut [i8],
    f: impl Fn(i32) -> i32,
    shift: u32,
    zero_point: i32,
) {
    let zi = input.info.zero_point;
    for (o, &v) in out.iter_mut().zip(input.data) {
        let x = v as i32 - zi;
        *o = if x <= -op.input_radius {
            i8::MIN
        } else if x >= op.input_radius {
            i8::MAX
        } else {
            let y = rounding_divide_by_pot(f(requantize(x, op.input_multiplier)), shift);
            Clamp::FULL.apply(y.wrapping_add(zero_point))
        };
    }
}

/// The `LOGISTIC` reference kernel (output scale 1/256, zero point −128).
pub fn run_logistic(op: &SmoothActivation, input: Activation<'_>, out: &mut [i8]) {
    run_smooth(op, input, out, fixedpoint::logistic, 23, -128);
}

/// The `TANH` reference kernel (output scale 1/128, zero point 0).
pub fn run_tanh(op: &SmoothActivation, input: Activation<'_>, out: &mut [i8]) {
    run_smooth(op, input, out, fixedpoint::tanh, 24, 0);
}

/// The `LEAKY_RELU` reference kernel.
pub fn run_leaky_relu(
    op: &LeakyRelu,
    input: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
) {
    let zi = input.info.zero_point;
    for (o, &v) in out.iter_mut().zip(input.data) {
        let x = v as i32 - zi;
        let m = if x >= 0 {
            op.identity_multiplier
        } else {
            op.alpha_multiplier
        };
        *o = Clamp::FULL.apply(requantize(x, m).wrapping_add(out_info.zero_point));
    }
}

/// The raw clamp kernel.
pub fn run_clamp(clamp: &Clamp, input: Activation<'_>, out: &mut [i8]) {
    for (o, &v) in out.iter_mut().zip(input.data) {
        *o = clamp.apply(v as i32);
    }
}
