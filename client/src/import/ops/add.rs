//! `ADD` and `SUB` of two activations: TFLite's int8 `PrepareGeneralSubgraph` constants (both
//! inputs brought to twice the larger scale with a 20-bit headroom shift); and of two int16
//! activations (TFLite Micro's `CalculateOpDataAdd` / `CalculateOpDataSub`: the same with a
//! 15-bit shift).

use vigil_engine::model::{Add, Add16, ElementType, Op};

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
    let int16 = cx.int16_input(imp);
    if int16 {
        let y_type = imp.activation_element(cx.layer_inputs[1]);
        if y_type != ElementType::Int16 || cx.out_info.element != ElementType::Int16 {
            return Err(cx.unsupported("int16 activations (two int16 into int16 only)"));
        }
    }
    let left_shift: u32 = if int16 { 15 } else { 20 };
    let twice_max = 2.0 * cx.x_scale.max(y_scale) as f64;
    let below_one = |real: f64| {
        let m = quantize_multiplier(real);
        if real <= 0.0 || real >= 1.0 || m.shift > 0 {
            Err(cx.unsupported(format!("scale ratio {real} out of range")))
        } else {
            Ok(m)
        }
    };
    let input1_multiplier = below_one(cx.x_scale as f64 / twice_max)?;
    let input2_multiplier = below_one(y_scale as f64 / twice_max)?;
    let output_multiplier =
        below_one(twice_max / ((1i64 << left_shift) as f64 * cx.out_scale as f64))?;
    if int16 {
        let (min, max) = cx.range16(activation)?;
        let add = Add16 {
            left_shift,
            input1_multiplier,
            input2_multiplier,
            output_multiplier,
            min,
            max,
        };
        return Ok(if cx.op == BuiltinOp::ADD {
            Op::Add16(add)
        } else {
            Op::Sub16(add)
        });
    }
    let add = Add {
        left_shift,
        input1_multiplier,
        input2_multiplier,
        output_multiplier,
        clamp: cx.clamp_for(activation)?,
    };
    Ok(if cx.op == BuiltinOp::ADD {
        Op::Add(add)
    } else {
        Op::Sub(add)
    })
}
