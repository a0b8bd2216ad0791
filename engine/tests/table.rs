//! `GELU` as a table lookup: the kernel reads the table by input value, every refusal by its
//! error, the imported zoo model (`engine/fuzz/seeds/tr_gelu.vgm`) runs its tables, and its
//! deterministic corruptions are refused or consistent, as the fuzz target requires.

use codec::{Decode, Encode};
use vigil_engine::model::{Layer, Op, Table, TensorInfo};
use vigil_engine::{decode_model, EngineError, Model};

fn tensor(shape: &[u32], zero_point: i32) -> TensorInfo {
    TensorInfo::int8(shape.to_vec(), zero_point, 0)
}

/// The input through one GELU layer whose table maps `v` to `f(v)`.
fn gelu(f: impl Fn(i32) -> i8) -> Model {
    Model {
        version: vigil_engine::FORMAT_VERSION,
        input: tensor(&[1, 2, 128], 3),
        layers: vec![Layer {
            source_index: 0,
            inputs: vec![0],
            output: tensor(&[1, 2, 128], -7),
            op: Op::Gelu(Table {
                values: (-128..128).map(f).collect(),
            }),
        }],
    }
}

#[track_caller]
fn refused(model: Model) -> EngineError {
    match decode_model(&model.encode()) {
        Ok(_) => panic!("the model must be refused"),
        Err(e) => e,
    }
}

#[test]
fn every_input_value_reads_its_own_entry() {
    let f = |v: i32| (v.wrapping_mul(37) ^ 0x55) as i8;
    let model = decode_model(&gelu(f).encode()).unwrap();
    let input: Vec<i8> = (0..256).map(|i| (255 - i) as u8 as i8).collect();
    let out = model.run(&input).unwrap().output;
    let want: Vec<i8> = input.iter().map(|&v| f(v as i32)).collect();
    assert_eq!(out, want);
}

#[test]
fn table_refusals() {
    let identity = |v: i32| v as i8;
    // A table one entry short or one too long.
    for len in [255usize, 257, 0] {
        let mut m = gelu(identity);
        let Op::Gelu(t) = &mut m.layers[0].op else {
            panic!()
        };
        t.values.resize(len, 0);
        assert_eq!(refused(m), EngineError::BadQuantization { layer: 0 });
    }
    // An output of another shape.
    let mut m = gelu(identity);
    m.layers[0].output.shape = vec![1, 256];
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 0 });
    // Two inputs.
    let mut m = gelu(identity);
    m.layers[0].inputs = vec![0, 0];
    assert_eq!(refused(m), EngineError::BadInputs { layer: 0 });
    // A zero point outside int8.
    let mut m = gelu(identity);
    m.layers[0].output.zero_point = 128;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 0 });
}

/// The imported zoo model's GELU layers are the lookups of their tables.
#[test]
fn imported_gelu_layers_read_their_tables() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/tr_gelu.vgm");
    let bytes = std::fs::read(path).unwrap();
    let raw = Model::decode(&mut &bytes[..]).unwrap();
    let model = decode_model(&bytes).unwrap();
    let input: Vec<i8> = (0..96).map(|i| (i * 53 % 256) as u8 as i8).collect();
    // Activation 0 is the input, activation k + 1 the output of layer k.
    let mut activations = vec![input.clone()];
    model
        .run_with(&input, |_, out| activations.push(out.to_vec()))
        .unwrap();
    let mut gelus = 0;
    for (k, layer) in raw.layers.iter().enumerate() {
        let Op::Gelu(table) = &layer.op else { continue };
        let x = &activations[layer.inputs[0] as usize];
        let want: Vec<i8> = x
            .iter()
            .map(|&v| table.values[(v as i32 + 128) as usize])
            .collect();
        assert_eq!(activations[k + 1], want);
        assert_eq!(model.run_layer(k, &[x]).unwrap(), want);
        gelus += 1;
    }
    assert_eq!(gelus, 2);
}

/// Corruptions of the imported GELU model (most of its bytes are its tables and weights) are
/// refused or run; a model that runs gives each layer's trace entry again when the layer runs
/// alone (the fuzz target's property, deterministically).
#[test]
fn corrupted_gelu_models_are_refused_or_consistent() {
    use vigil_engine::testing::{corrupt_and_check, TestRng};
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/tr_gelu.vgm");
    let original = std::fs::read(path).unwrap();
    let mut rng = TestRng::new(11);
    let (ran, refusals) = corrupt_and_check(&original, &mut rng, 3000);
    assert!(ran > 500 && refusals > 100, "ran {ran}, refused {refusals}");
}
