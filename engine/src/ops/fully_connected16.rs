//! `FULLY_CONNECTED` in TFLite's 16x8 mode: int16 activations, int8 weights, int64 bias.
//!
//! ```text
//! acc[b, u] = bias[u] + Σ_d w[u, d] · (x[b, d] − zi)            in i64
//! out[b, u] = clamp(requantize_wide(acc, M_u) + zo, min, max)    M_u = si · sw_u / so
//! ```
//!
//! The accumulator is 64 bits wide, and it is rescaled by [`requantize_wide`], TFLite's
//! `MultiplyByQuantizedMultiplier` for `int64_t`, which rounds once with a 16-bit significand
//! (not the double rounding of the int8 kernels).
//!
//! Mirrors `reference_integer_ops::FullyConnected` and `FullyConnectedPerChannel`
//! (`integer_ops/fully_connected.h`) with `InputType = int16_t`, `BiasType = int64_t`, as
//! TFLite Micro's `fully_connected.cc` calls them for an int16 input with an int64 bias.

use super::element::{self, max_offset, zero_point_fits};
use super::{
    bytes_touched, check_multipliers, elements, expect_inputs, multiplier_for, Activation,
};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{ElementType, FullyConnected16, TensorInfo};
use crate::quant::{requantize_wide, Multiplier, MAX_WIDE_SHIFT, WIDE_INPUT_BITS};

/// Checks shapes, types, multipliers, and that the accumulator and its rescaled value stay
/// within the bounds `requantize_wide` is specified for.
pub fn check(
    index: u32,
    fc: &FullyConnected16,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let input = inputs[0];
    if input.element != ElementType::Int16 || out.element != ElementType::Int16 {
        return Err(EngineError::BadElementType { layer: index });
    }
    let shape = || EngineError::ShapeMismatch { layer: index };
    let (units, depth) = (fc.units as u64, fc.depth as u64);
    let last = |t: &TensorInfo| t.shape.last().copied().unwrap_or(0) as u64;
    if units == 0
        || depth == 0
        || last(input) != depth
        || last(out) != units
        || elements(input) / depth != elements(out) / units
        || fc.weights.len() as u64 != units * depth
        || !(fc.bias.is_empty() || fc.bias.len() as u64 == units)
    {
        return Err(shape());
    }
    check_multipliers(index, &fc.output_multipliers, units)?;
    let quantization_ok = zero_point_fits(ElementType::Int16, input.zero_point)
        && zero_point_fits(ElementType::Int16, out.zero_point)
        && fc.min <= fc.max
        && fc
            .output_multipliers
            .iter()
            .all(|m| m.shift <= MAX_WIDE_SHIFT);
    if !quantization_ok {
        return Err(EngineError::BadQuantization { layer: index });
    }
    let x_max = max_offset(ElementType::Int16, input.zero_point) as u128;
    for (u, row) in fc.weights.chunks_exact(depth as usize).enumerate() {
        let bias = fc.bias.get(u).map_or(0, |b| b.unsigned_abs()) as u128;
        let bound = row
            .iter()
            .map(|&w| (w as i64).unsigned_abs() as u128)
            .sum::<u128>()
            * x_max
            + bias;
        let m = multiplier_for(&fc.output_multipliers, u);
        if bound >= 1u128 << WIDE_INPUT_BITS || !rescaled_fits(bound, m) {
            return Err(EngineError::AccumulatorOverflow { layer: index });
        }
    }
    Ok(LayerCost {
        macs: elements(out) * depth,
        bytes: bytes_touched(
            inputs,
            fc.weights.len() as u64 + 8 * fc.bias.len() as u64,
            out,
        ),
    })
}

/// Whether `requantize_wide` of any accumulator of magnitude at most `bound` fits in `i32`, with
/// room for the output zero point.
pub(crate) fn rescaled_fits(bound: u128, m: Multiplier) -> bool {
    let reduced: u128 = if m.multiplier < 0x7FFF_0000 {
        ((m.multiplier.max(0) as u128) + (1 << 15)) >> 16
    } else {
        0x7FFF
    };
    let total_shift = (15 - m.shift).clamp(1, 63) as u32;
    let largest = (bound * reduced + (1u128 << (total_shift - 1))) >> total_shift;
    largest < 1u128 << 30
}

/// The reference kernel.
pub fn run(fc: &FullyConnected16, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let depth = fc.depth as usize;
    let units = fc.units as usize;
    let zi = input.info.zero_point;
    let zo = out_info.zero_point;
    let batches = elements(out_info) as usize / units;
    for b in 0..batches {
        for u in 0..units {
            let row = &fc.weights[u * depth..(u + 1) * depth];
            let mut acc: i64 = 0;
            for (d, &w) in row.iter().enumerate() {
                let x = element::get(input.data, ElementType::Int16, b * depth + d);
                acc = acc.wrapping_add((w as i32 * (x - zi)) as i64);
            }
            acc = acc.wrapping_add(fc.bias.get(u).copied().unwrap_or(0));
            let scaled = requantize_wide(acc, multiplier_for(&fc.output_multipliers, u))
                .wrapping_add(zo)
                .clamp(fc.min as i32, fc.max as i32);
            element::put(out, ElementType::Int16, b * units + u, scaled);
        }
    }
}
