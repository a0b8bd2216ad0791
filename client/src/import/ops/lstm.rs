//! `UNIDIRECTIONAL_SEQUENCE_LSTM` (int8 activations and weights, int16 cell state): the
//! constants TFLite Micro's `UnidirectionalSequenceLstmPrepare` derives
//! (`PrepareGateParametersInteger`, `CreateLstmCellStateInfo` in `lstm_eval_common.cc`), in the
//! same `float`/`double` operations:
//!
//! ```text
//! gate input    M_in     = QuantizeMultiplier(double(input_scale · weights_scale) / 2^-12)
//! gate hidden   M_rec    = QuantizeMultiplier(double(hidden_scale · weights_scale) / 2^-12)
//! f · c → c     M_forget = QuantizeMultiplier(2^-15 · cell_scale / cell_scale)
//! i · g → c     M_input  = QuantizeMultiplier(2^-15 · 2^-15 / cell_scale)
//! tanh(c)·o → h M_hidden = QuantizeMultiplier(2^-15 · 2^-15 / hidden_scale)
//! p = round(logf(cell_scale) · (1 / logf(2)))          (CheckedLog2, cell_scale = 2^p)
//! tanh of c:    s = 15 + p − 3;  s ≥ 0: c · (3 · 2^s);  s < 0: (c · 3 + 2^(−s−1)) >> −s
//! cell clip     = int16(clamp(double(cell_clip) / double(cell_scale), −32768, 32767))
//! ```
//!
//! (the products of scales are `float` products widened to `double`, as in TFLite's
//! `GetQuantizedConvolutionMultipler`; the gates' outputs are int16 with scale `2^-12`, their
//! activations' `2^-15`.) What TFLite Micro's kernel does not implement is refused by name:
//! peephole weights, a projection, layer normalisation, coupled input and forget gates (no
//! input gate), diagonal recurrent weights, per-channel weights, a cell gate activation other
//! than TANH. The projection clip (`proj_clip`) only bounds a projection, which is refused; TFLite
//! Micro reads neither it nor `asymmetric_quantize_inputs` (hybrid models), and neither does the
//! importer. The operator's intermediate tensors carry calibration scales the kernel does not
//! use.

use vigil_engine::model::{Lstm, LstmGate, Op};

use super::{Ctx, ImportError, Importer};
use crate::import::quantization::quantize_multiplier;
use crate::tflite::{Activation, BuiltinOptions, TensorType};

/// Inputs of the operator, in TFLite's order (`lstm_shared.h`).
const INPUT_COUNT: usize = 24;
/// Input-to-gate weights of the input, forget, cell and output gates.
const INPUT_WEIGHTS: [usize; 4] = [1, 2, 3, 4];
/// Recurrent weights of the same gates.
const RECURRENT_WEIGHTS: [usize; 4] = [5, 6, 7, 8];
/// Peephole weights (cell to input, forget, output).
const PEEPHOLE: [usize; 3] = [9, 10, 11];
/// Biases of the four gates.
const BIASES: [usize; 4] = [12, 13, 14, 15];
/// Projection weights and bias.
const PROJECTION: [usize; 2] = [16, 17];
/// The hidden (output) state and the cell state, variable tensors.
const HIDDEN_STATE: usize = 18;
const CELL_STATE: usize = 19;
/// Layer normalisation coefficients of the four gates.
const LAYER_NORM: [usize; 4] = [20, 21, 22, 23];
/// The gates, for messages.
const GATE_NAMES: [&str; 4] = ["input", "forget", "cell", "output"];

/// The scale of the gates before their activation (Q3.12) and after it (Q0.15), as TFLite
/// Micro writes them (`float` constants, `2^-12` and `2^-15` exactly).
const GATE_INPUT_SCALE: f32 = 1.0 / 4096.0;
const GATE_OUTPUT_SCALE: f32 = 1.0 / 32768.0;

/// TFLite's `CheckedLog2`, its result only: `logf(x) · (1 / logf(2))` rounded half away from
/// zero, in `float`.
fn log2_rounded(x: f32) -> i32 {
    let log2 = libm::logf(x) * (1.0f32 / libm::logf(2.0f32));
    log2.round() as i32
}

