//! End-to-end: an executor survives restarts, its own and the node's.
//!
//! On a real `vigil-node --dev` that keeps its state on disk, Bob runs an executor and Eve
//! submits jobs (Bob is the only executor, so every job is his):
//!
//! 1. Bob's process stops; a job is assigned to him meanwhile; his restarted process finds it
//!    on chain and answers it.
//! 2. The node stops (SIGTERM) and starts again on the same port and state, Bob's process still
//!    running: it reconnects by itself and answers the next job.
//! 3. Both stop; a job is assigned to Bob before they do; the node comes back, then Bob, who
//!    resumes that job.
//!
//! Every job must end finalized and paid to Bob: none may time out (a timeout would slash him).
//! Nothing waits for a fixed time; each wait has a generous timeout only as a failure guard.

mod common;

use std::path::PathBuf;
use std::time::Instant;

use common::chain::{account, executor, Api};
use common::processes::{register_digits, repo_root, submit_job, vigil, wait_until, Proc, WAIT};
use common::{free_port, DevNode};
use subxt_signer::sr25519::dev;

/// A directory removed when dropped (after the node using it has stopped).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn start_bob(url: &str) -> Proc {
    Proc::start(
        "executor-bob",
        &["executor", "run", "--url", url, "--seed", "//Bob"],
    )
}

/// Follow job `job_id` to its end and return the first line of its status.
fn outcome(url: &str, job_id: u64) -> String {
    let id = job_id.to_string();
    vigil(&["job", "watch", &id, "--url", url]);
    let status = vigil(&["job", "status", &id, "--url", url]);
    status.lines().next().unwrap_or_default().to_string()
}

/// Wait until `proc`'s log contains `text`.
async fn wait_for_log(proc: &mut Proc, text: &str) {
    wait_for_log_count(proc, text, 1).await;
}

/// Wait until `proc`'s log contains `text` at least `count` times.
async fn wait_for_log_count(proc: &mut Proc, text: &str, count: usize) {
    let deadline = Instant::now() + WAIT;
    while proc.log().matches(text).count() < count {
        proc.assert_running();
        assert!(
            Instant::now() < deadline,
            "no `{text}` in the log within {WAIT:?}:\n{}",
            proc.log()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

async fn bob_is_registered(api: &Api, bob: &mut Proc) {
    let bob_id = account(&dev::bob());
    wait_until("Bob is registered", &mut [bob], || {
        let (api, b) = (api.clone(), bob_id);
        async move { executor(&api, &b).await.is_some() }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_executor_answers_its_jobs_across_its_own_and_the_nodes_restarts() {
    let state = TempDir(std::env::temp_dir().join(format!("vigil-restart-{}", std::process::id())));
    let rpc_port = free_port();
    let node_args = ["--block-time-ms", "1000"];
    let mut node = DevNode::start_persistent(&state.0, rpc_port, &node_args);
    let api = node.client().await;
    let url = node.url();
    let bob_id = account(&dev::bob()).to_string();

    let model_id = register_digits(&url);
    let images =
        std::fs::read(repo_root().join("models/digits_test_inputs.bin")).expect("test images");
    let input = state
        .0
        .with_file_name(format!("vigil-restart-input-{}.bin", std::process::id()));
    std::fs::write(&input, &images[..64]).unwrap();

    let mut bob = start_bob(&url);
    bob_is_registered(&api, &mut bob).await;

    // 1. Bob's process stops; the chain assigns him a job; a new process takes it up.
    drop(bob);
    let (first, executor_of_first) = submit_job(&url, &model_id, &input, "1UNIT");
    assert_eq!(executor_of_first, bob_id, "Bob is the only executor");
    let mut bob = start_bob(&url);
    wait_for_log(&mut bob, "resuming 1 job(s) already assigned to me").await;
    assert_eq!(outcome(&url, first), format!("job {first}: finalized"));

    // 2. The node stops and comes back with its state; Bob's process reconnects by itself.
    drop(api);
    node.stop();
    wait_for_log(&mut bob, "node unavailable").await;
    let mut node = DevNode::start_persistent(&state.0, rpc_port, &node_args);
    let api = node.client().await;
    assert_eq!(
        outcome(&url, first),
        format!("job {first}: finalized"),
        "the restarted node kept the chain"
    );
    wait_for_log_count(&mut bob, "connected to", 2).await;
    let (second, _) = submit_job(&url, &model_id, &input, "1UNIT");
    assert_eq!(outcome(&url, second), format!("job {second}: finalized"));

    // 3. A job is assigned to Bob; Bob and the node stop; the node returns, then Bob resumes.
    drop(bob);
    let (third, _) = submit_job(&url, &model_id, &input, "1UNIT");
    drop(api);
    node.stop();
    let mut node = DevNode::start_persistent(&state.0, rpc_port, &node_args);
    let api = node.client().await;
    let mut bob = start_bob(&url);
    wait_for_log(&mut bob, "resuming 1 job(s) already assigned to me").await;
    assert_eq!(outcome(&url, third), format!("job {third}: finalized"));

    // Nothing timed out: Bob was never slashed and holds no job.
    let info = executor(&api, &account(&dev::bob()))
        .await
        .expect("Bob is registered");
    assert_eq!(info.open_jobs, 0, "every job settled");
    assert_eq!(info.locked, 0);
    assert!(!bob.log().contains("SLASHED"), "{}", bob.log());
    bob.assert_running();
    let _ = std::fs::remove_file(&input);
    drop(bob);
    drop(api);
    node.stop();
}
