//! Tests of the `.tflite` reader on flatbuffers built by hand.
//!
//! The small builder below lays out tables, vectors and strings the way the
//! FlatBuffers format describes them. Field ids are written out here again
//! from the TFLite schema rather than taken from the reader, so that a wrong
//! id in the reader shows up as a test failure.

use vigil_client::tflite::{
    parse, Activation, BuiltinOp, BuiltinOptions, Conv2DOptions, Padding, TensorType, TfliteError,
    TfliteModel, WeightsFormat,
};

// ---------------------------------------------------------------------------
// A tiny flatbuffer builder

#[derive(Clone, Debug)]
enum F {
    I8(i8),
    U8(u8),
    Bool(bool),
    I32(i32),
    U32(u32),
    U64(u64),
    F32(f32),
    Str(String),
    I32s(Vec<i32>),
    F32s(Vec<f32>),
    I64s(Vec<i64>),
    Bytes(Vec<u8>),
    Table(T),
    Tables(Vec<T>),
    /// A vector of `n` offsets that all point at one table.
    Repeat(Box<T>, usize),
}

/// A table: (field id, value) pairs.
#[derive(Clone, Debug, Default)]
struct T(Vec<(u16, F)>);

impl T {
    fn new() -> Self {
        T(Vec::new())
    }
    fn f(mut self, id: u16, v: F) -> Self {
        self.0.push((id, v));
        self
    }
}

fn pad_to(out: &mut Vec<u8>, align: usize) {
    while !out.len().is_multiple_of(align) {
        out.push(0);
    }
}

