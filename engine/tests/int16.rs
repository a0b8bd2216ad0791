//! int16 activations, SVDF and the 16x8 fully connected layer: every refusal with its typed
//! error, the byte lengths a dispute uses, and deterministic corruptions of the imported SVDF
//! models (the fuzz target's property). Bit-exactness with TFLite Micro is checked by the
//! client's golden tests (`svdf_*`, `fc16x8_*`, tflite-micro's keyword model).

use codec::{Decode, Encode};
use vigil_engine::model::{
    Clamp, ElementType, FullyConnected16, InputPart, Layer, Model, Multiplier, Op, Requantize,
    Softmax, Svdf, TensorInfo, FORMAT_VERSION,
};
use vigil_engine::testing::{corrupt_and_check, TestRng};
use vigil_engine::{decode_model, hash_activation, EngineError};

fn tensor(shape: &[u32], zero_point: i32, element: ElementType) -> TensorInfo {
    TensorInfo {
        shape: shape.to_vec(),
        zero_point,
        scale_bits: 0,
        element,
    }
}

fn layer(inputs: &[u32], output: TensorInfo, op: Op) -> Layer {
    Layer {
        source_index: 0,
        inputs: inputs.to_vec(),
        output,
        op,
    }
}

const HALF: Multiplier = Multiplier {
    multiplier: 1 << 30,
    shift: 0,
};

fn model(input: TensorInfo, layers: Vec<Layer>) -> Model {
    Model {
        version: FORMAT_VERSION,
        input,
        layers,
    }
}

/// A change to a valid model and the refusal it must meet.
type Case = (fn(&mut Model), EngineError);

fn refused(m: Model) -> EngineError {
    decode_model(&m.encode()).expect_err("the model must be refused")
}

fn svdf_model(state: ElementType, state_zero_point: i32) -> Model {
    vigil_engine::testing::int16_svdf(state, state_zero_point)
}

fn svdf_of(m: &mut Model) -> &mut Svdf {
    match &mut m.layers[1].op {
        Op::Svdf(s) => s,
        _ => unreachable!(),
    }
}

#[test]
fn an_int16_model_takes_and_gives_two_bytes_per_element() {
    let m = decode_model(&svdf_model(ElementType::Int16, 0).encode()).unwrap();
    assert_eq!(m.input_len(), 16);
    assert_eq!(m.output_len(), 4);
    assert_eq!(m.layer_output_len(0), 8);
    let input: Vec<i8> = TestRng::new(1).i8s(16);
    let execution = m.run(&input).unwrap();
    assert_eq!(execution.output.len(), 4);
    // A dispute carries bytes: the int16 input of layer 0 is 16 of them, not 8.
    assert_eq!(
        m.run_layer(0, &[&input[..8]]).unwrap_err(),
        EngineError::WrongInputLength {
            expected: 16,
            found: 8
        }
    );
    let quantized = m.run_layer(0, &[&input]).unwrap();
    assert_eq!(hash_activation(&quantized), execution.trace[0]);
    // The state starts fresh on every run: the same input gives the same trace.
    assert_eq!(m.run(&input).unwrap(), execution);
}

#[test]
fn an_int8_state_starts_at_its_zero_point() {
    for zero_point in [-7, 0, 5] {
        let m = decode_model(&svdf_model(ElementType::Int8, zero_point).encode()).unwrap();
        let input = TestRng::new(2).i8s(16);
        let a = m.run(&input).unwrap();
        assert_eq!(m.run(&input).unwrap(), a);
    }
}

#[test]
fn int16_into_an_int8_operator_is_refused() {
    // A RESHAPE may change nothing but the shape: not the element type.
    let mut m = svdf_model(ElementType::Int16, 0);
    m.layers
        .push(layer(&[3], tensor(&[2], 0, ElementType::Int8), Op::Reshape));
    assert_eq!(refused(m), EngineError::BadElementType { layer: 3 });
    // An int16 activation into an int8-only operator.
    let mut m = svdf_model(ElementType::Int16, 0);
    m.layers.push(layer(
        &[3, 3],
        tensor(&[1, 2], 0, ElementType::Int8),
        Op::Maximum,
    ));
    assert_eq!(refused(m), EngineError::BadElementType { layer: 3 });
    // An int16 output of an int8-only operator.
    let mut m = svdf_model(ElementType::Int16, 0);
    m.layers.push(layer(
        &[2],
        tensor(&[1, 2], 0, ElementType::Int16),
        Op::Clamp(Clamp::FULL),
    ));
    assert_eq!(refused(m), EngineError::BadElementType { layer: 3 });
}