/// The tanh of the cell state's input scaling, `(multiplier, right_shift)`, for a cell scale of
/// `2^power` (TFLite Micro's `lstm_internal::Tanh` with the `reference_integer_ops::Tanh` it
/// calls); `None` when the multiplier does not fit in 32 bits.
pub fn cell_tanh_scaling(power: i32) -> Option<(i32, u32)> {
    let left_shift = 15 + power - 3;
    if left_shift >= 0 {
        let multiplier = 3i64.checked_shl(left_shift as u32)?;
        Some((i32::try_from(multiplier).ok()?, 0))
    } else {
        Some((3, left_shift.unsigned_abs()))
    }
}

/// `QuantizeMultiplier` of `double(a) · double(b) / double(c)` (`CreateInterGateMulParams`).
fn product_multiplier(a: f32, b: f32, c: f32) -> vigil_engine::model::Multiplier {
    quantize_multiplier(a as f64 * b as f64 / c as f64)
}

pub(in crate::import) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    let options = match cx.options {
        BuiltinOptions::UnidirectionalSequenceLstm(o) => *o,
        _ => return Err(cx.invalid("no UnidirectionalSequenceLSTMOptions")),
    };
    if cx.inputs.len() != INPUT_COUNT {
        return Err(cx.invalid(format!(
            "{} inputs where TFLite's LSTM has {INPUT_COUNT}",
            cx.inputs.len()
        )));
    }
    let present = |ks: &[usize]| ks.iter().any(|&k| cx.optional_input(k).is_some());
    if present(&PEEPHOLE) {
        return Err(cx.unsupported(
            "peephole weights (an LSTM variant TFLite Micro's kernel does not implement)",
        ));
    }
    if present(&PROJECTION) {
        return Err(cx.unsupported(
            "a projection (an LSTM variant TFLite Micro's kernel does not implement)",
        ));
    }
    if present(&LAYER_NORM) {
        return Err(cx.unsupported(
            "layer normalisation coefficients (an LSTM variant TFLite Micro's kernel does not \
             implement)",
        ));
    }
    if cx.optional_input(INPUT_WEIGHTS[0]).is_none()
        || cx.optional_input(RECURRENT_WEIGHTS[0]).is_none()
    {
        return Err(cx.unsupported(
            "no input gate: coupled input and forget gates (CIFG, an LSTM variant TFLite \
             Micro's kernel does not implement)",
        ));
    }
    if options.diagonal_recurrent_tensors {
        return Err(cx.unsupported("diagonal recurrent weights"));
    }
    if options.fused_activation != Activation::Tanh {
        return Err(cx.unsupported(format!(
            "cell gate activation {:?} (TFLite Micro's LSTM computes it with TANH)",
            options.fused_activation
        )));
    }

    // Shapes: [batch, time, depth] (or [time, batch, depth]) in, [.., .., units] out.
    let input_shape = imp.static_shape(cx.x, &cx.what("input"))?;
    let out_shape = cx.out_info.shape.clone();
    if input_shape.len() != 3 || out_shape.len() != 3 || out_shape[..2] != input_shape[..2] {
        return Err(cx.invalid(format!(
            "input of shape {input_shape:?} and output of shape {out_shape:?} (both must be \
             [batch, time, _] or [time, batch, _] alike)"
        )));
    }
    let batch = if options.time_major {
        input_shape[1]
    } else {
        input_shape[0]
    };
    let (depth, units) = (input_shape[2], out_shape[2]);

    // The states: int8 hidden state, int16 cell state, each one row of units per batch.
    let hidden = state(imp, cx, HIDDEN_STATE, "hidden state", TensorType::Int8)?;
    let cell = state(imp, cx, CELL_STATE, "cell state", TensorType::Int16)?;
    for (t, what) in [(hidden, "hidden state"), (cell, "cell state")] {
        let elements: u64 = imp
            .static_shape(t, &cx.what(what))?
            .iter()
            .map(|&d| d as u64)
            .product();
        if elements != batch as u64 * units as u64 {
            return Err(cx.invalid(format!(
                "a {what} of {elements} elements for {batch} batches of {units} units"
            )));
        }
    }
    let (hidden_scale, hidden_zero_point) = cx.quantization_of(imp, hidden)?;
    let (cell_scale, _) = cx.quantization_of(imp, cell)?;
    if !(cell_scale > 0.0 && cell_scale.is_finite() && hidden_scale > 0.0) {
        return Err(cx.invalid("a state scale that is not positive"));
    }

    let mut gates = Vec::with_capacity(4);
    for g in 0..4 {
        let name = GATE_NAMES[g];
        let input_weights = weights(imp, cx, INPUT_WEIGHTS[g], &[units, depth], name, "input")?;
        let recurrent_weights = weights(
            imp,
            cx,
            RECURRENT_WEIGHTS[g],
            &[units, units],
            name,
            "recurrent",
        )?;
        let bias_tensor = cx.optional_input(BIASES[g]).ok_or_else(|| {
            cx.invalid(format!(
                "no bias for the {name} gate (TFLite Micro requires one)"
            ))
        })?;
        let bias = imp.int32_constant(bias_tensor, &cx.what(&format!("{name} gate bias")))?;
        if bias.len() != units as usize {
            return Err(cx.invalid(format!(
                "{} biases for the {name} gate's {units} units",
                bias.len()
            )));
        }
        gates.push(LstmGate {
            input_weights: input_weights.0,
            recurrent_weights: recurrent_weights.0,
            bias,
            input_multiplier: quantize_multiplier(
                (cx.x_scale * input_weights.1) as f64 / GATE_INPUT_SCALE as f64,
            ),
            recurrent_multiplier: quantize_multiplier(
                (hidden_scale * recurrent_weights.1) as f64 / GATE_INPUT_SCALE as f64,
            ),
        });
    }

    let power = log2_rounded(cell_scale);
    let (cell_tanh_multiplier, cell_tanh_right_shift) = cell_tanh_scaling(power)
        .ok_or_else(|| cx.unsupported(format!("a cell state scale of 2^{power}, too large")))?;
    let cell_clip = (options.cell_clip > 0.0).then(|| {
        // `as` truncates toward zero, as C's cast does; the value is already in range.
        (options.cell_clip as f64 / cell_scale as f64).clamp(-32768.0, 32767.0) as i16
    });
    Ok(Op::Lstm(Lstm {
        time_major: options.time_major,
        gates,
        hidden_zero_point,
        forget_multiplier: product_multiplier(GATE_OUTPUT_SCALE, cell_scale, cell_scale),
        input_multiplier: product_multiplier(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE, cell_scale),
        hidden_multiplier: product_multiplier(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE, hidden_scale),
        cell_tanh_multiplier,
        cell_tanh_right_shift,
        cell_clip,
    }))
}

