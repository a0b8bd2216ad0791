//! End-to-end on a real `vigil-node --dev`: a model with int16 activations (an SVDF keyword
//! spotter from the zoo) and a model with several outputs are registered and served; a job's
//! int16 input is two bytes per element as `vigil job submit` checks it and the chain requires
//! it; a lie in the SVDF layer, and a lie in the OUTPUT layer that joins several outputs, are each
//! refuted by a challenger that re-executes that one layer on chain.
//!
//! Nothing here waits for a fixed time; every process started is killed (by PID) when its guard
//! drops.

mod common;

use common::chain::{account, executor, job_status, JobStatus};
use common::processes::{field, repo_root, vigil, wait_until, Proc};
use common::DevNode;
use subxt_signer::sr25519::dev;
use vigil_engine::model::Op;

/// Registers the model at `model_path`, starts an executor lying at the first layer `lie_at`
/// picks and a challenger, submits a job with `input` and asserts that the lie is refuted at
/// that layer.
async fn a_lie_is_refuted(model_path: &std::path::Path, input: &[u8], lie_at: fn(&Op) -> bool) {
    let bytes = std::fs::read(model_path).expect("the model");
    let model = vigil_engine::decode_model(&bytes).expect("a valid model");
    let layer = (0..model.layer_count())
        .find(|&k| lie_at(&model.model().layers[k].op))
        .expect("the layer to lie at");

    let mut node = DevNode::start(&["--block-time-ms", "1000"]);
    let api = node.client().await;
    let url = node.url();
    let out = vigil(&[
        "model",
        "register",
        model_path.to_str().unwrap(),
        "--url",
        &url,
        "--seed",
        "//Alice",
    ]);
    let model_id = field(&out, "model id").to_string();

    let lie = format!("layer={layer},rate=1");
    let mut liar = Proc::start(
        "lying-executor",
        &[
            "executor",
            "run",
            "--url",
            &url,
            "--seed",
            "//Charlie",
            "--lie",
            &lie,
        ],
    );
    let mut dave = Proc::start(
        "challenger",
        &["challenger", "run", "--url", &url, "--seed", "//Dave"],
    );
    let charlie = account(&dev::charlie());
    wait_until(
        "Charlie is an executor",
        &mut [&mut liar, &mut dave],
        || {
            let api = api.clone();
            async move { executor(&api, &charlie).await.is_some() }
        },
    )
    .await;

    let file = std::env::temp_dir().join(format!(
        "vigil-int16-e2e-{}-{layer}.bin",
        std::process::id()
    ));
    // Half the bytes (one per element of an int16 input) are refused before anything is sent.
    if model.inputs()[0].element == vigil_engine::model::ElementType::Int16 {
        std::fs::write(&file, &input[..input.len() / 2]).unwrap();
        let o = std::process::Command::new(common::processes::vigil_binary())
            .args([
                "job",
                "submit",
                "--model",
                &model_id,
                "--input",
                file.to_str().unwrap(),
                "--fee",
                "1UNIT",
                "--url",
                &url,
                "--seed",
                "//Eve",
            ])
            .output()
            .unwrap();
        assert!(!o.status.success());
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            stderr.contains(&format!("needs {}", input.len())),
            "{stderr}"
        );
    }
    std::fs::write(&file, input).unwrap();
    let out = vigil(&[
        "job",
        "submit",
        "--model",
        &model_id,
        "--input",
        file.to_str().unwrap(),
        "--fee",
        "1UNIT",
        "--url",
        &url,
        "--seed",
        "//Eve",
    ]);
    let _ = std::fs::remove_file(&file);
    let job: u64 = field(&out, "job")
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no job id in:\n{out}"));
    vigil(&["job", "watch", &job.to_string(), "--url", &url]);

    assert_eq!(
        job_status(&api, job).await,
        Some(JobStatus::Refuted),
        "challenger log:\n{}",
        dave.log()
    );
    assert!(
        dave.log().contains(&format!(
            "dispute resolved at layer {layer}: the executor was wrong"
        )),
        "the dispute re-executed layer {layer}:\n{}",
        dave.log()
    );
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
