//! The importer on hand-built TFLite graphs: what each operator module produces, and every
//! refusal, by its error.

use super::{import_model, ImportError, Imported};
use crate::tflite::{
    Activation, AddOptions, Buffer, BuiltinOp, BuiltinOptions, ConcatenationOptions, Conv2DOptions,
    DepthwiseConv2DOptions, FullyConnectedOptions, LeakyReluOptions, Operator, OperatorCode,
    Padding, Pool2DOptions, Quantization, SoftmaxOptions, Subgraph, Tensor, TensorType,
    TfliteModel, WeightsFormat,
};
use vigil_engine::model::Op;

/// A one-subgraph TFLite model under construction.
pub(super) struct Graph {
    tensors: Vec<Tensor>,
    buffers: Vec<Buffer>,
    codes: Vec<OperatorCode>,
    operators: Vec<Operator>,
}

pub(super) fn quantization(scale: &[f32], zero_point: &[i64], dim: i32) -> Option<Quantization> {
    Some(Quantization {
        scale: scale.to_vec(),
        zero_point: zero_point.to_vec(),
        quantized_dimension: dim,
        min: Vec::new(),
        max: Vec::new(),
        has_custom_details: false,
    })
}

impl Graph {
    pub(super) fn new() -> Self {
        Graph {
            tensors: Vec::new(),
            buffers: vec![Buffer { data: Vec::new() }],
            codes: Vec::new(),
            operators: Vec::new(),
        }
    }

    pub(super) fn tensor(
        &mut self,
        shape: &[i32],
        ty: TensorType,
        q: Option<Quantization>,
        data: Vec<u8>,
    ) -> i32 {
        let buffer = if data.is_empty() {
            0
        } else {
            self.buffers.push(Buffer { data });
            self.buffers.len() as u32 - 1
        };
        self.tensors.push(Tensor {
            shape: shape.to_vec(),
            shape_signature: None,
            tensor_type: ty,
            buffer,
            name: None,
            quantization: q,
            is_variable: false,
            is_sparse: false,
        });
        self.tensors.len() as i32 - 1
    }

    /// Makes a tensor a variable (an SVDF's activation state).
    pub(super) fn mark_variable(&mut self, t: i32) {
        self.tensors[t as usize].is_variable = true;
    }

    /// An int8 activation tensor.
    pub(super) fn act(&mut self, shape: &[i32], scale: f32, zero_point: i64) -> i32 {
        self.tensor(
            shape,
            TensorType::Int8,
            quantization(&[scale], &[zero_point], 0),
            Vec::new(),
        )
    }

    /// A tensor of another type, not quantized.
    pub(super) fn typed(&mut self, shape: &[i32], ty: TensorType) -> i32 {
        self.tensor(shape, ty, None, Vec::new())
    }

    /// An int8 constant with the given scales along dimension `dim`.
    pub(super) fn const_i8(&mut self, shape: &[i32], data: &[i8], scales: &[f32], dim: i32) -> i32 {
        let zeros = vec![0; scales.len()];
        let bytes = data.iter().map(|&v| v as u8).collect();
        self.tensor(
            shape,
            TensorType::Int8,
            quantization(scales, &zeros, dim),
            bytes,
        )
    }

    /// An int32 constant.
    pub(super) fn const_i32(&mut self, data: &[i32]) -> i32 {
        let bytes = data.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.tensor(&[data.len() as i32], TensorType::Int32, None, bytes)
    }

    pub(super) fn op(
        &mut self,
        code: BuiltinOp,
        inputs: &[i32],
        outputs: &[i32],
        options: BuiltinOptions,
    ) {
        let index = match self.codes.iter().position(|c| c.builtin == code) {
            Some(i) => i,
            None => {
                self.codes.push(OperatorCode {
                    builtin: code,
                    custom_code: None,
                    version: 1,
                });
                self.codes.len() - 1
            }
        };
        self.operators.push(Operator {
            opcode_index: index as u32,
            inputs: inputs.to_vec(),
            outputs: outputs.to_vec(),
            options,
            intermediates: Vec::new(),
        });
    }

    pub(super) fn model(self, inputs: &[i32], outputs: &[i32]) -> TfliteModel {
        TfliteModel {
            version: 3,
            description: None,
            operator_codes: self.codes,
            subgraphs: vec![Subgraph {
                tensors: self.tensors,
                inputs: inputs.to_vec(),
                outputs: outputs.to_vec(),
                operators: self.operators,
                name: None,
            }],
            buffers: self.buffers,
        }
    }

    pub(super) fn import(self, inputs: &[i32], outputs: &[i32]) -> Result<Imported, ImportError> {
        import_model(&self.model(inputs, outputs))
    }
}

/// Asserts an `Unsupported` refusal whose message contains `needle`.
#[track_caller]
pub(super) fn assert_unsupported(result: Result<Imported, ImportError>, needle: &str) {
    match result {
        Err(ImportError::Unsupported(m)) => assert!(m.contains(needle), "{m:?} lacks {needle:?}"),
        other => panic!("expected unsupported ({needle}), got {other:?}"),
    }
}

/// Asserts an `Invalid` refusal whose message contains `needle`.
#[track_caller]
pub(super) fn assert_invalid(result: Result<Imported, ImportError>, needle: &str) {
    match result {
        Err(ImportError::Invalid(m)) => assert!(m.contains(needle), "{m:?} lacks {needle:?}"),
        other => panic!("expected invalid ({needle}), got {other:?}"),
    }
}

/// Asserts a refusal by the engine's validation.
#[track_caller]
pub(super) fn assert_engine(
    result: Result<Imported, ImportError>,
    want: vigil_engine::EngineError,
) {
    match result {
        Err(ImportError::Engine(e)) => assert_eq!(e, want),
        other => panic!("expected engine error {want:?}, got {other:?}"),
    }
}

/// `x [1, 4] → op → y`, with `y` of the given quantization, for single-input operators.
fn unary(
    code: BuiltinOp,
    options: BuiltinOptions,
    out_scale: f32,
    out_zp: i64,
) -> Result<Imported, ImportError> {
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 3);
    let y = g.act(&[1, 4], out_scale, out_zp);
    g.op(code, &[x], &[y], options);
    g.import(&[x], &[y])
}

fn dense(g: &mut Graph, units: i32, depth: i32) -> (i32, i32) {
    let w = g.const_i8(
        &[units, depth],
        &vec![1; (units * depth) as usize],
        &[0.02],
        0,
    );
    let y = g.act(&[1, units], 0.2, -1);
    (w, y)
}

