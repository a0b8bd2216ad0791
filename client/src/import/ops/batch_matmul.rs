//! `BATCH_MATMUL` of two activations: one multiplier, as TFLite's
//! `GetQuantizedConvolutionMultipler`.

use vigil_engine::model::{BatchMatMul, Op};

use super::{Ctx, ImportError, Importer};
use crate::import::quantization::quantize_multiplier;
use crate::tflite::BuiltinOptions;

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let (adj_x, adj_y) = match cx.options {
        BuiltinOptions::BatchMatMul(o) => (o.adj_x, o.adj_y),
        _ => (false, false),
    };
    let y = cx.push_activation(imp, 1)?;
    let (y_scale, _) = cx.quantization_of(imp, y)?;
    Ok(Op::BatchMatMul(BatchMatMul {
        adj_x,
        adj_y,
        multiplier: quantize_multiplier(cx.x_scale as f64 * y_scale as f64 / cx.out_scale as f64),
    }))
}
