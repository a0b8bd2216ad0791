//! `UNIDIRECTIONAL_SEQUENCE_LSTM`: the kernel's properties (batches independent, time major the
//! same sequences read otherwise, the state starting at its zero point), every refusal by its
//! error, the bound on its work, and deterministic corruptions of an imported LSTM model refused
//! or consistent, as the fuzz target requires. Bit-exactness with TFLite Micro is checked by
//! the golden tests (`client/tests/goldens.rs`: tflite-micro's mnist_lstm and the zoo's
//! `rnn_lstm*`).

use codec::{Decode, Encode};
use vigil_engine::model::{
    ElementType, Layer, Lstm, LstmGate, Multiplier, Op, TensorInfo, LSTM_GATES,
};
use vigil_engine::testing::{corrupt_and_check, TestRng};
use vigil_engine::{decode_model, EngineError, Model};

fn tensor(shape: &[u32], zero_point: i32) -> TensorInfo {
    TensorInfo {
        shape: shape.to_vec(),
        zero_point,
        scale_bits: 0,
        element: ElementType::Int8,
    }
}

fn multiplier(shift: i32) -> Multiplier {
    Multiplier {
        multiplier: 1_518_500_250,
        shift,
    }
}

/// The constants of an LSTM of `units` over `depth`-vectors, with random weights.
fn lstm_op(rng: &mut TestRng, depth: u32, units: u32, time_major: bool) -> Lstm {
    let gates = (0..LSTM_GATES)
        .map(|_| LstmGate {
            input_weights: rng.i8s((units * depth) as usize),
            recurrent_weights: rng.i8s((units * units) as usize),
            bias: (0..units).map(|_| rng.range(-3000, 3000) as i32).collect(),
            input_multiplier: multiplier(3),
            recurrent_multiplier: multiplier(2),
        })
        .collect();
    Lstm {
        time_major,
        gates,
        hidden_zero_point: -6,
        forget_multiplier: Multiplier {
            multiplier: 1 << 30,
            shift: -14,
        },
        input_multiplier: Multiplier {
            multiplier: 1 << 30,
            shift: -18,
        },
        hidden_multiplier: multiplier(-23),
        cell_tanh_multiplier: 6,
        cell_tanh_right_shift: 0,
        cell_clip: Some(20000),
    }
}

/// One LSTM layer over a `[outer, inner, depth]` input.
fn single_lstm(op: Lstm, outer: u32, inner: u32, depth: u32) -> Model {
    let units = op.gates[0].bias.len() as u32;
    Model {
        version: vigil_engine::FORMAT_VERSION,
        input: tensor(&[outer, inner, depth], 9),
        layers: vec![Layer {
            source_index: 0,
            inputs: vec![0],
            output: tensor(&[outer, inner, units], -6),
            op: Op::Lstm(op),
        }],
    }
}

fn run(model: &Model, input: &[i8]) -> Vec<i8> {
    decode_model(&model.encode())
        .unwrap()
        .run(input)
        .unwrap()
        .output
}

#[track_caller]
fn refused(model: Model) -> EngineError {
    match decode_model(&model.encode()) {
        Ok(_) => panic!("the model must be refused"),
        Err(e) => e,
    }
}

fn op_of(model: &mut Model) -> &mut Lstm {
    match &mut model.layers[0].op {
        Op::Lstm(op) => op,
        _ => unreachable!(),
    }
}

/// Each sequence of a batch gives what it gives alone: the state starts afresh per batch.
#[test]
fn batches_are_independent_sequences() {
    let mut rng = TestRng::new(1);
    let (batch, steps, depth, units) = (3u32, 7u32, 5u32, 6u32);
    let op = lstm_op(&mut rng, depth, units, false);
    let input = rng.i8s((batch * steps * depth) as usize);
    let together = run(&single_lstm(op.clone(), batch, steps, depth), &input);
    let per_sequence = (steps * depth) as usize;
    let mut alone = Vec::new();
    for b in 0..batch as usize {
        let one = &input[b * per_sequence..(b + 1) * per_sequence];
        alone.extend(run(&single_lstm(op.clone(), 1, steps, depth), one));
    }
    assert_eq!(together, alone);
    // And the output is no constant: the sequences differ.
    assert_ne!(
        together[..(steps * units) as usize],
        together[(steps * units) as usize..2 * (steps * units) as usize]
    );
}

