//! `PAD` and `PADV2` with constant paddings.

use vigil_engine::model::{Op, Pad};

use super::{Ctx, ImportError, Importer};
use crate::tflite::BuiltinOp;

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let p = imp.int32_constant(cx.input(1)?, &cx.what("paddings"))?;
    if p.len() % 2 != 0 || p.iter().any(|&v| v < 0) {
        return Err(cx.invalid(format!("paddings {p:?}")));
    }
    let value = match cx.optional_input(2) {
        Some(v) if cx.op == BuiltinOp::PADV2 => *imp
            .int8_constant(v, "pad value")?
            .first()
            .ok_or_else(|| ImportError::Invalid("empty pad value".into()))?,
        _ => cx.out_zp as i8,
    };
    if !cx.keeps_quantization() {
        return Err(ImportError::Unsupported(cx.what("changes quantization")));
    }
    Ok(Op::Pad(Pad {
        paddings: p
            .chunks_exact(2)
            .map(|c| (c[0] as u32, c[1] as u32))
            .collect(),
        value,
    }))
}
