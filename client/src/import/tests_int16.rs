//! The importer on hand-built graphs with int16 activations: SVDF, the 16x8 fully connected
//! layer, QUANTIZE and SOFTMAX across types, and every refusal, by its error.

use super::tests::{assert_invalid, assert_unsupported, quantization, Graph};
use crate::tflite::{
    Activation, BuiltinOp, BuiltinOptions, FullyConnectedOptions, SoftmaxOptions, SvdfOptions,
    TensorType, WeightsFormat,
};
use vigil_engine::model::{ElementType, Op};

fn act(g: &mut Graph, shape: &[i32], ty: TensorType, scale: f32, zero_point: i64) -> i32 {
    g.tensor(
        shape,
        ty,
        quantization(&[scale], &[zero_point], 0),
        Vec::new(),
    )
}

fn constant(g: &mut Graph, shape: &[i32], ty: TensorType, scale: f32, bytes: Vec<u8>) -> i32 {
    g.tensor(shape, ty, quantization(&[scale], &[0], 0), bytes)
}

fn svdf_options(rank: i32) -> BuiltinOptions {
    BuiltinOptions::Svdf(SvdfOptions {
        rank,
        fused_activation: Activation::Relu,
        asymmetric_quantize_inputs: false,
    })
}

/// What an SVDF graph is built from, so that each refusal changes one thing.
struct SvdfGraph {
    rank: i32,
    time_type: TensorType,
    state_type: TensorType,
    variable: bool,
    input_type: TensorType,
    feature_zero_point: i64,
    units: i32,
    options: Option<BuiltinOptions>,
    bias_scale: f32,
}

impl Default for SvdfGraph {
    fn default() -> Self {
        SvdfGraph {
            rank: 2,
            time_type: TensorType::Int16,
            state_type: TensorType::Int16,
            variable: true,
            input_type: TensorType::Int8,
            feature_zero_point: 0,
            units: 3,
            options: None,
            bias_scale: 0.004 * 0.002,
        }
    }
}

impl SvdfGraph {
    /// `x [2, 5] → SVDF (6 filters, memory 4) → y [2, units]`.
    fn import(self) -> Result<super::Imported, super::ImportError> {
        let mut g = Graph::new();
        let x = act(&mut g, &[2, 5], self.input_type, 0.05, 1);
        let wf = g.tensor(
            &[6, 5],
            TensorType::Int8,
            quantization(&[0.01], &[self.feature_zero_point], 0),
            (0..30u8).map(|v| v.wrapping_mul(37)).collect(),
        );
        let time_size = if self.time_type == TensorType::Int16 {
            2
        } else {
            1
        };
        let wt = constant(
            &mut g,
            &[6, 4],
            self.time_type,
            0.002,
            (0..24 * time_size).map(|v| (v * 11 % 256) as u8).collect(),
        );
        let b = constant(
            &mut g,
            &[3],
            TensorType::Int32,
            self.bias_scale,
            [100i32, -7, 0]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect(),
        );
        let state = act(&mut g, &[2, 24], self.state_type, 0.004, 0);
        let y = act(&mut g, &[2, self.units], TensorType::Int8, 0.1, -4);
        if self.variable {
            g.mark_variable(state);
        }
        g.op(
            BuiltinOp::SVDF,
            &[x, wf, wt, b, state],
            &[y],
            self.options.unwrap_or(svdf_options(self.rank)),
        );
        g.import(&[x], &[y])
    }
}

#[test]
fn svdf_imports_with_its_state_type_and_scales() {
    let m = SvdfGraph::default().import().unwrap().model;
    let Op::Svdf(s) = &m.layers[0].op else {
        panic!("{:?}", m.layers[0].op)
    };
    assert_eq!((s.rank, s.filters, s.memory), (2, 6, 4));
    assert_eq!(s.state_element, ElementType::Int16);
    assert_eq!(s.bias, vec![100, -7, 0]);
    // 0.05 · 0.01 / 0.004 = 0.125 and 0.004 · 0.002 / 0.1 = 8e-5, in f32 then QuantizeMultiplier.
    assert_eq!(
        (s.feature_multiplier.multiplier, s.feature_multiplier.shift),
        (1 << 30, -2)
    );
    assert_eq!(s.output_multiplier.shift, -13);
    let m = SvdfGraph {
        time_type: TensorType::Int8,
        state_type: TensorType::Int8,
        ..Default::default()
    }
    .import()
    .unwrap()
    .model;
    let Op::Svdf(s) = &m.layers[0].op else {
        unreachable!()
    };
    assert_eq!(s.state_element, ElementType::Int8);
    assert!(s.weights_time.iter().all(|&w| (-128..=127).contains(&w)));
}