/// A state tensor: present, of its type, a variable.
fn state(
    imp: &Importer<'_>,
    cx: &Ctx<'_>,
    k: usize,
    what: &str,
    ty: TensorType,
) -> Result<usize, ImportError> {
    let t = cx
        .optional_input(k)
        .ok_or_else(|| cx.invalid(format!("no {what} tensor")))?;
    let tensor = &imp.tensors[t];
    if tensor.tensor_type != ty {
        return Err(cx.unsupported(format!(
            "a {what} of type {:?} (the int8 LSTM keeps it {ty:?})",
            tensor.tensor_type
        )));
    }
    if !tensor.is_variable {
        return Err(cx.invalid(format!("the {what} is not a variable tensor")));
    }
    Ok(t)
}

/// A gate's int8 weights of the given shape, per-tensor quantized; with their scale.
fn weights(
    imp: &Importer<'_>,
    cx: &Ctx<'_>,
    k: usize,
    shape: &[u32],
    gate: &str,
    kind: &str,
) -> Result<(Vec<i8>, f32), ImportError> {
    let what = cx.what(&format!("{kind} weights of the {gate} gate"));
    let t = cx.input(k)?;
    let found = imp.static_shape(t, &what)?;
    if found != shape {
        return Err(cx.invalid(format!(
            "{kind} weights of the {gate} gate of shape {found:?}, expected {shape:?}"
        )));
    }
    let values = imp.int8_constant(t, &what)?;
    let scales = imp.weight_scales(t, shape[0] as usize, 0, &what)?;
    match scales.as_slice() {
        [scale] => Ok((values, *scale)),
        _ => Err(cx.unsupported(format!(
            "per-channel {kind} weights of the {gate} gate (TFLite Micro's LSTM reads one scale \
             per weights tensor)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::import_model;
    use crate::tflite::{parse, TfliteModel};
    use vigil_engine::model::Multiplier;

    /// The zoo's time-major LSTM (batch 3, 16 units over 8-vectors, cell scale 2^-14, cell
    /// clip 0.75).
    fn zoo_model() -> TfliteModel {
        parse(include_bytes!(
            "../../../../models/zoo/rnn_lstm_time_major.tflite"
        ))
        .unwrap()
    }

    fn lstm_of(m: &TfliteModel) -> Lstm {
        let imported = import_model(m).unwrap();
        match &imported.model.layers[0].op {
            Op::Lstm(op) => op.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[track_caller]
    fn refusal(m: &TfliteModel) -> String {
        match import_model(m) {
            Ok(_) => panic!("the model must be refused"),
            Err(e) => e.to_string(),
        }
    }

    /// Changes the LSTM operator's inputs or options.
    fn with(change: impl FnOnce(&mut crate::tflite::Operator)) -> TfliteModel {
        let mut m = zoo_model();
        change(&mut m.subgraphs[0].operators[0]);
        m
    }

    fn options(
        op: &mut crate::tflite::Operator,
    ) -> &mut crate::tflite::UnidirectionalSequenceLstmOptions {
        match &mut op.options {
            BuiltinOptions::UnidirectionalSequenceLstm(o) => o,
            _ => unreachable!(),
        }
    }

    #[test]
    fn the_zoo_lstm_imports_with_tflite_micros_constants() {
        let op = lstm_of(&zoo_model());
        assert!(op.time_major);
        assert_eq!(op.gates.len(), 4);
        assert!(op.gates.iter().all(|g| g.bias.len() == 16
            && g.input_weights.len() == 16 * 8
            && g.recurrent_weights.len() == 16 * 16));
        // 0.75 / 2^-14.
        assert_eq!(op.cell_clip, Some(12288));
        // Cell scale 2^-14: tanh's input is (c · 3 + 2) >> 2.
        assert_eq!((op.cell_tanh_multiplier, op.cell_tanh_right_shift), (3, 2));
        // 2^-15 · c / c = 2^-15; 2^-30 / 2^-14 = 2^-16; 2^-30 / (1/128) = 2^-23.
        let half = |shift| Multiplier {
            multiplier: 1 << 30,
            shift,
        };
        assert_eq!(op.forget_multiplier, half(-14));
        assert_eq!(op.input_multiplier, half(-15));
        assert_eq!(op.hidden_multiplier, half(-22));
        assert_eq!(op.hidden_zero_point, 0);
    }

    #[test]
    fn the_cell_tanh_scaling_follows_the_cell_scale() {
        assert_eq!(cell_tanh_scaling(-12), Some((3, 0)));
        assert_eq!(cell_tanh_scaling(-11), Some((6, 0)));
        assert_eq!(cell_tanh_scaling(-13), Some((3, 1)));
        assert_eq!(cell_tanh_scaling(-20), Some((3, 8)));
        assert_eq!(cell_tanh_scaling(40), None);
        assert_eq!(log2_rounded(1.0 / 4096.0), -12);
        assert_eq!(log2_rounded(0.75 / 4096.0), -12);
        assert_eq!(log2_rounded(1.5 / 4096.0), -11);
    }

    #[test]
    fn lstm_variants_tflite_micro_lacks_are_refused_by_name() {
        // Any present tensor will do as the variant's weights.
        let some = |op: &crate::tflite::Operator| op.inputs[12];
        let cases: Vec<(TfliteModel, &str)> = vec![
            (with(|op| op.inputs[9] = some(op)), "peephole weights"),
            (with(|op| op.inputs[11] = some(op)), "peephole weights"),
            (with(|op| op.inputs[16] = some(op)), "a projection"),
            (with(|op| op.inputs[17] = some(op)), "a projection"),
            (with(|op| op.inputs[20] = some(op)), "layer normalisation"),
            (with(|op| op.inputs[23] = some(op)), "layer normalisation"),
            (
                with(|op| op.inputs[1] = -1),
                "coupled input and forget gates (CIFG",
            ),
            (
                with(|op| op.inputs[5] = -1),
                "coupled input and forget gates (CIFG",
            ),
            (
                with(|op| options(op).diagonal_recurrent_tensors = true),
                "diagonal recurrent weights",
            ),
            (
                with(|op| options(op).fused_activation = Activation::Relu),
                "cell gate activation Relu",
            ),
        ];
        for (m, what) in cases {
            let message = refusal(&m);
            assert!(
                message.starts_with("unsupported: operator 0 (UNIDIRECTIONAL_SEQUENCE_LSTM): ")
                    && message.contains(what),
                "{message}"
            );
        }
    }

    #[test]
    fn lstm_tensor_refusals() {
        // Per-channel weights.
        let mut m = zoo_model();
        let w = m.subgraphs[0].operators[0].inputs[2] as usize;
        let q = m.subgraphs[0].tensors[w].quantization.as_mut().unwrap();
        q.scale = vec![q.scale[0]; 16];
        q.zero_point = vec![0; 16];
        let message = refusal(&m);
        assert!(
            message.contains("per-channel input weights of the forget gate"),
            "{message}"
        );
        // A cell state that is not int16, a state that is no variable.
        let mut m = zoo_model();
        let c = m.subgraphs[0].operators[0].inputs[CELL_STATE] as usize;
        m.subgraphs[0].tensors[c].tensor_type = TensorType::Int8;
        let message = refusal(&m);
        assert!(
            message.contains("unsupported") && message.contains("a cell state of type Int8"),
            "{message}"
        );
        let mut m = zoo_model();
        let h = m.subgraphs[0].operators[0].inputs[HIDDEN_STATE] as usize;
        m.subgraphs[0].tensors[h].is_variable = false;
        let message = refusal(&m);
        assert!(
            message.contains("invalid model")
                && message.contains("the hidden state is not a variable"),
            "{message}"
        );
        // A state of the wrong size.
        let mut m = zoo_model();
        m.subgraphs[0].tensors[h].shape = vec![2, 16];
        assert!(refusal(&m).contains("a hidden state of 32 elements for 3 batches of 16 units"));
        // A gate without bias, an operator with fewer inputs.
        let m = with(|op| op.inputs[13] = -1);
        assert!(refusal(&m).contains("no bias for the forget gate"));
        let m = with(|op| op.inputs.truncate(20));
        assert!(refusal(&m).contains("20 inputs where TFLite's LSTM has 24"));
        // Weights of another shape.
        let mut m = zoo_model();
        let w = m.subgraphs[0].operators[0].inputs[7] as usize;
        m.subgraphs[0].tensors[w].shape = vec![8, 32];
        let message = refusal(&m);
        assert!(
            message
                .contains("recurrent weights of the cell gate of shape [8, 32], expected [16, 16]"),
            "{message}"
        );
        // The 16x8 LSTM (int16 activations) and a hybrid one (float input).
        for (ty, what) in [
            (
                TensorType::Int16,
                "UNIDIRECTIONAL_SEQUENCE_LSTM): int16 activations",
            ),
            (
                TensorType::Float32,
                "a float input must be read by one QUANTIZE to int8",
            ),
        ] {
            let mut m = zoo_model();
            m.subgraphs[0].tensors[0].tensor_type = ty;
            let message = refusal(&m);
            assert!(message.contains(what), "{message}");
        }
        // A cell scale so large that its tanh scaling overflows: refused by the importer
        // (2^40) or by the engine's check (2^4: 3 · 2^16 per unit of cell state).
        for (scale, what) in [
            (2f32.powi(40), "a cell state scale of 2^40, too large"),
            (16.0, "a quantization constant is out of range"),
        ] {
            let mut m = zoo_model();
            let c = m.subgraphs[0].operators[0].inputs[CELL_STATE] as usize;
            m.subgraphs[0].tensors[c]
                .quantization
                .as_mut()
                .unwrap()
                .scale = vec![scale];
            let message = refusal(&m);
            assert!(message.contains(what), "{message}");
        }
    }
}
