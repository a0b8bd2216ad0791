//! `SELECT_V2`: a bool condition (a model input or a `CONSTANT` layer) choosing between two
//! activations with broadcasting; every refusal, by its error. Bit-exactness with TFLite Micro is
//! checked by the client's golden test of the zoo model `select_v2`.

use codec::Encode;
use vigil_engine::model::{ElementType, InputPart, Layer, Model, Op, TensorInfo};
use vigil_engine::{decode_model, EngineError, FORMAT_VERSION};

fn tensor(shape: &[u32], element: ElementType) -> TensorInfo {
    TensorInfo {
        shape: shape.to_vec(),
        zero_point: 0,
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

/// Inputs: a condition `[2, 1]` (bool) and values `[2, 3]` (int8). A constant condition `[3]`
/// picks between the values and their negation (a RELU6 clamp stands in for a second operand),
/// then the input condition picks between that and the values.
fn model() -> Model {
    Model {
        version: FORMAT_VERSION,
        input: tensor(&[8], ElementType::Int8),
        layers: vec![
            layer(
                &[0],
                tensor(&[2, 1], ElementType::Bool),
                Op::Input(InputPart { offset: 0 }),
            ),
            layer(
                &[0],
                tensor(&[2, 3], ElementType::Int8),
                Op::Input(InputPart { offset: 2 }),
            ),
            layer(
                &[],
                tensor(&[3], ElementType::Bool),
                Op::Constant(vec![1, 0, 1]),
            ),
            layer(
                &[2],
                tensor(&[2, 3], ElementType::Int8),
                Op::Clamp(vigil_engine::model::Clamp { min: 0, max: 6 }),
            ),
            layer(&[3, 2, 4], tensor(&[2, 3], ElementType::Int8), Op::Select),
            layer(&[1, 5, 2], tensor(&[2, 3], ElementType::Int8), Op::Select),
        ],
    }
}

fn refused(m: Model) -> EngineError {
    decode_model(&m.encode()).expect_err("the model must be refused")
}

#[test]
fn select_picks_with_broadcast_conditions() {
    let m = decode_model(&model().encode()).unwrap();
    // Rows: the first condition is true (any byte but zero), the second false.
    let input = [7i8, 0, -5, 9, 3, 20, -1, 4];
    let mut activations = vec![input.to_vec()];
    let execution = m
        .run_with(&input, |_, out| activations.push(out.to_vec()))
        .unwrap();
    // The clamp: [0, 6, 3] and [6, 0, 4]; the constant condition keeps columns 0 and 2 of
    // the values, column 1 of the clamp.
    assert_eq!(activations[5], [-5, 6, 3, 20, 0, 4]);
    // Row 0 from the above, row 1 the values.
    assert_eq!(execution.output, [-5, 6, 3, 20, -1, 4]);
    let again = m
        .run_layer(5, &[&activations[1], &activations[5], &activations[2]])
        .unwrap();
    assert_eq!(again, execution.output);
}

#[test]
fn select_refusals() {
    // An int8 condition.
    let mut m = model();
    m.layers[0].output.element = ElementType::Int8;
    assert_eq!(refused(m), EngineError::BadElementType { layer: 5 });
    // Values of two types.
    let mut m = model();
    m.layers[5].inputs = vec![1, 5, 1];
    assert_eq!(refused(m), EngineError::BadElementType { layer: 5 });
    // An int32 output.
    let mut m = model();
    m.layers[5].output = tensor(&[2, 3], ElementType::Int32);
    assert_eq!(refused(m), EngineError::BadElementType { layer: 5 });
    // Shapes that do not broadcast.
    let mut m = model();
    m.layers[2].output.shape = vec![2];
    m.layers[2].op = Op::Constant(vec![1, 0]);
    assert_eq!(refused(m), EngineError::ShapeMismatch { layer: 4 });
    // Two inputs, not three.
    let mut m = model();
    m.layers[5].inputs = vec![1, 5];
    assert_eq!(refused(m), EngineError::BadInputs { layer: 5 });
    // A bool constant holds 0 or 1 only.
    let mut m = model();
    m.layers[2].op = Op::Constant(vec![1, 2, 1]);
    assert_eq!(refused(m), EngineError::BadQuantization { layer: 2 });
    // A bool activation into an int8 operator.
    let mut m = model();
    m.layers[3].inputs = vec![1];
    m.layers[3].output.shape = vec![2, 1];
    assert_eq!(refused(m), EngineError::BadElementType { layer: 3 });
}
