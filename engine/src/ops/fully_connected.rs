//! `FULLY_CONNECTED`: every output unit is a dot product of the input row with a weight row.
//!
//! ```text
//! out[b, u] = clamp(requantize(Σ_d (w[u, d] − zw) · (x[b, d] − zx) + bias[u], M[u]) + zo)
//! ```
//!
//! The input is read as `[batches, depth]` whatever its rank (TFLite flattens it the same way),
//! with `batches = elements(output) / units`.
//!
//! Mirrors `reference_integer_ops::FullyConnected` (per-tensor) and
//! `reference_integer_ops::FullyConnectedPerChannel`.

use super::{
    bias_for, bytes_touched, check_accumulator, check_bias, check_multipliers, check_zero_point,
    elements, expect_inputs, max_offset_magnitude, multiplier_for, Activation,
};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{FullyConnected, TensorInfo};

/// Checks shapes, quantization and the accumulator bound of each unit.
pub fn check(
    index: u32,
    fc: &FullyConnected,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let input = inputs[0];
    let mismatch = EngineError::ShapeMismatch { layer: index };
    let (units, depth) = (fc.units as u64, fc.depth as u64);
    if units == 0 || depth == 0 || fc.weights.len() as u64 != units * depth {
        return Err(mismatch);
    }
    if out.shape.last().copied().map(u64::from) != Some(units) {
        return Err(mismatch);
    }
    let batches = elements(out) / units;
    if elements(input) != batches * depth {
        return Err(mismatch);
    }
    check_bias(index, &fc.bias, units)?;
    check_multipliers(index, &fc.output_multipliers, units)?;
    check_zero_point(index, input.zero_point)?;
    check_zero_point(index, out.zero_point)?;
    if !(-255..=255).contains(&fc.weights_zero_point) {
        return Err(EngineError::BadQuantization { layer: index });
    }
    let input_magnitude = max_offset_magnitude(input.zero_point);
    for (u, row) in fc.weights.chunks_exact(depth as usize).enumerate() {
        let weight_sum: u64 = row
            .iter()
            .map(|&w| (w as i64 - fc.weights_zero_point as i64).unsigned_abs())
            .sum();
        let bound = weight_sum * input_magnitude + (bias_for(&fc.bias, u) as i64).unsigned_abs();
        check_accumulator(index, bound, multiplier_for(&fc.output_multipliers, u))?;
    }
    Ok(LayerCost {
        macs: batches * units * depth,
        bytes: bytes_touched(
            inputs,
            fc.weights.len() as u64 + 4 * fc.bias.len() as u64,
            out,
        ),
    })
}

/// The reference kernel.
pub fn run(fc: &FullyConnected, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let depth = fc.depth as usize;
    let units = fc.units as usize;
    let input_offset = -input.info.zero_point;
    let weights_offset = -fc.weights_zero_point;
    let finish = super::ChannelOutput {
        bias: &fc.bias,
        multipliers: &fc.output_multipliers,
        clamp: fc.clamp,
        zero_point: out_info.zero_point,
    };
    for (row, out_row) in input
        .data
        .chunks_exact(depth)
        .zip(out.chunks_exact_mut(units))
    {
        for (u, (weights, o)) in fc
            .weights
            .chunks_exact(depth)
            .zip(out_row.iter_mut())
            .enumerate()
        {
            let mut acc: i32 = 0;
            for (&w, &x) in weights.iter().zip(row) {
                acc = acc.wrapping_add((w as i32 + weights_offset) * (x as i32 + input_offset));
            }
            *o = finish.finish(acc, u);
        }
    }
}
