//! `MUL`, `MAXIMUM` and `MINIMUM` of two activations (`MUL` also of two int16 ones, 16x8).

use vigil_engine::model::{ElementType, Mul, Mul16, Op};

use super::{scale_and_zero_point, Ctx, ImportError, Importer};
use crate::import::quantization::quantize_multiplier;
use crate::tflite::{self, BuiltinOp, BuiltinOptions};

/// `MUL`: one multiplier `scale1 · scale2 / output_scale`.
pub(in crate::import) fn import_mul(
    imp: &Importer<'_>,
    cx: &mut Ctx<'_>,
) -> Result<Op, ImportError> {
    let activation = match cx.options {
        BuiltinOptions::Mul(o) => o.fused_activation,
        _ => tflite::Activation::None,
    };
    let y = cx.push_activation(imp, 1)?;
    let (y_scale, y_zp) = cx.quantization_of(imp, y)?;
    let multiplier = quantize_multiplier(cx.x_scale as f64 * y_scale as f64 / cx.out_scale as f64);
    if cx.int16_input(imp) {
        // 16x8: two int16 inputs and an int16 output, zero points 0 (TFLite Micro's MulPrepare).
        if imp.activation_element(cx.layer_inputs[1]) != ElementType::Int16 {
            return Err(cx.unsupported("an int16 input with a non-int16 input"));
        }
        cx.symmetric16()?;
        if y_zp != 0 {
            return Err(cx.unsupported("16x8 activations with a non-zero zero point"));
        }
        let (min, max) = cx.range16(activation)?;
        return Ok(Op::Mul16(Mul16 {
            multiplier,
            min,
            max,
        }));
    }
    Ok(Op::Mul(Mul {
        multiplier,
        clamp: cx.clamp_for(activation)?,
    }))
}

/// `MAXIMUM` and `MINIMUM`: inputs and output share scale and zero point.
pub(in crate::import) fn import_extremum(
    imp: &Importer<'_>,
    cx: &mut Ctx<'_>,
) -> Result<Op, ImportError> {
    let y = cx.push_activation(imp, 1)?;
    for t in [cx.x, y] {
        if scale_and_zero_point(&imp.tensors[t]) != Some((cx.out_scale, cx.out_zp)) {
            return Err(cx.unsupported("inputs must share the output's quantization"));
        }
    }
    Ok(if cx.op == BuiltinOp::MAXIMUM {
        Op::Maximum
    } else {
        Op::Minimum
    })
}
