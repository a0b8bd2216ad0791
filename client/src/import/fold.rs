//! Evaluating shape arithmetic at import.
//!
//! Converters often emit `SHAPE → STRIDED_SLICE → PACK → RESHAPE` to compute a new shape at run
//! time, even when every shape is static. Those operators work on small int32 vectors, not on
//! activations; when everything they read is known at import, the importer computes their result
//! here and the `RESHAPE` takes its shape from its output tensor. They become no layer.

use super::{ImportError, Importer, Value};
use crate::tflite::{BuiltinOp, BuiltinOptions, TensorType};

/// A value known at import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Folded {
    /// An int32 vector (a shape, a slice of one, ...).
    Int32(Vec<i32>),
}

/// The operators that can be folded.
const FOLDABLE: &[BuiltinOp] = &[
    BuiltinOp::SHAPE,
    BuiltinOp::STRIDED_SLICE,
    BuiltinOp::PACK,
    BuiltinOp::CONCATENATION,
];

/// Folds the operator if it only computes on static int32 values, else returns `None`.
pub(super) fn try_fold(
    importer: &Importer<'_>,
    op: BuiltinOp,
    options: &BuiltinOptions,
    inputs: &[Option<usize>],
    output: usize,
) -> Result<Option<Folded>, ImportError> {
    if !FOLDABLE.contains(&op) || importer.tensors[output].tensor_type != TensorType::Int32 {
        return Ok(None);
    }
    let name = op.to_string();
    let int32 = |k: usize| -> Result<Vec<i32>, ImportError> {
        let index = inputs
            .get(k)
            .copied()
            .flatten()
            .ok_or_else(|| ImportError::Invalid(format!("{name} lacks input {k}")))?;
        importer.int32_constant(index, &format!("{name} input {k}"))
    };
    let folded = match (op, options) {
        (BuiltinOp::SHAPE, _) => {
            let index = inputs
                .first()
                .copied()
                .flatten()
                .ok_or_else(|| ImportError::Invalid("SHAPE lacks its input".into()))?;
            if let Some(Value::Folded(Folded::Int32(v))) = importer.values.get(&index) {
                vec![v.len() as i32]
            } else {
                let shape = importer.static_shape(index, "SHAPE input")?;
                shape.iter().map(|&d| d as i32).collect()
            }
        }
        (BuiltinOp::STRIDED_SLICE, BuiltinOptions::StridedSlice(o)) => {
            let (data, begin, end, strides) = (int32(0)?, int32(1)?, int32(2)?, int32(3)?);
            if begin.len() != 1
                || end.len() != 1
                || strides.len() != 1
                || o.ellipsis_mask != 0
                || o.new_axis_mask != 0
            {
                return Err(ImportError::Unsupported(
                    "STRIDED_SLICE on static values other than a 1-D slice".into(),
                ));
            }
            strided_slice_1d(
                &data,
                begin[0],
                end[0],
                strides[0],
                o.begin_mask & 1 != 0,
                o.end_mask & 1 != 0,
                o.shrink_axis_mask & 1 != 0,
                o.offset,
            )?
        }
        (BuiltinOp::PACK, BuiltinOptions::Pack(o)) => {
            if o.axis != 0 {
                return Err(ImportError::Unsupported(
                    "PACK of static values along an axis other than 0".into(),
                ));
            }
            let mut out = Vec::new();
            for k in 0..inputs.len() {
                out.extend(int32(k)?);
            }
            out
        }
        (BuiltinOp::CONCATENATION, _) => {
            let mut out = Vec::new();
            for k in 0..inputs.len() {
                out.extend(int32(k)?);
            }
            out
        }
        _ => return Ok(None),
    };
    Ok(Some(Folded::Int32(folded)))
}

/// TFLite's strided slice of a vector, with its begin/end masks and negative indices.
#[allow(clippy::too_many_arguments)]
fn strided_slice_1d(
    data: &[i32],
    begin: i32,
    end: i32,
    stride: i32,
    begin_mask: bool,
    end_mask: bool,
    shrink: bool,
    offset: bool,
) -> Result<Vec<i32>, ImportError> {
    let n = data.len() as i64;
    if stride == 0 {
        return Err(ImportError::Invalid("STRIDED_SLICE with stride 0".into()));
    }
    let normalise = |i: i64| if i < 0 { i + n } else { i };
    let (stride, begin, end) = (stride as i64, begin as i64, end as i64);
    let mut start = if begin_mask {
        if stride > 0 {
            0
        } else {
            n - 1
        }
    } else {
        normalise(begin)
    };
    let mut stop = if end_mask {
        if stride > 0 {
            n
        } else {
            -1
        }
    } else if offset {
        start + end
    } else {
        normalise(end)
    };
    if shrink {
        if !(0..n).contains(&start) {
            return Err(ImportError::Invalid(
                "STRIDED_SLICE index out of range".into(),
            ));
        }
        return Ok(vec![data[start as usize]]);
    }
    if stride > 0 {
        start = start.clamp(0, n);
        stop = stop.clamp(0, n);
    } else {
        start = start.clamp(-1, n - 1);
        stop = stop.clamp(-1, n - 1);
    }
    let mut out = Vec::new();
    let mut i = start;
    while (stride > 0 && i < stop) || (stride < 0 && i > stop) {
        out.push(data[i as usize]);
        i += stride;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::strided_slice_1d;

    #[test]
    fn slices_like_tflite() {
        let v = [1, 8, 8, 16];
        assert_eq!(
            strided_slice_1d(&v, 0, 1, 1, false, false, true, false).unwrap(),
            vec![1]
        );
        assert_eq!(
            strided_slice_1d(&v, 1, 0, 1, false, true, false, false).unwrap(),
            vec![8, 8, 16]
        );
        assert_eq!(
            strided_slice_1d(&v, -1, 0, 1, false, true, false, false).unwrap(),
            vec![16]
        );
        assert_eq!(
            strided_slice_1d(&v, 0, 0, -1, true, true, false, false).unwrap(),
            vec![16, 8, 8, 1]
        );
    }
}
