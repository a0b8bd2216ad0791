//! `FULLY_CONNECTED`: int8 weights `[units, depth]`; an int8 input with an optional int32
//! bias, or (TFLite's 16x8 mode) an int16 input with an optional int64 bias.

use vigil_engine::model::{ElementType, FullyConnected, FullyConnected16, Op};

use super::{Ctx, ImportError, Importer};
use crate::import::quantization::quantize_multiplier;
use crate::tflite::{self, BuiltinOptions};

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let activation = match cx.options {
        BuiltinOptions::FullyConnected(o) => {
            if o.weights_format != tflite::WeightsFormat::Default {
                return Err(cx.unsupported("shuffled weights"));
            }
            o.fused_activation
        }
        _ => tflite::Activation::None,
    };
    let w = cx.input(1)?;
    let w_shape = imp.static_shape(w, "fully connected weights")?;
    if w_shape.len() != 2 {
        return Err(cx.invalid(format!("weights of rank {}", w_shape.len())));
    }
    let (units, depth) = (w_shape[0], w_shape[1]);
    let weights = imp.int8_constant(w, &cx.what("weights"))?;
    let q = imp.tensors[w].quantization.as_ref();
    let scales = q.map(|q| q.scale.clone()).unwrap_or_default();
    let weights_zero_point = q.and_then(|q| q.zero_point.first().copied()).unwrap_or(0) as i32;
    let output_multipliers = if scales.len() > 1 {
        cx.per_channel(&scales)
    } else {
        let scale = *scales
            .first()
            .ok_or_else(|| ImportError::Invalid("unquantized weights".into()))?;
        // TFLite's `GetQuantizedConvolutionMultipler`, which TFLite Micro's fully connected
        // prepare calls: the two scales are multiplied in single precision, then divided in
        // double (a convolution's `PopulateConvolutionQuantizationParams` multiplies in double).
        vec![quantize_multiplier(
            (cx.x_scale * scale) as f64 / cx.out_scale as f64,
        )]
    };
    if imp.activation_element(cx.layer_inputs[0]) == ElementType::Int16 {
        if cx.out_info.element != ElementType::Int16 {
            return Err(cx.unsupported("an int16 input with a non-int16 output"));
        }
        if weights_zero_point != 0 {
            return Err(cx.unsupported("16x8 weights with a non-zero zero point"));
        }
        let bias = cx.bias64(imp, 2, units as usize)?;
        let (min, max) = cx.range16(activation)?;
        return Ok(Op::FullyConnected16(FullyConnected16 {
            units,
            depth,
            weights,
            bias,
            output_multipliers,
            min,
            max,
        }));
    }
    Ok(Op::FullyConnected(FullyConnected {
        units,
        depth,
        weights,
        weights_zero_point,
        bias: cx.bias(imp, 2, units as usize)?,
        output_multipliers,
        clamp: cx.clamp_for(activation)?,
    }))
}
