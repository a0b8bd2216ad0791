//! `CONV_2D`: a 2-D convolution over an NHWC image with OHWI filters, optionally grouped.
//!
//! ```text
//! out[n, y, x, o] = clamp(requantize(
//!     Σ_{ky, kx, i} w[o, ky, kx, i] · (in[n, y·sh − ph + ky·dh, x·sw − pw + kx·dw, g·I + i] − zx)
//!     + bias[o], M[o]) + zo)
//! ```
//!
//! where `I` is the filter's input depth, `g = o / (O / groups)` the group of output channel `o`,
//! and taps that fall outside the image are skipped (implicit zero padding of the real value).
//!
//! Mirrors `reference_integer_ops::ConvPerChannel`.

use super::{
    bias_for, bytes_touched, check_accumulator, check_bias, check_multipliers, check_window,
    check_zero_point, checked_product, dims, expect_inputs, max_offset_magnitude, multiplier_for,
    Activation,
};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{Conv2d, TensorInfo};

/// Checks shapes, quantization and the accumulator bound of each output channel.
pub fn check(
    index: u32,
    conv: &Conv2d,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let mismatch = EngineError::ShapeMismatch { layer: index };
    let [n, _h, _w, c] = dims::<4>(index, inputs[0])?;
    let [on, oh, ow, oc] = dims::<4>(index, out)?;
    check_window(index, &conv.window)?;
    let (kh, kw) = (conv.window.size.0 as u64, conv.window.size.1 as u64);
    let fic = conv.filter_input_channels as u64;
    if n != on || fic == 0 || c % fic != 0 || oc == 0 {
        return Err(mismatch);
    }
    let groups = c / fic;
    if oc % groups != 0 || checked_product(&[oc, kh, kw, fic]) != Some(conv.filter.len() as u64) {
        return Err(mismatch);
    }
    check_bias(index, &conv.bias, oc)?;
    check_multipliers(index, &conv.output_multipliers, oc)?;
    check_zero_point(index, inputs[0].zero_point)?;
    check_zero_point(index, out.zero_point)?;
    let input_magnitude = max_offset_magnitude(inputs[0].zero_point);
    let per_filter = (kh * kw * fic) as usize;
    for (o, filter) in conv.filter.chunks_exact(per_filter).enumerate() {
        let weight_sum: u64 = filter.iter().map(|&w| (w as i64).unsigned_abs()).sum();
        let bound = weight_sum * input_magnitude + (bias_for(&conv.bias, o) as i64).unsigned_abs();
        check_accumulator(index, bound, multiplier_for(&conv.output_multipliers, o))?;
    }
    let constants = conv.filter.len() as u64 + 4 * conv.bias.len() as u64;
    Ok(LayerCost {
        macs: n * oh * ow * oc * kh * kw * fic,
        bytes: bytes_touched(inputs, constants, out),
    })
}

/// The reference kernel.
pub fn run(conv: &Conv2d, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let s = &input.info.shape;
    let (n, h, w, c) = (s[0] as usize, s[1] as i64, s[2] as i64, s[3] as usize);
    let o = &out_info.shape;
    let (oh, ow, oc) = (o[1] as usize, o[2] as usize, o[3] as usize);
    let win = &conv.window;
    let (kh, kw) = (win.size.0 as usize, win.size.1 as usize);
    let fic = conv.filter_input_channels as usize;
    let filters_per_group = oc / (c / fic);
    let input_offset = -input.info.zero_point;
    let finish = super::ChannelOutput {
        bias: &conv.bias,
        multipliers: &conv.output_multipliers,
        clamp: conv.clamp,
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
                    let group = channel / filters_per_group;
                    let filter = &conv.filter[channel * kh * kw * fic..][..kh * kw * fic];
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
                            let pixel = ((y * w + x) as usize) * c + group * fic;
                            let taps = &filter[(ky * kw + kx) * fic..][..fic];
                            for (&f, &v) in taps.iter().zip(&image[pixel..pixel + fic]) {
                                acc = acc.wrapping_add(f as i32 * (v as i32 + input_offset));
                            }
                        }
                    }
                    out[out_index] = finish.finish(acc, channel);
                    out_index += 1;
                }
            }
        }
    }
}
