//! `MUL`, `MAXIMUM` and `MINIMUM` of two activations, with numpy-style broadcasting.
//!
//! ```text
//! mul: out = clamp(requantize((a − za) · (b − zb), M) + zo)      M = sa · sb / so
//! max: out = max(a, b)       min: out = min(a, b)     (inputs and output share quantization)
//! ```
//!
//! Mirrors `reference_integer_ops::Mul` / `reference_integer_ops::BroadcastMul4DSlow` (`MUL`, for
//! int8 and, in 16x8 mode with zero points 0, for int16) and
//! `reference_ops::MaximumMinimumBroadcastSlow` (`MAXIMUM`, `MINIMUM`).

use super::broadcast::{broadcasts, walk, walk_typed};
use super::{
    bytes_touched, check_accumulator, check_zero_point, elements, expect_inputs,
    max_offset_magnitude, Activation,
};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{ElementType, Mul, Mul16, TensorInfo};
use crate::quant::requantize;

fn check_shapes(
    index: u32,
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
    Ok(LayerCost {
        macs: elements(out),
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// Checks broadcasting and that the product survives the multiplier's left shift.
pub fn check_mul(
    index: u32,
    mul: &Mul,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    let cost = check_shapes(index, inputs, out)?;
    if !mul.multiplier.is_well_formed() {
        return Err(EngineError::BadQuantization { layer: index });
    }
    let bound =
        max_offset_magnitude(inputs[0].zero_point) * max_offset_magnitude(inputs[1].zero_point);
    check_accumulator(index, bound, mul.multiplier)?;
    Ok(cost)
}

/// Checks broadcasting and that inputs and output share the zero point.
pub fn check_extremum(
    index: u32,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    let cost = check_shapes(index, inputs, out)?;
    if inputs.iter().any(|i| i.zero_point != out.zero_point) {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(cost)
}

/// The `MUL` reference kernel.
pub fn run_mul(
    mul: &Mul,
    a: Activation<'_>,
    b: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
) {
    let (za, zb) = (a.info.zero_point, b.info.zero_point);
    walk(
        a,
        b,
        out_info,
        |x, y| {
            let product = (x as i32 - za) * (y as i32 - zb);
            mul.clamp
                .apply(requantize(product, mul.multiplier).wrapping_add(out_info.zero_point))
        },
        out,
    );
}

/// The `MAXIMUM` (`max` true) and `MINIMUM` reference kernel.
pub fn run_extremum(
    max: bool,
    a: Activation<'_>,
    b: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
) {
    walk(
        a,
        b,
        out_info,
        |x, y| if max { x.max(y) } else { x.min(y) },
        out,
    );
}

/// Checks an int16 `MUL`: types, broadcasting, zero points 0 (as TFLite Micro requires), and that
/// the product of two int16 values survives the multiplier's left shift.
pub fn check_mul16(
    index: u32,
    mul: &Mul16,
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
    let zero = inputs.iter().chain([&out]).all(|t| t.zero_point == 0);
    if !zero || !mul.multiplier.is_well_formed() || mul.min > mul.max {
        return Err(EngineError::BadQuantization { layer: index });
    }
    check_accumulator(index, 1 << 30, mul.multiplier)?;
    Ok(LayerCost {
        macs: elements(out),
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// The reference kernel of an int16 `MUL`.
pub fn run_mul16(
    mul: &Mul16,
    a: Activation<'_>,
    b: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
) {
    walk_typed(
        a,
        b,
        out_info,
        |x, y| requantize(x * y, mul.multiplier).clamp(mul.min as i32, mul.max as i32),
        out,
    );
}