#[test]
fn quantize_refuses_pairs_tflite_does_not_convert() {
    // int32 in.
    let mut m = svdf_model(ElementType::Int16, 0);
    m.input.element = ElementType::Int32;
    assert_eq!(refused(m), EngineError::BadElementType { layer: 0 });
    // RELU's clamp on an int16 output.
    let mut m = svdf_model(ElementType::Int16, 0);
    m.layers[2].op = Op::Requantize(Requantize {
        multiplier: HALF,
        clamp: Clamp { min: 0, max: 127 },
    });
    assert_eq!(refused(m), EngineError::BadElementType { layer: 2 });
    // A zero point outside the input's type.
    let mut m = svdf_model(ElementType::Int16, 0);
    m.input.zero_point = 40_000;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 0 });
    // A left shift that could overflow for an int16 input.
    let mut m = svdf_model(ElementType::Int16, 0);
    m.layers[0].op = Op::Requantize(Requantize {
        multiplier: Multiplier {
            multiplier: 1 << 30,
            shift: 17,
        },
        clamp: Clamp::FULL,
    });
    assert_eq!(refused(m), EngineError::AccumulatorOverflow { layer: 0 });
}

#[test]
fn softmax_to_int16_needs_its_zero_point_and_an_int8_input() {
    let softmax = Op::Softmax(Softmax {
        input_multiplier: Multiplier {
            multiplier: 1 << 30,
            shift: 20,
        },
        diff_min: -1000,
    });
    let input = tensor(&[1, 8], 0, ElementType::Int8);
    let good = model(
        input.clone(),
        vec![layer(
            &[0],
            tensor(&[1, 8], -32768, ElementType::Int16),
            softmax.clone(),
        )],
    );
    let m = decode_model(&good.encode()).unwrap();
    let out = m.run(&[0, 1, 2, 3, 4, 5, 6, 7]).unwrap().output;
    let probabilities: Vec<i32> = out
        .chunks(2)
        .map(|c| i16::from_le_bytes([c[0] as u8, c[1] as u8]) as i32 + 32768)
        .collect();
    // Increasing inputs, increasing probabilities, summing to about 65536.
    assert!(probabilities.windows(2).all(|w| w[0] < w[1]));
    assert!((65536 - probabilities.iter().sum::<i32>()).abs() < 16);
    let mut m = good.clone();
    m.layers[0].output.zero_point = -128;
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 0 });
    let mut m = good.clone();
    m.input.element = ElementType::Int16;
    assert_eq!(refused(m), EngineError::BadElementType { layer: 0 });
    let mut m = good;
    m.layers[0].output.element = ElementType::Int32;
    assert_eq!(refused(m), EngineError::BadElementType { layer: 0 });
}

#[test]
fn svdf_refusals() {
    let base = svdf_model(ElementType::Int16, 0);
    decode_model(&base.encode()).unwrap();
    let shape = EngineError::ShapeMismatch { layer: 1 };
    let cases: Vec<Case> = vec![
        (|m| svdf_of(m).rank = 3, shape.clone()),
        (|m| svdf_of(m).rank = 0, shape.clone()),
        (|m| svdf_of(m).memory = 4, shape.clone()),
        (
            |m| svdf_of(m).weights_feature.pop().map(drop).unwrap(),
            shape.clone(),
        ),
        (|m| svdf_of(m).bias = vec![1, 2, 3], shape.clone()),
        (|m| m.layers[1].output.shape = vec![2, 2], shape.clone()),
        (
            |m| svdf_of(m).state_element = ElementType::Int32,
            EngineError::BadElementType { layer: 1 },
        ),
        (
            // Time weights beyond int8 with an int8 state.
            |m| svdf_of(m).state_element = ElementType::Int8,
            EngineError::BadElementType { layer: 1 },
        ),
        (
            |m| m.layers[1].output.element = ElementType::Int16,
            EngineError::BadElementType { layer: 1 },
        ),
        (
            |m| svdf_of(m).state_zero_point = 40_000,
            EngineError::BadQuantization { layer: 1 },
        ),
        (
            |m| svdf_of(m).output_multiplier.shift = 31,
            EngineError::BadQuantization { layer: 1 },
        ),
        (
            // The feature products shifted left past 32 bits.
            |m| svdf_of(m).feature_multiplier.shift = 20,
            EngineError::AccumulatorOverflow { layer: 1 },
        ),
        (
            // A newest state value far from the zero point, times a large time weight.
            |m| {
                let s = svdf_of(m);
                s.state_zero_point = -32768;
                s.weights_time[2] = 32767;
            },
            EngineError::AccumulatorOverflow { layer: 1 },
        ),
        (
            // The reduced sum shifted left.
            |m| svdf_of(m).output_multiplier.shift = 3,
            EngineError::AccumulatorOverflow { layer: 1 },
        ),
    ];
    for (k, (corrupt, error)) in cases.into_iter().enumerate() {
        let mut m = base.clone();
        corrupt(&mut m);
        assert_eq!(refused(m), error, "case {k}");
    }
}