/// A time-major layer reads `[time, batch, depth]`: the same sequences laid out otherwise give
/// the same outputs, laid out the same way.
#[test]
fn time_major_is_the_same_sequences_transposed() {
    let mut rng = TestRng::new(2);
    let (batch, steps, depth, units) = (2usize, 5usize, 4usize, 7usize);
    let op = lstm_op(&mut rng, depth as u32, units as u32, false);
    let input = rng.i8s(batch * steps * depth);
    let batch_major = run(
        &single_lstm(op.clone(), batch as u32, steps as u32, depth as u32),
        &input,
    );
    let mut transposed = vec![0i8; input.len()];
    for b in 0..batch {
        for t in 0..steps {
            let from = (b * steps + t) * depth;
            let to = (t * batch + b) * depth;
            transposed[to..to + depth].copy_from_slice(&input[from..from + depth]);
        }
    }
    let time_major = run(
        &single_lstm(
            Lstm {
                time_major: true,
                ..op
            },
            steps as u32,
            batch as u32,
            depth as u32,
        ),
        &transposed,
    );
    for b in 0..batch {
        for t in 0..steps {
            let from = (b * steps + t) * units;
            let to = (t * batch + b) * units;
            assert_eq!(
                batch_major[from..from + units],
                time_major[to..to + units],
                "batch {b}, step {t}"
            );
        }
    }
}

/// With every weight and bias zero, every gate is σ(0) = ½ or tanh(0) = 0, the cell stays 0
/// and the hidden state stays at its zero point, whatever the input.
#[test]
fn the_state_starts_and_stays_at_zero_without_weights() {
    let mut rng = TestRng::new(3);
    let mut op = lstm_op(&mut rng, 3, 4, false);
    for gate in &mut op.gates {
        gate.input_weights.fill(0);
        gate.recurrent_weights.fill(0);
        gate.bias.fill(0);
    }
    let input = rng.i8s(2 * 3);
    assert_eq!(run(&single_lstm(op, 1, 2, 3), &input), vec![-6; 8]);
}

/// A cell clip bounds the cell state: clipped at zero, the hidden state is its zero point.
#[test]
fn a_cell_clip_of_zero_holds_the_hidden_state_at_its_zero_point() {
    let mut rng = TestRng::new(4);
    let (steps, depth, units) = (6u32, 5u32, 8u32);
    let op = lstm_op(&mut rng, depth, units, false);
    let input = rng.i8s((steps * depth) as usize);
    let free = run(&single_lstm(op.clone(), 1, steps, depth), &input);
    let clipped = run(
        &single_lstm(
            Lstm {
                cell_clip: Some(0),
                ..op
            },
            1,
            steps,
            depth,
        ),
        &input,
    );
    assert_eq!(clipped, vec![-6; (steps * units) as usize]);
    assert_ne!(free, clipped);
}