#[test]
fn a_dense_layer_imports() {
    let mut g = Graph::new();
    let x = g.act(&[1, 3], 0.1, 0);
    let (w, y) = dense(&mut g, 2, 3);
    let b = g.const_i32(&[5, -5]);
    g.op(
        BuiltinOp::FULLY_CONNECTED,
        &[x, w, b],
        &[y],
        BuiltinOptions::None,
    );
    let m = g.import(&[x], &[y]).unwrap().model;
    let Op::FullyConnected(fc) = &m.layers[0].op else {
        panic!("{:?}", m.layers[0].op)
    };
    assert_eq!((fc.units, fc.depth, fc.bias.clone()), (2, 3, vec![5, -5]));
}

#[test]
fn an_operator_the_engine_lacks_is_refused_by_name() {
    let r = unary(BuiltinOp::FLOOR, BuiltinOptions::None, 0.1, 3);
    assert_unsupported(
        r,
        "operator 0 is FLOOR, which the engine does not implement",
    );
    let r = unary(BuiltinOp(999), BuiltinOptions::None, 0.1, 3);
    assert_unsupported(r, "operator 0 is UNKNOWN(999)");
}

#[test]
fn a_mismatched_options_table_is_refused_as_not_implemented() {
    for code in [
        BuiltinOp::CONV_2D,
        BuiltinOp::DEPTHWISE_CONV_2D,
        BuiltinOp::AVERAGE_POOL_2D,
        BuiltinOp::SOFTMAX,
        BuiltinOp::CONCATENATION,
    ] {
        let r = unary(code, BuiltinOptions::None, 0.1, 3);
        assert_unsupported(r, "which the engine does not implement");
    }
}

#[test]
fn graph_level_refusals() {
    // Two outputs of one operator.
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 0);
    let (y, z) = (g.act(&[1, 4], 0.1, 0), g.act(&[1, 4], 0.1, 0));
    g.op(BuiltinOp::RELU, &[x], &[y, z], BuiltinOptions::None);
    assert_unsupported(g.import(&[x], &[y]), "(RELU) with 2 outputs");
    // A float output.
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 0);
    let y = g.typed(&[1, 4], TensorType::Float32);
    g.op(BuiltinOp::RELU, &[x], &[y], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[x], &[y]),
        "a float output must be written by a DEQUANTIZE from int8",
    );
    // A float tensor between operators.
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 0);
    let f = g.typed(&[1, 4], TensorType::Float32);
    let y = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::RELU, &[x], &[f], BuiltinOptions::None);
    g.op(BuiltinOp::RELU, &[f], &[y], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[x], &[y]),
        "only int8 and int16 activations (and bool conditions) are supported",
    );
    // A constant where an activation is needed.
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 0);
    let c = g.const_i8(&[1, 4], &[1, 2, 3, 4], &[0.1], 0);
    let y = g.act(&[1, 4], 0.1, 0);
    let z = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::ADD, &[x, x], &[y], BuiltinOptions::None);
    g.op(BuiltinOp::RELU, &[c], &[z], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[x], &[z]),
        "is not an activation computed by an earlier",
    );
    // A missing first input.
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 0);
    let y = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::RELU, &[-1], &[y], BuiltinOptions::None);
    assert_invalid(g.import(&[x], &[y]), "operator 0 (RELU) lacks input 0");
    // An unquantized activation input.
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 0);
    let y = g.act(&[1, 4], 0.1, 0);
    let z = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::RELU, &[x], &[y], BuiltinOptions::None);
    g.tensors[y as usize].quantization = None;
    g.op(BuiltinOp::RELU, &[y], &[z], BuiltinOptions::None);
    assert_invalid(g.import(&[x], &[z]), "is not quantized");
    // The output not the last layer's.
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 0);
    let y = g.act(&[1, 4], 0.1, 0);
    let z = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::RELU, &[x], &[y], BuiltinOptions::None);
    g.op(BuiltinOp::RELU, &[y], &[z], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[x], &[y]),
        "the output of its last computing operator",
    );
}

#[test]
fn fully_connected_refusals() {
    let build = |options: BuiltinOptions, w_shape: &[i32], scales: &[f32], bias: Option<&[i32]>| {
        let mut g = Graph::new();
        let x = g.act(&[1, 3], 0.1, 0);
        let n = w_shape.iter().product::<i32>() as usize;
        let w = g.const_i8(w_shape, &vec![1; n], scales, 0);
        let y = g.act(&[1, 2], 0.2, 0);
        let mut inputs = vec![x, w];
        if let Some(b) = bias {
            inputs.push(g.const_i32(b));
        }
        g.op(BuiltinOp::FULLY_CONNECTED, &inputs, &[y], options);
        g.import(&[x], &[y])
    };
    let fc = |activation, weights_format| {
        BuiltinOptions::FullyConnected(FullyConnectedOptions {
            fused_activation: activation,
            weights_format,
            keep_num_dims: false,
            asymmetric_quantize_inputs: false,
        })
    };
    assert!(build(
        fc(Activation::Relu, WeightsFormat::Default),
        &[2, 3],
        &[0.1],
        None
    )
    .is_ok());
    assert_unsupported(
        build(
            fc(Activation::None, WeightsFormat::Shuffled4x16Int8),
            &[2, 3],
            &[0.1],
            None,
        ),
        "shuffled weights",
    );
    assert_unsupported(
        build(
            fc(Activation::Tanh, WeightsFormat::Default),
            &[2, 3],
            &[0.1],
            None,
        ),
        "fused activation Tanh",
    );
    assert_invalid(
        build(BuiltinOptions::None, &[1, 2, 3], &[0.1], None),
        "weights of rank 3",
    );
    assert_invalid(
        build(BuiltinOptions::None, &[2, 3], &[], None),
        "unquantized weights",
    );
    assert_invalid(
        build(BuiltinOptions::None, &[2, 3], &[0.1], Some(&[1, 2, 3])),
        "3 biases for 2 channels",
    );
    // Wrong depth: the engine's validation.
    assert_engine(
        build(BuiltinOptions::None, &[2, 4], &[0.1], None),
        vigil_engine::EngineError::ShapeMismatch { layer: 0 },
    );
}

fn conv_options(padding: Padding, stride: i32) -> Conv2DOptions {
    Conv2DOptions {
        padding,
        stride_w: stride,
        stride_h: stride,
        fused_activation: Activation::None,
        dilation_w: 1,
        dilation_h: 1,
    }
}

