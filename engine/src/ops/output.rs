//! The outputs of a model with several: their bytes concatenated in order (see
//! [`crate::model`]). No TFLite kernel: TFLite hands each output over separately.

use super::{byte_len, Activation};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::limits::MAX_LAYER_INPUTS;
use crate::model::{ElementType, TensorInfo};

/// Checks that the layer reads at least two activations and that its output is a byte string of
/// their total length (that it is the last layer is checked by the validator, which sees the
/// layers' order).
pub fn check(
    index: u32,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    if inputs.len() < 2 || inputs.len() > MAX_LAYER_INPUTS {
        return Err(EngineError::BadInputs { layer: index });
    }
    if out.element != ElementType::Int8 {
        return Err(EngineError::BadElementType { layer: index });
    }
    let total: u64 = inputs.iter().map(|i| byte_len(i)).sum();
    if out.shape != [total as u32] || total > u32::MAX as u64 {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    if out.zero_point != 0 {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(LayerCost {
        macs: 0,
        bytes: 2 * total,
    })
}

/// Copies the inputs' bytes, in order.
pub fn run(inputs: &[Activation<'_>], out: &mut [i8]) {
    let mut at = 0;
    for input in inputs {
        out[at..at + input.data.len()].copy_from_slice(input.data);
        at += input.data.len();
    }
}
