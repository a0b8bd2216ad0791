//! `SVDF`: a singular-value-decomposition filter over time, as keyword-spotting models use it.
//!
//! Each of the `filters` filters has a feature vector (a row of `weights_feature`) and a time
//! vector of `memory` taps (a row of `weights_time`). The layer keeps an *activation state* of
//! `memory` values per batch row and filter: on each invoke the state moves one step back in
//! time, the newest column receives the feature products of the input, and each filter's output
//! is the dot product of its time vector with its state row; the `rank` filters of each output
//! unit are summed with the unit's bias and rescaled:
//!
//! ```text
//! state[b, f, m]   = state[b, f, m + 1]                                   m < memory − 1
//! state[b, f, M−1] = wrap(zs + clamp_T(requantize(Σ_c wf[f, c] · (x[b, c] − zi), M1)))
//! s[b, f]          = Σ_m wt[f, m] · (state[b, f, m] − zs)
//! out[b, u]        = clamp_int8(requantize(bias[u] + Σ_r s[b, u·rank + r], M2) + zo)
//! ```
//!
//! with `T` the state's type (int16, or int8), `zs` its zero point, `M1 = input_scale ·
//! feature_scale / state_scale` and `M2 = state_scale · time_scale / output_scale`. The fused
//! activation is not applied, as in TFLite Micro's integer kernel.
//!
//! **The state.** In TFLite the state is a variable tensor of the model, kept between invokes.
//! Here it is a buffer of the layer's own for the length of one run, and every run starts from
//! the state an interpreter has when it is first allocated or reset: every element zero (int16),
//! or the zero point (int8, which TFLite Micro's `ResetVariableTensors` writes). So a run is
//! exactly one invoke of a fresh interpreter, and the layer's output depends on its input alone,
//! which is what a trace entry and a dispute need. Streaming over many invokes is not modelled.
//!
//! **Overflow.** The validator proves from the weights and the starting state that neither the
//! feature products nor any filter's time products overflow `i32`. The bias plus the `rank`
//! time sums of a unit is taken modulo 2^32: TFLite Micro adds them in `int32_t`, which is
//! undefined in C++ on overflow but wraps on every machine it runs on, and real models reach it
//! (tflite-micro's keyword model has biases near 2^31); the goldens check the wrapped sums.
//!
//! Mirrors `EvalIntegerSvdfReference` in TFLite Micro's `svdf_common.cc`
//! (`EvalInt16SvdfReference` for an int16 state, `EvalInt8SvdfReference` for an int8 one), with
//! the constants of `PrepareSvdf`.

use alloc::vec;

use super::element::{max_offset, zero_point_fits};
use super::{
    bias_for, bytes_touched, check_accumulator, check_zero_point, dims, expect_inputs,
    max_offset_magnitude, Activation,
};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::limits::MAX_ELEMENTS;
use crate::model::{ElementType, Svdf, TensorInfo};
use crate::quant::requantize;

/// The value every element of the state holds at the start of a run.
fn initial_state(op: &Svdf) -> i32 {
    match op.state_element {
        ElementType::Int8 => op.state_zero_point,
        _ => 0,
    }
}

/// `value` written into a state element of type `ty`: its low bits, as the C++ assignment to
/// `int8_t` or `int16_t` keeps them.
fn wrap(value: i32, ty: ElementType) -> i32 {
    match ty {
        ElementType::Int8 => value as i8 as i32,
        ElementType::Int16 => value as i16 as i32,
        ElementType::Int32 | ElementType::Bool => value,
    }
}

