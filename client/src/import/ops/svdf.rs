//! `SVDF` with an int8 input and output: int8 feature weights `[filters, input_size]`, time
//! weights `[filters, memory]` and activation state `[batch, memory · filters]` both int16 or
//! both int8, optional int32 bias `[units]`. The constants as TFLite Micro's `PrepareSvdf`
//! derives them: the two effective scales are products and quotients of `float`s, widened to
//! `double` only for `QuantizeMultiplier`. The state tensor is read for its type, shape and
//! quantization only: the engine starts every run from the state a fresh interpreter holds.

use vigil_engine::model::{ElementType, Op, Svdf};

use super::{Ctx, ImportError, Importer};
use crate::import::quantization::quantize_multiplier;
use crate::import::scale_and_zero_point;
use crate::tflite::{BuiltinOptions, TensorType};

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let BuiltinOptions::Svdf(o) = cx.options else {
        return Err(cx.invalid("no SVDF options"));
    };
    if o.asymmetric_quantize_inputs {
        return Err(cx.unsupported("asymmetric_quantize_inputs (hybrid models)"));
    }
    if imp.activation_element(cx.layer_inputs[0]) != ElementType::Int8
        || cx.out_info.element != ElementType::Int8
    {
        return Err(cx.unsupported("an input or output that is not int8"));
    }
    let (wf, wt) = (cx.input(1)?, cx.input(2)?);
    let state = cx.input(4)?;
    let wf_shape = imp.static_shape(wf, &cx.what("feature weights"))?;
    let wt_shape = imp.static_shape(wt, &cx.what("time weights"))?;
    let x_shape = imp.static_shape(cx.x, &cx.what("input"))?;
    let state_shape = imp.static_shape(state, &cx.what("activation state"))?;
    let (&[filters, input_size], &[time_filters, memory], &[batch, x_size]) =
        (wf_shape.as_slice(), wt_shape.as_slice(), x_shape.as_slice())
    else {
        return Err(cx.invalid("input and weights must be of rank 2"));
    };
    let rank = cx.positive(o.rank)?;
    if x_size != input_size
        || time_filters != filters
        || filters % rank != 0
        || state_shape != [batch, memory * filters]
        || cx.out_info.shape != [batch, filters / rank]
    {
        return Err(cx.invalid(format!(
            "shapes do not fit: input {x_shape:?}, feature weights {wf_shape:?}, time weights \
             {wt_shape:?}, state {state_shape:?}, rank {rank}, output {:?}",
            cx.out_info.shape
        )));
    }
    if !imp.tensors[state].is_variable {
        return Err(cx.invalid("the activation state is not a variable tensor"));
    }
    let weights_feature = imp.int8_constant(wf, &cx.what("feature weights"))?;
    let (weights_time, state_element) = match imp.tensors[wt].tensor_type {
        TensorType::Int16 => (
            imp.int16_constant(wt, &cx.what("time weights"))?,
            ElementType::Int16,
        ),
        TensorType::Int8 => (
            imp.int8_constant(wt, &cx.what("time weights"))?
                .into_iter()
                .map(i16::from)
                .collect(),
            ElementType::Int8,
        ),
        other => return Err(cx.unsupported(format!("{other:?} time weights"))),
    };
    if imp.tensors[state].tensor_type != imp.tensors[wt].tensor_type {
        return Err(cx.unsupported(format!(
            "an activation state of type {:?} with {:?} time weights",
            imp.tensors[state].tensor_type, imp.tensors[wt].tensor_type
        )));
    }
    let quantization = |t: usize, what: &str| {
        scale_and_zero_point(&imp.tensors[t])
            .ok_or_else(|| cx.invalid(format!("{what} not quantized")))
    };
    let (wf_scale, wf_zp) = quantization(wf, "feature weights")?;
    let (wt_scale, wt_zp) = quantization(wt, "time weights")?;
    let (state_scale, state_zp) = quantization(state, "activation state")?;
    if wf_zp != 0 || wt_zp != 0 {
        return Err(cx.unsupported("weights with a non-zero zero point"));
    }
    let units = (filters / rank) as usize;
    let bias = cx.bias(imp, 3, units)?;
    if let Some(b) = cx.optional_input(3) {
        // PrepareSvdf: |bias_scale − state_scale · time_scale| < 1e-5.
        let (bias_scale, _) = quantization(b, "bias")?;
        let expected = (state_scale * wt_scale) as f64;
        if (bias_scale as f64 - expected).abs() >= 1e-5 {
            return Err(cx.invalid("the bias scale is not state scale × time weights scale"));
        }
    }
    // float products and quotients, then double, as PrepareSvdf computes them.
    let effective_1 = (cx.x_scale * wf_scale / state_scale) as f64;
    let effective_2 = (state_scale * wt_scale / cx.out_scale) as f64;
    Ok(Op::Svdf(Svdf {
        rank,
        filters,
        memory,
        weights_feature,
        weights_time,
        bias,
        state_element,
        state_zero_point: state_zp,
        feature_multiplier: quantize_multiplier(effective_1),
        output_multiplier: quantize_multiplier(effective_2),
    }))
}
