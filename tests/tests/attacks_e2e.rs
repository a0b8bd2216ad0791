//! End-to-end: hostile models against a real `vigil-node --dev`, with the real `vigil` program.
//!
//! A model is registered by anyone, so a model owner may be hostile. The chain promises that no
//! honest executor can lose by serving a registered model and that every layer of it can be
//! disputed. Two models that broke that promise are refused by name, with nothing held; a model
//! at every limit the registry accepts is served honestly and paid, and a lie on its widest layer
//! and on its largest activation is refuted.
//!
//! Nothing here waits for a fixed time: each step waits for the state it needs, with a generous
//! timeout only as a failure guard. Every process started is killed (by PID) when its guard drops.

mod common;

use std::path::PathBuf;

use codec::Encode;
use common::chain::{account, balances, executor};
use common::processes::{field, vigil, vigil_fails, wait_until, Proc};
use common::DevNode;
use subxt_signer::sr25519::dev;
use vigil_engine::testing;

/// The runtime's limits (runtime/src/lib.rs): what a claim, a challenge and one challenge input
/// carry.
const MAX_OUTPUT_BYTES: u32 = 256 * 1024;
const MAX_LAYER_INPUTS: u32 = 8;
const MAX_ACTIVATION_BYTES: u32 = 256 * 1024;

/// A model written to a temporary `.vgm` file, removed when dropped.
struct ModelFile(PathBuf);