fn fc16_model() -> Model {
    let mut rng = TestRng::new(9);
    model(
        tensor(&[2, 6], 0, ElementType::Int16),
        vec![layer(
            &[0],
            tensor(&[2, 3], 0, ElementType::Int16),
            Op::FullyConnected16(FullyConnected16 {
                units: 3,
                depth: 6,
                weights: rng.i8s(18),
                bias: vec![1 << 20, -5, 0],
                output_multipliers: vec![Multiplier {
                    multiplier: 1 << 30,
                    shift: -8,
                }],
                min: 0,
                max: i16::MAX,
            }),
        )],
    )
}

fn fc16_of(m: &mut Model) -> &mut FullyConnected16 {
    match &mut m.layers[0].op {
        Op::FullyConnected16(f) => f,
        _ => unreachable!(),
    }
}

#[test]
fn fully_connected_16x8_refusals() {
    let base = fc16_model();
    let m = decode_model(&base.encode()).unwrap();
    let out = m.run(&TestRng::new(3).i8s(24)).unwrap().output;
    assert_eq!(out.len(), 12);
    let cases: Vec<Case> = vec![
        (
            |m| m.input.element = ElementType::Int8,
            EngineError::BadElementType { layer: 0 },
        ),
        (
            |m| m.layers[0].output.element = ElementType::Int8,
            EngineError::BadElementType { layer: 0 },
        ),
        (
            |m| fc16_of(m).depth = 5,
            EngineError::ShapeMismatch { layer: 0 },
        ),
        (
            |m| fc16_of(m).bias = vec![0; 2],
            EngineError::ShapeMismatch { layer: 0 },
        ),
        (
            |m| fc16_of(m).output_multipliers[0].shift = 8,
            EngineError::BadQuantization { layer: 0 },
        ),
        (
            |m| {
                let f = fc16_of(m);
                f.min = 1;
                f.max = 0;
            },
            EngineError::BadQuantization { layer: 0 },
        ),
        (
            // A bias beyond the 2^47 the 64-bit rescaling is specified for.
            |m| fc16_of(m).bias[0] = 1 << 47,
            EngineError::AccumulatorOverflow { layer: 0 },
        ),
        (
            // A rescaled sum that would not fit 32 bits: 2^40 / 512.
            |m| fc16_of(m).bias[0] = 1 << 40,
            EngineError::AccumulatorOverflow { layer: 0 },
        ),
    ];
    for (k, (corrupt, error)) in cases.into_iter().enumerate() {
        let mut m = base.clone();
        corrupt(&mut m);
        assert_eq!(refused(m), error, "case {k}");
    }
}

#[test]
fn several_inputs_are_split_by_bytes() {
    // An int16 input and an int8 input: activation 0 holds 2·4 + 3 bytes.
    let m = model(
        tensor(&[11], 0, ElementType::Int8),
        vec![
            layer(
                &[0],
                tensor(&[4], 0, ElementType::Int16),
                Op::Input(InputPart { offset: 0 }),
            ),
            layer(
                &[0],
                tensor(&[3], 0, ElementType::Int8),
                Op::Input(InputPart { offset: 8 }),
            ),
            layer(
                &[1],
                tensor(&[4], 0, ElementType::Int8),
                Op::Requantize(Requantize {
                    multiplier: HALF,
                    clamp: Clamp::FULL,
                }),
            ),
        ],
    );
    let v = decode_model(&m.encode()).unwrap();
    assert_eq!(v.input_len(), 11);
    assert_eq!(v.inputs()[0].element, ElementType::Int16);
    // The second input placed after 4 elements rather than 8 bytes is refused.
    let mut bad = m.clone();
    bad.layers[1].op = Op::Input(InputPart { offset: 4 });
    assert_eq!(refused(bad), EngineError::BadInputs { layer: 1 });
    // Activation 0 of several inputs is bytes: int8.
    let mut bad = m;
    bad.input = tensor(&[11], 0, ElementType::Int16);
    assert_eq!(refused(bad), EngineError::BadElementType { layer: 0 });
}

