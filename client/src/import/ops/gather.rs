//! `GATHER` of an activation at constant int32 indices, or at the indices of an int32 model
//! input (token ids looking up an embedding table, which is then a `CONSTANT` layer); and
//! `EMBEDDING_LOOKUP`, the same along axis 0 (its inputs arrive swapped, as `GATHER`'s).

use vigil_engine::model::{Gather, Lookup, Op};

use super::{Ctx, ImportError, Importer};
use crate::tflite::{BuiltinOptions, TensorType};

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
    if imp.is_activation(indices_tensor) {
        // The model's int32 index input.
        let ty = imp.tensors[indices_tensor].tensor_type;
        if ty != TensorType::Int32 {
            return Err(cx.unsupported(format!("indices of type {ty:?}")));
        }
        cx.push_activation(imp, 1)?;
        if !cx.keeps_quantization() {
            return Err(cx.unsupported("input and output quantization differ"));
        }
        return Ok(Op::Lookup(Lookup { axis: axis as u32 }));
    }
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
