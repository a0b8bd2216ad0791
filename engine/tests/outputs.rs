//! Models with several outputs: an `OUTPUT` last layer writes their bytes in order; what a claim
//! holds and the trace commits to; every refusal, by its error.

use codec::Encode;
use vigil_engine::model::{
    Clamp, ElementType, Layer, Model, Multiplier, Op, Requantize, TensorInfo,
};
use vigil_engine::{decode_model, hash_activation, EngineError, FORMAT_VERSION};

fn tensor(shape: &[u32], element: ElementType) -> TensorInfo {
    TensorInfo {
        shape: shape.to_vec(),
        zero_point: 0,
        scale_bits: 0,
        element,
    }
}

/// `x [1, 4] → RELU6 (a1) → QUANTIZE to int16 (a2)`, outputs `(a2, a1)`.
fn two_outputs() -> Model {
    Model {
        version: FORMAT_VERSION,
        input: tensor(&[1, 4], ElementType::Int8),
        layers: vec![
            Layer {
                source_index: 0,
                inputs: vec![0],
                output: tensor(&[1, 4], ElementType::Int8),
                op: Op::Clamp(Clamp { min: 0, max: 6 }),
            },
            Layer {
                source_index: 1,
                inputs: vec![1],
                output: tensor(&[1, 4], ElementType::Int16),
                op: Op::Requantize(Requantize {
                    multiplier: Multiplier {
                        multiplier: 1 << 30,
                        shift: 9,
                    },
                    clamp: Clamp::FULL,
                }),
            },
            Layer {
                source_index: u32::MAX,
                inputs: vec![2, 1],
                output: tensor(&[12], ElementType::Int8),
                op: Op::Output,
            },
        ],
    }
}

fn refused(m: Model) -> EngineError {
    decode_model(&m.encode()).expect_err("the model must be refused")
}

#[test]
fn the_output_is_the_outputs_bytes_in_order() {
    let m = decode_model(&two_outputs().encode()).unwrap();
    let outputs = m.outputs();
    assert_eq!(outputs.len(), 2);
    assert_eq!(outputs[0].element, ElementType::Int16);
    assert_eq!(outputs[1].shape, vec![1, 4]);
    assert_eq!(m.output_len(), 12);
    let mut activations = vec![vec![-3i8, 2, 9, 5]];
    let execution = m
        .run_with(&activations[0].clone(), |_, out| {
            activations.push(out.to_vec())
        })
        .unwrap();
    // RELU6 clamps to [0, 6]; times 256 in int16, little-endian.
    assert_eq!(activations[1], [0, 2, 6, 5]);
    let mut want = Vec::new();
    for v in [0i16, 512, 1536, 1280] {
        want.extend(v.to_le_bytes().map(|b| b as i8));
    }
    want.extend_from_slice(&[0, 2, 6, 5]);
    assert_eq!(execution.output, want);
    // The last trace entry commits to all the outputs; each also has its own layer's entry.
    assert_eq!(execution.trace[2], hash_activation(&want));
    assert_eq!(execution.trace[1], hash_activation(&want[..8]));
    // A dispute re-runs the OUTPUT layer like any other.
    let out = m.run_layer(2, &[&activations[2], &activations[1]]).unwrap();
    assert_eq!(out, want);
    // A one-output model's outputs are its last layer's.
    let single = decode_model(&vigil_engine::testing::tiny_mlp(1).encode()).unwrap();
    assert_eq!(single.outputs().len(), 1);
}

#[test]
fn output_layer_refusals() {
    // Not the last layer.
    let mut m = two_outputs();
    let extra = Layer {
        source_index: 3,
        inputs: vec![1],
        output: tensor(&[1, 4], ElementType::Int8),
        op: Op::Clamp(Clamp::FULL),
    };
    m.layers.push(extra);
    assert_eq!(refused(m), EngineError::BadInputs { layer: 2 });
    // One output is no OUTPUT layer.
    let mut m = two_outputs();
    m.layers[2].inputs = vec![1];
    m.layers[2].output.shape = vec![4];
    assert_eq!(refused(m), EngineError::BadInputs { layer: 2 });
    // A length that is not the outputs' bytes (elements, here).
    let mut m = two_outputs();
    m.layers[2].output.shape = vec![8];
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 2 });
    let mut m = two_outputs();
    m.layers[2].output.shape = vec![3, 4];
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 2 });
    // Bytes: int8, zero point 0.
    let mut m = two_outputs();
    m.layers[2].output = tensor(&[6], ElementType::Int16);
    assert_eq!(refused(m), EngineError::BadElementType { layer: 2 });
    let mut m = two_outputs();
    m.layers[2].output.zero_point = 1;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 2 });
}
