//! `UNIDIRECTIONAL_SEQUENCE_LSTM`, int8: TFLite's 8×8→16 integer LSTM.
//!
//! Mirrors TFLite Micro's `EvalLstm<int8_t, int8_t, int16_t, int32_t>` (`lstm_eval.h`,
//! `lstm_eval.cc`), with the constants its `PrepareGateParametersInteger`
//! (`lstm_eval_common.cc`) derives, which the importer computes and stores. The input is a
//! sequence of `depth`-vectors per batch; for each batch the hidden state `h` (int8) starts at
//! its zero point and the cell state `c` (int16) at zero, and each time step computes
//!
//! ```text
//! gate(x, h)  = clamp16(clamp16(requantize(Σ w·(x − zi) + bias, M_in))
//!                     + clamp16(requantize(Σ r·(h − zh), M_rec)))          (Q3.12)
//! i = σ(gate_i)   f = σ(gate_f)   g = tanh(gate_g)   o = σ(gate_o)           (Q0.15)
//! c = clamp16(clamp16(requantize(f·c, M_forget)) + clamp16(requantize(i·g, M_input)))
//! c = clip(c, ±cell_clip)                                                   (when set)
//! h = clamp8(requantize(tanh_cell(c) · o, M_hidden) + zh)
//! ```
//!
//! and writes `h` as the step's output. Every gate reads the hidden state of the previous step.
//! `σ` and `tanh` are TFLite's int16 `reference_integer_ops::Logistic` and `Tanh`: a 256-entry
//! table of the sigmoid with linear interpolation between entries ([`sigmoid`],
//! [`tanh`]). The dense products are `reference_integer_ops::FullyConnected` with an int16
//! output, the products of gates `MulElementwise`, the sums `AddElementWise` (saturating).
//!
//! The cost counts the eight dense products of every step and unit as multiply-accumulates and
//! the rest of a unit's step (eleven rescalings, five table activations, clamps) as
//! [`ELEMENTWISE_PER_UNIT`] more; in its worst shape (one unit, one input per step) an LSTM takes
//! 5.6 ns per cost unit natively, a LOGISTIC layer 19.7 ns (`engine/examples/cost_per_unit.rs`),
//! so the chain's charge for a disputed layer, the heaviest benchmarked class, covers it.
//!
//! Batches are independent: TFLite Micro walks a time-major input step by step with every batch
//! at once and a batch-major one batch at a time, which gives the same values for each batch;
//! this kernel walks both batch by batch. The LSTM variants TFLite Micro does not implement
//! (peephole, projection, layer normalisation, coupled input and forget gates) are refused by
//! the importer.

use alloc::vec;
use alloc::vec::Vec;

use super::{
    bytes_touched, check_accumulator, check_zero_point, checked_product, dims, expect_inputs,
    max_offset_magnitude, Activation,
};
use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{Lstm, LstmGate, Multiplier, TensorInfo, LSTM_GATES};
use crate::quant::requantize;

/// Index of each gate in [`Lstm::gates`].
const INPUT: usize = 0;
const FORGET: usize = 1;
const CELL: usize = 2;
const OUTPUT: usize = 3;

/// What a unit's step does besides its dense products (eleven rescalings: two per gate and one
/// per product of gates; five table activations; sums and clamps), counted as this many
/// multiply-accumulates: one per rescaling. Measured, the work per cost unit stays below a
/// LOGISTIC layer's (see the module docs).
pub const ELEMENTWISE_PER_UNIT: u64 = 11;

/// The gates' tanh reads its Q3.12 input as the table does: times 3, no shift.
const GATE_TANH: (i32, u32) = (3, 0);

/// Largest magnitude of a product of two int16 values: `(-2^15)²`.
const INT16_PRODUCT_BOUND: u64 = 1 << 30;

/// `sigmoid(i / 24)` in unsigned 0.16 fixed point for `i` in `0..256`, as TFLite's
/// `sigmoid_table_uint16` holds it (the last entry saturated to 65535). TFLite's table differs
/// from rounding the formula by one in 45 entries, so it is given here value for value: the
/// kernels' results depend on these exact numbers.
#[rustfmt::skip]
pub const SIGMOID_TABLE: [u16; 256] = [
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
    43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
    51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
    61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
    63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
    64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
    65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
    65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
    65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
    65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
];

