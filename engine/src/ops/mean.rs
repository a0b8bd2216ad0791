//! `MEAN` over a set of axes, as TFLite Micro's int8 reduction.
//!
//! With `n` the number of elements averaged and `sum` the sum of the raw int8 values:
//!
//! ```text
//! same scale and zero point:  out = trunc(sum / n)
//! otherwise:                  out = clamp(requantize(sum − zi · n, M') + zo)
//! ```
//!
//! where `M'` folds `1/n` into `input_scale / output_scale`: from that ratio's multiplier
//! `(m, s)`, with `k = min(floor(log2 n), 32, 31 + s)`, `M' = (⌊m · 2^k / n⌋, s − k)`. The
//! importer derives `M'`; the engine checks only that it is well formed.
//!
//! Mirrors TFLite Micro's `EvalIntegerMean` in `reduce_common.cc`, which calls
//! `reference_ops::QuantizedMeanOrSum` whatever the quantization; the importer always gives `M'`.
//! The truncating form (no rescale) is older TFLite Micro's `reference_ops::Mean` for a kept
//! quantization, still accepted so that models imported before keep their meaning.

use alloc::vec;

use super::{
    bytes_touched, check_accumulator, check_zero_point, elements, expect_inputs, Activation,
};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::limits::MAX_RANK;
use crate::model::{Mean, TensorInfo};
use crate::quant::{requantize, Clamp};

/// Checks axes, shapes and the accumulator bound.
pub fn check(
    index: u32,
    mean: &Mean,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let input = inputs[0];
    let mismatch = EngineError::ShapeMismatch { layer: index };
    let rank = input.shape.len();
    let increasing = mean.axes.windows(2).all(|w| w[0] < w[1]);
    if mean.axes.is_empty() || !increasing || mean.axes.iter().any(|&a| a as usize >= rank) {
        return Err(mismatch);
    }
    let count: u64 = mean
        .axes
        .iter()
        .map(|&a| input.shape[a as usize] as u64)
        .product();
    if elements(input) / count != elements(out) {
        return Err(mismatch);
    }
    check_zero_point(index, input.zero_point)?;
    check_zero_point(index, out.zero_point)?;
    match mean.rescale {
        None if input.zero_point != out.zero_point => {
            return Err(EngineError::BadQuantization { layer: index })
        }
        None => check_accumulator(
            index,
            128 * count,
            crate::quant::Multiplier {
                multiplier: 0,
                shift: 0,
            },
        )?,
        Some(m) => {
            if !m.is_well_formed() {
                return Err(EngineError::BadQuantization { layer: index });
            }
            check_accumulator(
                index,
                super::max_offset_magnitude(input.zero_point) * count,
                m,
            )?;
        }
    }
    Ok(LayerCost {
        macs: elements(input),
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// The reference kernel.
pub fn run(mean: &Mean, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let shape = &input.info.shape;
    let rank = shape.len();
    let reduced = |axis: usize| mean.axes.contains(&(axis as u32));
    // Strides into the output for each input axis: zero along reduced axes.
    let mut out_strides = [0usize; MAX_RANK];
    let mut stride = 1;
    for axis in (0..rank).rev() {
        if !reduced(axis) {
            out_strides[axis] = stride;
            stride *= shape[axis] as usize;
        }
    }
    let mut sums = vec![0i32; out.len()];
    let mut counter = [0u32; MAX_RANK];
    let mut o = 0usize;
    for &v in input.data {
        sums[o] = sums[o].wrapping_add(v as i32);
        for axis in (0..rank).rev() {
            counter[axis] += 1;
            o += out_strides[axis];
            if counter[axis] < shape[axis] {
                break;
            }
            o -= out_strides[axis] * shape[axis] as usize;
            counter[axis] = 0;
        }
    }
    let count = (input.data.len() / out.len().max(1)) as i32;
    for (o, &sum) in out.iter_mut().zip(&sums) {
        *o = match mean.rescale {
            None => Clamp::FULL.apply(sum / count),
            Some(m) => {
                let centred = sum.wrapping_sub(input.info.zero_point.wrapping_mul(count));
                Clamp::FULL.apply(requantize(centred, m).wrapping_add(out_info.zero_point))
            }
        };
    }
}
