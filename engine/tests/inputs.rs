//! Models with several inputs: activation 0 holds them concatenated, and `INPUT` layers, a
//! prefix of the model, split it; every way to get that wrong is refused.

use codec::Encode;
use vigil_engine::model::{InputPart, Op};
use vigil_engine::testing::two_inputs;
use vigil_engine::{decode_model, EngineError, Model};

#[track_caller]
fn refused(model: Model) -> EngineError {
    match decode_model(&model.encode()) {
        Ok(_) => panic!("the model must be refused"),
        Err(e) => e,
    }
}

#[test]
fn each_input_is_a_window_of_the_job_input() {
    let model = decode_model(&two_inputs().encode()).unwrap();
    let shapes: Vec<Vec<u32>> = model.inputs().iter().map(|t| t.shape.clone()).collect();
    assert_eq!(shapes, vec![vec![1, 4], vec![1, 2, 4]]);
    assert_eq!(model.input_len(), 12);
    let a = [10i8, 20, 30, 40];
    let b = [1i8, 2, 3, 4, -1, -2, -3, -4];
    let job: Vec<i8> = a.iter().chain(&b).copied().collect();
    let mut outputs = Vec::new();
    let execution = model
        .run_with(&job, |_, out| outputs.push(out.to_vec()))
        .unwrap();
    assert_eq!(outputs[0], a);
    assert_eq!(outputs[1], b);
    // (b + 5) + (a − 3): each offset input times 2^20 · 1/2, the sum times 1/2 · 2^-18.
    let want: Vec<i8> = (0..8)
        .map(|i| (b[i] as i32 + 5 + a[i % 4] as i32 - 3) as i8)
        .collect();
    assert_eq!(execution.output, want);
    // The dispute path: one INPUT layer alone.
    assert_eq!(model.run_layer(1, &[&job]).unwrap(), b);
    // A job input of the wrong length.
    assert_eq!(
        model.run(&job[..11]).unwrap_err(),
        EngineError::WrongInputLength {
            expected: 12,
            found: 11
        }
    );
}

#[test]
fn a_model_with_one_input_lists_it() {
    let model = decode_model(&vigil_engine::testing::tiny_mlp(1).encode()).unwrap();
    assert_eq!(model.inputs().len(), 1);
    assert_eq!(model.inputs()[0].shape, vec![1, 16]);
}

#[test]
fn misplaced_inputs_are_refused() {
    // A gap between the inputs.
    let mut m = two_inputs();
    m.layers[1].op = Op::Input(InputPart { offset: 5 });
    assert_eq!(refused(m), EngineError::BadInputs { layer: 1 });
    // Out of order.
    let mut m = two_inputs();
    m.layers[0].op = Op::Input(InputPart { offset: 8 });
    assert_eq!(refused(m), EngineError::BadInputs { layer: 0 });
    // Not covering the job input.
    let mut m = two_inputs();
    m.input.shape = vec![13];
    assert_eq!(refused(m), EngineError::BadInputs { layer: 1 });
    // Past the job input's end.
    let mut m = two_inputs();
    m.input.shape = vec![11];
    assert!(matches!(
        refused(m),
        EngineError::BadInputs { layer: 1 } | EngineError::ShapeMismatch { layer: 1 }
    ));
    // Reading something other than activation 0.
    let mut m = two_inputs();
    m.layers[1].inputs = vec![1];
    assert_eq!(refused(m), EngineError::BadInputs { layer: 1 });
    // An INPUT layer after a computing layer.
    let mut m = two_inputs();
    let input = m.layers.remove(1);
    m.layers[1].inputs = vec![1, 1];
    m.layers.push(input);
    assert!(matches!(refused(m), EngineError::BadInputs { .. }));
    // A computing layer reading the concatenated inputs directly.
    let mut m = two_inputs();
    m.layers[2].inputs = vec![2, 0];
    assert_eq!(refused(m), EngineError::BadInputs { layer: 2 });
}