/// The logistic function of a Q3.12 int16 value, in Q0.15 (0 to 32767).
///
/// TFLite's int16 `reference_integer_ops::Logistic` with input multiplier 3 and no shift (the
/// LSTM's call): `|3x|` indexes the table by its bits above the ninth and interpolates
/// linearly with the nine below; a negative input takes `1 − σ(|x|)`; the result is rounded
/// from 26 bits to 16.
pub fn sigmoid(x: i16) -> i16 {
    let input = x as i32 * 3;
    let magnitude = input.unsigned_abs();
    let high = (magnitude >> 9) as usize;
    let interpolated: u32 = if high >= 255 {
        0x7fff << 10
    } else {
        let (a, b) = (SIGMOID_TABLE[high] as u32, SIGMOID_TABLE[high + 1] as u32);
        (a << 9) + (magnitude & 0x1ff) * (b - a)
    };
    // interpolated < 2^25 (at most 65535 · 2^9), so neither branch wraps; qed.
    let result = if input >= 0 {
        interpolated + (1 << 9)
    } else {
        (1 << 25) - interpolated + (1 << 9) - 1
    };
    (result >> 10) as i16
}

/// The hyperbolic tangent of an int16 value scaled to the table's Q3.12 input by
/// `(x · multiplier + round) >> right_shift`, in Q0.15 (−32767 to 32767).
///
/// TFLite's int16 `reference_integer_ops::Tanh`, from `tanh(x) = 2σ(2x) − 1`: the same table,
/// indexed by the bits above the eighth and interpolated with the eight below. The caller
/// guarantees `|x| · multiplier + 2^right_shift ≤ i32::MAX` and `right_shift ≤ 30` (checked
/// by [`check`]).
pub fn tanh(x: i16, multiplier: i32, right_shift: u32) -> i16 {
    let round = if right_shift > 0 {
        1i32 << (right_shift - 1)
    } else {
        0
    };
    let input = (x as i32 * multiplier + round) >> right_shift;
    let magnitude = input.unsigned_abs();
    let high = (magnitude >> 8) as usize;
    let interpolated: i32 = if high >= 255 {
        0xffff << 8
    } else {
        let (a, b) = (SIGMOID_TABLE[high] as u32, SIGMOID_TABLE[high + 1] as u32);
        ((a << 8) + (magnitude & 0xff) * (b - a)) as i32
    };
    let result = if input >= 0 {
        interpolated - (1 << 23) + (1 << 7)
    } else {
        -interpolated + (1 << 23) + (1 << 7) - 1
    };
    (result >> 8) as i16
}

/// Narrows to int16, saturating.
#[inline]
fn clamp16(v: i32) -> i16 {
    v.clamp(i16::MIN as i32, i16::MAX as i32) as i16
}

/// The shape `(batches, steps, depth, units)` of a checked layer.
fn sizes(op: &Lstm, input: &[u32], output: &[u32]) -> (usize, usize, usize, usize) {
    let (outer, inner) = (input[0] as usize, input[1] as usize);
    let (batches, steps) = if op.time_major {
        (inner, outer)
    } else {
        (outer, inner)
    };
    (batches, steps, input[2] as usize, output[2] as usize)
}

/// The largest `Σ_k |w[u, k]|` over the rows `u` of a `[rows, depth]` matrix, plus `|bias[u]|`.
fn row_bound(weights: &[i8], depth: usize, bias: &[i32], offset: u64) -> u64 {
    weights
        .chunks(depth.max(1))
        .enumerate()
        .map(|(u, row)| {
            let sum: u64 = row.iter().map(|&w| (w as i64).unsigned_abs()).sum();
            let b = bias.get(u).map_or(0, |&b| (b as i64).unsigned_abs());
            sum * offset + b
        })
        .max()
        .unwrap_or(0)
}