#[test]
fn convolution_refusals() {
    let conv = |options: Conv2DOptions, out_hw: i32, rank4: bool, filter_zp: i64| {
        let mut g = Graph::new();
        let x = g.act(&[1, 5, 5, 2], 0.1, 0);
        let f_shape: &[i32] = if rank4 { &[3, 3, 3, 2] } else { &[3, 3, 6] };
        let f = g.const_i8(f_shape, &[1; 54], &[0.1, 0.1, 0.1], 0);
        g.tensors[f as usize]
            .quantization
            .as_mut()
            .unwrap()
            .zero_point = vec![filter_zp; 3];
        let y = g.act(&[1, out_hw, out_hw, 3], 0.2, 0);
        g.op(
            BuiltinOp::CONV_2D,
            &[x, f],
            &[y],
            BuiltinOptions::Conv2D(options),
        );
        g.import(&[x], &[y])
    };
    assert!(conv(conv_options(Padding::Same, 1), 5, true, 0).is_ok());
    assert!(conv(conv_options(Padding::Valid, 1), 3, true, 0).is_ok());
    assert_invalid(
        conv(conv_options(Padding::Valid, 1), 3, false, 0),
        "tensors must be 4-D",
    );
    assert_unsupported(
        conv(conv_options(Padding::Unknown(7), 1), 5, true, 0),
        "padding Unknown(7)",
    );
    assert_invalid(
        conv(conv_options(Padding::Same, 0), 5, true, 0),
        "parameter 0 must be positive",
    );
    assert_invalid(
        conv(conv_options(Padding::Same, 2), 5, true, 0),
        "output size 5 does not follow",
    );
    assert_unsupported(
        conv(conv_options(Padding::Same, 1), 5, true, 1),
        "non-zero zero point",
    );

    let depthwise = |rank4: bool| {
        let mut g = Graph::new();
        let x = g.act(&[1, 5, 5, 2], 0.1, 0);
        let f_shape: &[i32] = if rank4 { &[1, 3, 3, 2] } else { &[3, 3, 2] };
        let f = g.const_i8(f_shape, &[1; 18], &[0.1], 0);
        let y = g.act(&[1, 5, 5, 2], 0.2, 0);
        let o = DepthwiseConv2DOptions {
            padding: Padding::Same,
            stride_w: 1,
            stride_h: 1,
            depth_multiplier: 1,
            fused_activation: Activation::None,
            dilation_w: 1,
            dilation_h: 1,
        };
        g.op(
            BuiltinOp::DEPTHWISE_CONV_2D,
            &[x, f],
            &[y],
            BuiltinOptions::DepthwiseConv2D(o),
        );
        g.import(&[x], &[y])
    };
    assert!(depthwise(true).is_ok());
    assert_invalid(depthwise(false), "tensors must be 4-D");
}

#[test]
fn pool_refusals() {
    let pool = |out_scale: f32, filter: i32, rank4: bool| {
        let mut g = Graph::new();
        let shape: &[i32] = if rank4 { &[1, 4, 4, 2] } else { &[4, 4, 2] };
        let x = g.act(shape, 0.1, 0);
        let out: &[i32] = if rank4 { &[1, 2, 2, 2] } else { &[2, 2, 2] };
        let y = g.act(out, out_scale, 0);
        let o = Pool2DOptions {
            padding: Padding::Valid,
            stride_w: 2,
            stride_h: 2,
            filter_width: filter,
            filter_height: filter,
            fused_activation: Activation::None,
        };
        g.op(
            BuiltinOp::MAX_POOL_2D,
            &[x],
            &[y],
            BuiltinOptions::Pool2D(o),
        );
        g.import(&[x], &[y])
    };
    assert!(pool(0.1, 2, true).is_ok());
    assert_invalid(pool(0.1, 2, false), "tensors must be 4-D");
    assert_unsupported(pool(0.2, 2, true), "input and output quantization differ");
    assert_invalid(pool(0.1, -1, true), "parameter -1 must be positive");
}

#[test]
fn elementwise_refusals() {
    let binary = |code: BuiltinOp, y_scale: f32, out_scale: f32, out_zp: i64| {
        let mut g = Graph::new();
        let x = g.act(&[1, 4], 0.1, 0);
        let r = g.act(&[1, 4], y_scale, 0);
        g.op(BuiltinOp::RELU, &[x], &[r], BuiltinOptions::None);
        let y = g.act(&[1, 4], out_scale, out_zp);
        g.op(
            code,
            &[x, r],
            &[y],
            BuiltinOptions::Add(AddOptions {
                fused_activation: Activation::None,
                pot_scale_int16: false,
            }),
        );
        g.import(&[x], &[y])
    };
    assert!(binary(BuiltinOp::ADD, 0.1, 0.2, 0).is_ok());
    assert!(binary(BuiltinOp::SUB, 0.1, 0.2, 0).is_ok());
    assert!(binary(BuiltinOp::MUL, 0.1, 0.2, 0).is_ok());
    assert!(binary(BuiltinOp::MAXIMUM, 0.1, 0.1, 0).is_ok());
    // The sum's rescaling is at least one: the output scale is far below the inputs'.
    assert_unsupported(binary(BuiltinOp::ADD, 0.1, 1e-8, 0), "scale ratio");
    assert_unsupported(
        binary(BuiltinOp::MINIMUM, 0.1, 0.1, 1),
        "inputs must share the output's quantization",
    );
    assert_unsupported(
        binary(BuiltinOp::MAXIMUM, 0.2, 0.1, 0),
        "inputs must share the output's quantization",
    );
}

#[test]
fn activation_refusals() {
    assert!(unary(BuiltinOp::LOGISTIC, BuiltinOptions::None, 1.0 / 256.0, -128).is_ok());
    assert!(unary(BuiltinOp::TANH, BuiltinOptions::None, 1.0 / 128.0, 0).is_ok());
    assert_unsupported(
        unary(BuiltinOp::LOGISTIC, BuiltinOptions::None, 1.0 / 128.0, 0),
        "int8 output must have scale 0.00390625 and zero point -128",
    );
    assert_unsupported(
        unary(BuiltinOp::TANH, BuiltinOptions::None, 1.0 / 256.0, -128),
        "int8 output must have scale 0.0078125 and zero point 0",
    );
    let leaky = |alpha| BuiltinOptions::LeakyRelu(LeakyReluOptions { alpha });
    assert!(unary(BuiltinOp::LEAKY_RELU, leaky(0.2), 0.1, 3).is_ok());
    assert_unsupported(
        unary(BuiltinOp::LEAKY_RELU, leaky(-0.2), 0.1, 3),
        "negative alpha",
    );
    let softmax = BuiltinOptions::Softmax(SoftmaxOptions { beta: 1.0 });
    assert!(unary(BuiltinOp::SOFTMAX, softmax.clone(), 1.0 / 256.0, -128).is_ok());
    assert_unsupported(
        unary(BuiltinOp::SOFTMAX, softmax, 0.1, 3),
        "int8 output must have scale 1/256 and zero point -128",
    );
    assert!(unary(BuiltinOp::HARD_SWISH, BuiltinOptions::None, 0.1, 3).is_ok());
    assert_unsupported(
        unary(BuiltinOp::HARD_SWISH, BuiltinOptions::None, 1e-6, 3),
        "output scale too small for the input scale",
    );
    assert_invalid(
        unary(BuiltinOp::RESHAPE, BuiltinOptions::None, 0.2, 3),
        "(RESHAPE) changes quantization",
    );
    // Each of the requantizing activations imports.
    for code in [BuiltinOp::RELU, BuiltinOp::RELU6, BuiltinOp::QUANTIZE] {
        assert!(unary(code, BuiltinOptions::None, 0.1, 3).is_ok(), "{code}");
    }
}

