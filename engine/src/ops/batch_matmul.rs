//! `BATCH_MATMUL` of two activations: a matrix product per batch, the batch dimensions
//! broadcast numpy-style.
//!
//! ```text
//! out[b, r, c] = clamp(requantize(Σ_k (x[b, r, k] − zx) · (y[b, k, c] − zy), M) + zo)
//! ```
//!
//! with `x` read as `[.., depth, rows]` when `adj_x` and `y` as `[.., cols, depth]` when `adj_y`.
//! Mirrors `reference_ops::BatchMatMul` (the quantized overload taking `FullyConnectedParams`),
//! as TFLite Micro's `batch_matmul.cc` calls it for int8; it has no fused activation.

use alloc::vec;

use super::broadcast::broadcast_strides;
use super::{
    bytes_touched, check_accumulator, check_zero_point, checked_product, expect_inputs,
    max_offset_magnitude, Activation,
};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::limits::MAX_RANK;
use crate::model::{BatchMatMul, TensorInfo};
use crate::quant::requantize;

/// `(rows, depth)` of the first input and `(depth, cols)` of the second, after `adj_*`.
fn matrices(op: &BatchMatMul, x: &[u32], y: &[u32]) -> ((u32, u32), (u32, u32)) {
    let (xa, xb) = (x[x.len() - 2], x[x.len() - 1]);
    let (ya, yb) = (y[y.len() - 2], y[y.len() - 1]);
    let lhs = if op.adj_x { (xb, xa) } else { (xa, xb) };
    let rhs = if op.adj_y { (yb, ya) } else { (ya, yb) };
    (lhs, rhs)
}

/// Checks the shapes (matrix sizes, broadcast batches), the quantization and the accumulator.
pub fn check(
    index: u32,
    op: &BatchMatMul,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 2)?;
    let (x, y) = (&inputs[0].shape, &inputs[1].shape);
    let rank = out.shape.len();
    if x.len() < 2 || y.len() < 2 || rank != x.len().max(y.len()) || rank > MAX_RANK {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    let ((rows, depth), (depth_y, cols)) = matrices(op, x, y);
    let batch = &out.shape[..rank - 2];
    let fits = depth == depth_y
        && out.shape[rank - 2] == rows
        && out.shape[rank - 1] == cols
        && broadcast_strides(&x[..x.len() - 2], batch).is_some()
        && broadcast_strides(&y[..y.len() - 2], batch).is_some()
        // Each output batch dimension is one of the inputs' (broadcasting never grows a 1).
        && (0..rank - 2).all(|axis| {
            let dim = |s: &[u32]| {
                let lead = rank - s.len();
                if axis >= lead { s[axis - lead] } else { 1 }
            };
            batch[axis] == dim(x).max(dim(y))
        });
    if !fits {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    for info in [inputs[0], inputs[1], out] {
        check_zero_point(index, info.zero_point)?;
    }
    if !op.multiplier.is_well_formed() {
        return Err(EngineError::BadQuantization { layer: index });
    }
    let bound = depth as u64
        * max_offset_magnitude(inputs[0].zero_point)
        * max_offset_magnitude(inputs[1].zero_point);
    check_accumulator(index, bound, op.multiplier)?;
    let batches = batch
        .iter()
        .try_fold(1u64, |acc, &d| acc.checked_mul(d as u64));
    let macs = batches
        .and_then(|b| checked_product(&[b, rows as u64, cols as u64, depth as u64]))
        .ok_or(EngineError::LayerTooCostly { layer: index })?;
    Ok(LayerCost {
        macs,
        bytes: bytes_touched(inputs, 0, out),
    })
}

/// The reference kernel.
pub fn run(
    op: &BatchMatMul,
    x: Activation<'_>,
    y: Activation<'_>,
    out_info: &TensorInfo,
    out: &mut [i8],
) {
    let rank = out_info.shape.len();
    let batch = &out_info.shape[..rank - 2];
    let xs = &x.info.shape;
    let ys = &y.info.shape;
    let ((rows, depth), (_, cols)) = matrices(op, xs, ys);
    let (rows, depth, cols) = (rows as usize, depth as usize, cols as usize);
    let sx = broadcast_strides(&xs[..xs.len() - 2], batch).unwrap_or([0; MAX_RANK]);
    let sy = broadcast_strides(&ys[..ys.len() - 2], batch).unwrap_or([0; MAX_RANK]);
    let (zx, zy, zo) = (x.info.zero_point, y.info.zero_point, out_info.zero_point);
    let matrix = rows * cols;
    let batches = out.len().checked_div(matrix).unwrap_or(0);
    let mut counter = [0u32; MAX_RANK];
    let (mut bx, mut by) = (0usize, 0usize);
    // Each batch's x as rows and y as columns, offset by their zero points, so that every output
    // is the dot product of two contiguous runs (the sums are the reference's, in another
    // layout: offset values fit 16 bits, their products 32).
    let mut x_rows = vec![0i16; rows * depth];
    let mut y_cols = vec![0i16; cols * depth];
    for b in 0..batches {
        let xm = &x.data[bx * rows * depth..(bx + 1) * rows * depth];
        let ym = &y.data[by * depth * cols..(by + 1) * depth * cols];
        let om = &mut out[b * matrix..(b + 1) * matrix];
        for r in 0..rows {
            for k in 0..depth {
                let xv = if op.adj_x {
                    xm[k * rows + r]
                } else {
                    xm[r * depth + k]
                };
                x_rows[r * depth + k] = (xv as i32 - zx) as i16;
            }
        }
        for c in 0..cols {
            for k in 0..depth {
                let yv = if op.adj_y {
                    ym[c * depth + k]
                } else {
                    ym[k * cols + c]
                };
                y_cols[c * depth + k] = (yv as i32 - zy) as i16;
            }
        }
        for r in 0..rows {
            let x_row = &x_rows[r * depth..(r + 1) * depth];
            for c in 0..cols {
                let y_col = &y_cols[c * depth..(c + 1) * depth];
                let acc: i32 = x_row
                    .iter()
                    .zip(y_col)
                    .map(|(&a, &b)| a as i32 * b as i32)
                    .sum();
                let scaled = requantize(acc, op.multiplier).wrapping_add(zo);
                om[r * cols + c] = scaled.clamp(-128, 127) as i8;
            }
        }
        // Next batch: advance the odometer over the batch dimensions.
        for axis in (0..batch.len()).rev() {
            counter[axis] += 1;
            bx += sx[axis];
            by += sy[axis];
            if counter[axis] < batch[axis] {
                break;
            }
            bx -= sx[axis] * batch[axis] as usize;
            by -= sy[axis] * batch[axis] as usize;
            counter[axis] = 0;
        }
    }
}
