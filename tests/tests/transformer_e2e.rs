//! End-to-end: the trained character-level transformer (`models/charlm.vgm`) on a real
//! `vigil-node --dev`: registered, served, and a lie in its first attention layer (its SOFTMAX)
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

const UNIT: u128 = 1_000_000_000_000;

#[tokio::test(flavor = "multi_thread")]
async fn a_lie_in_the_transformers_attention_is_refuted_on_chain() {
    let model_path = repo_root().join("models/charlm.vgm");
    let bytes = std::fs::read(&model_path).expect("the transformer");
    let model = vigil_engine::decode_model(&bytes).expect("a valid model");
    let attention = (0..model.layer_count())
        .find(|&k| matches!(model.model().layers[k].op, Op::Softmax(_)))
        .expect("an attention SOFTMAX");

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

    let lie = format!("layer={attention},rate=1");
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
    let bond = executor(&api, &charlie).await.unwrap().bond;

    // A line of token ids: int32, four little-endian bytes each.
    let ids: Vec<u8> = (0..model.input_len() / 4)
        .flat_map(|i| ((i as i32 * 7 + 3) % 47).to_le_bytes())
        .collect();
    let input = std::env::temp_dir().join(format!("vigil-charlm-{}.bin", std::process::id()));
    std::fs::write(&input, &ids).unwrap();
    let out = vigil(&[
        "job",
        "submit",
        "--model",
        &model_id,
        "--input",
        input.to_str().unwrap(),
        "--fee",
        "1UNIT",
        "--url",
        &url,
        "--seed",
        "//Eve",
    ]);
    let _ = std::fs::remove_file(&input);
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
            "dispute resolved at layer {attention}: the executor was wrong"
        )),
        "the dispute re-executed the attention layer:\n{}",
        dave.log()
    );
    assert_eq!(
        bond - executor(&api, &charlie).await.unwrap().bond,
        100 * UNIT,
        "Charlie loses the job's collateral"
    );
}
