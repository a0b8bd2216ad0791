//! `MEAN` over constant axes.

use vigil_engine::model::{Mean, Op};

use super::{Ctx, ImportError, Importer};
use crate::import::quantization::{mean_multiplier, quantize_multiplier};

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let axes_raw = imp.int32_constant(cx.input(1)?, &cx.what("axes"))?;
    let x_shape = imp.static_shape(cx.x, "mean input")?;
    let rank = x_shape.len() as i32;
    let mut axes = Vec::new();
    for a in axes_raw {
        let a = if a < 0 { a + rank } else { a };
        if !(0..rank).contains(&a) {
            return Err(cx.invalid("axis out of range"));
        }
        axes.push(a as u32);
    }
    axes.sort_unstable();
    axes.dedup();
    let count: i64 = axes.iter().fold(1i64, |acc, &a| {
        acc.saturating_mul(x_shape[a as usize] as i64)
    });
    // TFLite Micro rescales even when the input and output quantization are the same
    // (`QuantizedMeanOrSum`, rounding), rather than truncating the sum's quotient.
    let rescale = Some(mean_multiplier(
        quantize_multiplier(cx.x_scale as f64 / cx.out_scale as f64),
        count,
    ));
    Ok(Op::Mean(Mean { axes, rescale }))
}
