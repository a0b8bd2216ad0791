//! `SOFTMAX`: int8 input; int8 output of scale 1/256 and zero point -128, or int16 output of
//! scale 1/65536 (within TFLite Micro's tolerance of 0.1%) and zero point -32768; constants from
//! `beta` and the input scale as TFLite's `PreprocessSoftmaxScaling`. Or int16 input and output
//! (TFLite's 16x8 mode), by tables: see `import_int16`.

use vigil_engine::model::{ElementType, Op, Softmax, Softmax16};

use super::{Ctx, ImportError, Importer};
use crate::import::quantization::{quantize_multiplier, softmax_scaling};
use crate::tflite::BuiltinOptions;

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let BuiltinOptions::Softmax(o) = cx.options else {
        return Err(cx.not_implemented());
    };
    if imp.activation_element(cx.layer_inputs[0]) == ElementType::Int16 {
        return import_int16(cx, o.beta);
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

/// `SOFTMAX` with int16 input and output: TFLite Micro's `CalculateSoftmaxParams` for int16 (the
/// input multiplier of `double(input_scale) · double(beta) / (10 / 65535)`) and
/// `InitializeLutForInt16` (two tables by `LUTPopulate<int16_t>`, in `float`).
fn import_int16(cx: &mut Ctx<'_>, beta: f32) -> Result<Op, ImportError> {
    if cx.out_info.element != ElementType::Int16 {
        return Err(cx.unsupported("an int16 input with a non-int16 output"));
    }
    // TF_LITE_ENSURE_NEAR(scale, 1/32768, 0.001/32768), in f32.
    let near = (cx.out_scale - 1.0f32 / 32768.0).abs() <= 0.001f32 * 1.0f32 / 32768.0;
    if cx.x_zp != 0 || cx.out_zp != 0 || !near {
        return Err(
            cx.unsupported("int16 softmax needs zero points 0 and an output scale of 1/32768")
        );
    }
    let range = (i16::MAX as i32 - i16::MIN as i32) as f32;
    Ok(Op::Softmax16(Softmax16 {
        input_multiplier: quantize_multiplier(cx.x_scale as f64 * beta as f64 / (10.0 / 65535.0)),
        exp_lut: lut_int16(10.0 / range, i16::MAX as i32, 2.0 / range, 0, libm::expf),
        reciprocal_lut: lut_int16(1.0 / range, i16::MIN as i32, 2.0 / range, 0, |v| {
            1.0f32 / (1.0f32 + v)
        }),
    }))
}

/// TFLite's `LUTPopulateInt16<float>`: 512 samples of `f` over the input range, each corrected
/// by half the error of linear interpolation at its midpoint, and a last sample at the top; all
/// in `f32`, rounding half away from zero (`TfLiteRound`).
pub(in crate::import) fn lut_int16(
    input_scale: f32,
    input_zero_point: i32,
    output_scale: f32,
    output_zero_point: i32,
    f: impl Fn(f32) -> f32,
) -> Vec<i16> {
    let (min, max) = (i16::MIN as i32, i16::MAX as i32);
    let input_min = input_scale * (min - input_zero_point) as f32;
    let input_max = input_scale * (max - input_zero_point) as f32;
    let output_min = output_scale * (min - output_zero_point) as f32;
    let output_max = output_scale * (max - output_zero_point) as f32;
    const STEPS: usize = 512;
    let step = (input_max - input_min) / STEPS as f32;
    let half_step = step / 2.0;
    let scaling_inv = (max - min + 1) as f32 / (output_max - output_min);
    let (table_min, table_max) = (min as f32, max as f32);
    let mut lut = Vec::with_capacity(STEPS + 1);
    for i in 0..STEPS {
        let at = input_min + i as f32 * step;
        let val = f(at);
        let val_midpoint = f(at + half_step);
        let val_next = f(input_min + (i + 1) as f32 * step);
        let sample = (val * scaling_inv).round();
        let midpoint_interp =
            ((val_next * scaling_inv + (val * scaling_inv).round()) / 2.0).round();
        let midpoint = (val_midpoint * scaling_inv).round();
        let bias = ((midpoint_interp - midpoint) / 2.0).round();
        lut.push((sample - bias).max(table_min).min(table_max) as i16);
    }
    lut.push(
        (f(input_max) * scaling_inv)
            .round()
            .max(table_min)
            .min(table_max) as i16,
    );
    lut
}
