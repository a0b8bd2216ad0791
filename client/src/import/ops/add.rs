//! `ADD` and `SUB` of two activations: TFLite's int8 `PrepareGeneralSubgraph` constants (both
//! inputs brought to twice the larger scale with a 20-bit headroom shift).

use vigil_engine::model::{Add, Op};

use super::{Ctx, ImportError, Importer};
use crate::import::quantization::quantize_multiplier;
use crate::tflite::{self, BuiltinOp, BuiltinOptions};

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let activation = match cx.options {
        BuiltinOptions::Add(o) => o.fused_activation,
        BuiltinOptions::Sub(o) => o.fused_activation,
        _ => tflite::Activation::None,
    };
    let y = cx.push_activation(imp, 1)?;
    let (y_scale, _) = cx.quantization_of(imp, y)?;
    const LEFT_SHIFT: u32 = 20;
    let twice_max = 2.0 * cx.x_scale.max(y_scale) as f64;
    let below_one = |real: f64| {
        let m = quantize_multiplier(real);
        if real <= 0.0 || real >= 1.0 || m.shift > 0 {
            Err(cx.unsupported(format!("scale ratio {real} out of range")))
        } else {
            Ok(m)
        }
    };
    let add = Add {
        left_shift: LEFT_SHIFT,
        input1_multiplier: below_one(cx.x_scale as f64 / twice_max)?,
        input2_multiplier: below_one(y_scale as f64 / twice_max)?,
        output_multiplier: below_one(
            twice_max / ((1i64 << LEFT_SHIFT) as f64 * cx.out_scale as f64),
        )?,
        clamp: cx.clamp_for(activation)?,
    };
    Ok(if cx.op == BuiltinOp::ADD {
        Op::Add(add)
    } else {
        Op::Sub(add)
    })
}
