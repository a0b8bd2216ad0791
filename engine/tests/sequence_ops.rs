//! The sequence operators (`TRANSPOSE`, `STRIDED_SLICE`, `GATHER`, `BATCH_MATMUL`, `RSQRT`,
//! `SQUARED_DIFFERENCE`): every refusal by its error, the inverse square root against its real
//! value, and deterministic corruptions of a model using all of them, replayed as the fuzz
//! target does.

use codec::Encode;
use vigil_engine::model::{Multiplier, Op, SliceDim};
use vigil_engine::ops::rsqrt::inv_sqrt_multiplier;
use vigil_engine::testing::{corrupt_and_check, sequence_ops, TestRng};
use vigil_engine::{decode_model, EngineError, Model};

#[track_caller]
fn refused(model: Model) -> EngineError {
    match decode_model(&model.encode()) {
        Ok(_) => panic!("the model must be refused"),
        Err(e) => e,
    }
}

fn layer_op(model: &mut Model, layer: usize) -> &mut Op {
    &mut model.layers[layer].op
}

#[test]
fn the_model_of_all_of_them_is_valid() {
    for seed in 0..5 {
        let model = decode_model(&sequence_ops(seed).encode()).unwrap();
        assert_eq!(model.layer_count(), 9);
        model.run(&[5; 48]).unwrap();
    }
}

#[test]
fn transpose_refusals() {
    let shape = EngineError::ShapeMismatch { layer: 0 };
    for perm in [vec![0, 1, 2], vec![0, 2, 2], vec![0, 2], vec![0, 3, 1]] {
        let mut m = sequence_ops(1);
        let Op::Transpose(t) = layer_op(&mut m, 0) else {
            panic!()
        };
        t.perm = perm;
        assert_eq!(refused(m), shape);
    }
    let mut m = sequence_ops(1);
    m.layers[0].output.zero_point = 0;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 0 });
}

#[test]
fn batch_matmul_refusals() {
    let shape = EngineError::ShapeMismatch { layer: 1 };
    // Depths differ: [6, 8] x [6, 8] without adj_y.
    let mut m = sequence_ops(1);
    m.layers[1].inputs = vec![0, 0];
    assert_eq!(refused(m), shape);
    // Output of the wrong size.
    let mut m = sequence_ops(1);
    m.layers[1].output.shape = vec![1, 6, 5];
    assert_eq!(refused(m), shape);
    // A batch dimension the inputs do not have.
    let mut m = sequence_ops(1);
    m.layers[1].output.shape = vec![2, 6, 6];
    assert_eq!(refused(m), shape);
    // A rank-1 input.
    let mut m = sequence_ops(1);
    m.input.shape = vec![48];
    assert!(matches!(refused(m), EngineError::ShapeMismatch { .. }));
    // A malformed multiplier.
    let mut m = sequence_ops(1);
    let Op::BatchMatMul(b) = layer_op(&mut m, 1) else {
        panic!()
    };
    b.multiplier = Multiplier {
        multiplier: -1,
        shift: 0,
    };
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 1 });
    // An accumulator that would overflow after the left shift.
    let mut m = sequence_ops(1);
    let Op::BatchMatMul(b) = layer_op(&mut m, 1) else {
        panic!()
    };
    b.multiplier.shift = 20;
    assert_eq!(refused(m), EngineError::AccumulatorOverflow { layer: 1 });
}

#[test]
fn strided_slice_refusals() {
    let shape = EngineError::ShapeMismatch { layer: 3 };
    let with = |f: &dyn Fn(&mut Vec<SliceDim>)| {
        let mut m = sequence_ops(1);
        let Op::StridedSlice(s) = layer_op(&mut m, 3) else {
            panic!()
        };
        f(&mut s.dims);
        refused(m)
    };
    // Reads past the end, before the start, with stride 0, a count the output does not hold,
    // and the wrong number of dimensions.
    assert_eq!(with(&|d| d[1].start = 6), shape);
    assert_eq!(with(&|d| d[1].count = 4), shape);
    assert_eq!(with(&|d| d[2].stride = 0), shape);
    assert_eq!(with(&|d| { d[2].count = 5 }), shape);
    assert_eq!(
        with(&|d| {
            d.pop();
        }),
        shape
    );
    let mut m = sequence_ops(1);
    m.layers[3].output.zero_point = 0;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 3 });
}

