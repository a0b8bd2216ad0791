//! `FULLY_CONNECTED`: int8 weights `[units, depth]`, optional int32 bias.

use vigil_engine::model::{FullyConnected, Op};

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
