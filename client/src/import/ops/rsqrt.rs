//! `RSQRT`: one multiplier `1 / (√input_scale · output_scale)`, as TFLite Micro's
//! `SetRsqrtOutputMultiplier`.

use vigil_engine::model::{Op, Rsqrt};

use super::{Ctx, ImportError};
use crate::import::quantization::quantize_multiplier;

pub(in crate::import) fn import(cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let real = 1.0f64 / (cx.x_scale.sqrt() * cx.out_scale) as f64;
    let multiplier = quantize_multiplier(real);
    if multiplier.shift < -11 {
        return Err(cx.unsupported("output scale too large for the input scale"));
    }
    Ok(Op::Rsqrt(Rsqrt { multiplier }))
}