#[test]
fn gather_refusals() {
    let shape = EngineError::ShapeMismatch { layer: 4 };
    let with = |axis: u32, indices: Vec<u32>| {
        let mut m = sequence_ops(1);
        let Op::Gather(g) = layer_op(&mut m, 4) else {
            panic!()
        };
        g.axis = axis;
        g.indices = indices;
        refused(m)
    };
    assert_eq!(with(1, vec![6]), shape, "index past the dimension");
    assert_eq!(with(3, vec![0]), shape, "axis past the rank");
    assert_eq!(with(1, vec![0, 1]), shape, "more elements than the output");
    let mut m = sequence_ops(1);
    m.layers[4].output.zero_point = 0;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 4 });
}

#[test]
fn squared_difference_refusals() {
    let quant = EngineError::BadQuantization { layer: 5 };
    #[track_caller]
    fn with(f: &dyn Fn(&mut vigil_engine::model::Add)) -> EngineError {
        let mut m = sequence_ops(1);
        let Op::SquaredDifference(a) = layer_op(&mut m, 5) else {
            panic!()
        };
        f(a);
        refused(m)
    }
    assert_eq!(with(&|a| a.left_shift = 8), quant);
    assert_eq!(with(&|a| a.input1_multiplier.shift = 1), quant);
    assert_eq!(with(&|a| a.output_multiplier.multiplier = -5), quant);
    // The square fits, but not after the output multiplier's left shift.
    assert_eq!(
        with(&|a| a.output_multiplier.shift = 10),
        EngineError::AccumulatorOverflow { layer: 5 }
    );
    // Shapes that do not broadcast.
    let mut m = sequence_ops(1);
    m.layers[4].output.shape = vec![1, 2, 3];
    m.layers[5].op = m.layers[5].op.clone();
    assert!(matches!(refused(m), EngineError::ShapeMismatch { .. }));
}

#[test]
fn rsqrt_refusals() {
    let mut m = sequence_ops(1);
    let Op::Rsqrt(r) = layer_op(&mut m, 6) else {
        panic!()
    };
    r.multiplier.shift = -12;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 6 });
    let mut m = sequence_ops(1);
    m.layers[6].output.shape = vec![1, 3, 5];
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 6 });
    let mut m = sequence_ops(1);
    m.layers[6].output.zero_point = 300;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 6 });
}

/// `m · 2^s / 2^31` is `1/√v` to within the Newton–Raphson iteration's precision.
#[test]
fn inverse_square_root_is_close_to_the_real_one() {
    for v in [
        2i32,
        3,
        4,
        7,
        100,
        255,
        65_535,
        1 << 20,
        (1 << 29) + 5,
        i32::MAX,
    ] {
        let (m, s) = inv_sqrt_multiplier(v);
        let got = m as f64 * 2f64.powi(s) / 2f64.powi(31);
        let want = 1.0 / (v as f64).sqrt();
        assert!(((got - want) / want).abs() < 1e-5, "v {v}: {got} vs {want}");
    }
    assert_eq!(inv_sqrt_multiplier(1), (i32::MAX, 0));
    assert_eq!(inv_sqrt_multiplier(0), (i32::MAX, 0));
}

/// Corruptions of a valid model are refused or run; a model that runs gives each layer's trace
/// entry again when the layer runs alone (the fuzz target's property, deterministically).
#[test]
fn corrupted_sequence_models_are_refused_or_consistent() {
    let mut rng = TestRng::new(7);
    let (mut ran, mut refusals) = (0, 0);
    for seed in 0..4 {
        let original = sequence_ops(seed).encode();
        let (r, f) = corrupt_and_check(&original, &mut rng, 1500);
        ran += r;
        refusals += f;
    }
    assert!(ran > 500 && refusals > 500, "ran {ran}, refused {refusals}");
}