#[test]
fn svdf_refusals() {
    assert_invalid(
        SvdfGraph {
            variable: false,
            ..Default::default()
        }
        .import(),
        "the activation state is not a variable tensor",
    );
    assert_unsupported(
        SvdfGraph {
            state_type: TensorType::Int8,
            ..Default::default()
        }
        .import(),
        "an activation state of type Int8 with Int16 time weights",
    );
    assert_unsupported(
        SvdfGraph {
            time_type: TensorType::Int32,
            state_type: TensorType::Int32,
            ..Default::default()
        }
        .import(),
        "Int32 time weights",
    );
    assert_unsupported(
        SvdfGraph {
            feature_zero_point: 3,
            ..Default::default()
        }
        .import(),
        "weights with a non-zero zero point",
    );
    assert_unsupported(
        SvdfGraph {
            input_type: TensorType::Int16,
            ..Default::default()
        }
        .import(),
        "(SVDF): an input or output that is not int8",
    );
    assert_invalid(
        SvdfGraph {
            rank: 4,
            ..Default::default()
        }
        .import(),
        "shapes do not fit",
    );
    assert_invalid(
        SvdfGraph {
            units: 2,
            ..Default::default()
        }
        .import(),
        "shapes do not fit",
    );
    assert_invalid(
        SvdfGraph {
            rank: 0,
            ..Default::default()
        }
        .import(),
        "parameter 0 must be positive",
    );
    assert_unsupported(
        SvdfGraph {
            options: Some(BuiltinOptions::Svdf(SvdfOptions {
                rank: 2,
                fused_activation: Activation::None,
                asymmetric_quantize_inputs: true,
            })),
            ..Default::default()
        }
        .import(),
        "asymmetric_quantize_inputs",
    );
    assert_invalid(
        SvdfGraph {
            options: Some(BuiltinOptions::None),
            ..Default::default()
        }
        .import(),
        "no SVDF options",
    );
}

fn fc_options() -> BuiltinOptions {
    BuiltinOptions::FullyConnected(FullyConnectedOptions {
        fused_activation: Activation::Relu,
        weights_format: WeightsFormat::Default,
        keep_num_dims: false,
        asymmetric_quantize_inputs: false,
    })
}

/// `x int16 [1, 4] → FULLY_CONNECTED (3 units, bias of `bias_type`) → y of `out_type`.
fn dense16(
    bias_type: TensorType,
    out_type: TensorType,
) -> Result<super::Imported, super::ImportError> {
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 4], TensorType::Int16, 0.001, 0);
    let w = constant(
        &mut g,
        &[3, 4],
        TensorType::Int8,
        0.02,
        vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    );
    let bias_bytes = match bias_type {
        TensorType::Int64 => [5i64, -6, 7].iter().flat_map(|v| v.to_le_bytes()).collect(),
        _ => [5i32, -6, 7].iter().flat_map(|v| v.to_le_bytes()).collect(),
    };
    let b = constant(&mut g, &[3], bias_type, 0.00002, bias_bytes);
    let y = act(&mut g, &[1, 3], out_type, 0.002, 0);
    g.op(BuiltinOp::FULLY_CONNECTED, &[x, w, b], &[y], fc_options());
    g.import(&[x], &[y])
}

#[test]
fn fully_connected_16x8_imports_and_refuses() {
    let m = dense16(TensorType::Int64, TensorType::Int16).unwrap().model;
    let Op::FullyConnected16(fc) = &m.layers[0].op else {
        panic!("{:?}", m.layers[0].op)
    };
    assert_eq!(fc.bias, vec![5, -6, 7]);
    // ReLU in int16: [0, 32767].
    assert_eq!((fc.min, fc.max), (0, i16::MAX));
    assert_eq!(m.input.element, ElementType::Int16);
    assert_unsupported(
        dense16(TensorType::Int32, TensorType::Int16),
        "a Int32 bias with an int16 input (int64 only)",
    );
    assert_unsupported(
        dense16(TensorType::Int64, TensorType::Int8),
        "an int16 input with a non-int16 output",
    );
}

