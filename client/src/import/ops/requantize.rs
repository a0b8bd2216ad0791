//! `QUANTIZE` between integer types: int8 to int8, int16 or int32, and int16 to int8, int16 or
//! int32 (TFLite Micro's `PrepareQuantizeReference`: the multiplier of
//! `double(input_scale) / double(output_scale)`).

use vigil_engine::model::{Clamp, ElementType, Op, Requantize};

use super::{Ctx, ImportError, Importer};
use crate::import::quantization::quantize_multiplier;

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let from = imp.activation_element(cx.layer_inputs[0]);
    // Every pair of int8 and int16 converts; to int32 from either. (The input cannot be int32:
    // no activation is, but the output of a QUANTIZE.)
    if !matches!(from, ElementType::Int8 | ElementType::Int16) {
        return Err(cx.unsupported(format!("{} input", from.name())));
    }
    Ok(Op::Requantize(Requantize {
        multiplier: quantize_multiplier(cx.x_scale as f64 / cx.out_scale as f64),
        clamp: Clamp::FULL,
    }))
}
