//! `STRIDED_SLICE` of an activation with constant begin, end and strides: the masks and negative
//! indices resolved here as TFLite's `StartForAxis` and `StopForAxis` do.

use vigil_engine::model::{Op, SliceDim, StridedSlice};

use super::{Ctx, ImportError, Importer};
use crate::tflite::BuiltinOptions;

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let BuiltinOptions::StridedSlice(o) = cx.options else {
        return Err(cx.not_implemented());
    };
    if o.ellipsis_mask != 0 || o.new_axis_mask != 0 || o.offset {
        return Err(cx.unsupported("ellipsis, new axis and offset masks"));
    }
    let shape = imp.static_shape(cx.x, "strided slice input")?;
    let begin = imp.int32_constant(cx.input(1)?, &cx.what("begin"))?;
    let end = imp.int32_constant(cx.input(2)?, &cx.what("end"))?;
    let strides = imp.int32_constant(cx.input(3)?, &cx.what("strides"))?;
    let rank = shape.len();
    if begin.len() != rank || end.len() != rank || strides.len() != rank {
        return Err(cx.invalid(format!(
            "begin, end and strides must each have {rank} entries"
        )));
    }
    if !cx.keeps_quantization() {
        return Err(cx.unsupported("input and output quantization differ"));
    }
    let mut dims = Vec::with_capacity(rank);
    for axis in 0..rank {
        let size = shape[axis] as i64;
        let stride = strides[axis] as i64;
        if stride == 0 {
            return Err(cx.invalid("stride 0"));
        }
        let bit = |mask: i32| mask & (1 << axis) != 0;
        let clamp = |v: i64| {
            if stride > 0 {
                v.clamp(0, size)
            } else {
                v.clamp(-1, size - 1)
            }
        };
        let mut start = begin[axis] as i64;
        if bit(o.begin_mask) {
            start = if stride > 0 { i32::MIN } else { i32::MAX } as i64;
        }
        if start < 0 {
            start += size;
        }
        let start = clamp(start);
        let stop = if bit(o.shrink_axis_mask) {
            start + 1
        } else {
            let mut stop = end[axis] as i64;
            if bit(o.end_mask) {
                stop = if stride > 0 { i32::MAX } else { i32::MIN } as i64;
            }
            if stop < 0 {
                stop += size;
            }
            clamp(stop)
        };
        let count = if stride > 0 {
            (stop - start + stride - 1).div_euclid(stride)
        } else {
            (start - stop - stride - 1).div_euclid(-stride)
        }
        .max(0);
        dims.push(SliceDim {
            // A slice reading nothing starts anywhere; keep the start in range.
            start: if count == 0 { 0 } else { start as u32 },
            stride: stride as i32,
            count: count as u32,
        });
    }
    Ok(Op::StridedSlice(StridedSlice { dims }))
}
