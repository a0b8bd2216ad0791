//! End-to-end on a real `vigil-node --dev`: a model with int16 activations (an SVDF keyword
//! spotter from the zoo) and a model with several outputs are registered and served; a job's
//! int16 input is two bytes per element as `vigil job submit` checks it and the chain requires
//! it; a lie in the SVDF layer, and a lie in the OUTPUT layer that joins several outputs, are each
//! refuted by a challenger that re-executes that one layer on chain.
//!
//! Nothing here waits for a fixed time; every process started is killed (by PID) when its guard
//! drops.

mod common;

use common::lie::LyingExecutor;
use common::processes::{repo_root, vigil_fails};
use vigil_engine::model::Op;

/// Registers the model at `model_path`, starts an executor lying at the first layer `lie_at`
/// picks and a challenger, submits a job with `input` and asserts that the lie is refuted at
/// that layer. An int16 input of one byte per element is refused first, before anything is sent.
async fn a_lie_is_refuted(model_path: &std::path::Path, input: &[u8], lie_at: fn(&Op) -> bool) {
    let bytes = std::fs::read(model_path).expect("the model");
    let model = vigil_engine::decode_model(&bytes).expect("a valid model");
    let layer = (0..model.layer_count())
        .find(|&k| lie_at(&model.model().layers[k].op))
        .expect("the layer to lie at");
    let mut chain = LyingExecutor::start(model_path, layer).await;

    if model.inputs()[0].element == vigil_engine::model::ElementType::Int16 {
        let file = std::env::temp_dir().join(format!(
            "vigil-int16-e2e-{}-{layer}.bin",
            std::process::id()
        ));
        std::fs::write(&file, &input[..input.len() / 2]).unwrap();
        let stderr = vigil_fails(&[
            "job",
            "submit",
            "--model",
            &chain.model_id,
            "--input",
            file.to_str().unwrap(),
            "--fee",
            "1UNIT",
            "--url",
            &chain.url,
            "--seed",
            "//Eve",
        ]);
        let _ = std::fs::remove_file(&file);
        assert!(
            stderr.contains(&format!("needs {}", input.len())),
            "{stderr}"
        );
    }
    chain.submit_and_see_refuted(input).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lie_in_an_int16_svdf_model_is_refuted_on_chain() {
    let input =
        std::fs::read(repo_root().join("tests/goldens/zoo/svdf_int16_state/seed_0/input.bin"))
            .unwrap();
    a_lie_is_refuted(
        &repo_root().join("engine/fuzz/seeds/svdf_int16_state.vgm"),
        &input,
        |op| matches!(op, Op::Svdf(_)),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lie_in_one_of_several_outputs_is_refuted_on_chain() {
    let input = std::fs::read(repo_root().join("tests/goldens/zoo/three_outputs/seed_0/input.bin"))
        .unwrap();
    a_lie_is_refuted(
        &repo_root().join("engine/fuzz/seeds/three_outputs.vgm"),
        &input,
        |op| matches!(op, Op::Output),
    )
    .await;
}