#[test]
fn smooth_activation_of_an_input_scale_out_of_range_is_refused() {
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 1e9, 0);
    let y = g.act(&[1, 4], 1.0 / 256.0, -128);
    g.op(BuiltinOp::LOGISTIC, &[x], &[y], BuiltinOptions::None);
    assert_unsupported(g.import(&[x], &[y]), "input scale 1000000000 out of range");
}

#[test]
fn mean_pad_and_concatenation_refusals() {
    let mean = |axis: i32| {
        let mut g = Graph::new();
        let x = g.act(&[1, 2, 2, 3], 0.1, 0);
        let a = g.const_i32(&[axis]);
        let y = g.act(&[1, 2, 3], 0.1, 0);
        g.op(BuiltinOp::MEAN, &[x, a], &[y], BuiltinOptions::None);
        g.import(&[x], &[y])
    };
    assert!(mean(1).is_ok());
    assert!(mean(-3).is_ok());
    assert_invalid(mean(4), "axis out of range");

    let pad = |paddings: &[i32], out_scale: f32| {
        let mut g = Graph::new();
        let x = g.act(&[1, 2], 0.1, 0);
        let p = g.const_i32(paddings);
        let y = g.act(&[1, 5], out_scale, 0);
        g.op(BuiltinOp::PAD, &[x, p], &[y], BuiltinOptions::Pad);
        g.import(&[x], &[y])
    };
    assert!(pad(&[0, 0, 1, 2], 0.1).is_ok());
    assert_invalid(pad(&[0, 0, -1, 4], 0.1), "paddings [0, 0, -1, 4]");
    assert_invalid(pad(&[0, 0, 1], 0.1), "paddings [0, 0, 1]");
    assert_unsupported(pad(&[0, 0, 1, 2], 0.2), "(PAD) changes quantization");

    let concat = |axis: i32, activation: Activation, y_zp: i64| {
        let mut g = Graph::new();
        let x = g.act(&[1, 2], 0.1, 0);
        let r = g.act(&[1, 2], 0.1, y_zp);
        g.op(BuiltinOp::RELU, &[x], &[r], BuiltinOptions::None);
        let y = g.act(&[1, 4], 0.1, 0);
        let o = ConcatenationOptions {
            axis,
            fused_activation: activation,
        };
        g.op(
            BuiltinOp::CONCATENATION,
            &[x, r],
            &[y],
            BuiltinOptions::Concatenation(o),
        );
        g.import(&[x], &[y])
    };
    assert!(concat(1, Activation::None, 0).is_ok());
    assert!(concat(-1, Activation::None, 0).is_ok());
    assert_invalid(concat(2, Activation::None, 0), "axis 2");
    assert_unsupported(concat(1, Activation::Relu, 0), "fused activation");
    assert_unsupported(
        concat(1, Activation::None, 4),
        "inputs must share the output's quantization",
    );
}

#[test]
fn transpose_imports_and_refuses_what_is_not_a_permutation() {
    let transpose = |perm: &[i32], out_scale: f32| {
        let mut g = Graph::new();
        let x = g.act(&[1, 2, 3], 0.1, 0);
        let p = g.const_i32(perm);
        let y = g.act(&[1, 3, 2], out_scale, 0);
        g.op(BuiltinOp::TRANSPOSE, &[x, p], &[y], BuiltinOptions::None);
        g.import(&[x], &[y])
    };
    let m = transpose(&[0, 2, 1], 0.1).unwrap().model;
    assert!(matches!(&m.layers[0].op, Op::Transpose(t) if t.perm == vec![0, 2, 1]));
    for perm in [
        &[0, 1][..],
        &[0, 2, 2],
        &[0, 1, 3],
        &[0, -1, 1],
        &[0, 1, 2, 3],
    ] {
        assert_invalid(transpose(perm, 0.1), "is not one of the 3 input dimensions");
    }
    assert_unsupported(
        transpose(&[0, 2, 1], 0.2),
        "input and output quantization differ",
    );
    // A permutation that does not give the output's shape: the engine's refusal.
    assert_engine(
        transpose(&[0, 1, 2], 0.1),
        vigil_engine::EngineError::ShapeMismatch { layer: 0 },
    );
}

fn strided_slice(
    begin: &[i32],
    end: &[i32],
    strides: &[i32],
    options: crate::tflite::StridedSliceOptions,
    out_shape: &[i32],
) -> Result<Imported, ImportError> {
    let mut g = Graph::new();
    let x = g.act(&[1, 8, 3], 0.1, 0);
    let (b, e, s) = (g.const_i32(begin), g.const_i32(end), g.const_i32(strides));
    let y = g.act(out_shape, 0.1, 0);
    g.op(
        BuiltinOp::STRIDED_SLICE,
        &[x, b, e, s],
        &[y],
        BuiltinOptions::StridedSlice(options),
    );
    g.import(&[x], &[y])
}

fn slice_options(
    begin_mask: i32,
    end_mask: i32,
    shrink_axis_mask: i32,
) -> crate::tflite::StridedSliceOptions {
    crate::tflite::StridedSliceOptions {
        begin_mask,
        end_mask,
        ellipsis_mask: 0,
        new_axis_mask: 0,
        shrink_axis_mask,
        offset: false,
    }
}

#[test]
fn strided_slice_resolves_masks_and_negative_indices_as_tflite() {
    use vigil_engine::model::SliceDim;
    let dims = |r: Result<Imported, ImportError>| match r.unwrap().model.layers[0].op.clone() {
        Op::StridedSlice(s) => s.dims,
        other => panic!("{other:?}"),
    };
    let d = |start, stride, count| SliceDim {
        start,
        stride,
        count,
    };
    // x[:, 1:7:2, :]
    assert_eq!(
        dims(strided_slice(
            &[0, 1, 0],
            &[1, 7, 3],
            &[1, 2, 1],
            slice_options(0, 0, 0),
            &[1, 3, 3]
        )),
        vec![d(0, 1, 1), d(1, 2, 3), d(0, 1, 3)]
    );
    // x[:, ::-1, -2:] with masks and a negative begin
    assert_eq!(
        dims(strided_slice(
            &[0, 0, -2],
            &[0, 0, 0],
            &[1, -1, 1],
            slice_options(0b011, 0b111, 0),
            &[1, 8, 2]
        )),
        vec![d(0, 1, 1), d(7, -1, 8), d(1, 1, 2)]
    );
    // x[:, -3] (shrunk), ends past the dimension clamp
    assert_eq!(
        dims(strided_slice(
            &[0, -3, 0],
            &[1, 0, 99],
            &[1, 1, 1],
            slice_options(0, 0, 0b010),
            &[1, 3]
        )),
        vec![d(0, 1, 1), d(5, 1, 1), d(0, 1, 3)]
    );
}

