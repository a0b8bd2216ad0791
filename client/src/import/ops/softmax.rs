//! `SOFTMAX`: int8 input; int8 output of scale 1/256 and zero point -128, or int16 output of
//! scale 1/65536 (within TFLite Micro's tolerance of 0.1%) and zero point -32768; constants from
//! `beta` and the input scale as TFLite's `PreprocessSoftmaxScaling`.

use vigil_engine::model::{ElementType, Op, Softmax};

use super::{Ctx, ImportError, Importer};
use crate::import::quantization::softmax_scaling;
use crate::tflite::BuiltinOptions;

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let BuiltinOptions::Softmax(o) = cx.options else {
        return Err(cx.not_implemented());
    };
    if imp.activation_element(cx.layer_inputs[0]) != ElementType::Int8 {
        return Err(cx.unsupported("int16 input (TFLite's lookup-table softmax)"));
    }
    match cx.out_info.element {
        ElementType::Int8 => {
            if cx.out_zp != -128 || cx.out_scale != 1.0 / 256.0 {
                return Err(cx.unsupported("int8 output must have scale 1/256 and zero point -128"));
            }
        }
        _ => {
            // TF_LITE_ENSURE_NEAR(scale, 1/65536, 0.001/65536), in f32.
            let near = (cx.out_scale - 1.0f32 / 65536.0).abs() <= 0.001f32 * 1.0f32 / 65536.0;
            if cx.out_zp != -32768 || !near {
                return Err(
                    cx.unsupported("int16 output must have scale 1/65536 and zero point -32768")
                );
            }
        }
    }
    let (input_multiplier, diff_min) = softmax_scaling(o.beta as f64, cx.x_scale as f64);
    Ok(Op::Softmax(Softmax {
        input_multiplier,
        diff_min,
    }))
}
