//! `HARD_SWISH`: two 16-bit multipliers as TFLite's `HardSwishPrepare` derives them.

use vigil_engine::model::{HardSwish, Op};

use super::{Ctx, ImportError};
use crate::import::quantization::quantize_multiplier_int16;

pub(in crate::import) fn import(cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let hires = (1.0f32 / 128.0f32) * cx.x_scale;
    let (output_multiplier, output_exponent) =
        quantize_multiplier_int16((hires / cx.out_scale) as f64);
    let (reluish_multiplier, reluish_exponent) =
        quantize_multiplier_int16((hires / (3.0f32 / 32768.0f32)) as f64);
    if output_exponent > 0 {
        return Err(cx.unsupported("output scale too small for the input scale"));
    }
    Ok(Op::HardSwish(HardSwish {
        output_multiplier,
        output_exponent,
        reluish_multiplier,
        reluish_exponent,
    }))
}