#[test]
fn quantize_and_softmax_across_types() {
    // int16 → QUANTIZE → int8 → SOFTMAX → int16 → QUANTIZE → int32.
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 6], TensorType::Int16, 0.001, 0);
    let q = act(&mut g, &[1, 6], TensorType::Int8, 0.1, -2);
    let p = act(&mut g, &[1, 6], TensorType::Int16, 1.0 / 65536.0, -32768);
    let z = act(&mut g, &[1, 6], TensorType::Int32, 1.0 / 32768.0, 0);
    g.op(BuiltinOp::QUANTIZE, &[x], &[q], BuiltinOptions::None);
    g.op(
        BuiltinOp::SOFTMAX,
        &[q],
        &[p],
        BuiltinOptions::Softmax(SoftmaxOptions { beta: 1.0 }),
    );
    g.op(BuiltinOp::QUANTIZE, &[p], &[z], BuiltinOptions::None);
    let m = g.import(&[x], &[z]).unwrap().model;
    let types: Vec<ElementType> = m.layers.iter().map(|l| l.output.element).collect();
    assert_eq!(
        types,
        [ElementType::Int8, ElementType::Int16, ElementType::Int32]
    );

    // A SOFTMAX to int16 off its fixed quantization.
    for (scale, zero_point) in [(1.0 / 65536.0, 0), (1.0 / 32768.0, -32768)] {
        let mut g = Graph::new();
        let x = act(&mut g, &[1, 6], TensorType::Int8, 0.1, 0);
        let p = act(&mut g, &[1, 6], TensorType::Int16, scale, zero_point);
        g.op(
            BuiltinOp::SOFTMAX,
            &[x],
            &[p],
            BuiltinOptions::Softmax(SoftmaxOptions { beta: 1.0 }),
        );
        assert_unsupported(
            g.import(&[x], &[p]),
            "int16 output must have scale 1/65536 and zero point -32768",
        );
    }
    // An int32 activation anywhere but out of a QUANTIZE.
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 6], TensorType::Int8, 0.1, 0);
    let y = act(&mut g, &[1, 6], TensorType::Int32, 0.1, 0);
    g.op(BuiltinOp::RELU, &[x], &[y], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[x], &[y]),
        "operator 0 (RELU) output (tensor #1) is Int32; only int8 and int16 activations",
    );
}

#[test]
fn add_sub_and_mul_of_int16_import() {
    for code in [BuiltinOp::ADD, BuiltinOp::SUB, BuiltinOp::MUL] {
        let mut g = Graph::new();
        let x = act(&mut g, &[1, 4], TensorType::Int16, 0.001, 0);
        let y = act(&mut g, &[1, 4], TensorType::Int16, 0.002, 0);
        g.op(code, &[x, x], &[y], BuiltinOptions::None);
        let m = g.import(&[x], &[y]).unwrap().model;
        match &m.layers[0].op {
            Op::Add16(a) | Op::Sub16(a) => {
                assert_eq!((a.left_shift, a.min, a.max), (15, i16::MIN, i16::MAX))
            }
            Op::Mul16(m) => assert_eq!((m.min, m.max), (i16::MIN, i16::MAX)),
            other => panic!("{other:?}"),
        }
    }
    // An int16 MUL with a zero point.
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 4], TensorType::Int16, 0.001, 0);
    let y = act(&mut g, &[1, 4], TensorType::Int16, 0.002, 5);
    g.op(BuiltinOp::MUL, &[x, x], &[y], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[x], &[y]),
        "16x8 activations with a non-zero zero point",
    );
    // An ADD of an int16 and an int8 activation.
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 4], TensorType::Int16, 0.001, 0);
    let q = act(&mut g, &[1, 4], TensorType::Int8, 0.01, 0);
    let y = act(&mut g, &[1, 4], TensorType::Int16, 0.002, 0);
    g.op(BuiltinOp::QUANTIZE, &[x], &[q], BuiltinOptions::None);
    g.op(BuiltinOp::ADD, &[x, q], &[y], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[x], &[y]),
        "int16 activations (two int16 into int16 only)",
    );
}

