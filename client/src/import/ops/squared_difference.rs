//! `SQUARED_DIFFERENCE` of two activations: TFLite Micro's `PrepareQuantized` constants with a
//! headroom shift of 7.

use vigil_engine::model::{Add, Clamp, Op};

use super::{Ctx, ImportError, Importer};
use crate::import::quantization::quantize_multiplier;

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let y = cx.push_activation(imp, 1)?;
    let (y_scale, _) = cx.quantization_of(imp, y)?;
    const LEFT_SHIFT: u32 = 7;
    let twice_max = 2.0 * cx.x_scale.max(y_scale) as f64;
    let below_one = |real: f64| {
        let m = quantize_multiplier(real);
        if real <= 0.0 || real >= 1.0 || m.shift > 0 {
            Err(cx.unsupported(format!("scale ratio {real} out of range")))
        } else {
            Ok(m)
        }
    };
    let denominator = ((1i32 << (2 * LEFT_SHIFT)) as f32 * cx.out_scale) as f64;
    Ok(Op::SquaredDifference(Add {
        left_shift: LEFT_SHIFT,
        input1_multiplier: below_one(cx.x_scale as f64 / twice_max)?,
        input2_multiplier: below_one(y_scale as f64 / twice_max)?,
        output_multiplier: quantize_multiplier(twice_max * twice_max / denominator),
        clamp: Clamp::FULL,
    }))
}