#[test]
fn strided_slice_refusals() {
    let mut ellipsis = slice_options(0, 0, 0);
    ellipsis.ellipsis_mask = 1;
    assert_unsupported(
        strided_slice(&[0, 0, 0], &[1, 8, 3], &[1, 1, 1], ellipsis, &[1, 8, 3]),
        "ellipsis, new axis and offset masks",
    );
    let mut new_axis = slice_options(0, 0, 0);
    new_axis.new_axis_mask = 2;
    assert_unsupported(
        strided_slice(&[0, 0, 0], &[1, 8, 3], &[1, 1, 1], new_axis, &[1, 8, 3]),
        "ellipsis, new axis and offset masks",
    );
    assert_invalid(
        strided_slice(
            &[0, 0, 0],
            &[1, 8, 3],
            &[1, 0, 1],
            slice_options(0, 0, 0),
            &[1, 8, 3],
        ),
        "stride 0",
    );
    assert_invalid(
        strided_slice(
            &[0, 0],
            &[1, 8],
            &[1, 1],
            slice_options(0, 0, 0),
            &[1, 8, 3],
        ),
        "must each have 3 entries",
    );
    // An output that does not hold what the slice reads: the engine's refusal.
    assert_engine(
        strided_slice(
            &[0, 0, 0],
            &[1, 4, 3],
            &[1, 1, 1],
            slice_options(0, 0, 0),
            &[1, 8, 3],
        ),
        vigil_engine::EngineError::ShapeMismatch { layer: 0 },
    );
    let mut g = Graph::new();
    let x = g.act(&[1, 8, 3], 0.1, 0);
    let (b, e, s) = (
        g.const_i32(&[0, 0, 0]),
        g.const_i32(&[1, 8, 3]),
        g.const_i32(&[1, 1, 1]),
    );
    let y = g.act(&[1, 8, 3], 0.3, 0);
    g.op(
        BuiltinOp::STRIDED_SLICE,
        &[x, b, e, s],
        &[y],
        BuiltinOptions::StridedSlice(slice_options(0, 0, 0)),
    );
    assert_unsupported(g.import(&[x], &[y]), "input and output quantization differ");
}

fn gather(
    axis: i32,
    batch_dims: i32,
    indices: &[i32],
    out_shape: &[i32],
) -> Result<Imported, ImportError> {
    let mut g = Graph::new();
    let x = g.act(&[1, 5, 2], 0.1, 0);
    let i = g.const_i32(indices);
    let y = g.act(out_shape, 0.1, 0);
    let o = crate::tflite::GatherOptions { axis, batch_dims };
    g.op(BuiltinOp::GATHER, &[x, i], &[y], BuiltinOptions::Gather(o));
    g.import(&[x], &[y])
}

#[test]
fn gather_imports_and_refuses() {
    let m = gather(-2, 0, &[4, 0, 4], &[1, 3, 2]).unwrap().model;
    assert!(matches!(&m.layers[0].op, Op::Gather(g) if g.axis == 1 && g.indices == vec![4, 0, 4]));
    assert_unsupported(gather(1, 1, &[0], &[1, 1, 2]), "batch_dims 1");
    assert_invalid(
        gather(3, 0, &[0], &[1, 1, 2]),
        "axis out of range for rank 3",
    );
    assert_invalid(gather(1, 0, &[5], &[1, 1, 2]), "an index is outside 0..5");
    assert_invalid(gather(1, 0, &[-1], &[1, 1, 2]), "an index is outside 0..5");
    // Indices computed at run time.
    let mut g = Graph::new();
    let x = g.act(&[1, 5, 2], 0.1, 0);
    let r = g.act(&[1, 5, 2], 0.1, 0);
    g.op(BuiltinOp::RELU, &[x], &[r], BuiltinOptions::None);
    let i = g.typed(&[2], TensorType::Int32);
    let y = g.act(&[1, 2, 2], 0.1, 0);
    g.op(BuiltinOp::GATHER, &[r, i], &[y], BuiltinOptions::None);
    assert_unsupported(g.import(&[x], &[y]), "indices computed at run time");
    // Indices that are an int8 activation.
    let mut g = Graph::new();
    let table = g.const_i8(&[4, 2], &[1; 8], &[0.1], 0);
    let x = g.act(&[1, 3], 0.1, 0);
    let y = g.act(&[1, 3, 2], 0.1, 0);
    g.op(BuiltinOp::GATHER, &[table, x], &[y], BuiltinOptions::None);
    assert_unsupported(g.import(&[x], &[y]), "indices of type Int8");
}

#[test]
fn batch_matmul_rsqrt_and_squared_difference_import_and_refuse() {
    let two = |code: BuiltinOp,
               options: BuiltinOptions,
               y_shape: &[i32],
               out_shape: &[i32],
               out_scale: f32| {
        let mut g = Graph::new();
        let x = g.act(&[1, 3, 4], 0.1, 0);
        let r = g.act(y_shape, 0.2, 1);
        g.op(BuiltinOp::RESHAPE, &[x], &[r], BuiltinOptions::None);
        g.tensors[r as usize].quantization = g.tensors[x as usize].quantization.clone();
        let y = g.act(out_shape, out_scale, 0);
        g.op(code, &[x, r], &[y], options);
        g.import(&[x], &[y])
    };
    let bmm = |adj_y| {
        BuiltinOptions::BatchMatMul(crate::tflite::BatchMatMulOptions {
            adj_x: false,
            adj_y,
            asymmetric_quantize_inputs: false,
        })
    };
    let m = two(
        BuiltinOp::BATCH_MATMUL,
        bmm(false),
        &[1, 4, 3],
        &[1, 3, 3],
        0.5,
    )
    .unwrap()
    .model;
    assert!(matches!(&m.layers[1].op, Op::BatchMatMul(b) if !b.adj_x && !b.adj_y));
    let m = two(
        BuiltinOp::BATCH_MATMUL,
        bmm(true),
        &[1, 3, 4],
        &[1, 3, 3],
        0.5,
    )
    .unwrap()
    .model;
    assert!(matches!(&m.layers[1].op, Op::BatchMatMul(b) if b.adj_y));
    // Depths that differ: the engine's refusal.
    assert_engine(
        two(
            BuiltinOp::BATCH_MATMUL,
            bmm(false),
            &[1, 3, 4],
            &[1, 3, 4],
            0.5,
        ),
        vigil_engine::EngineError::ShapeMismatch { layer: 1 },
    );
    let sq = two(
        BuiltinOp::SQUARED_DIFFERENCE,
        BuiltinOptions::None,
        &[1, 3, 4],
        &[1, 3, 4],
        0.05,
    );
    assert!(
        matches!(&sq.unwrap().model.layers[1].op, Op::SquaredDifference(a) if a.left_shift == 7)
    );
    // Inputs that do not broadcast: the engine's refusal.
    assert_engine(
        two(
            BuiltinOp::SQUARED_DIFFERENCE,
            BuiltinOptions::None,
            &[1, 4, 3],
            &[1, 3, 4],
            0.05,
        ),
        vigil_engine::EngineError::ShapeMismatch { layer: 1 },
    );

    assert!(unary(BuiltinOp::RSQRT, BuiltinOptions::None, 0.05, -128).is_ok());
    // 1 / (√0.1 · 10^5) is below 2^-11.
    assert_unsupported(
        unary(BuiltinOp::RSQRT, BuiltinOptions::None, 1e5, 0),
        "output scale too large for the input scale",
    );
}

