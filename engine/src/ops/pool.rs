//! `AVERAGE_POOL_2D` and `MAX_POOL_2D` over an NHWC image.
//!
//! The window is clipped to the image (padding is never averaged in):
//!
//! ```text
//! avg: out = clamp(round_half_away(Σ_window in / count))      count = taps inside the image
//! max: out = clamp(max_window in)
//! ```
//!
//! Input and output share scale and zero point, so no requantization is needed. A window that
//! lies entirely outside the image has no value; the validator refuses such models.
//!
//! Mirrors `reference_integer_ops::AveragePool` and `reference_integer_ops::MaxPool` (int8 and
//! int16 `pooling.h`); the int16 layers (TFLite's 16x8 mode) are the same with an int16 range.

use super::element::{self, zero_point_fits};
use super::{bytes_touched, check_window, check_zero_point, dims, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{ElementType, Pool2d, Pool2d16, TensorInfo, Window};

/// Checks shapes and that every window overlaps the image.
pub fn check(
    index: u32,
    pool: &Pool2d,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    check_window_and_shapes(index, &pool.window, inputs, out)
}

/// Checks an int16 pooling layer: types, shapes, and that its window sums fit `i32`, as the
/// reference kernel sums them.
pub fn check16(
    index: u32,
    pool: &Pool2d16,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    if inputs[0].element != ElementType::Int16 || out.element != ElementType::Int16 {
        return Err(EngineError::BadElementType { layer: index });
    }
    if !zero_point_fits(ElementType::Int16, out.zero_point) || pool.min > pool.max {
        return Err(EngineError::BadQuantization { layer: index });
    }
    let taps = pool.window.size.0 as u64 * pool.window.size.1 as u64;
    if taps.saturating_mul(32768) > i32::MAX as u64 + 1 {
        return Err(EngineError::AccumulatorOverflow { layer: index });
    }
    check_window_and_shapes(index, &pool.window, inputs, out)
}

/// What both checks share.
fn check_window_and_shapes(
    index: u32,
    window: &Window,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let mismatch = EngineError::ShapeMismatch { layer: index };
    let [n, h, w, c] = dims::<4>(index, inputs[0])?;
    let [on, oh, ow, oc] = dims::<4>(index, out)?;
    check_window(index, window)?;
    if n != on || c != oc || window.dilation != (1, 1) {
        return Err(mismatch);
    }
    if inputs[0].zero_point != out.zero_point {
        return Err(EngineError::BadQuantization { layer: index });
    }
    if out.element == ElementType::Int8 {
        check_zero_point(index, out.zero_point)?;
    }
    let win = window;
    let rows_ok = (0..oh).all(|y| overlap(y, win.stride.0, win.padding.0, win.size.0, h) > 0);
    let cols_ok = (0..ow).all(|x| overlap(x, win.stride.1, win.padding.1, win.size.1, w) > 0);
    if !rows_ok || !cols_ok {
        return Err(mismatch);
    }
    // A window is clipped to the image, so it sums at most MAX_ELEMENTS = 2^24 values of
    // magnitude at most 128: at most 2^31, the reference kernel's i32 sum exactly; qed.
    let taps = win.size.0 as u64 * win.size.1 as u64;
    Ok(LayerCost {
        macs: (n * oh * ow * c).saturating_mul(taps),
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// The range `[start, end)` of window taps inside an image of `size` for output position `pos`.
fn clipped(pos: u64, stride: u32, padding: u32, window: u32, size: u64) -> (i64, i64) {
    let origin = (pos * stride as u64) as i64 - padding as i64;
    let start = (-origin).max(0);
    let end = (window as i64).min(size as i64 - origin);
    (start, end)
}

fn overlap(pos: u64, stride: u32, padding: u32, window: u32, size: u64) -> i64 {
    let (start, end) = clipped(pos, stride, padding, window, size);
    (end - start).max(0)
}

/// Calls `f(channel_values_at_each_tap)` for every output position, in output order, and writes
/// its result as an element of the output's type (int8 or int16).
fn for_each_window(
    win: &Window,
    input: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
    mut reduce: impl FnMut(&mut dyn Iterator<Item = i32>) -> i32,
) {
    let ty = out_info.element;
    let s = &input.info.shape;
    let (n, h, w, c) = (s[0] as usize, s[1] as u64, s[2] as u64, s[3] as usize);
    let (oh, ow) = (out_info.shape[1] as u64, out_info.shape[2] as u64);
    let mut out_index = 0;
    for batch in 0..n {
        let image = batch * (h * w) as usize * c;
        for oy in 0..oh {
            let y0 = (oy * win.stride.0 as u64) as i64 - win.padding.0 as i64;
            let (ys, ye) = clipped(oy, win.stride.0, win.padding.0, win.size.0, h);
            for ox in 0..ow {
                let x0 = (ox * win.stride.1 as u64) as i64 - win.padding.1 as i64;
                let (xs, xe) = clipped(ox, win.stride.1, win.padding.1, win.size.1, w);
                for channel in 0..c {
                    let mut taps = (ys..ye).flat_map(|ky| {
                        (xs..xe).map(move |kx| {
                            let pixel = ((y0 + ky) as u64 * w + (x0 + kx) as u64) as usize;
                            element::get(input.data, ty, image + pixel * c + channel)
                        })
                    });
                    element::put(out, ty, out_index, reduce(&mut taps));
                    out_index += 1;
                }
            }
        }
    }
}

/// The average of a window's values, rounded half away from zero as the reference kernel's
/// integer division does.
fn average(taps: &mut dyn Iterator<Item = i32>) -> i32 {
    let (mut sum, mut count) = (0i64, 0i64);
    for v in taps {
        sum += v as i64;
        count += 1;
    }
    let count = count.max(1);
    let average = if sum > 0 {
        (sum + count / 2) / count
    } else {
        (sum - count / 2) / count
    };
    average as i32
}

/// The average-pool reference kernel.
pub fn run_average(pool: &Pool2d, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    for_each_window(&pool.window, input, out_info, out, |taps| {
        pool.clamp.apply(average(taps)) as i32
    });
}

/// The max-pool reference kernel.
pub fn run_max(pool: &Pool2d, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    for_each_window(&pool.window, input, out_info, out, |taps| {
        pool.clamp.apply(taps.max().unwrap_or(i8::MIN as i32)) as i32
    });
}

/// The int16 average-pool reference kernel.
pub fn run_average16(
    pool: &Pool2d16,
    input: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
) {
    for_each_window(&pool.window, input, out_info, out, |taps| {
        average(taps).clamp(pool.min as i32, pool.max as i32)
    });
}

/// The int16 max-pool reference kernel.
pub fn run_max16(pool: &Pool2d16, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    for_each_window(&pool.window, input, out_info, out, |taps| {
        let max = taps.max().unwrap_or(i16::MIN as i32);
        max.clamp(pool.min as i32, pool.max as i32)
    });
}