/// Checks shapes, types, constants and that no sum can overflow.
pub fn check(
    index: u32,
    op: &Svdf,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let input = inputs[0];
    let state_type_ok = matches!(op.state_element, ElementType::Int8 | ElementType::Int16);
    if input.element != ElementType::Int8 || out.element != ElementType::Int8 || !state_type_ok {
        return Err(EngineError::BadElementType { layer: index });
    }
    let shape = || EngineError::ShapeMismatch { layer: index };
    let [batch, input_size] = dims::<2>(index, input)?;
    let [out_batch, units] = dims::<2>(index, out)?;
    let (rank, filters, memory) = (op.rank as u64, op.filters as u64, op.memory as u64);
    if rank == 0 || memory == 0 || out_batch != batch || units.checked_mul(rank) != Some(filters) {
        return Err(shape());
    }
    if op.weights_feature.len() as u64 != filters * input_size
        || Some(op.weights_time.len() as u64) != filters.checked_mul(memory)
        || !(op.bias.is_empty() || op.bias.len() as u64 == units)
        || batch
            .checked_mul(filters * memory)
            .is_none_or(|n| n > MAX_ELEMENTS)
    {
        return Err(shape());
    }
    let ty = op.state_element;
    if op
        .weights_time
        .iter()
        .any(|&w| !zero_point_fits(ty, w as i32))
    {
        return Err(EngineError::BadElementType { layer: index });
    }
    check_zero_point(index, input.zero_point)?;
    check_zero_point(index, out.zero_point)?;
    let quantization_ok = zero_point_fits(ty, op.state_zero_point)
        && op.feature_multiplier.is_well_formed()
        && op.output_multiplier.is_well_formed();
    if !quantization_ok {
        return Err(EngineError::BadQuantization { layer: index });
    }
    // Feature products: Σ_c |wf| · |x − zi| per filter, before the left shift of M1.
    let x_max = max_offset_magnitude(input.zero_point);
    let input_size = input_size as usize;
    let feature_bound = op
        .weights_feature
        .chunks(input_size.max(1))
        .map(|row| row.iter().map(|&w| (w as i64).unsigned_abs()).sum::<u64>() * x_max)
        .max()
        .unwrap_or(0);
    check_accumulator(index, feature_bound, op.feature_multiplier)?;
    // Time products from the state a run sees: the starting value in every column but the
    // newest, any value of the type in the newest.
    let old = (initial_state(op) as i64 - op.state_zero_point as i64).unsigned_abs();
    let new = max_offset(ty, op.state_zero_point);
    let memory = memory as usize;
    let mut time_bounds = vec![0u64; filters as usize];
    for (bound, taps) in time_bounds.iter_mut().zip(op.weights_time.chunks(memory)) {
        let (newest, older) = taps.split_last().map_or((0, &[][..]), |(n, o)| (*n, o));
        *bound = older
            .iter()
            .map(|&w| (w as i64).unsigned_abs() * old)
            .sum::<u64>()
            + (newest as i64).unsigned_abs() * new;
        if *bound > i32::MAX as u64 {
            return Err(EngineError::AccumulatorOverflow { layer: index });
        }
    }
    // The reduction: the bias plus `rank` time sums, modulo 2^32 (see the module docs), so
    // any i32 may reach the rescaling; its left shift, if any, must not overflow.
    let reduced_bound = time_bounds
        .chunks(rank as usize)
        .enumerate()
        .map(|(u, sums)| (bias_for(&op.bias, u) as i64).unsigned_abs() + sums.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    if op.output_multiplier.left_shift() > 0 {
        check_accumulator(index, reduced_bound, op.output_multiplier)?;
    }
    let constants = op.weights_feature.len() as u64
        + 2 * op.weights_time.len() as u64
        + 4 * op.bias.len() as u64;
    Ok(LayerCost {
        macs: batch * filters * (input_size as u64 + memory as u64 + 1),
        bytes: bytes_touched(inputs, constants, out),
    })
}

/// The reference kernel.
pub fn run(op: &Svdf, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let batch = input.info.shape[0] as usize;
    let input_size = input.info.shape[1] as usize;
    let (rank, filters, memory) = (op.rank as usize, op.filters as usize, op.memory as usize);
    let units = filters / rank;
    let ty = op.state_element;
    let zs = op.state_zero_point;
    let zi = input.info.zero_point;

    // The state as a fresh interpreter holds it, moved one step back in time (the whole buffer
    // one element to the left, as the reference does; the last element keeps its value).
    let mut state = vec![initial_state(op); batch * filters * memory];
    state.copy_within(1.., 0);

    // Feature products into the newest column.
    for b in 0..batch {
        let x = &input.data[b * input_size..(b + 1) * input_size];
        for (f, weights) in op.weights_feature.chunks_exact(input_size).enumerate() {
            let dot = weights.iter().zip(x).fold(0i32, |acc, (&w, &v)| {
                acc.wrapping_add(w as i32 * (v as i32 - zi))
            });
            let scaled = requantize(dot, op.feature_multiplier).clamp(ty.min(), ty.max());
            state[(b * filters + f) * memory + memory - 1] = wrap(zs.wrapping_add(scaled), ty);
        }
    }

    // Time products, reduced over each unit's `rank` filters, rescaled.
    for b in 0..batch {
        for u in 0..units {
            let mut acc = bias_for(&op.bias, u);
            for f in u * rank..(u + 1) * rank {
                let row = &state[(b * filters + f) * memory..(b * filters + f + 1) * memory];
                let taps = &op.weights_time[f * memory..(f + 1) * memory];
                let sum = taps.iter().zip(row).fold(0i32, |acc, (&w, &s)| {
                    acc.wrapping_add((w as i32).wrapping_mul(s.wrapping_sub(zs)))
                });
                acc = acc.wrapping_add(sum);
            }
            let scaled = requantize(acc, op.output_multiplier).wrapping_add(out_info.zero_point);
            out[b * units + u] = scaled.clamp(-128, 127) as i8;
        }
    }
}
