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

/// `vigil executor run` as `seed`, bonded for the test's open jobs, with `extra` arguments.
fn start_executor(name: &'static str, url: &str, seed: &str, extra: &[&str]) -> Proc {
    let mut args = vec![
        "executor",
        "run",
        "--url",
        url,
        "--seed",
        seed,
        "--bond",
        "20000UNIT",
    ];
    args.extend_from_slice(extra);
    Proc::start(name, &args)
}

/// `vigil bench load` of [`JOBS`] jobs from Eve, Ferdie and Alice; returns what it printed.
fn bench_load(url: &str, model_id: &str) -> String {
    let jobs = JOBS.to_string();
    vigil(&[
        "bench",
        "load",
        "--url",
        url,
        "--model",
        model_id,
        "--jobs",
        &jobs,
        "--from",
        "//Eve,//Ferdie,//Alice",
    ])
}

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

    let mut bob = start_executor("executor-bob", &url, "//Bob", &[]);
    let mut charlie = start_executor("executor-charlie", &url, "//Charlie", &[]);

    bob_and_charlie_are_executors(&api, &mut [&mut bob, &mut charlie]).await;
    let out = bench_load(&url, &model_id);
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

/// The number of false claims an executor's log says it sent: a line per claim, or a count per
/// block when it sent many at once.
fn false_claims_sent(log: &str) -> usize {
    log.lines()
        .map(|line| {
            if line.contains("sent a FALSE claim") {
                return 1;
            }
            line.split_once(" of them FALSE")
                .and_then(|(head, _)| head.rsplit(' ').next()?.parse().ok())
                .unwrap_or(0)
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
    let mut bob = start_executor("executor-bob", &url, "//Bob", &[]);
    let mut charlie = start_executor(
        "lying-executor-charlie",
        &url,
        "//Charlie",
        &["--lie", "layer=3,rate=0.3"],
    );
    let mut dave = Proc::start(
        "challenger-dave",
        &["challenger", "run", "--url", &url, "--seed", "//Dave"],
    );

    bob_and_charlie_are_executors(&api, &mut [&mut bob, &mut charlie, &mut dave]).await;
    let out = bench_load(&url, &model_id);
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
