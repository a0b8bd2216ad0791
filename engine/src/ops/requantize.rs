//! `QUANTIZE` between integer types (the same real values under another scale, zero point and
//! perhaps element type), and a standalone `RELU`, which is int8 to int8 with ReLU's output
//! range.
//!
//! ```text
//! out = clamp(requantize(in − zi, M) + zo)      M = input_scale / output_scale
//! ```
//!
//! clamped to the output type's range (for an int8 output, to the layer's [`Clamp`], the whole
//! range or ReLU's). The pairs of types are TFLite Micro's (`quantize_common.cc`): int8 to int8,
//! int16 or int32, and int16 to int8, int16 or int32. An int32 output adds the zero point with
//! wrapping, where C++ would overflow; the bound the validator proves keeps `requantize`'s own
//! result within `i32`.
//!
//! Mirrors `reference_ops::Requantize` (`requantize.h`, `QUANTIZE`) and TFLite Micro's
//! `ReluQuantized` (`activations_common.cc`) for `RELU`.
//!
//! [`Clamp`]: crate::quant::Clamp

use super::element::{self, max_offset, zero_point_fits};
use super::{bytes_touched, check_accumulator, elements, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{ElementType, Requantize, TensorInfo};
use crate::quant::{requantize, Clamp};

/// Whether TFLite Micro's `QUANTIZE` converts `from` to `to`.
fn converts(from: ElementType, to: ElementType) -> bool {
    use ElementType::*;
    matches!(
        (from, to),
        (Int8, Int8)
            | (Int8, Int16)
            | (Int8, Int32)
            | (Int16, Int8)
            | (Int16, Int16)
            | (Int16, Int32)
    )
}

/// Checks shapes, the pair of types and the multiplier.
pub fn check(
    index: u32,
    op: &Requantize,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let input = inputs[0];
    if input.shape != out.shape {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    // A clamp narrower than the type is RELU's, which TFLite has for int8 only.
    if !converts(input.element, out.element)
        || (out.element != ElementType::Int8 && op.clamp != Clamp::FULL)
    {
        return Err(EngineError::BadElementType { layer: index });
    }
    if !zero_point_fits(input.element, input.zero_point)
        || !zero_point_fits(out.element, out.zero_point)
        || !op.multiplier.is_well_formed()
    {
        return Err(EngineError::BadQuantization { layer: index });
    }
    check_accumulator(
        index,
        max_offset(input.element, input.zero_point),
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
    let (from, to) = (input.info.element, out_info.element);
    if from == ElementType::Int8 && to == ElementType::Int8 {
        for (o, &v) in out.iter_mut().zip(input.data) {
            let scaled = requantize(v as i32 - zi, op.multiplier);
            *o = op.clamp.apply(scaled.wrapping_add(out_info.zero_point));
        }
        return;
    }
    for i in 0..elements(out_info) as usize {
        let v = element::get(input.data, from, i);
        let scaled = requantize(v - zi, op.multiplier).wrapping_add(out_info.zero_point);
        let clamped = if to == ElementType::Int8 {
            op.clamp.apply(scaled) as i32
        } else {
            element::saturate(scaled, to)
        };
        element::put(out, to, i, clamped);
    }
}