#[test]
fn int16_into_an_int8_operator_is_refused_by_name() {
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 4], TensorType::Int16, 0.001, 0);
    let y = act(&mut g, &[1, 4], TensorType::Int16, 0.001, 0);
    g.op(BuiltinOp::MAXIMUM, &[x, x], &[y], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[x], &[y]),
        "operator 0 (MAXIMUM): int16 activations (the engine takes int16 in QUANTIZE, SOFTMAX, \
         FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D, ADD, SUB, MUL, \
         CONCATENATION, SVDF, SELECT_V2 and RESHAPE only",
    );
    // An int8 operator writing int16.
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 4], TensorType::Int8, 0.1, 0);
    let y = act(&mut g, &[1, 4], TensorType::Int16, 0.001, 0);
    g.op(BuiltinOp::RELU6, &[x], &[y], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[x], &[y]),
        "operator 0 (RELU6): int16 activations",
    );
}

/// `x → RELU → a → RELU6 → b`, with the given outputs.
fn chain(outputs: &[usize]) -> Result<super::Imported, super::ImportError> {
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 0);
    let a = g.act(&[1, 4], 0.1, 0);
    let b = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::RELU, &[x], &[a], BuiltinOptions::None);
    g.op(BuiltinOp::RELU6, &[a], &[b], BuiltinOptions::None);
    let tensors = [x, a, b];
    let outputs: Vec<i32> = outputs.iter().map(|&k| tensors[k]).collect();
    g.import(&[x], &outputs)
}

#[test]
fn several_outputs_end_with_an_output_layer_in_their_order() {
    // b then a: not the operators' order.
    let m = chain(&[2, 1]).unwrap().model;
    assert_eq!(m.layers.len(), 3);
    assert!(matches!(m.layers[2].op, Op::Output));
    assert_eq!(m.layers[2].inputs, vec![2, 1]);
    assert_eq!(m.layers[2].output.shape, vec![8]);
    assert_eq!(m.layers[2].source_index, super::NO_SOURCE_OPERATOR);
    // One output stays as it was: the last layer's.
    let m = chain(&[2]).unwrap().model;
    assert_eq!(m.layers.len(), 2);
    // The model's input as one of several outputs.
    assert_unsupported(
        chain(&[2, 0]),
        "model output 1 (tensor #0) is not computed by an operator",
    );
    // One output, not the last operator's.
    assert_unsupported(
        chain(&[1]),
        "the model's output must be the output of its last computing operator",
    );
    // More outputs than a layer may read.
    let many = vec![2; vigil_engine::limits::MAX_LAYER_INPUTS + 1];
    assert_unsupported(chain(&many), "models with 65 outputs (at most 64)");
    assert_invalid(chain(&[]), "the model has no output");
}

/// `SELECT_V2(condition, a, b)` with `a = RELU(x)`, `b = RELU6(x)`; the condition's tensor type
/// and data as given, and `a`'s type.
fn select(
    condition: TensorType,
    data: Vec<u8>,
    value: TensorType,
) -> Result<super::Imported, super::ImportError> {
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 0);
    let q = (condition != TensorType::Bool).then(|| quantization(&[1.0], &[0], 0));
    let c = g.tensor(&[4], condition, q.flatten(), data);
    let a = act(&mut g, &[1, 4], value, 0.1, 0);
    let b = g.act(&[1, 4], 0.1, 0);
    let y = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::RELU, &[x], &[a], BuiltinOptions::None);
    g.op(BuiltinOp::RELU6, &[x], &[b], BuiltinOptions::None);
    g.op(BuiltinOp::SELECT_V2, &[c, a, b], &[y], BuiltinOptions::None);
    g.import(&[x], &[y])
}

#[test]
fn select_v2_imports_a_constant_condition_and_refuses() {
    let m = select(TensorType::Bool, vec![1, 0, 0, 1], TensorType::Int8)
        .unwrap()
        .model;
    let constant = m
        .layers
        .iter()
        .find(|l| matches!(l.op, Op::Constant(_)))
        .unwrap();
    assert_eq!(constant.output.element, ElementType::Bool);
    assert!(matches!(m.layers.last().unwrap().op, Op::Select));
    assert_invalid(
        select(TensorType::Bool, vec![1, 0, 2, 1], TensorType::Int8),
        "holds a byte other than 0 and 1",
    );
    assert_unsupported(
        select(TensorType::Int8, vec![1, 0, 0, 1], TensorType::Int8),
        "(SELECT_V2): a condition that is not bool",
    );
    assert_unsupported(
        select(TensorType::Bool, vec![1, 0, 0, 1], TensorType::Int16),
        "values of types int16, int8 into int8",
    );
}

