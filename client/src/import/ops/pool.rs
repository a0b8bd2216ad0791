//! `AVERAGE_POOL_2D` and `MAX_POOL_2D`: input and output share scale and zero point; int8, or
//! int16 (TFLite's 16x8 mode).

use vigil_engine::model::{ElementType, Op, Pool2d, Pool2d16};

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
    let average = cx.op == BuiltinOp::AVERAGE_POOL_2D;
    if cx.int16_input(imp) {
        if cx.out_info.element != ElementType::Int16 {
            return Err(cx.unsupported("an int16 input with a non-int16 output"));
        }
        let (min, max) = cx.range16(o.fused_activation)?;
        let pool = Pool2d16 { window, min, max };
        return Ok(if average {
            Op::AveragePool2d16(pool)
        } else {
            Op::MaxPool2d16(pool)
        });
    }
    let pool = Pool2d {
        window,
        clamp: cx.clamp_for(o.fused_activation)?,
    };
    Ok(if average {
        Op::AveragePool2d(pool)
    } else {
        Op::MaxPool2d(pool)
    })
}