/// Corruptions of the imported SVDF and 16x8 models are refused or run; a model that runs gives
/// each layer's trace entry again when the layer runs alone.
#[test]
fn corrupted_int16_models_are_refused_or_consistent() {
    for name in [
        "svdf_int16_state",
        "svdf_int8_state",
        "fc16x8_batch",
        "fc16x8_softmax",
        "conv16x8_kws",
        "pool16x8",
        "add16x8",
        "concat16x8",
        "mulsub16x8",
    ] {
        let path = format!("{}/fuzz/seeds/{name}.vgm", env!("CARGO_MANIFEST_DIR"));
        let original = std::fs::read(path).unwrap();
        assert!(Model::decode(&mut &original[..]).is_ok());
        let mut rng = TestRng::new(13);
        let (ran, refusals) = corrupt_and_check(&original, &mut rng, 1500);
        assert!(
            ran > 200 && refusals > 100,
            "{name}: ran {ran}, refused {refusals}"
        );
    }
}

/// The int16 SOFTMAX of the imported 16x8 classifier (`fc16x8_softmax`): its refusals.
#[test]
fn softmax16_refusals() {
    let path = format!(
        "{}/fuzz/seeds/fc16x8_softmax.vgm",
        env!("CARGO_MANIFEST_DIR")
    );
    let base = Model::decode(&mut &std::fs::read(path).unwrap()[..]).unwrap();
    assert_eq!(base.layers.len(), 3);
    decode_model(&base.encode()).unwrap();
    fn softmax(m: &mut Model) -> &mut vigil_engine::model::Softmax16 {
        match &mut m.layers[2].op {
            Op::Softmax16(s) => s,
            other => panic!("{}", other.name()),
        }
    }
    let cases: Vec<Case> = vec![
        (
            |m| softmax(m).exp_lut.truncate(512),
            EngineError::BadQuantization { layer: 2 },
        ),
        (
            |m| softmax(m).reciprocal_lut.push(0),
            EngineError::BadQuantization { layer: 2 },
        ),
        // A negative exp, or an exp of zero at zero: sums that could vanish.
        (
            |m| softmax(m).exp_lut[3] = -1,
            EngineError::BadQuantization { layer: 2 },
        ),
        (
            |m| {
                let s = softmax(m);
                s.exp_lut[511] = 0;
                s.exp_lut[512] = 0;
            },
            EngineError::BadQuantization { layer: 2 },
        ),
        (
            |m| m.layers[2].output.zero_point = 5,
            EngineError::BadQuantization { layer: 2 },
        ),
        (
            |m| m.layers[2].output.element = ElementType::Int8,
            EngineError::BadElementType { layer: 2 },
        ),
        (
            |m| softmax(m).input_multiplier.shift = 20,
            EngineError::AccumulatorOverflow { layer: 2 },
        ),
        (
            |m| m.layers[2].output.shape = vec![1, 7, 3],
            EngineError::ShapeMismatch { layer: 2 },
        ),
    ];
    for (k, (corrupt, error)) in cases.into_iter().enumerate() {
        let mut m = base.clone();
        corrupt(&mut m);
        assert_eq!(refused(m), error, "case {k}");
    }
}