#[test]
fn lstm_refusals() {
    let mut rng = TestRng::new(5);
    let good = single_lstm(lstm_op(&mut rng, 5, 6, false), 2, 3, 5);
    decode_model(&good.encode()).unwrap();

    // Three gates, or five.
    let mut m = good.clone();
    op_of(&mut m).gates.pop();
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 0 });
    let mut m = good.clone();
    let extra = op_of(&mut m).gates[0].clone();
    op_of(&mut m).gates.push(extra);
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 0 });
    // Weights or biases of the wrong size.
    let mut m = good.clone();
    op_of(&mut m).gates[2].input_weights.pop();
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 0 });
    let mut m = good.clone();
    op_of(&mut m).gates[1].recurrent_weights.push(1);
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 0 });
    let mut m = good.clone();
    op_of(&mut m).gates[3].bias.pop();
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 0 });
    // An output that is not [outer, inner, units], an input that is not of rank 3.
    let mut m = good.clone();
    m.layers[0].output.shape = vec![3, 2, 6];
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 0 });
    let mut m = good.clone();
    m.layers[0].output.shape = vec![2, 3, 7];
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 0 });
    let mut m = good.clone();
    m.input.shape = vec![6, 5];
    m.layers[0].output.shape = vec![6, 6];
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 0 });
    // Two inputs.
    let mut m = good.clone();
    m.layers[0].inputs = vec![0, 0];
    assert_eq!(refused(m), EngineError::BadInputs { layer: 0 });
    // Zero points outside int8.
    let mut m = good.clone();
    op_of(&mut m).hidden_zero_point = 128;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 0 });
    let mut m = good.clone();
    m.input.zero_point = -129;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 0 });
    // A malformed multiplier, a negative clip, a tanh scaling that overflows.
    let mut m = good.clone();
    op_of(&mut m).gates[0].recurrent_multiplier.multiplier = -1;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 0 });
    let mut m = good.clone();
    op_of(&mut m).hidden_multiplier.shift = 31;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 0 });
    let mut m = good.clone();
    op_of(&mut m).cell_clip = Some(-1);
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 0 });
    for (multiplier, shift) in [(65536, 0), (-3, 0), (3, 31), (65535, 15)] {
        let mut m = good.clone();
        op_of(&mut m).cell_tanh_multiplier = multiplier;
        op_of(&mut m).cell_tanh_right_shift = shift;
        assert_eq!(
            refused(m),
            EngineError::BadQuantization { layer: 0 },
            "{multiplier} >> {shift}"
        );
    }
    // The largest tanh scaling that fits is accepted.
    let mut m = good.clone();
    op_of(&mut m).cell_tanh_multiplier = 65535;
    decode_model(&m.encode()).unwrap();
    // Products of gates rescaled up: 2^30 · 2 overflows.
    let mut m = good.clone();
    op_of(&mut m).input_multiplier.shift = 1;
    assert_eq!(refused(m), EngineError::AccumulatorOverflow { layer: 0 });
    // A dense product that could overflow once rescaled.
    let mut m = good.clone();
    op_of(&mut m).gates[1].input_multiplier.shift = 20;
    assert_eq!(refused(m), EngineError::AccumulatorOverflow { layer: 0 });
    let mut m = good.clone();
    op_of(&mut m).gates[0].bias[0] = i32::MAX;
    assert_eq!(refused(m), EngineError::AccumulatorOverflow { layer: 0 });
}

/// The work of a layer is bounded: 2^16 steps of 256 units over 256-vectors are more than
/// `MAX_LAYER_MACS` and refused, though every tensor is within bounds; a sixteenth of the
/// steps is accepted, and its cost counts every dense product.
#[test]
fn an_lstm_with_too_much_work_is_refused() {
    let mut rng = TestRng::new(6);
    let (depth, units) = (256u32, 256u32);
    let mut op = lstm_op(&mut rng, depth, units, false);
    for gate in &mut op.gates {
        gate.input_multiplier.shift = -4;
        gate.recurrent_multiplier.shift = -4;
    }
    let costly = single_lstm(op.clone(), 1, 1 << 16, depth);
    assert_eq!(refused(costly), EngineError::LayerTooCostly { layer: 0 });
    let steps = 1u64 << 12;
    let model = decode_model(&single_lstm(op, 1, steps as u32, depth).encode()).unwrap();
    let macs = model.layer_cost(0).macs;
    let dense = steps * 4 * units as u64 * (depth + units) as u64;
    assert!(macs >= dense, "{macs} < {dense}");
    assert!(macs <= vigil_engine::limits::MAX_LAYER_MACS);
}

/// Corruptions of the imported zoo LSTM model are refused or run; a model that runs gives each
/// layer's trace entry again when the layer runs alone (the fuzz target's property).
#[test]
fn corrupted_lstm_models_are_refused_or_consistent() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/rnn_lstm.vgm");
    let original = std::fs::read(path).unwrap();
    assert!(matches!(
        Model::decode(&mut &original[..]).unwrap().layers[0].op,
        Op::Lstm(_)
    ));
    let mut rng = TestRng::new(12);
    let (ran, refusals) = corrupt_and_check(&original, &mut rng, 2000);
    assert!(ran > 100 && refusals > 100, "ran {ran}, refused {refusals}");
}
