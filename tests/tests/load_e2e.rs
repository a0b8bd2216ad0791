//! End-to-end: `vigil bench load` against a real node, as `scripts/bench-load` runs it but small.
//!
//! 60 jobs from three accounts as fast as the node takes them, two executors with bonds. The
//! figures printed are not checked (speed is for the benchmark, not for tests); what is checked
//! is that every job is accounted for: all accepted, included and settled, none failed or
//! missing. With one executor lying about some of its jobs and a challenger running, every false
//! claim must be refuted and every true one finalized: a challenger that fell behind under load
//! would let lies through.

mod common;

use common::chain::{account, executor, Api};
use common::processes::{field, register_digits, vigil, wait_until, Proc};
use common::DevNode;
use subxt_signer::sr25519::dev;

const JOBS: usize = 60;

/// Wait until Bob and Charlie are registered executors (their processes register them).
async fn bob_and_charlie_are_executors(api: &Api, procs: &mut [&mut Proc]) {
    let ids = [account(&dev::bob()), account(&dev::charlie())];
    wait_until("Bob and Charlie are registered", procs, || {
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

    bob_and_charlie_are_executors(&api, &mut [&mut bob, &mut charlie]).await;
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

/// The number of false claims `executor`'s log says it sent.
fn false_claims_sent(log: &str) -> usize {
    log.lines()
        .map(|line| {
            if line.contains("sent a FALSE claim") {
                1
            } else if let Some(head) = line
                .split(" of them FALSE")
                .next()
                .filter(|_| line.contains(" of them FALSE"))
            {
                head.rsplit(' ')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0)
            } else {
                0
            }
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn under_load_every_false_claim_is_refuted() {
    // Two-second blocks: the 10-block window gives the challenger 20 s for work that takes a
    // fraction of one, even in a debug build.
    let mut node = DevNode::start(&["--block-time-ms", "2000"]);
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
        "lying-executor-charlie",
        &[
            "executor",
            "run",
            "--url",
            &url,
            "--seed",
            "//Charlie",
            "--bond",
            "20000UNIT",
            "--lie",
            "layer=3,rate=0.3",
        ],
    );
    let mut dave = Proc::start(
        "challenger-dave",
        &["challenger", "run", "--url", &url, "--seed", "//Dave"],
    );

    bob_and_charlie_are_executors(&api, &mut [&mut bob, &mut charlie, &mut dave]).await;
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
    let lies = false_claims_sent(&charlie.log());
    assert!(lies > 0, "Charlie lied at least once:\n{}", charlie.log());
    let summary = field(&out, "jobs");
    assert_eq!(
        summary,
        format!(
            "{JOBS}: {JOBS} accepted by the node, 0 refused, {JOBS} included, 0 failed on chain, \
             {} finalized, {lies} settled otherwise",
            JOBS - lies
        ),
        "every false claim refuted, every true one finalized:\n{out}"
    );
    let won = dave.log().matches("the executor was wrong").count();
    assert_eq!(won, lies, "Dave won a dispute per lie:\n{}", dave.log());
    assert!(!dave.log().contains("claim stood"), "{}", dave.log());
    for p in [&mut bob, &mut charlie, &mut dave] {
        p.assert_running();
    }
}