/// The 16x8 convolutions of the imported `conv16x8_kws`: their refusals.
#[test]
fn conv_16x8_refusals() {
    let path = format!("{}/fuzz/seeds/conv16x8_kws.vgm", env!("CARGO_MANIFEST_DIR"));
    let base = Model::decode(&mut &std::fs::read(path).unwrap()[..]).unwrap();
    decode_model(&base.encode()).unwrap();
    fn conv(m: &mut Model) -> &mut vigil_engine::model::Conv2d16 {
        match &mut m.layers[0].op {
            Op::Conv2d16(c) => c,
            other => panic!("{}", other.name()),
        }
    }
    fn depthwise(m: &mut Model) -> &mut vigil_engine::model::DepthwiseConv2d16 {
        match &mut m.layers[1].op {
            Op::DepthwiseConv2d16(d) => d,
            other => panic!("{}", other.name()),
        }
    }
    let cases: Vec<Case> = vec![
        (
            |m| m.input.element = ElementType::Int8,
            EngineError::BadElementType { layer: 0 },
        ),
        (
            |m| m.input.zero_point = 1,
            EngineError::BadQuantization { layer: 0 },
        ),
        (
            |m| conv(m).filter_input_channels = 2,
            EngineError::ShapeMismatch { layer: 0 },
        ),
        (
            |m| conv(m).bias.push(0),
            EngineError::ShapeMismatch { layer: 0 },
        ),
        (
            |m| conv(m).output_multipliers[0].shift = 8,
            EngineError::BadQuantization { layer: 0 },
        ),
        (
            |m| conv(m).bias[0] = 1 << 47,
            EngineError::AccumulatorOverflow { layer: 0 },
        ),
        (
            |m| depthwise(m).depth_multiplier = 3,
            EngineError::ShapeMismatch { layer: 1 },
        ),
        (
            |m| {
                let d = depthwise(m);
                d.min = 5;
                d.max = 4;
            },
            EngineError::BadQuantization { layer: 1 },
        ),
        (
            |m| depthwise(m).bias[0] = 1 << 46,
            EngineError::AccumulatorOverflow { layer: 1 },
        ),
        (
            |m| m.layers[1].output.element = ElementType::Int8,
            EngineError::BadElementType { layer: 1 },
        ),
    ];
    for (k, (corrupt, error)) in cases.into_iter().enumerate() {
        let mut m = base.clone();
        corrupt(&mut m);
        assert_eq!(refused(m), error, "case {k}");
    }
}

/// The int16 pooling layers of the imported `pool16x8`: their refusals.
#[test]
fn pool_16x8_refusals() {
    let path = format!("{}/fuzz/seeds/pool16x8.vgm", env!("CARGO_MANIFEST_DIR"));
    let base = Model::decode(&mut &std::fs::read(path).unwrap()[..]).unwrap();
    decode_model(&base.encode()).unwrap();
    assert!(matches!(base.layers[1].op, Op::AveragePool2d16(_)));
    fn pool(m: &mut Model) -> &mut vigil_engine::model::Pool2d16 {
        match &mut m.layers[1].op {
            Op::AveragePool2d16(p) => p,
            other => panic!("{}", other.name()),
        }
    }
    let cases: Vec<Case> = vec![
        (
            |m| m.layers[1].output.element = ElementType::Int8,
            EngineError::BadElementType { layer: 1 },
        ),
        (
            |m| m.layers[1].output.zero_point = 3,
            EngineError::BadQuantization { layer: 1 },
        ),
        (
            |m| {
                let p = pool(m);
                p.min = 1;
                p.max = 0;
            },
            EngineError::BadQuantization { layer: 1 },
        ),
        (
            // A window whose int32 sum could overflow, as the reference sums it.
            |m| pool(m).window.size = (256, 257),
            EngineError::AccumulatorOverflow { layer: 1 },
        ),
        (
            |m| pool(m).window.dilation = (2, 1),
            EngineError::ShapeMismatch { layer: 1 },
        ),
    ];
    for (k, (corrupt, error)) in cases.into_iter().enumerate() {
        let mut m = base.clone();
        corrupt(&mut m);
        assert_eq!(refused(m), error, "case {k}");
    }
}

