//! A constant activation: values stored in the model, for an operand of an element-wise operator
//! that the source model keeps as a constant tensor (the `+ ε` of a layer normalisation, a
//! scale). No TFLite kernel: TFLite reads such a tensor from the file.

use super::{check_zero_point, elements};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{ElementType, TensorInfo};

/// Checks that the layer reads nothing and holds one value per output element: int8 values, or
/// bool values (0 or 1, zero point 0).
pub fn check(
    index: u32,
    values: &[i8],
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    if !inputs.is_empty() {
        return Err(EngineError::BadInputs { layer: index });
    }
    if values.len() as u64 != elements(out) {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    match out.element {
        ElementType::Int8 => check_zero_point(index, out.zero_point)?,
        ElementType::Bool => {
            if out.zero_point != 0 || values.iter().any(|&v| v != 0 && v != 1) {
                return Err(EngineError::BadQuantization { layer: index });
            }
        }
        _ => return Err(EngineError::BadElementType { layer: index }),
    }
    Ok(LayerCost {
        macs: 0,
        bytes: 2 * elements(out),
    })
}
