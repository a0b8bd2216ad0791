//! `QUANTIZE` from int8 to int8 (the same real values under another scale and zero point), and
//! a standalone `RELU`, which is the same with ReLU's output range.
//!
//! ```text
//! out = clamp(requantize(in − zi, M) + zo)      M = input_scale / output_scale
//! ```
//!
//! Mirrors `reference_ops::Requantize` (`QUANTIZE`, int8 to int8) and TFLite Micro's
//! `ReluQuantized` (`activations_common.cc`) for `RELU`.

use super::{
    bytes_touched, check_accumulator, check_zero_point, elements, expect_inputs,
    max_offset_magnitude, Activation,
};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{Requantize, TensorInfo};
use crate::quant::requantize;

/// Checks shapes and the multiplier.
pub fn check(
    index: u32,
    op: &Requantize,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    if inputs[0].shape != out.shape {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    check_zero_point(index, inputs[0].zero_point)?;
    check_zero_point(index, out.zero_point)?;
    if !op.multiplier.is_well_formed() {
        return Err(EngineError::BadQuantization { layer: index });
    }
    check_accumulator(
        index,
        max_offset_magnitude(inputs[0].zero_point),
        op.multiplier,
    )?;
    Ok(LayerCost {
        macs: elements(out),
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// The reference kernel.
pub fn run(op: &Requantize, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let zi = input.info.zero_point;
    for (o, &v) in out.iter_mut().zip(input.data) {
        let scaled = requantize(v as i32 - zi, op.multiplier);
        *o = op.clamp.apply(scaled.wrapping_add(out_info.zero_point));
    }
}