/// `x int16 [1, 8] → SOFTMAX → y int16` with the given quantization.
fn softmax16(
    x_zp: i64,
    y_scale: f32,
    y_zp: i64,
    y_type: TensorType,
) -> Result<super::Imported, super::ImportError> {
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 8], TensorType::Int16, 0.001, x_zp);
    let y = act(&mut g, &[1, 8], y_type, y_scale, y_zp);
    g.op(
        BuiltinOp::SOFTMAX,
        &[x],
        &[y],
        BuiltinOptions::Softmax(SoftmaxOptions { beta: 1.0 }),
    );
    g.import(&[x], &[y])
}

#[test]
fn int16_softmax_imports_its_tables_and_refuses() {
    let m = softmax16(0, 1.0 / 32768.0, 0, TensorType::Int16)
        .unwrap()
        .model;
    let Op::Softmax16(s) = &m.layers[0].op else {
        panic!("{:?}", m.layers[0].op)
    };
    // exp over [-10, 0]: from about exp(-10) · 32768 ≈ 1.5 up to 32767 at zero; 1/(1+x) over [0, 1]:
    // from 32767 down to 16384.
    assert_eq!(s.exp_lut.len(), 513);
    assert_eq!((s.exp_lut[0], s.exp_lut[512]), (2, 32767));
    assert!(s.exp_lut.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!((s.reciprocal_lut[0], s.reciprocal_lut[512]), (32767, 16384));
    // 0.001 / (10 / 65535) = 6.5535, as QuantizeMultiplier splits it.
    assert_eq!(s.input_multiplier.shift, 3);
    for (x_zp, scale, zp, ty) in [
        (1, 1.0 / 32768.0, 0, TensorType::Int16),
        (0, 1.0 / 65536.0, 0, TensorType::Int16),
        (0, 1.0 / 32768.0, -5, TensorType::Int16),
    ] {
        assert_unsupported(
            softmax16(x_zp, scale, zp, ty),
            "int16 softmax needs zero points 0 and an output scale of 1/32768",
        );
    }
    assert_unsupported(
        softmax16(0, 1.0 / 256.0, -128, TensorType::Int8),
        "an int16 input with a non-int16 output",
    );
}

/// `x int16 [1, 4, 4, 2] → CONV_2D 3x3 (2 filters) → y`, with the bias type, input zero point
/// and output type given.
fn conv16(
    bias_type: TensorType,
    x_zp: i64,
    out_type: TensorType,
) -> Result<super::Imported, super::ImportError> {
    use crate::tflite::{Conv2DOptions, Padding};
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 4, 4, 2], TensorType::Int16, 0.001, x_zp);
    let w = constant(
        &mut g,
        &[2, 3, 3, 2],
        TensorType::Int8,
        0.02,
        (0..36).map(|v| v as u8).collect(),
    );
    let bias_bytes: Vec<u8> = match bias_type {
        TensorType::Int64 => [3i64, -4].iter().flat_map(|v| v.to_le_bytes()).collect(),
        _ => [3i32, -4].iter().flat_map(|v| v.to_le_bytes()).collect(),
    };
    let b = constant(&mut g, &[2], bias_type, 0.00002, bias_bytes);
    let y = act(&mut g, &[1, 2, 2, 2], out_type, 0.002, 0);
    g.op(
        BuiltinOp::CONV_2D,
        &[x, w, b],
        &[y],
        BuiltinOptions::Conv2D(Conv2DOptions {
            padding: Padding::Valid,
            stride_w: 1,
            stride_h: 1,
            fused_activation: Activation::Relu6,
            dilation_w: 1,
            dilation_h: 1,
        }),
    );
    g.import(&[x], &[y])
}