#[test]
fn several_inputs_become_input_layers_over_their_concatenation() {
    let mut g = Graph::new();
    let a = g.act(&[1, 4], 0.1, 0);
    let b = g.act(&[1, 2, 4], 0.1, 2);
    let y = g.act(&[1, 2, 4], 0.2, 0);
    g.op(BuiltinOp::ADD, &[b, a], &[y], BuiltinOptions::None);
    let imported = g.import(&[a, b], &[y]).unwrap();
    let m = &imported.model;
    assert_eq!(m.input.shape, vec![12]);
    assert!(matches!(m.layers[0].op, Op::Input(p) if p.offset == 0));
    assert!(matches!(m.layers[1].op, Op::Input(p) if p.offset == 4));
    assert_eq!(m.layers[1].output.shape, vec![1, 2, 4]);
    assert_eq!(m.layers[1].output.zero_point, 2);
    // ADD reads b (the second input, activation 2) then a (activation 1).
    assert_eq!(m.layers[2].inputs, vec![2, 1]);
    let model = vigil_engine::ValidatedModel::new(imported.model).unwrap();
    assert_eq!(model.inputs().len(), 2);
}

#[test]
fn several_inputs_refusals() {
    // An output that is one of the inputs: nothing computed.
    let mut g = Graph::new();
    let a = g.act(&[1, 4], 0.1, 0);
    let b = g.act(&[1, 4], 0.1, 0);
    assert_unsupported(
        g.import(&[a, b], &[b]),
        "the output of its last computing operator",
    );
    // Two outputs.
    let mut g = Graph::new();
    let a = g.act(&[1, 4], 0.1, 0);
    let y = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::RELU, &[a], &[y], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[a], &[y, a]),
        "model output 1 (tensor #0) is not computed by an operator",
    );
    // No input.
    let mut g = Graph::new();
    let a = g.act(&[1, 4], 0.1, 0);
    assert_invalid(g.import(&[], &[a]), "the model has no input");
    // A float input that is not quantized by its reader.
    let mut g = Graph::new();
    let a = g.act(&[1, 4], 0.1, 0);
    let b = g.typed(&[1, 4], TensorType::Float16);
    let y = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::ADD, &[a, b], &[y], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[a, b], &[y]),
        "model input 1 (tensor #1) is Float16",
    );
}

/// `float x → QUANTIZE → dense → DEQUANTIZE → float y`, with the given reader of `x`.
fn float_edges(quantize_reads_twice: bool, dequantize: bool) -> Result<Imported, ImportError> {
    let mut g = Graph::new();
    let x = g.typed(&[1, 3], TensorType::Float32);
    let q = g.act(&[1, 3], 0.05, -3);
    g.op(BuiltinOp::QUANTIZE, &[x], &[q], BuiltinOptions::None);
    let (w, h) = dense(&mut g, 2, 3);
    g.op(
        BuiltinOp::FULLY_CONNECTED,
        &[q, w],
        &[h],
        BuiltinOptions::None,
    );
    if quantize_reads_twice {
        let z = g.act(&[1, 3], 0.05, -3);
        g.op(BuiltinOp::QUANTIZE, &[x], &[z], BuiltinOptions::None);
    }
    let y = g.typed(&[1, 2], TensorType::Float32);
    let code = if dequantize {
        BuiltinOp::DEQUANTIZE
    } else {
        BuiltinOp::CAST
    };
    g.op(code, &[h], &[y], BuiltinOptions::None);
    g.import(&[x], &[y])
}

#[test]
fn float_edges_are_left_to_the_caller_with_their_scale_and_zero_point() {
    let imported = float_edges(false, true).unwrap();
    let m = &imported.model;
    assert_eq!(m.layers.len(), 1);
    assert_eq!(
        (m.input.zero_point, f32::from_bits(m.input.scale_bits)),
        (-3, 0.05)
    );
    assert_eq!(
        (
            m.layers[0].output.zero_point,
            f32::from_bits(m.layers[0].output.scale_bits)
        ),
        (-1, 0.2)
    );
    assert_eq!(
        imported.float_edges,
        vec![(0, "QUANTIZE".to_string()), (2, "DEQUANTIZE".to_string())]
    );
    assert!(imported.folded.is_empty());
    assert_unsupported(
        float_edges(true, true),
        "a float input must be read by one QUANTIZE to int8 and nothing else",
    );
    assert_unsupported(
        float_edges(false, false),
        "a float output must be written by a DEQUANTIZE from int8",
    );
}