impl ModelFile {
    fn new(name: &str, model: &vigil_engine::Model) -> ModelFile {
        let path =
            std::env::temp_dir().join(format!("vigil-attack-{}-{name}.vgm", std::process::id()));
        std::fs::write(&path, model.encode()).expect("write the model");
        ModelFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for ModelFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `vigil model register FILE` as Ferdie must fail naming `error`, and hold nothing.
async fn refused(api: &common::chain::Api, url: &str, file: &ModelFile, error: &str) {
    let ferdie = account(&dev::ferdie());
    let before = balances(api, &ferdie).await;
    let printed = vigil_fails(&[
        "model",
        "register",
        file.path(),
        "--url",
        url,
        "--seed",
        "//Ferdie",
    ]);
    assert!(
        printed.contains(error),
        "the refusal names {error}:\n{printed}"
    );
    let after = balances(api, &ferdie).await;
    assert_eq!(after.reserved, before.reserved, "nothing is held");
}

/// Attack 1: a 65-byte model whose output no claim can carry got an honest executor slashed for
/// missing its deadline. Attack 2: a lie on a layer reading more activations than a challenge
/// carries could not be disputed and was paid. Both models are now refused at registration.
#[tokio::test(flavor = "multi_thread")]
async fn models_that_could_hurt_an_honest_executor_or_hide_a_lie_are_refused() {
    let mut node = DevNode::start(&["--block-time-ms", "1000"]);
    let api = node.client().await;
    let url = node.url();

    let too_wide_output = ModelFile::new("pad", &testing::pad_to_width(MAX_OUTPUT_BYTES + 1));
    refused(&api, &url, &too_wide_output, "Models::OutputTooLarge").await;

    let too_many_inputs = ModelFile::new(
        "concat",
        &testing::wide_concatenation(MAX_LAYER_INPUTS + 1, 4),
    );
    refused(&api, &url, &too_many_inputs, "Models::TooManyLayerInputs").await;

    let too_large_activation = ModelFile::new(
        "inner",
        &testing::wide_inner_activation(4, MAX_ACTIVATION_BYTES + 1),
    );
    refused(
        &api,
        &url,
        &too_large_activation,
        "Models::ActivationTooLarge",
    )
    .await;
}

/// A model at every limit: its concatenation reads `MAX_LAYER_INPUTS` activations, its output and
/// the activation its last layer reads are `MAX_ACTIVATION_BYTES` (= `MAX_OUTPUT_BYTES`). Bob
/// serves it honestly and is paid; Charlie lies on the concatenation, Ferdie on the last layer;
/// Dave refutes both.
#[tokio::test(flavor = "multi_thread")]
async fn a_lie_on_a_model_at_every_limit_is_refuted_and_honest_work_is_paid() {
    let mut node = DevNode::start(&["--block-time-ms", "1000"]);
    let api = node.client().await;
    let url = node.url();

    let width = MAX_ACTIVATION_BYTES / MAX_LAYER_INPUTS;
    let model = testing::widest_dispute(MAX_LAYER_INPUTS, width);
    let decoded = vigil_engine::decode_model(&model.encode()).expect("a valid model");
    assert_eq!(decoded.output_len() as u32, MAX_OUTPUT_BYTES);
    assert_eq!(
        decoded.layer_inputs(MAX_LAYER_INPUTS as usize - 1).len() as u32,
        MAX_LAYER_INPUTS
    );
    let file = ModelFile::new("limits", &model);
    let out = vigil(&[
        "model",
        "register",
        file.path(),
        "--url",
        &url,
        "--seed",
        "//Alice",
    ]);
    let model_id = field(&out, "model id").to_string();

    // The concatenation is layer MAX_LAYER_INPUTS - 1; the last layer reads its output.
    let concat_layer = format!("layer={},rate=1", MAX_LAYER_INPUTS - 1);
    let last_layer = format!("layer={},rate=1", MAX_LAYER_INPUTS);
    let mut executors = [
        Proc::start(
            "honest-executor",
            &["executor", "run", "--url", &url, "--seed", "//Bob"],
        ),
        Proc::start(
            "liar-on-concatenation",
            &[
                "executor",
                "run",
                "--url",
                &url,
                "--seed",
                "//Charlie",
                "--lie",
                &concat_layer,
            ],
        ),
        Proc::start(
            "liar-on-last-layer",
            &[
                "executor",
                "run",
                "--url",
                &url,
                "--seed",
                "//Ferdie",
                "--lie",
                &last_layer,
            ],
        ),
    ];
    let mut challenger = Proc::start(
        "challenger",
        &["challenger", "run", "--url", &url, "--seed", "//Dave"],
    );
    let ids = [dev::bob(), dev::charlie(), dev::ferdie()].map(|k| account(&k));
    {
        let mut procs: Vec<&mut Proc> = executors.iter_mut().collect();
        procs.push(&mut challenger);
        wait_until("the three executors are registered", &mut procs, || {
            let api = api.clone();
            async move {
                for id in &ids {
                    if executor(&api, id).await.is_none() {
                        return false;
                    }
                }
                true
            }
        })
        .await;
    }

    // One job per executor (round robin), on a MAX_LAYER_INPUTS × width input.
    let input = std::env::temp_dir().join(format!("vigil-attack-{}-input.bin", std::process::id()));
    std::fs::write(
        &input,
        (0..width).map(|i| (i % 251) as u8).collect::<Vec<u8>>(),
    )
    .unwrap();
    let mut jobs = Vec::new();
    for _ in 0..3 {
        jobs.push(common::processes::submit_job(
            &url, &model_id, &input, "1UNIT",
        ));
    }
    let _ = std::fs::remove_file(&input);

    let (bob, charlie, ferdie) = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string());
    let mut seen = Vec::new();
    for (job_id, assigned) in &jobs {
        let id = job_id.to_string();
        vigil(&["job", "watch", &id, "--url", &url]);
        let status = vigil(&["job", "status", &id, "--url", &url]);
        let first = status.lines().next().unwrap_or_default().to_string();
        let expected = if assigned == &bob {
            "finalized"
        } else {
            assert!(
                assigned == &charlie || assigned == &ferdie,
                "jobs go to the three executors"
            );
            "refuted"
        };
        assert_eq!(
            first,
            format!("job {job_id}: {expected}"),
            "job of {assigned}:\n{status}"
        );
        seen.push(assigned.clone());
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 3, "each executor had a job: {jobs:?}");
    for p in executors.iter_mut() {
        p.assert_running();
    }
    challenger.assert_running();
    let log = challenger.log();
    for layer in [MAX_LAYER_INPUTS - 1, MAX_LAYER_INPUTS] {
        assert!(
            log.contains(&format!("WRONG from layer {layer}")),
            "the challenger disputed layer {layer}:\n{log}"
        );
    }
}
