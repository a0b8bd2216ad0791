//! `DEPTHWISE_CONV_2D`: NHWC input, `[1, H, W, C·multiplier]` int8 filter; int32 bias, or int64
//! with an int16 input (TFLite's 16x8 mode, zero points 0).

use vigil_engine::model::{DepthwiseConv2d, DepthwiseConv2d16, Op};

use super::{Ctx, ImportError, Importer};
use crate::tflite::BuiltinOptions;

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let BuiltinOptions::DepthwiseConv2D(o) = cx.options else {
        return Err(cx.not_implemented());
    };
    let w = cx.input(1)?;
    let f_shape = imp.static_shape(w, "depthwise filter")?;
    let x_shape = imp.static_shape(cx.x, "depthwise input")?;
    if f_shape.len() != 4 || x_shape.len() != 4 || cx.out_info.shape.len() != 4 {
        return Err(cx.invalid("tensors must be 4-D"));
    }
    let channels = f_shape[3];
    let scales = imp.weight_scales(w, channels as usize, 3, "depthwise filter")?;
    let window = cx.window(
        cx.same(o.padding)?,
        &x_shape,
        (f_shape[1], f_shape[2]),
        (o.stride_h, o.stride_w),
        (o.dilation_h, o.dilation_w),
    )?;
    // TFLite derives the multiplier from the shapes, not from the stored option.
    let depth_multiplier = channels.checked_div(x_shape[3]).unwrap_or(0);
    if cx.int16_input(imp) {
        cx.symmetric16()?;
        let (min, max) = cx.range16(o.fused_activation)?;
        return Ok(Op::DepthwiseConv2d16(DepthwiseConv2d16 {
            window,
            depth_multiplier,
            filter: imp.int8_constant(w, &cx.what("filter"))?,
            bias: cx.bias64(imp, 2, channels as usize)?,
            output_multipliers: cx.per_channel(&scales),
            min,
            max,
        }));
    }
    Ok(Op::DepthwiseConv2d(DepthwiseConv2d {
        window,
        depth_multiplier,
        filter: imp.int8_constant(w, &cx.what("filter"))?,
        bias: cx.bias(imp, 2, channels as usize)?,
        output_multipliers: cx.per_channel(&scales),
        clamp: cx.clamp_for(o.fused_activation)?,
    }))
}
