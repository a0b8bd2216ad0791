//! `CONV_2D` and `DEPTHWISE_CONV_2D` in TFLite's 16x8 mode: int16 input and output, both of
//! zero point 0 (symmetric, so no offsets), int8 filters, int64 biases.
//!
//! ```text
//! conv:      acc = Σ_{ky, kx, i} w[o, ky, kx, i] · in[n, y·sh − ph + ky·dh, x·sw − pw + kx·dw, g·I + i]
//! depthwise: acc = Σ_{ky, kx}    w[0, ky, kx, o] · in[n, y·sh − ph + ky·dh, x·sw − pw + kx·dw, o / m]
//! out[n, y, x, o] = clamp(requantize_wide(acc + bias[o], M[o]), min, max)
//! ```
//!
//! in `i64`, taps outside the image skipped, as the int8 kernels; the rescaling is
//! [`requantize_wide`] (one rounding, 16-bit significand), as for the 16x8 dense layer.
//!
//! Mirrors `reference_integer_ops::ConvPerChannel` and `DepthwiseConvPerChannel` for `int16_t`
//! input with `int64_t` bias (`integer_ops/conv.h`, `integer_ops/depthwise_conv.h`), as TFLite
//! Micro's `conv.cc` and `depthwise_conv.cc` call them.

use super::element;
use super::fully_connected16::rescaled_fits;
use super::{
    bytes_touched, check_multipliers, check_window, checked_product, dims, expect_inputs,
    multiplier_for, Activation,
};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{Conv2d16, DepthwiseConv2d16, ElementType, Multiplier, TensorInfo, Window};
use crate::quant::{requantize_wide, MAX_WIDE_SHIFT, WIDE_INPUT_BITS};

/// The end of a 16x8 convolution: bias, rescaling and output range, per output channel.
struct Finish<'a> {
    bias: &'a [i64],
    multipliers: &'a [Multiplier],
    min: i16,
    max: i16,
}

impl<'a> Finish<'a> {
    fn of_conv(conv: &'a Conv2d16) -> Self {
        Finish {
            bias: &conv.bias,
            multipliers: &conv.output_multipliers,
            min: conv.min,
            max: conv.max,
        }
    }

    fn of_depthwise(dw: &'a DepthwiseConv2d16) -> Self {
        Finish {
            bias: &dw.bias,
            multipliers: &dw.output_multipliers,
            min: dw.min,
            max: dw.max,
        }
    }

    /// What both checks share: types, zero points, multipliers, the range, and the bound on
    /// every channel's accumulator (`weight_sums[o] · 32768 + |bias[o]|`).
    fn check(
        &self,
        index: u32,
        inputs: &[&TensorInfo],
        out: &TensorInfo,
        weight_sums: impl Iterator<Item = u64>,
        channels: u64,
    ) -> Result<(), EngineError> {
        if inputs[0].element != ElementType::Int16 || out.element != ElementType::Int16 {
            return Err(EngineError::BadElementType { layer: index });
        }
        if !(self.bias.is_empty() || self.bias.len() as u64 == channels) {
            return Err(EngineError::ShapeMismatch { layer: index });
        }
        check_multipliers(index, self.multipliers, channels)?;
        let quantization_ok = inputs[0].zero_point == 0
            && out.zero_point == 0
            && self.min <= self.max
            && self.multipliers.iter().all(|m| m.shift <= MAX_WIDE_SHIFT);
        if !quantization_ok {
            return Err(EngineError::BadQuantization { layer: index });
        }
        for (o, sum) in weight_sums.enumerate() {
            let b = self.bias.get(o).map_or(0, |b| b.unsigned_abs()) as u128;
            let bound = sum as u128 * 32768 + b;
            let m = multiplier_for(self.multipliers, o);
            if bound >= 1u128 << WIDE_INPUT_BITS || !rescaled_fits(bound, m) {
                return Err(EngineError::AccumulatorOverflow { layer: index });
            }
        }
        Ok(())
    }

    /// Channel `c`'s output for accumulator `acc`.
    #[inline]
    fn finish(&self, acc: i64, c: usize) -> i32 {
        let acc = acc.wrapping_add(self.bias.get(c).copied().unwrap_or(0));
        requantize_wide(acc, multiplier_for(self.multipliers, c))
            .clamp(self.min as i32, self.max as i32)
    }
}

