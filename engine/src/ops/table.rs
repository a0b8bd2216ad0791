//! `GELU` (int8) as TFLite runs it: a 256-entry table from input value to output value,
//! computed once from the tensors' scales and zero points when the model is prepared. The
//! importer computes the table; the engine only reads integers.
//!
//! ```text
//! out = table[in + 128]
//! ```
//!
//! Mirrors `reference_integer_ops::LookupTable` as full TFLite's `GeluEval` calls it, with the
//! table `GeluPrepare` fills through `LUTPopulate<int8_t>` (`kernels/gelu.cc`).

use super::{bytes_touched, check_zero_point, elements, expect_inputs, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{Table, TensorInfo, TABLE_ENTRIES};

/// Checks one input of the output's shape and a table of exactly [`TABLE_ENTRIES`] values.
pub fn check(
    index: u32,
    op: &Table,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    if inputs[0].shape != out.shape {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    if op.values.len() != TABLE_ENTRIES {
        return Err(EngineError::BadQuantization { layer: index });
    }
    check_zero_point(index, inputs[0].zero_point)?;
    check_zero_point(index, out.zero_point)?;
    Ok(LayerCost {
        macs: elements(out),
        bytes: bytes_touched(inputs, TABLE_ENTRIES as u64, out),
    })
}

/// The table lookup kernel.
pub fn run(op: &Table, input: Activation<'_>, out: &mut [i8]) {
    let table: &[i8] = &op.values;
    for (o, &v) in out.iter_mut().zip(input.data) {
        *o = table[(v as i32 + 128) as usize];
    }
}
