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
//! Mirrors `reference_integer_ops::AveragePool` and `reference_integer_ops::MaxPool` (int8
//! `pooling.h`).

use super::{bytes_touched, check_window, check_zero_point, dims, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{Pool2d, TensorInfo, Window};

/// Checks shapes and that every window overlaps the image.
pub fn check(
    index: u32,
    pool: &Pool2d,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let mismatch = EngineError::ShapeMismatch { layer: index };
    let [n, h, w, c] = dims::<4>(index, inputs[0])?;
    let [on, oh, ow, oc] = dims::<4>(index, out)?;
    check_window(index, &pool.window)?;
    if n != on || c != oc || pool.window.dilation != (1, 1) {
        return Err(mismatch);
    }
    if inputs[0].zero_point != out.zero_point {
        return Err(EngineError::BadQuantization { layer: index });
    }
    check_zero_point(index, out.zero_point)?;
    let win = &pool.window;
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

/// Calls `f(channel_values_at_each_tap)` for every output position, in output order.
fn for_each_window(
    win: &Window,
    input: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
    mut reduce: impl FnMut(&mut dyn Iterator<Item = i8>) -> i8,
) {
    let s = &input.info.shape;
    let (n, h, w, c) = (s[0] as usize, s[1] as u64, s[2] as u64, s[3] as usize);
    let (oh, ow) = (out_info.shape[1] as u64, out_info.shape[2] as u64);
    let mut out_index = 0;
    for batch in 0..n {
        let image = &input.data[batch * (h * w) as usize * c..];
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
                            image[pixel * c + channel]
                        })
                    });
                    out[out_index] = reduce(&mut taps);
                    out_index += 1;
                }
            }
        }
    }
}

/// The average-pool reference kernel.
pub fn run_average(pool: &Pool2d, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    for_each_window(&pool.window, input, out_info, out, |taps| {
        let (mut sum, mut count) = (0i64, 0i64);
        for v in taps {
            sum += v as i64;
            count += 1;
        }
        // Round half away from zero, as the reference kernel's integer division does.
        let average = if sum > 0 {
            (sum + count / 2) / count
        } else {
            (sum - count / 2) / count
        };
        pool.clamp.apply(average as i32)
    });
}

/// The max-pool reference kernel.
pub fn run_max(pool: &Pool2d, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    for_each_window(&pool.window, input, out_info, out, |taps| {
        let max = taps.max().unwrap_or(i8::MIN);
        pool.clamp.apply(max as i32)
    });
}