#[test]
fn constant_operands_of_elementwise_operators_become_constant_layers() {
    let mut g = Graph::new();
    let x = g.act(&[1, 2, 4], 0.1, 0);
    let eps = g.const_i8(&[], &[7], &[0.01], 0);
    let y = g.act(&[1, 2, 4], 0.1, 0);
    let z = g.act(&[1, 2, 4], 0.1, 0);
    g.op(BuiltinOp::ADD, &[x, eps], &[y], BuiltinOptions::None);
    // The same constant read again is the same layer.
    g.op(BuiltinOp::SUB, &[eps, y], &[z], BuiltinOptions::None);
    let m = g.import(&[x], &[z]).unwrap().model;
    assert_eq!(m.layers.len(), 3);
    assert_eq!(m.layers[0].op, Op::Constant(vec![7]));
    // A scalar becomes a one-element vector, which broadcasts the same.
    assert_eq!(m.layers[0].output.shape, vec![1]);
    assert_eq!(m.layers[0].source_index, super::NO_SOURCE_OPERATOR);
    assert!(m.layers[0].inputs.is_empty());
    assert_eq!(m.layers[1].inputs, vec![0, 1]);
    assert_eq!(m.layers[2].inputs, vec![1, 2]);
    // A constant that is not int8 is not an activation.
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 0);
    let c = g.const_i32(&[1, 2, 3, 4]);
    let y = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::MUL, &[x, c], &[y], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[x], &[y]),
        "is not an activation computed by an earlier",
    );
    // An int8 constant without quantization.
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 0);
    let c = g.const_i8(&[1, 4], &[1, 2, 3, 4], &[0.1], 0);
    g.tensors[c as usize].quantization = None;
    let y = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::MUL, &[x, c], &[y], BuiltinOptions::None);
    assert_invalid(
        g.import(&[x], &[y]),
        "a constant operand (tensor #1) is not quantized",
    );
}

#[test]
fn file_level_refusals() {
    // No subgraph.
    let mut m = Graph::new().model(&[], &[]);
    m.subgraphs.clear();
    assert_invalid(import_model(&m), "the file has no subgraph");
    // An operator code index past the table.
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 0);
    let y = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::RELU, &[x], &[y], BuiltinOptions::None);
    let mut m = g.model(&[x], &[y]);
    m.subgraphs[0].operators[0].opcode_index = 5;
    assert_invalid(import_model(&m), "operator 0: no operator code 5");
    // A tensor index past the tensors.
    let mut g = Graph::new();
    let x = g.act(&[1, 4], 0.1, 0);
    let y = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::RELU, &[99], &[y], BuiltinOptions::None);
    assert_invalid(g.import(&[x], &[y]), "tensor index 99 out of range");
    // A dynamic shape, and a zero dimension.
    let mut g = Graph::new();
    let x = g.act(&[-1, 4], 0.1, 0);
    g.tensors[x as usize].shape_signature = Some(vec![-1, 4]);
    let y = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::RELU, &[x], &[y], BuiltinOptions::None);
    assert_unsupported(g.import(&[x], &[y]), "has a dynamic shape");
    let mut g = Graph::new();
    let x = g.act(&[0, 4], 0.1, 0);
    let y = g.act(&[1, 4], 0.1, 0);
    g.op(BuiltinOp::RELU, &[x], &[y], BuiltinOptions::None);
    assert_invalid(g.import(&[x], &[y]), "has shape [0, 4]");
}

#[test]
fn constant_tensor_refusals() {
    let pad = |make: &dyn Fn(&mut Graph) -> i32| {
        let mut g = Graph::new();
        let x = g.act(&[1, 2], 0.1, 0);
        let p = make(&mut g);
        let y = g.act(&[1, 5], 0.1, 0);
        g.op(BuiltinOp::PAD, &[x, p], &[y], BuiltinOptions::Pad);
        g.import(&[x], &[y])
    };
    // Paddings of the wrong type.
    assert_unsupported(
        pad(&|g| g.const_i8(&[4], &[0, 0, 1, 2], &[1.0], 0)),
        "paddings is Int8, not Int32",
    );
    // Paddings that are not in the file.
    assert_unsupported(
        pad(&|g| g.typed(&[4], TensorType::Int32)),
        "paddings is not a constant",
    );
    // Paddings whose bytes do not fill their shape.
    assert_invalid(
        pad(&|g| {
            let p = g.const_i32(&[0, 0, 1]);
            g.tensors[p as usize].shape = vec![4];
            p
        }),
        "holds 12 bytes for 4 elements",
    );
    // Per-channel scales that do not match the channels.
    let mut g = Graph::new();
    let x = g.act(&[1, 3, 3, 2], 0.1, 0);
    let f = g.const_i8(&[3, 1, 1, 2], &[1; 6], &[0.1, 0.2], 0);
    let y = g.act(&[1, 3, 3, 3], 0.2, 0);
    g.op(
        BuiltinOp::CONV_2D,
        &[x, f],
        &[y],
        BuiltinOptions::Conv2D(conv_options(Padding::Valid, 1)),
    );
    assert_invalid(
        g.import(&[x], &[y]),
        "has 2 scales along dimension 0 for 3 channels",
    );
}

/// `x [1, 6, 4]` reshaped to a shape computed by `build` from int32 values.
fn folded_reshape(build: &dyn Fn(&mut Graph, i32) -> i32) -> Result<Imported, ImportError> {
    let mut g = Graph::new();
    let x = g.act(&[1, 6, 4], 0.1, 0);
    let shape = build(&mut g, x);
    let y = g.act(&[1, 24], 0.1, 0);
    g.op(BuiltinOp::RESHAPE, &[x, shape], &[y], BuiltinOptions::None);
    g.import(&[x], &[y])
}

#[test]
fn shape_arithmetic_folds_and_refuses_what_it_cannot_evaluate() {
    use crate::tflite::PackOptions;
    // SHAPE → STRIDED_SLICE (shrunk) → PACK with a constant: folded, one layer left.
    let shape_of_batch =
        |g: &mut Graph, x: i32, pack_axis: i32, slice: (&[i32], &[i32], &[i32])| {
            let s = g.typed(&[3], TensorType::Int32);
            g.op(BuiltinOp::SHAPE, &[x], &[s], BuiltinOptions::None);
            let (b, e, st) = (
                g.const_i32(slice.0),
                g.const_i32(slice.1),
                g.const_i32(slice.2),
            );
            let n = g.typed(&[], TensorType::Int32);
            g.op(
                BuiltinOp::STRIDED_SLICE,
                &[s, b, e, st],
                &[n],
                BuiltinOptions::StridedSlice(slice_options(0, 0, 1)),
            );
            let minus_one = g.const_i32(&[24]);
            let packed = g.typed(&[2], TensorType::Int32);
            g.op(
                BuiltinOp::PACK,
                &[n, minus_one],
                &[packed],
                BuiltinOptions::Pack(PackOptions {
                    values_count: 2,
                    axis: pack_axis,
                }),
            );
            packed
        };
    let imported = folded_reshape(&|g, x| shape_of_batch(g, x, 0, (&[0], &[1], &[1]))).unwrap();
    assert_eq!(imported.model.layers.len(), 1);
    assert_eq!(
        imported
            .folded
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>(),
        vec!["SHAPE", "STRIDED_SLICE", "PACK"]
    );
    assert_unsupported(
        folded_reshape(&|g, x| shape_of_batch(g, x, 1, (&[0], &[1], &[1]))),
        "PACK of static values along an axis other than 0",
    );
    assert_unsupported(
        folded_reshape(&|g, x| shape_of_batch(g, x, 0, (&[0, 0], &[1, 1], &[1, 1]))),
        "STRIDED_SLICE on static values other than a 1-D slice",
    );
    assert_invalid(
        folded_reshape(&|g, x| shape_of_batch(g, x, 0, (&[0], &[1], &[0]))),
        "STRIDED_SLICE with stride 0",
    );
    assert_invalid(
        folded_reshape(&|g, x| shape_of_batch(g, x, 0, (&[5], &[6], &[1]))),
        "STRIDED_SLICE index out of range",
    );
}

