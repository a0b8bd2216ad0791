//! `DEPTHWISE_CONV_2D`: each input channel convolved with its own `depth_multiplier` filters.
//!
//! ```text
//! out[n, y, x, c·m + j] = clamp(requantize(
//!     Σ_{ky, kx} w[0, ky, kx, c·m + j] · (in[n, y·sh − ph + ky·dh, x·sw − pw + kx·dw, c] − zx)
//!     + bias[c·m + j], M[c·m + j]) + zo)
//! ```
//!
//! with `m` the depth multiplier; taps outside the image are skipped.
//!
//! Mirrors `reference_integer_ops::DepthwiseConvPerChannel`.

use super::{
    bias_for, bytes_touched, check_accumulator, check_bias, check_multipliers, check_window,
    check_zero_point, checked_product, dims, expect_inputs, max_offset_magnitude, multiplier_for,
    Activation,
};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{DepthwiseConv2d, TensorInfo};

/// Checks shapes, quantization and the accumulator bound of each output channel.
pub fn check(
    index: u32,
    dw: &DepthwiseConv2d,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let mismatch = EngineError::ShapeMismatch { layer: index };
    let [n, _h, _w, c] = dims::<4>(index, inputs[0])?;
    let [on, oh, ow, oc] = dims::<4>(index, out)?;
    check_window(index, &dw.window)?;
    let (kh, kw) = (dw.window.size.0 as u64, dw.window.size.1 as u64);
    let m = dw.depth_multiplier as u64;
    if n != on
        || m == 0
        || oc != c * m
        || checked_product(&[kh, kw, oc]) != Some(dw.filter.len() as u64)
    {
        return Err(mismatch);
    }
    check_bias(index, &dw.bias, oc)?;
    check_multipliers(index, &dw.output_multipliers, oc)?;
    check_zero_point(index, inputs[0].zero_point)?;
    check_zero_point(index, out.zero_point)?;
    let input_magnitude = max_offset_magnitude(inputs[0].zero_point);
    for o in 0..oc as usize {
        let weight_sum: u64 = (0..(kh * kw) as usize)
            .map(|tap| (dw.filter[tap * oc as usize + o] as i64).unsigned_abs())
            .sum();
        let bound = weight_sum * input_magnitude + (bias_for(&dw.bias, o) as i64).unsigned_abs();
        check_accumulator(index, bound, multiplier_for(&dw.output_multipliers, o))?;
    }
    let constants = dw.filter.len() as u64 + 4 * dw.bias.len() as u64;
    Ok(LayerCost {
        macs: n * oh * ow * oc * kh * kw,
        bytes: bytes_touched(inputs, constants, out),
    })
}

/// The reference kernel.
pub fn run(dw: &DepthwiseConv2d, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let s = &input.info.shape;
    let (n, h, w, c) = (s[0] as usize, s[1] as i64, s[2] as i64, s[3] as usize);
    let o = &out_info.shape;
    let (oh, ow, oc) = (o[1] as usize, o[2] as usize, o[3] as usize);
    let win = &dw.window;
    let (kh, kw) = (win.size.0 as usize, win.size.1 as usize);
    let m = dw.depth_multiplier as usize;
    let input_offset = -input.info.zero_point;
    let finish = super::ChannelOutput {
        bias: &dw.bias,
        multipliers: &dw.output_multipliers,
        clamp: dw.clamp,
        zero_point: out_info.zero_point,
    };
    let mut out_index = 0;
    for batch in 0..n {
        let image = &input.data[batch * (h as usize) * (w as usize) * c..];
        for oy in 0..oh {
            let in_y0 = (oy as i64) * win.stride.0 as i64 - win.padding.0 as i64;
            for ox in 0..ow {
                let in_x0 = (ox as i64) * win.stride.1 as i64 - win.padding.1 as i64;
                for channel in 0..oc {
                    let in_channel = channel / m;
                    let mut acc: i32 = 0;
                    for ky in 0..kh {
                        let y = in_y0 + (ky as i64) * win.dilation.0 as i64;
                        if y < 0 || y >= h {
                            continue;
                        }
                        for kx in 0..kw {
                            let x = in_x0 + (kx as i64) * win.dilation.1 as i64;
                            if x < 0 || x >= w {
                                continue;
                            }
                            let v = image[((y * w + x) as usize) * c + in_channel] as i32;
                            let f = dw.filter[(ky * kw + kx) * oc + channel] as i32;
                            acc = acc.wrapping_add(f * (v + input_offset));
                        }
                    }
                    out[out_index] = finish.finish(acc, channel);
                    out_index += 1;
                }
            }
        }
    }
}
