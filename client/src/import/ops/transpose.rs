//! `TRANSPOSE` with a constant permutation.

use vigil_engine::model::{Op, Transpose};

use super::{Ctx, ImportError, Importer};

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let perm = imp.int32_constant(cx.input(1)?, &cx.what("permutation"))?;
    let rank = imp.static_shape(cx.x, "transpose input")?.len();
    let mut seen = vec![false; rank];
    for &p in &perm {
        match usize::try_from(p).ok().filter(|&p| p < rank) {
            Some(p) if !seen[p] => seen[p] = true,
            _ => {
                return Err(cx.invalid(format!(
                    "permutation {perm:?} is not one of the {rank} input dimensions"
                )))
            }
        }
    }
    if perm.len() != rank {
        return Err(cx.invalid(format!(
            "permutation {perm:?} is not one of the {rank} input dimensions"
        )));
    }
    if !cx.keeps_quantization() {
        return Err(cx.unsupported("input and output quantization differ"));
    }
    Ok(Op::Transpose(Transpose {
        perm: perm.iter().map(|&p| p as u32).collect(),
    }))
}