/// Checks a 16x8 `CONV_2D`.
pub fn check_conv(
    index: u32,
    conv: &Conv2d16,
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
    let per_filter = (kh * kw * fic) as usize;
    let sums = conv
        .filter
        .chunks_exact(per_filter)
        .map(|f| f.iter().map(|&w| (w as i64).unsigned_abs()).sum::<u64>());
    Finish::of_conv(conv).check(index, inputs, out, sums, oc)?;
    let constants = conv.filter.len() as u64 + 8 * conv.bias.len() as u64;
    Ok(LayerCost {
        macs: n * oh * ow * oc * kh * kw * fic,
        bytes: bytes_touched(inputs, constants, out),
    })
}

/// Checks a 16x8 `DEPTHWISE_CONV_2D`.
pub fn check_depthwise(
    index: u32,
    dw: &DepthwiseConv2d16,
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
    let sums = (0..oc as usize).map(|o| {
        (0..(kh * kw) as usize)
            .map(|tap| (dw.filter[tap * oc as usize + o] as i64).unsigned_abs())
            .sum::<u64>()
    });
    Finish::of_depthwise(dw).check(index, inputs, out, sums, oc)?;
    let constants = dw.filter.len() as u64 + 8 * dw.bias.len() as u64;
    Ok(LayerCost {
        macs: n * oh * ow * oc * kh * kw,
        bytes: bytes_touched(inputs, constants, out),
    })
}

/// Walks the output pixels and channels of a window over an NHWC int16 image: for each, calls
/// `tap(acc, channel, pixel_index)` on every tap inside the image (`pixel_index` the input
/// element of the tap's pixel at channel 0), then writes the rescaled, clamped accumulator.
fn walk(
    window: &Window,
    input: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
    finish: Finish<'_>,
    mut tap: impl FnMut(i64, usize, usize, usize) -> i64,
) {
    let s = &input.info.shape;
    let (n, h, w, c) = (s[0] as usize, s[1] as i64, s[2] as i64, s[3] as usize);
    let o = &out_info.shape;
    let (oh, ow, oc) = (o[1] as usize, o[2] as usize, o[3] as usize);
    let (kh, kw) = (window.size.0 as usize, window.size.1 as usize);
    let mut out_index = 0;
    for batch in 0..n {
        let image = batch * (h as usize) * (w as usize) * c;
        for oy in 0..oh {
            let in_y0 = (oy as i64) * window.stride.0 as i64 - window.padding.0 as i64;
            for ox in 0..ow {
                let in_x0 = (ox as i64) * window.stride.1 as i64 - window.padding.1 as i64;
                for channel in 0..oc {
                    let mut acc: i64 = 0;
                    for ky in 0..kh {
                        let y = in_y0 + (ky as i64) * window.dilation.0 as i64;
                        if y < 0 || y >= h {
                            continue;
                        }
                        for kx in 0..kw {
                            let x = in_x0 + (kx as i64) * window.dilation.1 as i64;
                            if x < 0 || x >= w {
                                continue;
                            }
                            let pixel = image + ((y * w + x) as usize) * c;
                            acc = tap(acc, channel, ky * kw + kx, pixel);
                        }
                    }
                    element::put(
                        out,
                        ElementType::Int16,
                        out_index,
                        finish.finish(acc, channel),
                    );
                    out_index += 1;
                }
            }
        }
    }
}

/// The reference kernel of a 16x8 `CONV_2D`.
pub fn run_conv(conv: &Conv2d16, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let c = input.info.shape[3] as usize;
    let fic = conv.filter_input_channels as usize;
    let oc = out_info.shape[3] as usize;
    let filters_per_group = oc / (c / fic);
    let per_filter = conv.window.size.0 as usize * conv.window.size.1 as usize * fic;
    let data = input.data;
    walk(
        &conv.window,
        input,
        out_info,
        out,
        Finish::of_conv(conv),
        |mut acc, channel, tap, pixel| {
            let group = channel / filters_per_group;
            let taps = &conv.filter[channel * per_filter + tap * fic..][..fic];
            for (i, &f) in taps.iter().enumerate() {
                let v = element::get(data, ElementType::Int16, pixel + group * fic + i);
                acc = acc.wrapping_add((f as i32 * v) as i64);
            }
            acc
        },
    );
}

/// The reference kernel of a 16x8 `DEPTHWISE_CONV_2D`.
pub fn run_depthwise(
    dw: &DepthwiseConv2d16,
    input: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
) {
    let m = dw.depth_multiplier as usize;
    let oc = out_info.shape[3] as usize;
    let data = input.data;
    walk(
        &dw.window,
        input,
        out_info,
        out,
        Finish::of_depthwise(dw),
        |acc, channel, tap, pixel| {
            let v = element::get(data, ElementType::Int16, pixel + channel / m);
            let f = dw.filter[tap * oc + channel] as i64;
            acc.wrapping_add(f * v as i64)
        },
    );
}
