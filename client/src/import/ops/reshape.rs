//! `RESHAPE`, `SQUEEZE` and `EXPAND_DIMS`: the same bytes under the output tensor's shape.

use vigil_engine::model::Op;

use super::{Ctx, ImportError};

pub(in crate::import) fn import(cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    if !cx.keeps_quantization() {
        return Err(ImportError::Invalid(cx.what("changes quantization")));
    }
    Ok(Op::Reshape)
}
