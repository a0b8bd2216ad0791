//! `GATHER` of an activation at constant int32 indices.

use vigil_engine::model::{Gather, Op};

use super::{Ctx, ImportError, Importer};
use crate::tflite::BuiltinOptions;

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let (axis, batch_dims) = match cx.options {
        BuiltinOptions::Gather(o) => (o.axis, o.batch_dims),
        _ => (0, 0),
    };
    if batch_dims != 0 {
        return Err(cx.unsupported(format!("batch_dims {batch_dims}")));
    }
    let shape = imp.static_shape(cx.x, "gather input")?;
    let rank = shape.len() as i32;
    let axis = if axis < 0 { axis + rank } else { axis };
    if !(0..rank).contains(&axis) {
        return Err(cx.invalid(format!("axis out of range for rank {rank}")));
    }
    let indices_tensor = cx.input(1)?;
    if imp.constant_bytes(indices_tensor).is_none() {
        return Err(cx.unsupported("indices computed at run time"));
    }
    let raw = imp.int32_constant(indices_tensor, &cx.what("indices"))?;
    let size = shape[axis as usize];
    let indices = raw
        .iter()
        .map(|&i| u32::try_from(i).ok().filter(|&i| i < size))
        .collect::<Option<Vec<u32>>>()
        .ok_or_else(|| cx.invalid(format!("an index is outside 0..{size}")))?;
    if !cx.keeps_quantization() {
        return Err(cx.unsupported("input and output quantization differ"));
    }
    Ok(Op::Gather(Gather {
        axis: axis as u32,
        indices,
    }))
}
