//! `QUANTIZE` from int8 to int8: a change of scale and zero point.

use vigil_engine::model::{Clamp, Op, Requantize};

use super::{Ctx, ImportError};
use crate::import::quantization::quantize_multiplier;

pub(in crate::import) fn import(cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    Ok(Op::Requantize(Requantize {
        multiplier: quantize_multiplier(cx.x_scale as f64 / cx.out_scale as f64),
        clamp: Clamp::FULL,
    }))
}