/// The int16 ADDs of the imported `add16x8`: their refusals.
#[test]
fn add_16x8_refusals() {
    let path = format!("{}/fuzz/seeds/add16x8.vgm", env!("CARGO_MANIFEST_DIR"));
    let base = Model::decode(&mut &std::fs::read(path).unwrap()[..]).unwrap();
    decode_model(&base.encode()).unwrap();
    fn add(m: &mut Model) -> &mut vigil_engine::model::Add16 {
        match &mut m.layers[2].op {
            Op::Add16(a) => a,
            other => panic!("{}", other.name()),
        }
    }
    let cases: Vec<Case> = vec![
        (
            |m| m.layers[2].output.element = ElementType::Int8,
            EngineError::BadElementType { layer: 2 },
        ),
        (
            |m| add(m).input1_multiplier.shift = 1,
            EngineError::BadQuantization { layer: 2 },
        ),
        (
            |m| {
                let a = add(m);
                a.min = 1;
                a.max = 0;
            },
            EngineError::BadQuantization { layer: 2 },
        ),
        (
            // 32768 shifted by 16 leaves 32 bits.
            |m| add(m).left_shift = 16,
            EngineError::AccumulatorOverflow { layer: 2 },
        ),
        (
            // An input zero point far from zero doubles its offsets, and a multiplier near one
            // keeps them: with the other input, the sum leaves 32 bits.
            |m| {
                m.input.zero_point = -32768;
                add(m).input1_multiplier = vigil_engine::model::Multiplier {
                    multiplier: i32::MAX,
                    shift: 0,
                };
            },
            EngineError::AccumulatorOverflow { layer: 2 },
        ),
        (
            |m| m.layers[2].output.shape = vec![1, 4, 13],
            EngineError::ShapeMismatch { layer: 2 },
        ),
    ];
    for (k, (corrupt, error)) in cases.into_iter().enumerate() {
        let mut m = base.clone();
        corrupt(&mut m);
        assert_eq!(refused(m), error, "case {k}");
    }
}

/// The int16 CONCATENATION of the imported `concat16x8`: its refusals.
#[test]
fn concatenation_16x8_refusals() {
    let path = format!("{}/fuzz/seeds/concat16x8.vgm", env!("CARGO_MANIFEST_DIR"));
    let base = Model::decode(&mut &std::fs::read(path).unwrap()[..]).unwrap();
    decode_model(&base.encode()).unwrap();
    assert!(matches!(base.layers[4].op, Op::Concatenation(_)));
    let cases: Vec<Case> = vec![
        (
            // An int8 output of int16 inputs.
            |m| m.layers[4].output.element = ElementType::Int8,
            EngineError::BadElementType { layer: 4 },
        ),
        (
            // Inputs of two types.
            |m| m.layers[0].output.element = ElementType::Int8,
            EngineError::BadElementType { layer: 0 },
        ),
        (
            |m| {
                for k in [2, 3, 4] {
                    m.layers[k].output.zero_point = 1;
                }
                m.layers[0].output.zero_point = 1;
            },
            EngineError::BadQuantization { layer: 4 },
        ),
    ];
    for (k, (corrupt, error)) in cases.into_iter().enumerate() {
        let mut m = base.clone();
        corrupt(&mut m);
        assert_eq!(refused(m), error, "case {k}");
    }
}

/// The int16 MUL and SUB of the imported `mulsub16x8`: their refusals.
#[test]
fn mul_and_sub_16x8_refusals() {
    let path = format!("{}/fuzz/seeds/mulsub16x8.vgm", env!("CARGO_MANIFEST_DIR"));
    let base = Model::decode(&mut &std::fs::read(path).unwrap()[..]).unwrap();
    decode_model(&base.encode()).unwrap();
    assert!(matches!(base.layers[2].op, Op::Mul16(_)));
    assert!(matches!(base.layers[5].op, Op::Sub16(_)));
    fn mul(m: &mut Model) -> &mut vigil_engine::model::Mul16 {
        match &mut m.layers[2].op {
            Op::Mul16(x) => x,
            other => panic!("{}", other.name()),
        }
    }
    let cases: Vec<Case> = vec![
        (
            |m| m.layers[2].output.zero_point = 1,
            EngineError::BadQuantization { layer: 2 },
        ),
        (
            |m| mul(m).multiplier.shift = 2,
            EngineError::AccumulatorOverflow { layer: 2 },
        ),
        (
            |m| m.layers[2].output.shape = vec![1, 4, 8],
            EngineError::ShapeMismatch { layer: 2 },
        ),
        (
            |m| m.layers[5].output.element = ElementType::Int8,
            EngineError::BadElementType { layer: 5 },
        ),
    ];
    for (k, (corrupt, error)) in cases.into_iter().enumerate() {
        let mut m = base.clone();
        corrupt(&mut m);
        assert_eq!(refused(m), error, "case {k}");
    }
}
