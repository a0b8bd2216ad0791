//! End-to-end: `vigil bench load` against a real node, as `scripts/bench-load` runs it but small.
//!
//! Two executors with bonds, 60 jobs from three accounts as fast as the node takes them. The
//! figures it prints are not checked (speed is for the benchmark, not for tests); what is checked
//! is that the command accounts for every job: all accepted, all included, none failed, all
//! finalized, none missing.

mod common;

use common::chain::{account, executor};
use common::processes::{field, register_digits, vigil, wait_until, Proc};
use common::DevNode;
use subxt_signer::sr25519::dev;

const JOBS: usize = 60;

#[tokio::test(flavor = "multi_thread")]
async fn bench_load_accounts_for_every_job() {
    let mut node = DevNode::start(&["--block-time-ms", "1000"]);
    let api = node.client().await;
    let url = node.url();
    let model_id = register_digits(&url);

    let mut bob = Proc::start(
        "executor-bob",
        &[
            "executor",
            "run",
            "--url",
            &url,
            "--seed",
            "//Bob",
            "--bond",
            "20000UNIT",
        ],
    );
    let mut charlie = Proc::start(
        "executor-charlie",
        &[
            "executor",
            "run",
            "--url",
            &url,
            "--seed",
            "//Charlie",
            "--bond",
            "20000UNIT",
        ],
    );
    let ids = [account(&dev::bob()), account(&dev::charlie())];
    wait_until(
        "both executors are registered",
        &mut [&mut bob, &mut charlie],
        || {
            let (api, ids) = (api.clone(), ids);
            async move {
                for id in &ids {
                    if executor(&api, id).await.is_none() {
                        return false;
                    }
                }
                true
            }
        },
    )
    .await;

    let jobs = JOBS.to_string();
    let out = vigil(&[
        "bench",
        "load",
        "--url",
        &url,
        "--model",
        &model_id,
        "--jobs",
        &jobs,
        "--from",
        "//Eve,//Ferdie,//Alice",
    ]);
    let summary = field(&out, "jobs");
    assert_eq!(
        summary,
        format!(
            "{JOBS}: {JOBS} accepted by the node, 0 refused, {JOBS} included, 0 failed on chain, \
             {JOBS} finalized, 0 settled otherwise"
        ),
        "{out}"
    );
    assert!(!out.contains("missing"), "{out}");
    for line in [
        "submitted",
        "included",
        "finalized claims",
        "block fill",
        "latency",
        "adjudication",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(line)),
            "no `{line}` figure in:\n{out}"
        );
    }
    bob.assert_running();
    charlie.assert_running();
    drop(bob);
    drop(charlie);
    drop(node);
}
