//! `MUL`, `MAXIMUM` and `MINIMUM` of two activations.

use vigil_engine::model::{Mul, Op};

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
    let (y_scale, _) = cx.quantization_of(imp, y)?;
    Ok(Op::Mul(Mul {
        multiplier: quantize_multiplier(cx.x_scale as f64 * y_scale as f64 / cx.out_scale as f64),
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
