//! `CONCATENATION` of activations sharing the output's quantization and element type (int8, or
//! int16 of zero point 0).

use vigil_engine::model::{Concatenation, ElementType, Op};

use super::{scale_and_zero_point, Ctx, ImportError, Importer};
use crate::tflite::{self, BuiltinOptions};

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let BuiltinOptions::Concatenation(o) = cx.options else {
        return Err(cx.not_implemented());
    };
    if o.fused_activation != tflite::Activation::None {
        return Err(cx.unsupported("fused activation"));
    }
    for k in 1..cx.inputs.len() {
        cx.push_activation(imp, k)?;
    }
    for &t in cx.inputs.iter().flatten() {
        if scale_and_zero_point(&imp.tensors[t]) != Some((cx.out_scale, cx.out_zp)) {
            return Err(cx.unsupported("inputs must share the output's quantization"));
        }
    }
    let types: Vec<ElementType> = cx
        .layer_inputs
        .iter()
        .map(|&id| imp.activation_element(id))
        .collect();
    if types.iter().any(|&t| t != cx.out_info.element) {
        return Err(cx.unsupported("inputs of another element type than the output's"));
    }
    if cx.out_info.element == ElementType::Int16 && cx.out_zp != 0 {
        return Err(cx.unsupported("int16 activations with a non-zero zero point"));
    }
    let rank = cx.out_info.shape.len() as i32;
    let axis = if o.axis < 0 { o.axis + rank } else { o.axis };
    if !(0..rank).contains(&axis) {
        return Err(cx.invalid(format!("axis {}", o.axis)));
    }
    Ok(Op::Concatenation(Concatenation { axis: axis as u32 }))
}