#[test]
fn token_ids_look_up_an_embedding_table() {
    let mut g = Graph::new();
    let ids = g.typed(&[1, 3], TensorType::Int32);
    let table = g.const_i8(&[5, 2], &[1; 10], &[0.1], 0);
    let y = g.act(&[1, 3, 2], 0.1, 0);
    g.op(BuiltinOp::GATHER, &[table, ids], &[y], BuiltinOptions::None);
    let m = g.import(&[ids], &[y]).unwrap().model;
    // The ids are kept as four bytes each; the table is a CONSTANT layer.
    assert_eq!(m.input.shape, vec![1, 3, 4]);
    assert!(matches!(m.layers[0].op, Op::Constant(_)));
    assert!(matches!(m.layers[1].op, Op::Lookup(l) if l.axis == 0));
    assert_eq!(m.layers[1].inputs, vec![1, 0]);

    // An int32 input read by anything else is refused.
    let mut g = Graph::new();
    let ids = g.typed(&[1, 3], TensorType::Int32);
    let table = g.const_i8(&[5, 2], &[1; 10], &[0.1], 0);
    let y = g.act(&[1, 3, 2], 0.1, 0);
    let z = g.act(&[1, 3], 0.1, 0);
    g.op(BuiltinOp::GATHER, &[table, ids], &[y], BuiltinOptions::None);
    g.op(BuiltinOp::RELU, &[ids], &[z], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[ids], &[y]),
        "the model input (tensor #0) is Int32; only int8 and int16 activations (and bool \
         conditions) are supported",
    );
    // A table whose output quantization differs.
    let mut g = Graph::new();
    let ids = g.typed(&[1, 3], TensorType::Int32);
    let table = g.const_i8(&[5, 2], &[1; 10], &[0.1], 0);
    let y = g.act(&[1, 3, 2], 0.3, 0);
    g.op(BuiltinOp::GATHER, &[table, ids], &[y], BuiltinOptions::None);
    assert_unsupported(
        g.import(&[ids], &[y]),
        "input and output quantization differ",
    );
}

#[test]
fn embedding_lookup_is_a_gather_of_rows() {
    // Ids from the model's input.
    let mut g = Graph::new();
    let ids = g.typed(&[3], TensorType::Int32);
    let table = g.const_i8(&[5, 2], &[1; 10], &[0.1], 0);
    let y = g.act(&[3, 2], 0.1, 0);
    g.op(
        BuiltinOp::EMBEDDING_LOOKUP,
        &[ids, table],
        &[y],
        BuiltinOptions::None,
    );
    let m = g.import(&[ids], &[y]).unwrap().model;
    assert_eq!(m.input.shape, vec![3, 4]);
    assert!(matches!(m.layers[1].op, Op::Lookup(l) if l.axis == 0));
    assert_eq!(m.layers[1].inputs, vec![1, 0]);
    // Constant ids into rows of an activation.
    let mut g = Graph::new();
    let x = g.act(&[4, 2], 0.1, 0);
    let ids = g.const_i32(&[3, 0]);
    let y = g.act(&[2, 2], 0.1, 0);
    g.op(
        BuiltinOp::EMBEDDING_LOOKUP,
        &[ids, x],
        &[y],
        BuiltinOptions::None,
    );
    let m = g.import(&[x], &[y]).unwrap().model;
    assert!(matches!(&m.layers[0].op, Op::Gather(g) if g.axis == 0 && g.indices == vec![3, 0]));
    // Ids outside the table.
    let mut g = Graph::new();
    let x = g.act(&[4, 2], 0.1, 0);
    let ids = g.const_i32(&[4]);
    let y = g.act(&[1, 2], 0.1, 0);
    g.op(
        BuiltinOp::EMBEDDING_LOOKUP,
        &[ids, x],
        &[y],
        BuiltinOptions::None,
    );
    assert_invalid(g.import(&[x], &[y]), "an index is outside 0..4");
}

/// The importer's GELU tables equal the ones LiteRT's reference kernels use, for twelve pairs
/// of scales, exact and approximate (`gelu_tables.txt`, written by `scripts/gelu_tables.py`).
#[test]
fn gelu_tables_equal_litert() {
    let text = include_str!("gelu_tables.txt");
    let mut cases = 0;
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(f.len(), 5 + 256);
        let scale = |s: &str| f32::from_bits(u32::from_str_radix(s, 16).unwrap());
        let want: Vec<i8> = f[5..].iter().map(|v| v.parse().unwrap()).collect();
        let got = super::ops::gelu::table(
            f[0] == "1",
            scale(f[1]),
            f[2].parse().unwrap(),
            scale(f[3]),
            f[4].parse().unwrap(),
        )
        .unwrap();
        assert_eq!(got, want, "{}", &line[..40]);
        cases += 1;
    }
    assert_eq!(cases, 24);
}

#[test]
fn gelu_imports_as_its_table_and_refuses() {
    use crate::tflite::GeluOptions;
    for approximate in [false, true] {
        let options = BuiltinOptions::Gelu(GeluOptions { approximate });
        let m = unary(BuiltinOp::GELU, options, 0.05, -100).unwrap();
        let Op::Gelu(t) = &m.model.layers[0].op else {
            panic!("not a GELU layer")
        };
        let want = super::ops::gelu::table(approximate, 0.1, 3, 0.05, -100).unwrap();
        assert_eq!(t.values, want);
    }
    // Absent options read as the exact form.
    let m = unary(BuiltinOp::GELU, BuiltinOptions::None, 0.05, -100).unwrap();
    let exact = super::ops::gelu::table(false, 0.1, 3, 0.05, -100).unwrap();
    assert!(matches!(&m.model.layers[0].op, Op::Gelu(t) if t.values == exact));
    // An output scale so small that 1 / scale · GELU(x) leaves i32.
    assert_unsupported(
        unary(BuiltinOp::GELU, BuiltinOptions::None, 1e-30, 0),
        "output scale too small for the input scale",
    );
    // Options of another operator.
    assert_invalid(
        unary(
            BuiltinOp::GELU,
            BuiltinOptions::LeakyRelu(LeakyReluOptions { alpha: 0.2 }),
            0.05,
            0,
        ),
        "options are not GeluOptions",
    );
}