#[test]
fn constant_refusals() {
    // Values that do not fill the output.
    let mut m = sequence_ops(1);
    m.layers[7].op = Op::Constant(vec![1, 2, 3]);
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 7 });
    // A constant that reads an activation.
    let mut m = sequence_ops(1);
    m.layers[7].inputs = vec![0];
    assert_eq!(refused(m), EngineError::BadInputs { layer: 7 });
    // Any other layer that reads nothing.
    let mut m = sequence_ops(1);
    m.layers[6].inputs = vec![];
    assert_eq!(refused(m), EngineError::BadInputs { layer: 6 });
    // A zero point outside int8.
    let mut m = sequence_ops(1);
    m.layers[7].output.zero_point = 200;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 7 });
    // The constant alone, as a dispute re-runs it: its values, from no input.
    let model = decode_model(&sequence_ops(1).encode()).unwrap();
    assert_eq!(
        model.run_layer(7, &[]).unwrap(),
        vec![-40, -7, 0, 9, 60, 127]
    );
}

/// Three token ids (int32, four little-endian bytes each) looking up rows of a `[5, 2]` table.
fn embedding() -> Model {
    use vigil_engine::model::{Layer, Lookup, TensorInfo};
    let tensor = |shape: &[u32], zero_point| TensorInfo::int8(shape.to_vec(), zero_point, 0);
    Model {
        version: vigil_engine::FORMAT_VERSION,
        input: tensor(&[1, 3, 4], 0),
        layers: vec![
            Layer {
                source_index: u32::MAX,
                inputs: vec![],
                output: tensor(&[5, 2], 1),
                op: Op::Constant(vec![10, 11, 20, 21, 30, 31, 40, 41, 50, 51]),
            },
            Layer {
                source_index: 0,
                inputs: vec![1, 0],
                output: tensor(&[1, 3, 2], 1),
                op: Op::Lookup(Lookup { axis: 0 }),
            },
        ],
    }
}

#[test]
fn run_time_indices_look_up_rows() {
    let model = decode_model(&embedding().encode()).unwrap();
    let ids: Vec<i8> = [4i32, 0, 2]
        .iter()
        .flat_map(|i| i.to_le_bytes().map(|b| b as i8))
        .collect();
    assert_eq!(
        model.run(&ids).unwrap().output,
        vec![50, 51, 10, 11, 30, 31]
    );
    // An index outside the table (TFLite Micro stops with an error): the output's zero point.
    let ids: Vec<i8> = [5i32, -1, 1]
        .iter()
        .flat_map(|i| i.to_le_bytes().map(|b| b as i8))
        .collect();
    assert_eq!(model.run(&ids).unwrap().output, vec![1, 1, 1, 1, 20, 21]);
}

#[test]
fn run_time_index_refusals() {
    use vigil_engine::model::Lookup;
    let shape = EngineError::ShapeMismatch { layer: 1 };
    // Indices not in four-byte groups.
    let mut m = embedding();
    m.input.shape = vec![1, 4, 3];
    assert_eq!(refused(m), shape);
    // An axis past the table's rank.
    let mut m = embedding();
    m.layers[1].op = Op::Lookup(Lookup { axis: 2 });
    assert_eq!(refused(m), shape);
    // An output that does not hold the rows.
    let mut m = embedding();
    m.layers[1].output.shape = vec![1, 3, 3];
    assert_eq!(refused(m), shape);
    // A zero point other than the table's.
    let mut m = embedding();
    m.layers[1].output.zero_point = 0;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 1 });
    // One input only.
    let mut m = embedding();
    m.layers[1].inputs = vec![1];
    assert_eq!(refused(m), EngineError::BadInputs { layer: 1 });
}