fn patch_u32(out: &mut [u8], at: usize, v: u32) {
    out[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Writes the vtable then the table, then the objects its offset fields point
/// to (so every offset points forward). Returns the table's position.
fn write_table(out: &mut Vec<u8>, t: &T) -> usize {
    let slots =
        t.0.iter()
            .map(|(id, _)| usize::from(*id) + 1)
            .max()
            .unwrap_or(0);
    let mut vt = vec![0u16; slots];
    let mut inline = vec![0u8; 4];
    let mut children = Vec::new();
    for (id, f) in &t.0 {
        let bytes: Vec<u8> = match f {
            F::I8(v) => v.to_le_bytes().to_vec(),
            F::U8(v) => vec![*v],
            F::Bool(v) => vec![u8::from(*v)],
            F::I32(v) => v.to_le_bytes().to_vec(),
            F::U32(v) => v.to_le_bytes().to_vec(),
            F::U64(v) => v.to_le_bytes().to_vec(),
            F::F32(v) => v.to_le_bytes().to_vec(),
            _ => vec![0; 4],
        };
        pad_to(&mut inline, bytes.len());
        vt[usize::from(*id)] = inline.len() as u16;
        if bytes.len() == 4 && !matches!(f, F::I32(_) | F::U32(_) | F::F32(_)) {
            children.push((inline.len(), f));
        }
        inline.extend_from_slice(&bytes);
    }
    pad_to(out, 2);
    let vt_pos = out.len();
    out.extend_from_slice(&((4 + 2 * slots) as u16).to_le_bytes());
    out.extend_from_slice(&(inline.len() as u16).to_le_bytes());
    for s in &vt {
        out.extend_from_slice(&s.to_le_bytes());
    }
    pad_to(out, 8);
    let pos = out.len();
    inline[0..4].copy_from_slice(&((pos - vt_pos) as i32).to_le_bytes());
    out.extend_from_slice(&inline);
    for (off, f) in children {
        let field = pos + off;
        let child = write_object(out, f);
        patch_u32(out, field, (child - field) as u32);
    }
    pos
}

/// Writes a non-inline object, returning its position.
fn write_object(out: &mut Vec<u8>, f: &F) -> usize {
    fn vector(out: &mut Vec<u8>, len: usize, elem_align: usize) -> usize {
        while !(out.len() + 4).is_multiple_of(elem_align.max(4)) {
            out.push(0);
        }
        let pos = out.len();
        out.extend_from_slice(&(len as u32).to_le_bytes());
        pos
    }
    match f {
        F::Str(s) => {
            let pos = vector(out, s.len(), 4);
            out.extend_from_slice(s.as_bytes());
            out.push(0);
            pos
        }
        F::I32s(v) => {
            let pos = vector(out, v.len(), 4);
            v.iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
            pos
        }
        F::F32s(v) => {
            let pos = vector(out, v.len(), 4);
            v.iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
            pos
        }
        F::I64s(v) => {
            let pos = vector(out, v.len(), 8);
            v.iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
            pos
        }
        F::Bytes(v) => {
            let pos = vector(out, v.len(), 16);
            out.extend_from_slice(v);
            pos
        }
        F::Table(t) => write_table(out, t),
        F::Tables(ts) => {
            let pos = vector(out, ts.len(), 4);
            out.resize(out.len() + 4 * ts.len(), 0);
            for (i, t) in ts.iter().enumerate() {
                let slot = pos + 4 + 4 * i;
                let child = write_table(out, t);
                patch_u32(out, slot, (child - slot) as u32);
            }
            pos
        }
        F::Repeat(t, n) => {
            let pos = vector(out, *n, 4);
            out.resize(out.len() + 4 * n, 0);
            let child = write_table(out, t);
            for i in 0..*n {
                let slot = pos + 4 + 4 * i;
                patch_u32(out, slot, (child - slot) as u32);
            }
            pos
        }
        other => panic!("{other:?} is stored inline"),
    }
}

/// Serializes `root` as a TFLite file (root offset, "TFL3", tables).
fn finish(root: &T) -> Vec<u8> {
    let mut out = vec![0u8; 4];
    out.extend_from_slice(b"TFL3");
    let pos = write_table(&mut out, root);
    patch_u32(&mut out, 0, pos as u32);
    out
}

// ---------------------------------------------------------------------------
// TFLite tables, with field ids from tensorflow/lite/schema/schema.fbs

mod id {
    pub mod model {
        pub const VERSION: u16 = 0;
        pub const OPERATOR_CODES: u16 = 1;
        pub const SUBGRAPHS: u16 = 2;
        pub const DESCRIPTION: u16 = 3;
        pub const BUFFERS: u16 = 4;
    }
    pub mod opcode {
        pub const DEPRECATED_BUILTIN_CODE: u16 = 0;
        pub const CUSTOM_CODE: u16 = 1;
        pub const VERSION: u16 = 2;
        pub const BUILTIN_CODE: u16 = 3;
    }
    pub mod subgraph {
        pub const TENSORS: u16 = 0;
        pub const INPUTS: u16 = 1;
        pub const OUTPUTS: u16 = 2;
        pub const OPERATORS: u16 = 3;
        pub const NAME: u16 = 4;
    }
    pub mod tensor {
        pub const SHAPE: u16 = 0;
        pub const TYPE: u16 = 1;
        pub const BUFFER: u16 = 2;
        pub const NAME: u16 = 3;
        pub const QUANTIZATION: u16 = 4;
        pub const IS_VARIABLE: u16 = 5;
        pub const SPARSITY: u16 = 6;
        pub const SHAPE_SIGNATURE: u16 = 7;
    }
    pub mod quant {
        pub const MIN: u16 = 0;
        pub const MAX: u16 = 1;
        pub const SCALE: u16 = 2;
        pub const ZERO_POINT: u16 = 3;
        pub const QUANTIZED_DIMENSION: u16 = 6;
    }
    pub mod buffer {
        pub const DATA: u16 = 0;
        pub const OFFSET: u16 = 1;
        pub const SIZE: u16 = 2;
    }
    pub mod op {
        pub const OPCODE_INDEX: u16 = 0;
        pub const INPUTS: u16 = 1;
        pub const OUTPUTS: u16 = 2;
        pub const OPTIONS_TYPE: u16 = 3;
        pub const OPTIONS: u16 = 4;
        pub const INTERMEDIATES: u16 = 8;
    }
}

const INT8: i8 = 9;
const INT32: i8 = 2;

fn tensor(shape: &[i32], ty: i8, buffer: u32, name: &str) -> T {
    T::new()
        .f(id::tensor::SHAPE, F::I32s(shape.to_vec()))
        .f(id::tensor::TYPE, F::I8(ty))
        .f(id::tensor::BUFFER, F::U32(buffer))
        .f(id::tensor::NAME, F::Str(name.into()))
}

fn quant(scale: &[f32], zero_point: &[i64], dim: Option<i32>) -> T {
    let mut q = T::new()
        .f(id::quant::SCALE, F::F32s(scale.to_vec()))
        .f(id::quant::ZERO_POINT, F::I64s(zero_point.to_vec()));
    if let Some(d) = dim {
        q = q.f(id::quant::QUANTIZED_DIMENSION, F::I32(d));
    }
    q
}

fn opcode(code: i32) -> T {
    T::new()
        .f(
            id::opcode::DEPRECATED_BUILTIN_CODE,
            F::I8(code.min(127) as i8),
        )
        .f(id::opcode::BUILTIN_CODE, F::I32(code))
}

fn operator(opcode_index: u32, inputs: &[i32], outputs: &[i32], options: Option<(u8, T)>) -> T {
    let mut op = T::new()
        .f(id::op::OPCODE_INDEX, F::U32(opcode_index))
        .f(id::op::INPUTS, F::I32s(inputs.to_vec()))
        .f(id::op::OUTPUTS, F::I32s(outputs.to_vec()));
    if let Some((ty, table)) = options {
        op = op
            .f(id::op::OPTIONS_TYPE, F::U8(ty))
            .f(id::op::OPTIONS, F::Table(table));
    }
    op
}

fn subgraph(tensors: Vec<T>, inputs: &[i32], outputs: &[i32], operators: Vec<T>) -> T {
    T::new()
        .f(id::subgraph::TENSORS, F::Tables(tensors))
        .f(id::subgraph::INPUTS, F::I32s(inputs.to_vec()))
        .f(id::subgraph::OUTPUTS, F::I32s(outputs.to_vec()))
        .f(id::subgraph::OPERATORS, F::Tables(operators))
}

fn model(codes: Vec<T>, subgraphs: Vec<T>, buffers: Vec<T>) -> T {
    T::new()
        .f(id::model::VERSION, F::U32(3))
        .f(id::model::OPERATOR_CODES, F::Tables(codes))
        .f(id::model::SUBGRAPHS, F::Tables(subgraphs))
        .f(id::model::BUFFERS, F::Tables(buffers))
}

/// A model with one tensor per entry of `tensors`, no operators, and one
/// empty buffer.
fn tensors_only(tensors: Vec<T>) -> Vec<u8> {
    finish(&model(
        vec![],
        vec![subgraph(tensors, &[], &[], vec![])],
        vec![T::new()],
    ))
}

const WEIGHTS: [u8; 18] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
];
const BIAS: [i32; 2] = [1000, -2000];

/// A model with one CONV_2D operator: input [1,4,4,1] int8, weights
/// [2,3,3,1] int8 (inline buffer 1), bias [2] int32 (buffer 2, stored after
/// the flatbuffer through offset/size), output [1,2,4,2] int8.
fn conv_model(bias_offset: u64) -> T {
    let bias_bytes: Vec<u8> = BIAS.iter().flat_map(|b| b.to_le_bytes()).collect();
    let input = tensor(&[1, 4, 4, 1], INT8, 0, "input")
        .f(id::tensor::SHAPE_SIGNATURE, F::I32s(vec![-1, 4, 4, 1]))
        .f(
            id::tensor::QUANTIZATION,
            F::Table(quant(&[0.5], &[-3], None)),
        );
    let weights = tensor(&[2, 3, 3, 1], INT8, 1, "conv/weights").f(
        id::tensor::QUANTIZATION,
        F::Table(quant(&[0.25, 0.125], &[0, 0], Some(0))),
    );
    let bias = tensor(&[2], INT32, 2, "conv/bias").f(
        id::tensor::QUANTIZATION,
        F::Table(quant(&[0.125, 0.0625], &[0, 0], Some(0))),
    );
    let output = tensor(&[1, 2, 4, 2], INT8, 0, "output")
        .f(id::tensor::IS_VARIABLE, F::Bool(false))
        .f(
            id::tensor::QUANTIZATION,
            F::Table(
                quant(&[0.75], &[5], None)
                    .f(id::quant::MIN, F::F32s(vec![-6.0]))
                    .f(id::quant::MAX, F::F32s(vec![6.0])),
            ),
        );
    let conv_options = T::new()
        .f(0, F::I8(1)) // padding VALID
        .f(1, F::I32(1)) // stride_w
        .f(2, F::I32(2)) // stride_h
        .f(3, F::I8(3)) // RELU6
        .f(4, F::I32(2)); // dilation_w; dilation_h left at its default
    let op = operator(0, &[0, 1, 2], &[3], Some((1, conv_options)));
    let sg = subgraph(vec![input, weights, bias, output], &[0], &[3], vec![op])
        .f(id::subgraph::NAME, F::Str("main".into()));
    model(
        vec![opcode(3).f(id::opcode::VERSION, F::I32(2))],
        vec![sg],
        vec![
            T::new(),
            T::new().f(id::buffer::DATA, F::Bytes(WEIGHTS.to_vec())),
            T::new()
                .f(id::buffer::OFFSET, F::U64(bias_offset))
                .f(id::buffer::SIZE, F::U64(bias_bytes.len() as u64)),
        ],
    )
    .f(
        id::model::DESCRIPTION,
        F::Str("hand-built test model".into()),
    )
}

/// The bytes of `conv_model`, with the bias data appended after the
/// flatbuffer at a 16-byte aligned offset.
fn conv_model_bytes() -> Vec<u8> {
    let probe = finish(&conv_model(2));
    let offset = probe.len().div_ceil(16) * 16;
    let mut bytes = finish(&conv_model(offset as u64));
    assert_eq!(bytes.len(), probe.len());
    bytes.resize(offset, 0);
    bytes.extend(BIAS.iter().flat_map(|b| b.to_le_bytes()));
    bytes
}

fn parse_ok(bytes: &[u8]) -> TfliteModel {
    match parse(bytes) {
        Ok(m) => m,
        Err(e) => panic!("parse failed: {e}"),
    }
}

fn parse_err(bytes: &[u8]) -> TfliteError {
    match parse(bytes) {
        Ok(m) => panic!("parse unexpectedly succeeded: {m:?}"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------
// Valid models

#[test]
fn reads_a_conv_model() {
    let m = parse_ok(&conv_model_bytes());
    assert_eq!(m.version, 3);
    assert_eq!(m.description.as_deref(), Some("hand-built test model"));

    assert_eq!(m.operator_codes.len(), 1);
    let code = &m.operator_codes[0];
    assert_eq!(code.builtin, BuiltinOp::CONV_2D);
    assert_eq!(code.builtin.name(), Some("CONV_2D"));
    assert_eq!(code.custom_code, None);
    assert_eq!(code.version, 2);

    assert_eq!(m.subgraphs.len(), 1);
    let sg = &m.subgraphs[0];
    assert_eq!(sg.name.as_deref(), Some("main"));
    assert_eq!(sg.inputs, vec![0]);
    assert_eq!(sg.outputs, vec![3]);
    assert_eq!(sg.tensors.len(), 4);

    let input = &sg.tensors[0];
    assert_eq!(input.name.as_deref(), Some("input"));
    assert_eq!(input.shape, vec![1, 4, 4, 1]);
    assert_eq!(input.shape_signature, Some(vec![-1, 4, 4, 1]));
    assert_eq!(input.tensor_type, TensorType::Int8);
    assert_eq!(input.buffer, 0);
    assert!(!input.is_variable);
    assert!(!input.is_sparse);
    let q = input.quantization.as_ref().expect("input quantization");
    assert_eq!(q.scale, vec![0.5]);
    assert_eq!(q.zero_point, vec![-3]);
    assert_eq!(q.quantized_dimension, 0);
    assert!(q.min.is_empty() && q.max.is_empty());

    let weights = &sg.tensors[1];
    assert_eq!(weights.shape, vec![2, 3, 3, 1]);
    assert_eq!(weights.shape_signature, None);
    assert_eq!(weights.buffer, 1);
    let q = weights.quantization.as_ref().expect("weights quantization");
    assert_eq!(q.scale, vec![0.25, 0.125]);
    assert_eq!(q.zero_point, vec![0, 0]);

    let bias = &sg.tensors[2];
    assert_eq!(bias.tensor_type, TensorType::Int32);
    assert_eq!(bias.buffer, 2);

    let output = &sg.tensors[3];
    let q = output.quantization.as_ref().expect("output quantization");
    assert_eq!(q.scale, vec![0.75]);
    assert_eq!(q.zero_point, vec![5]);
    assert_eq!(q.min, vec![-6.0]);
    assert_eq!(q.max, vec![6.0]);

    assert_eq!(sg.operators.len(), 1);
    let op = &sg.operators[0];
    assert_eq!(op.opcode_index, 0);
    assert_eq!(op.inputs, vec![0, 1, 2]);
    assert_eq!(op.outputs, vec![3]);
    assert!(op.intermediates.is_empty());
    assert_eq!(
        op.options,
        BuiltinOptions::Conv2D(Conv2DOptions {
            padding: Padding::Valid,
            stride_w: 1,
            stride_h: 2,
            fused_activation: Activation::Relu6,
            dilation_w: 2,
            dilation_h: 1,
        })
    );
    assert_eq!(m.opcode(op).map(|c| c.builtin), Some(BuiltinOp::CONV_2D));

    assert_eq!(m.buffers.len(), 3);
    assert!(m.buffers[0].data.is_empty());
    assert_eq!(m.buffers[1].data, WEIGHTS.to_vec());
    let bias_bytes: Vec<u8> = BIAS.iter().flat_map(|b| b.to_le_bytes()).collect();
    assert_eq!(m.buffers[2].data, bias_bytes);
}

#[test]
fn absent_fields_take_schema_defaults() {
    let options = |ty: u8| operator(0, &[], &[], Some((ty, T::new())));
    let ops = vec![
        options(1),                                 // Conv2D
        options(2),                                 // DepthwiseConv2D
        options(5),                                 // Pool2D
        options(8),                                 // FullyConnected
        options(9),                                 // Softmax
        options(11),                                // Add
        options(28),                                // Sub
        T::new().f(id::op::OPTIONS_TYPE, F::U8(1)), // Conv2D, no table
        T::new(),                                   // no options at all
        options(17),                                // Reshape
    ];
    let bytes = finish(&model(
        vec![T::new()],
        vec![T::new()
            .f(id::subgraph::TENSORS, F::Tables(vec![T::new()]))
            .f(id::subgraph::OPERATORS, F::Tables(ops))],
        vec![T::new()],
    ));
    let m = parse_ok(&bytes);
    assert_eq!(m.description, None);

    // An empty OperatorCode is ADD, version 1.
    let code = &m.operator_codes[0];
    assert_eq!(code.builtin, BuiltinOp::ADD);
    assert_eq!(code.version, 1);
    assert_eq!(code.custom_code, None);

    let sg = &m.subgraphs[0];
    assert!(sg.inputs.is_empty() && sg.outputs.is_empty());
    assert_eq!(sg.name, None);

    // An empty Tensor.
    let t = &sg.tensors[0];
    assert!(t.shape.is_empty());
    assert_eq!(t.shape_signature, None);
    assert_eq!(t.tensor_type, TensorType::Float32);
    assert_eq!(t.buffer, 0);
    assert_eq!(t.name, None);
    assert_eq!(t.quantization, None);
    assert!(!t.is_variable);

    let conv_defaults = Conv2DOptions {
        padding: Padding::Same,
        stride_w: 0,
        stride_h: 0,
        fused_activation: Activation::None,
        dilation_w: 1,
        dilation_h: 1,
    };
    let o: Vec<&BuiltinOptions> = sg.operators.iter().map(|op| &op.options).collect();
    assert_eq!(o[0], &BuiltinOptions::Conv2D(conv_defaults));
    match o[1] {
        BuiltinOptions::DepthwiseConv2D(d) => {
            assert_eq!((d.stride_w, d.stride_h, d.depth_multiplier), (0, 0, 0));
            assert_eq!((d.dilation_w, d.dilation_h), (1, 1));
            assert_eq!(d.padding, Padding::Same);
            assert_eq!(d.fused_activation, Activation::None);
        }
        other => panic!("{other:?}"),
    }
    match o[2] {
        BuiltinOptions::Pool2D(p) => {
            assert_eq!(
                (p.stride_w, p.stride_h, p.filter_width, p.filter_height),
                (0, 0, 0, 0)
            );
            assert_eq!(p.fused_activation, Activation::None);
        }
        other => panic!("{other:?}"),
    }
    match o[3] {
        BuiltinOptions::FullyConnected(f) => {
            assert_eq!(f.fused_activation, Activation::None);
            assert_eq!(f.weights_format, WeightsFormat::Default);
            assert!(!f.keep_num_dims && !f.asymmetric_quantize_inputs);
        }
        other => panic!("{other:?}"),
    }
    match o[4] {
        BuiltinOptions::Softmax(s) => assert_eq!(s.beta, 0.0),
        other => panic!("{other:?}"),
    }
    match o[5] {
        BuiltinOptions::Add(a) => {
            assert_eq!(a.fused_activation, Activation::None);
            assert!(a.pot_scale_int16, "pot_scale_int16 defaults to true");
        }
        other => panic!("{other:?}"),
    }
    match o[6] {
        BuiltinOptions::Sub(s) => assert!(s.pot_scale_int16),
        other => panic!("{other:?}"),
    }
    assert_eq!(o[7], &BuiltinOptions::Conv2D(conv_defaults));
    assert_eq!(o[8], &BuiltinOptions::None);
    match o[9] {
        BuiltinOptions::Reshape(r) => assert!(r.new_shape.is_empty()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn reads_the_other_option_tables() {
    let op = |ty: u8, t: T| operator(0, &[], &[], Some((ty, t)));
    let ops = vec![
        op(17, T::new().f(0, F::I32s(vec![1, -1, 10]))),
        op(30, T::new().f(0, F::I32s(vec![1, 2]))),
        op(
            32,
            T::new()
                .f(0, F::I32(1))
                .f(1, F::I32(2))
                .f(2, F::I32(4))
                .f(3, F::I32(8))
                .f(4, F::I32(16))
                .f(5, F::Bool(true)),
        ),
        op(59, T::new().f(0, F::I32(3)).f(1, F::I32(-1))),
        op(55, T::new().f(0, F::I8(4))),
        op(27, T::new().f(0, F::Bool(true))),
        op(10, T::new().f(0, F::I32(-1)).f(1, F::I8(1))),
        op(21, T::new().f(0, F::I8(4))),
        op(28, T::new().f(0, F::I8(2)).f(1, F::Bool(false))),
        op(
            5,
            T::new()
                .f(0, F::I8(1))
                .f(1, F::I32(2))
                .f(2, F::I32(3))
                .f(3, F::I32(4))
                .f(4, F::I32(5))
                .f(5, F::I8(1)),
        ),
        op(22, T::new()),
        op(9, T::new().f(0, F::F32(1.5))),
        op(
            8,
            T::new()
                .f(0, F::I8(1))
                .f(1, F::I8(1))
                .f(2, F::Bool(true))
                .f(3, F::Bool(true)),
        ),
        op(
            2,
            T::new()
                .f(0, F::I8(0))
                .f(1, F::I32(2))
                .f(2, F::I32(3))
                .f(3, F::I32(4))
                .f(4, F::I8(5))
                .f(5, F::I32(6))
                .f(6, F::I32(7)),
        ),
        op(11, T::new().f(0, F::I8(1)).f(1, F::Bool(false))),
        op(99, T::new().f(0, F::I32(123))),
    ];
    let bytes = finish(&model(
        vec![T::new()],
        vec![T::new().f(id::subgraph::OPERATORS, F::Tables(ops))],
        vec![T::new()],
    ));
    let m = parse_ok(&bytes);
    let o: Vec<String> = m.subgraphs[0]
        .operators
        .iter()
        .map(|op| format!("{:?}", op.options))
        .collect();
    let expected = [
        "Reshape(ReshapeOptions { new_shape: [1, -1, 10] })",
        "Squeeze(SqueezeOptions { squeeze_dims: [1, 2] })",
        "StridedSlice(StridedSliceOptions { begin_mask: 1, end_mask: 2, ellipsis_mask: 4, new_axis_mask: 8, shrink_axis_mask: 16, offset: true })",
        "Pack(PackOptions { values_count: 3, axis: -1 })",
        "Shape(ShapeOptions { out_type: Int64 })",
        "Reducer(ReducerOptions { keep_dims: true })",
        "Concatenation(ConcatenationOptions { axis: -1, fused_activation: Relu })",
        "Mul(MulOptions { fused_activation: Tanh })",
        "Sub(SubOptions { fused_activation: ReluN1To1, pot_scale_int16: false })",
        "Pool2D(Pool2DOptions { padding: Valid, stride_w: 2, stride_h: 3, filter_width: 4, filter_height: 5, fused_activation: Relu })",
        "Pad",
        "Softmax(SoftmaxOptions { beta: 1.5 })",
        "FullyConnected(FullyConnectedOptions { fused_activation: Relu, weights_format: Shuffled4x16Int8, keep_num_dims: true, asymmetric_quantize_inputs: true })",
        "DepthwiseConv2D(DepthwiseConv2DOptions { padding: Same, stride_w: 2, stride_h: 3, depth_multiplier: 4, fused_activation: SignBit, dilation_w: 6, dilation_h: 7 })",
        "Add(AddOptions { fused_activation: Relu, pot_scale_int16: false })",
        "Other(99)",
    ];
    assert_eq!(o, expected);
}

#[test]
fn operator_code_is_the_larger_of_the_two_fields() {
    let codes = vec![
        // Old files: only the byte-sized field.
        T::new().f(id::opcode::DEPRECATED_BUILTIN_CODE, F::I8(3)),
        // Newer codes: the byte holds the placeholder 127.
        T::new()
            .f(id::opcode::DEPRECATED_BUILTIN_CODE, F::I8(127))
            .f(id::opcode::BUILTIN_CODE, F::I32(150)),
        // Only the 32-bit field.
        T::new().f(id::opcode::BUILTIN_CODE, F::I32(117)),
        // A custom operator.
        T::new()
            .f(id::opcode::DEPRECATED_BUILTIN_CODE, F::I8(32))
            .f(id::opcode::CUSTOM_CODE, F::Str("MyOp".into()))
            .f(id::opcode::VERSION, F::I32(7)),
        // A code this reader does not know.
        T::new()
            .f(id::opcode::DEPRECATED_BUILTIN_CODE, F::I8(127))
            .f(id::opcode::BUILTIN_CODE, F::I32(4000)),
    ];
    let bytes = finish(&model(codes, vec![T::new()], vec![T::new()]));
    let m = parse_ok(&bytes);
    let c = &m.operator_codes;
    assert_eq!(c[0].builtin, BuiltinOp::CONV_2D);
    assert_eq!(c[1].builtin.name(), Some("GELU"));
    assert_eq!(c[2].builtin.name(), Some("HARD_SWISH"));
    assert_eq!(c[3].builtin, BuiltinOp::CUSTOM);
    assert_eq!(c[3].custom_code.as_deref(), Some("MyOp"));
    assert_eq!(c[3].version, 7);
    assert_eq!(c[4].builtin.code(), 4000);
    assert_eq!(c[4].builtin.name(), None);
    assert_eq!(c[4].builtin.to_string(), "UNKNOWN(4000)");
}

#[test]
fn empty_quantization_table_reads_as_none_and_sparsity_is_flagged() {
    let bytes = tensors_only(vec![
        tensor(&[2], 0, 0, "float").f(id::tensor::QUANTIZATION, F::Table(T::new())),
        tensor(&[2], 0, 0, "sparse").f(id::tensor::SPARSITY, F::Table(T::new())),
        tensor(&[2], 0, 0, "var").f(id::tensor::IS_VARIABLE, F::Bool(true)),
    ]);
    let m = parse_ok(&bytes);
    let t = &m.subgraphs[0].tensors;
    assert_eq!(t[0].quantization, None);
    assert!(!t[0].is_sparse);
    assert!(t[1].is_sparse);
    assert!(t[2].is_variable);
}

#[test]
fn builtin_operator_names() {
    let expected = [
        (0, "ADD"),
        (2, "CONCATENATION"),
        (3, "CONV_2D"),
        (4, "DEPTHWISE_CONV_2D"),
        (6, "DEQUANTIZE"),
        (9, "FULLY_CONNECTED"),
        (14, "LOGISTIC"),
        (18, "MUL"),
        (22, "RESHAPE"),
        (25, "SOFTMAX"),
        (28, "TANH"),
        (34, "PAD"),
        (40, "MEAN"),
        (45, "STRIDED_SLICE"),
        (77, "SHAPE"),
        (83, "PACK"),
        (114, "QUANTIZE"),
        (117, "HARD_SWISH"),
        (126, "BATCH_MATMUL"),
        (150, "GELU"),
        (161, "RIGHT_SHIFT"),
        (205, "REDUCE_WINDOW"),
        (209, "STABLEHLO_CASE"),
    ];
    for (code, name) in expected {
        assert_eq!(BuiltinOp(code).name(), Some(name), "code {code}");
        assert_eq!(BuiltinOp::from_name(name), Some(BuiltinOp(code)));
    }
    for code in 0..=209 {
        assert!(BuiltinOp(code).name().is_some(), "code {code} has no name");
    }
}

// ---------------------------------------------------------------------------
// Invalid and hostile input

#[test]
fn wrong_identifier_is_not_tflite() {
    let mut bytes = conv_model_bytes();
    bytes[4..8].copy_from_slice(b"TFL2");
    let e = parse_err(&bytes);
    assert!(matches!(e, TfliteError::NotTflite(_)));
    assert_eq!(
        e.to_string(),
        "not a TFLite file: missing the TFL3 identifier"
    );

    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert!(matches!(parse_err(png), TfliteError::NotTflite(_)));
    assert!(matches!(parse_err(b""), TfliteError::NotTflite(_)));
    assert!(matches!(
        parse_err(b"\x08\0\0\0TFL"),
        TfliteError::NotTflite(_)
    ));
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = conv_model_bytes();
    for len in 0..bytes.len() {
        if let Ok(m) = parse(&bytes[..len]) {
            panic!("prefix of {len} of {} bytes parsed: {m:?}", bytes.len());
        }
    }
    // The same without external data, so the flatbuffer itself ends the file.
    let bytes = finish(&conv_model(0));
    assert!(parse(&bytes).is_ok());
    for len in 0..bytes.len() {
        assert!(
            parse(&bytes[..len]).is_err(),
            "prefix of {len} bytes parsed"
        );
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_corruption_never_panics() {
    let original = conv_model_bytes();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let (mut ok, mut err) = (0, 0);
    for round in 0..6000 {
        let mut bytes = original.clone();
        let flips = 1 + rng.below(4);
        for _ in 0..flips {
            let at = rng.below(bytes.len());
            if round % 2 == 0 {
                // Flip some bits of one byte.
                bytes[at] ^= (1 + rng.below(255)) as u8;
            } else {
                // Overwrite an aligned word with a value that is often an
                // interesting offset or length.
                let at = at & !3;
                if at + 4 <= bytes.len() {
                    let v: u32 = match rng.below(6) {
                        0 => 0,
                        1 => u32::MAX,
                        2 => 0x7fff_ffff,
                        3 => bytes.len() as u32,
                        4 => rng.below(64) as u32,
                        _ => rng.next() as u32,
                    };
                    bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
                }
            }
        }
        match parse(&bytes) {
            Ok(_) => ok += 1,
            Err(e) => {
                // Errors must render to a non-empty message.
                assert!(!e.to_string().is_empty());
                err += 1;
            }
        }
    }
    eprintln!("corrupted copies: {ok} parsed, {err} refused");
    assert!(
        err > ok,
        "too little corruption was detected ({ok} parsed, {err} refused)"
    );
}

#[test]
fn out_of_bounds_vector_is_reported_with_its_place() {
    let bytes = conv_model_bytes();
    let m = parse_ok(&bytes);
    assert_eq!(m.subgraphs[0].tensors[2].shape, vec![2]);
    // Find the bias shape vector [2] (length 1, element 2) that comes right
    // before the "conv/bias" name, and give it a huge length.
    let name = b"\x09\0\0\0conv/bias\0";
    let name_at = bytes
        .windows(name.len())
        .position(|w| w == name)
        .expect("bias name in the file");
    let shape_at = bytes[..name_at]
        .windows(8)
        .rposition(|w| w == [1, 0, 0, 0, 2, 0, 0, 0])
        .expect("bias shape in the file");
    let mut bad = bytes.clone();
    bad[shape_at..shape_at + 4].copy_from_slice(&0x4000_0000u32.to_le_bytes());
    let e = parse_err(&bad);
    assert!(matches!(e, TfliteError::Malformed { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.starts_with("subgraph 0, tensor 2, shape: "), "{msg}");
    assert!(msg.contains("runs past the end of the file"), "{msg}");
    assert!(msg.contains(&format!("offset {shape_at:#x}")), "{msg}");
}

#[test]
fn external_buffer_outside_the_file_is_refused() {
    let mut bytes = finish(&conv_model(0));
    let len = bytes.len() as u64;
    bytes = finish(&conv_model(len - 4)); // 8 bytes starting 4 before the end
    let e = parse_err(&bytes);
    let msg = e.to_string();
    assert!(msg.starts_with("buffer 2: "), "{msg}");
    assert!(msg.contains("runs past the end of the file"), "{msg}");

    // An offset so large that offset + size overflows.
    let bytes = finish(&conv_model(u64::MAX - 2));
    assert!(parse_err(&bytes).to_string().starts_with("buffer 2: "));
}

#[test]
fn buffer_with_inline_and_external_data_is_refused() {
    let buffers = vec![
        T::new(),
        T::new()
            .f(id::buffer::DATA, F::Bytes(vec![1, 2, 3]))
            .f(id::buffer::OFFSET, F::U64(8))
            .f(id::buffer::SIZE, F::U64(4)),
    ];
    let bytes = finish(&model(vec![], vec![T::new()], buffers));
    let msg = parse_err(&bytes).to_string();
    assert!(
        msg.contains("buffer 1") && msg.contains("both inline data and an external offset"),
        "{msg}"
    );
}

#[test]
fn offset_of_zero_or_one_means_inline_data() {
    // The schema says the offset is only valid if greater than 1.
    let buffers = vec![
        T::new()
            .f(id::buffer::OFFSET, F::U64(1))
            .f(id::buffer::SIZE, F::U64(4)),
        T::new()
            .f(id::buffer::DATA, F::Bytes(vec![9, 8]))
            .f(id::buffer::OFFSET, F::U64(0)),
    ];
    let bytes = finish(&model(vec![], vec![T::new()], buffers));
    let m = parse_ok(&bytes);
    assert!(m.buffers[0].data.is_empty());
    assert_eq!(m.buffers[1].data, vec![9, 8]);
}

#[test]
fn rank_above_eight_is_refused() {
    let ok = tensors_only(vec![tensor(&[1; 8], 0, 0, "rank8")]);
    parse_ok(&ok);
    let bytes = tensors_only(vec![tensor(&[1; 9], 0, 0, "rank9")]);
    let e = parse_err(&bytes);
    assert!(matches!(e, TfliteError::LimitExceeded { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "subgraph 0, tensor 0, shape: 9 entries, more than the limit of 8"
    );
}

#[test]
fn too_many_tensors_are_refused() {
    let n = (1 << 16) + 1;
    let sg = T::new().f(id::subgraph::TENSORS, F::Repeat(Box::new(T::new()), n));
    let bytes = finish(&model(vec![], vec![sg], vec![T::new()]));
    let e = parse_err(&bytes);
    assert!(matches!(e, TfliteError::LimitExceeded { .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("subgraph 0, tensors: 65537 entries"),
        "{e}"
    );

    let ops = T::new().f(id::subgraph::OPERATORS, F::Repeat(Box::new(T::new()), n));
    let bytes = finish(&model(vec![T::new()], vec![ops], vec![T::new()]));
    assert!(parse_err(&bytes)
        .to_string()
        .starts_with("subgraph 0, operators: 65537 entries"));

    let bytes = finish(&model(vec![], vec![T::new()], vec![T::new(); n]));
    assert!(parse_err(&bytes)
        .to_string()
        .starts_with("buffers: 65537 entries"));
}

#[test]
fn data_referenced_many_times_is_refused() {
    // 60000 buffers that all point at the same 4 KiB of data: a 250 KB file
    // that would expand to 240 MB.
    let shared = T::new().f(id::buffer::DATA, F::Bytes(vec![7; 4096]));
    let root = model(vec![], vec![T::new()], vec![])
        .f(id::model::BUFFERS, F::Repeat(Box::new(shared), 60_000));
    let bytes = finish(&root);
    assert!(bytes.len() < 300_000);
    let e = parse_err(&bytes);
    assert!(matches!(e, TfliteError::LimitExceeded { .. }), "{e:?}");
    assert!(e.to_string().contains("far more memory"), "{e}");
}

#[test]
fn indices_out_of_range_are_refused() {
    // A tensor pointing past the buffers.
    let bytes = tensors_only(vec![tensor(&[1], 0, 5, "t")]);
    assert_eq!(
        parse_err(&bytes).to_string(),
        "subgraph 0, tensor 0: refers to buffer 5, but the model has 1 buffers"
    );

    // An operator with an unknown opcode index.
    let sg = subgraph(
        vec![T::new()],
        &[0],
        &[0],
        vec![operator(1, &[0], &[0], None)],
    );
    let bytes = finish(&model(vec![opcode(3)], vec![sg], vec![T::new()]));
    assert_eq!(
        parse_err(&bytes).to_string(),
        "subgraph 0, operator 0: refers to operator code 1, but the model has 1"
    );

    // Operator inputs may use -1 for an omitted optional input, but nothing
    // else outside the tensor list.
    let sg = subgraph(
        vec![T::new()],
        &[0],
        &[0],
        vec![operator(0, &[0, -1], &[0], None)],
    );
    parse_ok(&finish(&model(vec![opcode(9)], vec![sg], vec![T::new()])));
    let sg = subgraph(
        vec![T::new()],
        &[0],
        &[0],
        vec![operator(0, &[0, 1], &[0], None)],
    );
    assert_eq!(
        parse_err(&finish(&model(vec![opcode(9)], vec![sg], vec![T::new()]))).to_string(),
        "subgraph 0, operator 0, inputs: tensor index 1 is out of range (1 tensors)"
    );
    let sg = subgraph(
        vec![T::new()],
        &[0],
        &[0],
        vec![operator(0, &[0], &[0], None).f(id::op::INTERMEDIATES, F::I32s(vec![-2]))],
    );
    assert!(
        parse_err(&finish(&model(vec![opcode(9)], vec![sg], vec![T::new()])))
            .to_string()
            .contains("intermediates: tensor index -2")
    );

    // Subgraph inputs must name real tensors.
    let sg = subgraph(vec![T::new()], &[-1], &[0], vec![]);
    assert_eq!(
        parse_err(&finish(&model(vec![], vec![sg], vec![T::new()]))).to_string(),
        "subgraph 0, inputs: tensor index -1 is out of range (1 tensors)"
    );

    // A model needs a subgraph.
    let bytes = finish(&model(vec![], vec![], vec![T::new()]));
    assert_eq!(parse_err(&bytes).to_string(), "model: has no subgraphs");
}

#[test]
fn invalid_utf8_name_is_malformed() {
    let bytes = tensors_only(vec![tensor(&[1], 0, 0, "ab\u{e9}")]);
    let mut bad = bytes.clone();
    let at = bad.windows(2).position(|w| w == [0xc3, 0xa9]).unwrap();
    bad[at] = 0xff;
    let e = parse_err(&bad);
    assert!(
        e.to_string().starts_with("subgraph 0, tensor 0, name: "),
        "{e}"
    );
    assert!(e.to_string().contains("UTF-8"), "{e}");
}

// ---------------------------------------------------------------------------
// Real model files, when this machine has them

/// `.tflite` files produced by the TensorFlow converter, if present: the
/// project's own example model and any in the local model cache.
fn real_models() -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let repo_model =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/digits.tflite");
    if repo_model.is_file() {
        found.push(repo_model);
    }
    if let Some(home) = std::env::var_os("HOME") {
        let cache = std::path::Path::new(&home).join(".cache/vigil/models");
        if let Ok(entries) = std::fs::read_dir(cache) {
            let mut files: Vec<_> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "tflite"))
                .collect();
            files.sort();
            found.extend(files);
        }
    }
    found
}

#[test]
fn real_models_parse_consistently() {
    let models = real_models();
    if models.is_empty() {
        eprintln!("no real .tflite files found; only the hand-built models were checked");
        return;
    }
    for path in models {
        let bytes = std::fs::read(&path).unwrap();
        let m = parse(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!m.subgraphs.is_empty());
        for code in &m.operator_codes {
            assert!(
                code.builtin.name().is_some(),
                "{}: unknown op {}",
                path.display(),
                code.builtin
            );
        }
        for sg in &m.subgraphs {
            for op in &sg.operators {
                let builtin = m.opcode(op).unwrap().builtin;
                // Options must match the operator: a wrong field id or union
                // index would show up here.
                let consistent = match (builtin.name().unwrap(), &op.options) {
                    ("CONV_2D", BuiltinOptions::Conv2D(c)) => {
                        c.stride_w >= 1 && c.stride_h >= 1 && c.dilation_w >= 1 && c.dilation_h >= 1
                    }
                    ("DEPTHWISE_CONV_2D", BuiltinOptions::DepthwiseConv2D(c)) => {
                        c.stride_w >= 1 && c.stride_h >= 1 && c.dilation_w >= 1 && c.dilation_h >= 1
                    }
                    ("AVERAGE_POOL_2D" | "MAX_POOL_2D", BuiltinOptions::Pool2D(p)) => {
                        p.filter_width >= 1 && p.filter_height >= 1 && p.stride_w >= 1
                    }
                    ("FULLY_CONNECTED", BuiltinOptions::FullyConnected(_)) => true,
                    ("SOFTMAX", BuiltinOptions::Softmax(s)) => s.beta > 0.0,
                    ("ADD", BuiltinOptions::Add(_)) => true,
                    ("RESHAPE", BuiltinOptions::Reshape(_) | BuiltinOptions::None) => true,
                    (
                        "CONV_2D" | "DEPTHWISE_CONV_2D" | "AVERAGE_POOL_2D" | "MAX_POOL_2D"
                        | "FULLY_CONNECTED" | "SOFTMAX" | "ADD",
                        _,
                    ) => false,
                    _ => true,
                };
                assert!(
                    consistent,
                    "{}: {builtin} with {:?}",
                    path.display(),
                    op.options
                );
            }
            for t in &sg.tensors {
                let data = &m.buffers[t.buffer as usize].data;
                if data.is_empty() {
                    continue;
                }
                let elems: i64 = t.shape.iter().map(|&d| i64::from(d)).product();
                let size = t.tensor_type.element_size().expect("fixed-size constant") as i64;
                assert_eq!(
                    data.len() as i64,
                    elems * size,
                    "{}: {:?}",
                    path.display(),
                    t.name
                );
                if let Some(q) = &t.quantization {
                    assert!(q.zero_point.is_empty() || q.zero_point.len() == q.scale.len());
                }
            }
        }
        // Cut and corrupted copies must fail cleanly (sampled: these files are
        // much larger than the hand-built ones).
        let step = (bytes.len() / 300).max(1);
        for len in (0..bytes.len()).step_by(step) {
            let _ = parse(&bytes[..len]);
        }
        let mut rng = Rng(bytes.len() as u64 | 1);
        for _ in 0..300 {
            let mut bad = bytes.clone();
            let at = rng.below(bad.len().min(1 << 16));
            bad[at] ^= (1 + rng.below(255)) as u8;
            let _ = parse(&bad);
        }
        eprintln!(
            "{}: {} operators parsed",
            path.display(),
            m.subgraphs[0].operators.len()
        );
    }
}
