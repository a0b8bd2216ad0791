//! Every way a model can be refused, each with its typed error, and the errors of execution.

use codec::Encode;
use vigil_engine::model::{Multiplier, Op, TensorInfo};
use vigil_engine::testing::{single_dense, tiny_mlp};
use vigil_engine::{decode_model, EngineError, Model, ValidatedModel};

fn refused(model: Model) -> EngineError {
    match decode_model(&model.encode()) {
        Ok(_) => panic!("the model must be refused"),
        Err(e) => e,
    }
}

fn dense(model: &mut Model, layer: usize) -> &mut vigil_engine::model::FullyConnected {
    match &mut model.layers[layer].op {
        Op::FullyConnected(fc) => fc,
        other => panic!("layer {layer} is {}", other.name()),
    }
}

#[test]
fn a_valid_model_decodes_and_runs() {
    let model = decode_model(&tiny_mlp(1).encode()).unwrap();
    assert_eq!(model.layer_count(), 3);
    let execution = model.run(&[7i8; 16]).unwrap();
    assert_eq!(execution.output.len(), 4);
    assert_eq!(execution.trace.len(), 3);
    assert_eq!(
        execution.trace[2],
        vigil_engine::hash_activation(&execution.output)
    );
}

#[test]
fn bytes_that_are_not_a_model_are_malformed() {
    assert_eq!(decode_model(&[]).unwrap_err(), EngineError::Malformed);
    assert_eq!(
        decode_model(&[2, 0, 3]).unwrap_err(),
        EngineError::Malformed
    );
    // Bytes that do not begin with this format's version are refused by it.
    assert_eq!(
        decode_model(&[1, 2, 3]).unwrap_err(),
        EngineError::UnsupportedVersion { found: 0x0201 }
    );
    let mut bytes = tiny_mlp(1).encode();
    bytes.truncate(bytes.len() / 2);
    assert_eq!(decode_model(&bytes).unwrap_err(), EngineError::Malformed);
}

#[test]
fn trailing_bytes_are_not_canonical() {
    let mut bytes = tiny_mlp(1).encode();
    bytes.push(0);
    assert_eq!(decode_model(&bytes).unwrap_err(), EngineError::NotCanonical);
}

#[test]
fn oversized_bytes_are_refused_before_decoding() {
    let bytes = vec![0u8; vigil_engine::limits::MAX_MODEL_BYTES + 1];
    assert_eq!(
        decode_model(&bytes).unwrap_err(),
        EngineError::ModelTooLarge
    );
}

#[test]
fn another_version_is_refused() {
    let mut model = tiny_mlp(1);
    model.version = 3;
    assert_eq!(refused(model), EngineError::UnsupportedVersion { found: 3 });
    // A model of format version 1 (before element types) is refused by its version, before
    // its bytes are decoded.
    let mut bytes = tiny_mlp(1).encode();
    bytes[..2].copy_from_slice(&1u16.to_le_bytes());
    assert_eq!(
        decode_model(&bytes).unwrap_err(),
        EngineError::UnsupportedVersion { found: 1 }
    );
}

#[test]
fn no_layers_is_refused() {
    let mut model = tiny_mlp(1);
    model.layers.clear();
    assert_eq!(refused(model), EngineError::LayerCountOutOfRange);
}

#[test]
fn a_huge_tensor_is_refused() {
    let mut model = tiny_mlp(1);
    model.input = TensorInfo::int8(vec![1 << 16, 1 << 16], 0, 0);
    assert_eq!(
        refused(model),
        EngineError::TensorOutOfBounds { layer: None }
    );
    let mut model = tiny_mlp(1);
    model.layers[0].output.shape = vec![1, 2, 3, 4, 5, 6, 7];
    assert_eq!(
        refused(model),
        EngineError::TensorOutOfBounds { layer: Some(0) }
    );
}

#[test]
fn reading_a_later_activation_is_refused() {
    let mut model = tiny_mlp(1);
    model.layers[0].inputs = vec![2];
    assert_eq!(refused(model), EngineError::BadInputs { layer: 0 });
}

#[test]
fn wrong_weight_count_is_a_shape_mismatch() {
    let mut model = tiny_mlp(1);
    dense(&mut model, 1).weights.pop();
    assert_eq!(refused(model), EngineError::ShapeMismatch { layer: 1 });
}

#[test]
fn a_malformed_multiplier_is_refused() {
    let mut model = tiny_mlp(1);
    dense(&mut model, 0).output_multipliers[3] = Multiplier {
        multiplier: -5,
        shift: 0,
    };
    assert_eq!(refused(model), EngineError::BadQuantization { layer: 0 });
}

#[test]
fn an_accumulator_that_could_overflow_is_refused() {
    // 16 weights of magnitude up to 128 times inputs of up to 131, shifted left by 20 bits,
    // cannot fit 32 bits.
    let mut model = tiny_mlp(1);
    for m in &mut dense(&mut model, 0).output_multipliers {
        m.shift = 20;
    }
    assert_eq!(
        refused(model),
        EngineError::AccumulatorOverflow { layer: 0 }
    );
    // A dense layer deep enough overflows even without a shift.
    let model = single_dense(1, 400_000, 1);
    assert_eq!(
        refused(model),
        EngineError::AccumulatorOverflow { layer: 0 }
    );
}

#[test]
fn execution_checks_its_inputs() {
    let model = ValidatedModel::new(tiny_mlp(1)).unwrap();
    assert_eq!(
        model.run(&[0i8; 15]).unwrap_err(),
        EngineError::WrongInputLength {
            expected: 16,
            found: 15
        }
    );
    assert_eq!(
        model.run_layer(3, &[]).unwrap_err(),
        EngineError::NoSuchLayer { layer: 3 }
    );
    assert_eq!(
        model.run_layer(1, &[]).unwrap_err(),
        EngineError::BadInputs { layer: 1 }
    );
    assert_eq!(
        model.run_layer(1, &[&[0i8; 3]]).unwrap_err(),
        EngineError::WrongInputLength {
            expected: 16,
            found: 3
        }
    );
}

#[test]
fn one_layer_alone_reproduces_its_trace_entry() {
    let model = ValidatedModel::new(tiny_mlp(9)).unwrap();
    let input: Vec<i8> = (0..16).map(|i| i * 7 - 50).collect();
    let mut activations = vec![input.clone()];
    let execution = model
        .run_with(&input, |_, out| activations.push(out.to_vec()))
        .unwrap();
    for layer in 0..model.layer_count() {
        let inputs: Vec<&[i8]> = model
            .layer_inputs(layer)
            .iter()
            .map(|&id| activations[id as usize].as_slice())
            .collect();
        let out = model.run_layer(layer, &inputs).unwrap();
        assert_eq!(vigil_engine::hash_activation(&out), execution.trace[layer]);
    }
}

/// The models built for measuring disputes are valid, and cost about 1024 units per step.
#[test]
fn the_dispute_benchmark_models_are_valid() {
    use vigil_engine::testing::{single_smooth, single_softmax};
    for (model, per_element) in [
        (single_softmax(4, 256), 4),
        (single_smooth(1024, false), 3),
        (single_smooth(1024, true), 3),
    ] {
        let bytes = codec::Encode::encode(&model);
        let valid = vigil_engine::decode_model(&bytes).expect("a valid model");
        let cost = valid.layer_cost(0);
        assert_eq!(cost.macs + cost.bytes, per_element * 1024);
        let input: Vec<i8> = (0..valid.input_len()).map(|i| (i % 200) as i8).collect();
        valid.run(&input).expect("it runs");
    }
}
