//! Activations as layers of their own: `RELU`, `RELU6`, `LEAKY_RELU`, `LOGISTIC`, `TANH`.

use vigil_engine::model::{Clamp, LeakyRelu, Op, Requantize};

use super::{Ctx, ImportError};
use crate::import::quantization::{quantize_multiplier, smooth_activation};
use crate::tflite::{BuiltinOp, BuiltinOptions};

/// `RELU`: a requantization clamped at the output's zero.
pub(in crate::import) fn import_relu(cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    Ok(Op::Requantize(Requantize {
        multiplier: quantize_multiplier(cx.x_scale as f64 / cx.out_scale as f64),
        clamp: Clamp {
            min: cx.out_zp.max(-128) as i8,
            max: 127,
        },
    }))
}

/// `RELU6`: TFLite Micro clamps the raw input in the input's own quantization.
pub(in crate::import) fn import_relu6(cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let six = (cx.x_zp + (6.0f32 / cx.x_scale).round() as i32).clamp(-128, 127);
    let min = cx.x_zp.clamp(-128, 127);
    Ok(Op::Clamp(Clamp {
        min: min as i8,
        max: six.max(min) as i8,
    }))
}

/// `LEAKY_RELU`: one multiplier for non-negative inputs, one for negative ones.
pub(in crate::import) fn import_leaky_relu(cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let alpha = match cx.options {
        BuiltinOptions::LeakyRelu(o) => o.alpha,
        _ => 0.0,
    };
    let alpha_real = (cx.x_scale * alpha / cx.out_scale) as f64;
    if alpha_real < 0.0 {
        return Err(cx.unsupported("negative alpha"));
    }
    Ok(Op::LeakyRelu(LeakyRelu {
        identity_multiplier: quantize_multiplier((cx.x_scale / cx.out_scale) as f64),
        alpha_multiplier: quantize_multiplier(alpha_real),
    }))
}

/// `LOGISTIC` and `TANH`: fixed output quantization, the input scaled to Q4.27.
pub(in crate::import) fn import_smooth(cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let logistic = cx.op == BuiltinOp::LOGISTIC;
    let (want_scale, want_zp) = if logistic {
        (1.0 / 256.0, -128)
    } else {
        (1.0 / 128.0, 0)
    };
    if cx.out_scale != want_scale || cx.out_zp != want_zp {
        return Err(cx.unsupported(format!(
            "int8 output must have scale {want_scale} and zero point {want_zp}"
        )));
    }
    let op = smooth_activation(cx.x_scale)
        .ok_or_else(|| cx.unsupported(format!("input scale {} out of range", cx.x_scale)))?;
    Ok(if logistic {
        Op::Logistic(op)
    } else {
        Op::Tanh(op)
    })
}
