//! Fast kernels for the layers that carry almost all the work: convolutions and dense layers.
//!
//! Integer products are exact and `i32` sums are associative, so any order of summation gives
//! the reference kernel's accumulator exactly; these kernels only reorganise memory so that the
//! inner loops are contiguous `i16` dot products that compilers vectorise (`pmaddwd` on x86).
//! Two facts make the reorganisation exact:
//!
//! - an offset input `x − zx` lies in `[−255, 255]` and a weight in `[−128, 127]`, so both fit
//!   `i16` and so does their product; the sums are kept in `i32`, which the validator proved
//!   cannot overflow;
//! - a tap outside the image contributes `w · 0`, so filling the padding with offset value zero
//!   (instead of skipping it, as the reference does) changes no sum.
//!
//! The reference kernels stay as the specification; tests compare both on random layers.

use alloc::vec;
use alloc::vec::Vec;

use super::Activation;
use crate::model::{Conv2d, DepthwiseConv2d, FullyConnected, TensorInfo};

#[inline]
fn dot(a: &[i16], b: &[i16]) -> i32 {
    a.iter()
        .zip(b)
        .fold(0i32, |acc, (&x, &y)| acc.wrapping_add(x as i32 * y as i32))
}

/// Weights widened to `i16` once, when a model is validated, rather than on every run.
#[derive(Clone, Debug, Default)]
pub struct Prepared {
    /// The layer's weights or filter as `i16`; empty for layers without a fast kernel.
    pub weights: Vec<i16>,
}

/// Prepares a layer for its fast kernel.
pub fn prepare(op: &crate::model::Op) -> Prepared {
    let widen = |values: &[i8]| values.iter().map(|&v| v as i16).collect();
    match op {
        crate::model::Op::Conv2d(conv) => Prepared {
            weights: widen(&conv.filter),
        },
        crate::model::Op::FullyConnected(fc) if fc.weights_zero_point == 0 => Prepared {
            weights: widen(&fc.weights),
        },
        _ => Prepared::default(),
    }
}

/// `CONV_2D` via one patch per output pixel, reused by every output channel.
pub fn conv(
    conv: &Conv2d,
    filters: &[i16],
    input: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
) {
    let s = &input.info.shape;
    let (n, h, w, c) = (s[0] as usize, s[1] as i64, s[2] as i64, s[3] as usize);
    let o = &out_info.shape;
    let (oh, ow, oc) = (o[1] as usize, o[2] as usize, o[3] as usize);
    let win = &conv.window;
    let (kh, kw) = (win.size.0 as usize, win.size.1 as usize);
    let fic = conv.filter_input_channels as usize;
    let groups = c / fic;
    let filters_per_group = oc / groups;
    let k = kh * kw * fic;
    let input_offset = -input.info.zero_point;
    let finish = super::ChannelOutput {
        bias: &conv.bias,
        multipliers: &conv.output_multipliers,
        clamp: conv.clamp,
        zero_point: out_info.zero_point,
    };
    // Offset image, so that the patch loop is a copy.
    let offset_image: Vec<i16> = input
        .data
        .iter()
        .map(|&v| (v as i32 + input_offset) as i16)
        .collect();
    let mut patch = vec![0i16; k];
    let mut out_index = 0;
    for batch in 0..n {
        let image = &offset_image[batch * (h as usize) * (w as usize) * c..];
        for oy in 0..oh {
            let in_y0 = (oy as i64) * win.stride.0 as i64 - win.padding.0 as i64;
            for ox in 0..ow {
                let in_x0 = (ox as i64) * win.stride.1 as i64 - win.padding.1 as i64;
                for group in 0..groups {
                    for ky in 0..kh {
                        let y = in_y0 + (ky as i64) * win.dilation.0 as i64;
                        for kx in 0..kw {
                            let x = in_x0 + (kx as i64) * win.dilation.1 as i64;
                            let dst = &mut patch[(ky * kw + kx) * fic..][..fic];
                            if y < 0 || y >= h || x < 0 || x >= w {
                                dst.fill(0);
                            } else {
                                let pixel = ((y * w + x) as usize) * c + group * fic;
                                dst.copy_from_slice(&image[pixel..pixel + fic]);
                            }
                        }
                    }
                    for channel in group * filters_per_group..(group + 1) * filters_per_group {
                        let acc = dot(&filters[channel * k..(channel + 1) * k], &patch);
                        out[out_index + channel] = finish.finish(acc, channel);
                    }
                }
                out_index += oc;
            }
        }
    }
}

/// `DEPTHWISE_CONV_2D`: per output pixel, accumulate whole rows of channels tap by tap.
pub fn depthwise(
    dw: &DepthwiseConv2d,
    input: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
) {
    let s = &input.info.shape;
    let (n, h, w) = (s[0] as usize, s[1] as i64, s[2] as i64);
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
    // Offset input, with each channel repeated `m` times so that input and filter line up.
    let expanded: Vec<i32> = input
        .data
        .iter()
        .flat_map(|&v| core::iter::repeat_n(v as i32 + input_offset, m))
        .collect();
    let filter: Vec<i32> = dw.filter.iter().map(|&v| v as i32).collect();
    let mut acc = vec![0i32; oc];
    let mut out_index = 0;
    for batch in 0..n {
        let image = &expanded[batch * (h as usize) * (w as usize) * oc..];
        for oy in 0..oh {
            let in_y0 = (oy as i64) * win.stride.0 as i64 - win.padding.0 as i64;
            for ox in 0..ow {
                let in_x0 = (ox as i64) * win.stride.1 as i64 - win.padding.1 as i64;
                acc.fill(0);
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
                        let pixel = &image[((y * w + x) as usize) * oc..][..oc];
                        let taps = &filter[(ky * kw + kx) * oc..][..oc];
                        for ((a, &f), &v) in acc.iter_mut().zip(taps).zip(pixel) {
                            *a = a.wrapping_add(f * v);
                        }
                    }
                }
                for (channel, &a) in acc.iter().enumerate() {
                    out[out_index] = finish.finish(a, channel);
                    out_index += 1;
                }
            }
        }
    }
}

/// `FULLY_CONNECTED` as `i16` dot products; weights with a zero point go to the reference.
pub fn fully_connected(
    fc: &FullyConnected,
    weights: &[i16],
    input: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
) {
    if fc.weights_zero_point != 0 {
        return super::fully_connected::run(fc, input, out_info, out);
    }
    let depth = fc.depth as usize;
    let units = fc.units as usize;
    let input_offset = -input.info.zero_point;
    let finish = super::ChannelOutput {
        bias: &fc.bias,
        multipliers: &fc.output_multipliers,
        clamp: fc.clamp,
        zero_point: out_info.zero_point,
    };
    let mut row = vec![0i16; depth];
    for (x, out_row) in input
        .data
        .chunks_exact(depth)
        .zip(out.chunks_exact_mut(units))
    {
        for (r, &v) in row.iter_mut().zip(x) {
            *r = (v as i32 + input_offset) as i16;
        }
        for (u, o) in out_row.iter_mut().enumerate() {
            *o = finish.finish(dot(&weights[u * depth..(u + 1) * depth], &row), u);
        }
    }
}