#[test]
fn conv_16x8_imports_and_refuses() {
    let m = conv16(TensorType::Int64, 0, TensorType::Int16)
        .unwrap()
        .model;
    let Op::Conv2d16(c) = &m.layers[0].op else {
        panic!("{:?}", m.layers[0].op)
    };
    assert_eq!(c.bias, vec![3, -4]);
    // ReLU6 at scale 0.002: [0, 3000].
    assert_eq!((c.min, c.max), (0, 3000));
    assert_unsupported(
        conv16(TensorType::Int32, 0, TensorType::Int16),
        "a Int32 bias with an int16 input (int64 only)",
    );
    assert_unsupported(
        conv16(TensorType::Int64, 2, TensorType::Int16),
        "16x8 activations with a non-zero zero point",
    );
    assert_unsupported(
        conv16(TensorType::Int64, 0, TensorType::Int8),
        "an int16 input with a non-int16 output",
    );
}

/// The importer's other int16 refusals, each by its message.
#[test]
fn other_int16_refusals() {
    // An SVDF bias whose scale is not the state's times the time weights'.
    assert_invalid(
        SvdfGraph {
            bias_scale: 0.5,
            ..Default::default()
        }
        .import(),
        "the bias scale is not state scale × time weights scale",
    );
    // A QUANTIZE of an int32 activation.
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 4], TensorType::Int16, 0.001, 0);
    let w = act(&mut g, &[1, 4], TensorType::Int32, 0.001, 0);
    let y = act(&mut g, &[1, 4], TensorType::Int8, 0.01, 0);
    g.op(BuiltinOp::QUANTIZE, &[x], &[w], BuiltinOptions::None);
    g.op(BuiltinOp::QUANTIZE, &[w], &[y], BuiltinOptions::None);
    assert_unsupported(g.import(&[x], &[y]), "operator 1 (QUANTIZE): int32 input");
    // 16x8 dense weights with a zero point.
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 4], TensorType::Int16, 0.001, 0);
    let w = g.tensor(
        &[2, 4],
        TensorType::Int8,
        quantization(&[0.02], &[3], 0),
        vec![1; 8],
    );
    let y = act(&mut g, &[1, 2], TensorType::Int16, 0.002, 0);
    g.op(BuiltinOp::FULLY_CONNECTED, &[x, w], &[y], fc_options());
    assert_unsupported(
        g.import(&[x], &[y]),
        "16x8 weights with a non-zero zero point",
    );
    // A CONCATENATION of an int16 and an int8 activation, and of int16 with a zero point.
    use crate::tflite::ConcatenationOptions;
    let concat = || {
        BuiltinOptions::Concatenation(ConcatenationOptions {
            axis: 1,
            fused_activation: Activation::None,
        })
    };
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 4], TensorType::Int16, 0.001, 0);
    let q = act(&mut g, &[1, 4], TensorType::Int8, 0.001, 0);
    let y = act(&mut g, &[1, 8], TensorType::Int16, 0.001, 0);
    g.op(BuiltinOp::QUANTIZE, &[x], &[q], BuiltinOptions::None);
    g.op(BuiltinOp::CONCATENATION, &[x, q], &[y], concat());
    assert_unsupported(
        g.import(&[x], &[y]),
        "inputs of another element type than the output's",
    );
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 4], TensorType::Int16, 0.001, 2);
    let y = act(&mut g, &[1, 8], TensorType::Int16, 0.001, 2);
    g.op(BuiltinOp::CONCATENATION, &[x, x], &[y], concat());
    assert_unsupported(
        g.import(&[x], &[y]),
        "int16 activations with a non-zero zero point",
    );
    // An int16 pool into int8.
    use crate::tflite::{Padding, Pool2DOptions};
    let mut g = Graph::new();
    let x = act(&mut g, &[1, 4, 4, 1], TensorType::Int16, 0.001, 0);
    let y = act(&mut g, &[1, 2, 2, 1], TensorType::Int8, 0.001, 0);
    g.op(
        BuiltinOp::MAX_POOL_2D,
        &[x],
        &[y],
        BuiltinOptions::Pool2D(Pool2DOptions {
            padding: Padding::Valid,
            stride_w: 2,
            stride_h: 2,
            filter_width: 2,
            filter_height: 2,
            fused_activation: Activation::None,
        }),
    );
    assert_unsupported(
        g.import(&[x], &[y]),
        "an int16 input with a non-int16 output",
    );
}
