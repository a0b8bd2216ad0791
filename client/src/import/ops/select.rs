//! `SELECT_V2`: a bool condition (a model input or a constant, which becomes a `CONSTANT`
//! layer) and two activations of one type, int8 or int16, broadcast to the output. TFLite Micro
//! copies the chosen values without rescaling; so does the engine.

use vigil_engine::model::{ElementType, Op};

use super::{Ctx, ImportError, Importer};

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    if imp.activation_element(cx.layer_inputs[0]) != ElementType::Bool {
        return Err(cx.unsupported("a condition that is not bool"));
    }
    cx.push_activation(imp, 1)?;
    cx.push_activation(imp, 2)?;
    let x = imp.activation_element(cx.layer_inputs[1]);
    let y = imp.activation_element(cx.layer_inputs[2]);
    let out = cx.out_info.element;
    if x != y || x != out || !matches!(out, ElementType::Int8 | ElementType::Int16) {
        return Err(cx.unsupported(format!(
            "values of types {}, {} into {} (int8 or int16, all one type)",
            x.name(),
            y.name(),
            out.name()
        )));
    }
    Ok(Op::Select)
}
