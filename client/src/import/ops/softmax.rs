//! `SOFTMAX`: int8 output of scale 1/256 and zero point -128, constants from `beta` and the
//! input scale as TFLite's `PreprocessSoftmaxScaling`.

use vigil_engine::model::{Op, Softmax};

use super::{Ctx, ImportError};
use crate::import::quantization::softmax_scaling;
use crate::tflite::BuiltinOptions;

pub(in crate::import) fn import(cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let BuiltinOptions::Softmax(o) = cx.options else {
        return Err(cx.not_implemented());
    };
    if cx.out_zp != -128 || cx.out_scale != 1.0 / 256.0 {
        return Err(cx.unsupported("int8 output must have scale 1/256 and zero point -128"));
    }
    let (input_multiplier, diff_min) = softmax_scaling(o.beta as f64, cx.x_scale as f64);
    Ok(Op::Softmax(Softmax {
        input_multiplier,
        diff_min,
    }))
}