fn check_gate(
    index: u32,
    gate: &LstmGate,
    depth: u64,
    units: u64,
    input_zero_point: i32,
    hidden_zero_point: i32,
) -> Result<(), EngineError> {
    let sized = gate.input_weights.len() as u64 == units * depth
        && gate.recurrent_weights.len() as u64 == units * units
        && gate.bias.len() as u64 == units;
    if !sized {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    for m in [gate.input_multiplier, gate.recurrent_multiplier] {
        if !m.is_well_formed() {
            return Err(EngineError::BadQuantization { layer: index });
        }
    }
    let input_bound = row_bound(
        &gate.input_weights,
        depth as usize,
        &gate.bias,
        max_offset_magnitude(input_zero_point),
    );
    check_accumulator(index, input_bound, gate.input_multiplier)?;
    let recurrent_bound = row_bound(
        &gate.recurrent_weights,
        units as usize,
        &[],
        max_offset_magnitude(hidden_zero_point),
    );
    check_accumulator(index, recurrent_bound, gate.recurrent_multiplier)
}

/// Checks the shapes (a rank-3 input and output agreeing on the sequence, four gates sized by
/// depth and units), the quantization, that no accumulator or product can overflow, and
/// returns the cost: the eight dense products and the element-wise work of every step.
pub fn check(
    index: u32,
    op: &Lstm,
    inputs: &[&TensorInfo],
    out: &TensorInfo,
) -> Result<LayerCost, EngineError> {
    expect_inputs(index, inputs, 1)?;
    let [outer, inner, depth] = dims::<3>(index, inputs[0])?;
    let [out_outer, out_inner, units] = dims::<3>(index, out)?;
    if out_outer != outer || out_inner != inner || op.gates.len() != LSTM_GATES {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    for zero_point in [inputs[0].zero_point, out.zero_point, op.hidden_zero_point] {
        check_zero_point(index, zero_point)?;
    }
    for gate in &op.gates {
        check_gate(
            index,
            gate,
            depth,
            units,
            inputs[0].zero_point,
            op.hidden_zero_point,
        )?;
    }
    for m in [
        op.forget_multiplier,
        op.input_multiplier,
        op.hidden_multiplier,
    ] {
        if !m.is_well_formed() {
            return Err(EngineError::BadQuantization { layer: index });
        }
        check_accumulator(index, INT16_PRODUCT_BOUND, m)?;
    }
    // (x · multiplier + round) must fit in i32 for every int16 x.
    let tanh_fits = op.cell_tanh_multiplier >= 0
        && op.cell_tanh_right_shift <= 30
        && (1u64 << 15) * op.cell_tanh_multiplier as u64 + (1u64 << op.cell_tanh_right_shift)
            <= i32::MAX as u64;
    if !tanh_fits || op.cell_clip.is_some_and(|clip| clip < 0) {
        return Err(EngineError::BadQuantization { layer: index });
    }
    let per_unit = 4 * (depth + units) + ELEMENTWISE_PER_UNIT;
    let macs = checked_product(&[outer, inner, units, per_unit])
        .ok_or(EngineError::LayerTooCostly { layer: index })?;
    // Weights one byte each, biases four.
    let constants = checked_product(&[LSTM_GATES as u64, units, depth + units + 4])
        .ok_or(EngineError::LayerTooCostly { layer: index })?;
    Ok(LayerCost {
        macs,
        bytes: bytes_touched(inputs, constants, out),
    })
}

/// `Σ_k w[u, k] · (v[k] − zero_point)` for row `u` of `[units, v.len()]` weights, plus `bias`.
#[inline]
fn dot(weights: &[i8], v: &[i8], zero_point: i32, bias: i32) -> i32 {
    let mut acc = 0i32;
    for (&w, &x) in weights.iter().zip(v) {
        acc += w as i32 * (x as i32 - zero_point);
    }
    acc + bias
}

/// One gate's pre-activation for every unit: `CalculateLstmGate` before its activation.
fn gate_input(
    gate: &LstmGate,
    x: &[i8],
    input_zero_point: i32,
    hidden: &[i8],
    hidden_zero_point: i32,
    out: &mut [i16],
) {
    let (depth, units) = (x.len(), hidden.len());
    for (u, o) in out.iter_mut().enumerate() {
        let from_input = dot(
            &gate.input_weights[u * depth..(u + 1) * depth],
            x,
            input_zero_point,
            gate.bias[u],
        );
        let from_hidden = dot(
            &gate.recurrent_weights[u * units..(u + 1) * units],
            hidden,
            hidden_zero_point,
            0,
        );
        let a = clamp16(requantize(from_input, gate.input_multiplier));
        let b = clamp16(requantize(from_hidden, gate.recurrent_multiplier));
        *o = clamp16(a as i32 + b as i32);
    }
}

/// `requantize(a · b, m)`: `MulElementwise` of two int16 values with symmetric inputs.
#[inline]
fn product(a: i16, b: i16, m: Multiplier) -> i32 {
    requantize(a as i32 * b as i32, m)
}

/// The working state of one batch's sequence.
struct State {
    hidden: Vec<i8>,
    cell: Vec<i16>,
    gates: [Vec<i16>; LSTM_GATES],
}

/// One time step (`LstmStep`): reads the step's input `x`, updates the state.
fn step(op: &Lstm, x: &[i8], input_zero_point: i32, state: &mut State) {
    let State {
        hidden,
        cell,
        gates,
    } = state;
    for (gate, out) in op.gates.iter().zip(gates.iter_mut()) {
        gate_input(gate, x, input_zero_point, hidden, op.hidden_zero_point, out);
    }
    let (tanh_multiplier, tanh_shift) = GATE_TANH;
    for k in [INPUT, FORGET, OUTPUT] {
        for v in gates[k].iter_mut() {
            *v = sigmoid(*v);
        }
    }
    for v in gates[CELL].iter_mut() {
        *v = tanh(*v, tanh_multiplier, tanh_shift);
    }
    for u in 0..cell.len() {
        let kept = clamp16(product(gates[FORGET][u], cell[u], op.forget_multiplier));
        let added = clamp16(product(
            gates[INPUT][u],
            gates[CELL][u],
            op.input_multiplier,
        ));
        let mut c = clamp16(kept as i32 + added as i32);
        if let Some(clip) = op.cell_clip {
            c = c.min(clip).max(-clip);
        }
        cell[u] = c;
        let squashed = tanh(c, op.cell_tanh_multiplier, op.cell_tanh_right_shift);
        let h = product(squashed, gates[OUTPUT][u], op.hidden_multiplier)
            .wrapping_add(op.hidden_zero_point);
        hidden[u] = h.clamp(i8::MIN as i32, i8::MAX as i32) as i8;
    }
}

/// The reference kernel.
pub fn run(op: &Lstm, input: Activation<'_>, out_info: &TensorInfo, out: &mut [i8]) {
    let (batches, steps, depth, units) = sizes(op, &input.info.shape, &out_info.shape);
    let mut state = State {
        hidden: vec![0; units],
        cell: vec![0; units],
        gates: core::array::from_fn(|_| vec![0; units]),
    };
    for b in 0..batches {
        state.hidden.fill(op.hidden_zero_point as i8);
        state.cell.fill(0);
        for t in 0..steps {
            let row = if op.time_major {
                t * batches + b
            } else {
                b * steps + t
            };
            step(
                op,
                &input.data[row * depth..(row + 1) * depth],
                input.info.zero_point,
                &mut state,
            );
            out[row * units..(row + 1) * units].copy_from_slice(&state.hidden);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_of_zero_is_one_half_and_saturates() {
        assert_eq!(sigmoid(0), 16384);
        // |3x| stays below the table's end, so the extremes interpolate: σ(±8) = 0.99966, 0.00034.
        assert_eq!(sigmoid(i16::MAX), 32757);
        assert_eq!(sigmoid(i16::MIN), 11);
        for x in [1i16, 100, 4096, 8000, 20000] {
            let (p, n) = (sigmoid(x) as i32, sigmoid(-x) as i32);
            assert!((p + n - 32768).abs() <= 1, "σ(±{x}) = {p}, {n}");
        }
        // Monotonic over the whole range.
        let mut last = sigmoid(i16::MIN);
        for x in i16::MIN..=i16::MAX {
            let y = sigmoid(x);
            assert!(y >= last, "sigmoid({x})");
            last = y;
        }
    }

    #[test]
    fn tanh_is_odd_up_to_rounding_and_saturates() {
        assert_eq!(tanh(0, 3, 0), 0);
        assert_eq!(tanh(i16::MAX, 3, 0), 32767);
        assert_eq!(tanh(i16::MIN, 3, 0), -32767);
        for x in [1i16, 100, 4096, 8000, 20000] {
            let (p, n) = (tanh(x, 3, 0) as i32, tanh(-x, 3, 0) as i32);
            assert!((p + n).abs() <= 1, "tanh(±{x}) = {p}, {n}");
        }
    }

    /// The table is the sigmoid at `i / 24` in 0.16, to within 1.2 units (TFLite's entries are up to 1.11 above it).
    #[test]
    #[allow(clippy::float_arithmetic)]
    fn table_is_the_sigmoid() {
        for (i, &v) in SIGMOID_TABLE.iter().enumerate() {
            let exact = 65536.0 / (1.0 + (-(i as f64) / 24.0).exp());
            assert!((v as f64 - exact).abs() < 1.2, "entry {i}: {v} vs {exact}");
        }
    }
}
