//! `CONV_2D`: NHWC input, OHWI int8 filter with per-channel scales, optional int32 bias; or, in
//! TFLite's 16x8 mode, an int16 input and output of zero point 0 and an int64 bias.

use vigil_engine::model::{Conv2d, Conv2d16, Op};

use super::{Ctx, ImportError, Importer};
use crate::tflite::BuiltinOptions;

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let BuiltinOptions::Conv2D(o) = cx.options else {
        return Err(cx.not_implemented());
    };
    let w = cx.input(1)?;
    let f_shape = imp.static_shape(w, "conv filter")?;
    let x_shape = imp.static_shape(cx.x, "conv input")?;
    if f_shape.len() != 4 || x_shape.len() != 4 || cx.out_info.shape.len() != 4 {
        return Err(cx.invalid("tensors must be 4-D"));
    }
    let scales = imp.weight_scales(w, f_shape[0] as usize, 0, "conv filter")?;
    let window = cx.window(
        cx.same(o.padding)?,
        &x_shape,
        (f_shape[1], f_shape[2]),
        (o.stride_h, o.stride_w),
        (o.dilation_h, o.dilation_w),
    )?;
    if cx.int16_input(imp) {
        cx.symmetric16()?;
        let (min, max) = cx.range16(o.fused_activation)?;
        return Ok(Op::Conv2d16(Conv2d16 {
            window,
            filter_input_channels: f_shape[3],
            filter: imp.int8_constant(w, &cx.what("filter"))?,
            bias: cx.bias64(imp, 2, f_shape[0] as usize)?,
            output_multipliers: cx.per_channel(&scales),
            min,
            max,
        }));
    }
    Ok(Op::Conv2d(Conv2d {
        window,
        filter_input_channels: f_shape[3],
        filter: imp.int8_constant(w, &cx.what("filter"))?,
        bias: cx.bias(imp, 2, f_shape[0] as usize)?,
        output_multipliers: cx.per_channel(&scales),
        clamp: cx.clamp_for(o.fused_activation)?,
    }))
}
