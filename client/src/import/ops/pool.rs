//! `AVERAGE_POOL_2D` and `MAX_POOL_2D`: input and output share scale and zero point.

use vigil_engine::model::{Op, Pool2d};

use super::{Ctx, ImportError, Importer};
use crate::tflite::{BuiltinOp, BuiltinOptions};

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let BuiltinOptions::Pool2D(o) = cx.options else {
        return Err(cx.not_implemented());
    };
    let x_shape = imp.static_shape(cx.x, "pool input")?;
    if x_shape.len() != 4 || cx.out_info.shape.len() != 4 {
        return Err(cx.invalid("tensors must be 4-D"));
    }
    if !cx.keeps_quantization() {
        return Err(cx.unsupported("input and output quantization differ"));
    }
    let size = (cx.positive(o.filter_height)?, cx.positive(o.filter_width)?);
    let window = cx.window(
        cx.same(o.padding)?,
        &x_shape,
        size,
        (o.stride_h, o.stride_w),
        (1, 1),
    )?;
    let pool = Pool2d {
        window,
        clamp: cx.clamp_for(o.fused_activation)?,
    };
    Ok(if cx.op == BuiltinOp::AVERAGE_POOL_2D {
        Op::AveragePool2d(pool)
    } else {
        Op::MaxPool2d(pool)
    })
}
