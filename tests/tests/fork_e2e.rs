//! End-to-end: an executor that takes jobs from best blocks, and a fork that drops its claim.
//!
//! `vigil executor run` claims a job as soon as a best block assigns it, before the block is
//! final. If that block is then lost to another fork, the same job id can belong to another job
//! there: a claim that could land on that fork would be a false claim, and its honest executor
//! would be slashed. So the executor signs each claim mortal from the block it read the job at,
//! which makes the claim valid only on a chain that contains that block, and claims again what
//! the chain that wins assigns to it.
//!
//! The development node makes blocks only on demand here (`--block-time-ms 0`, manual seal), so
//! the test builds the fork itself with `engine_createBlock(create_empty, finalize, parent)`:
//!
//! ```text
//!   P ── A (job 0: Eve's)                   Bob's claim for job 0 is signed from A
//!    └── B ── B2 (job 0: Ferdie's) ── C (job 1: Eve's again) ── D    finalized
//! ```
//!
//! On the fork, job 0 is Ferdie's: the claim from A would be false about it.
//!
//! Nothing here waits for a fixed time: each step polls for the state it needs, with a generous
//! timeout only as a failure guard. Every process started is killed (by PID) when dropped.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::chain::{account, executor, Api};
use common::processes::{register_digits, repo_root, wait_until, Proc};
use common::DevNode;
use subxt::dynamic;
use subxt::ext::scale_decode::DecodeAsType;
use subxt::rpcs::{rpc_params, RpcClient};
use subxt::utils::{AccountId32, H256};
use subxt_signer::sr25519::dev;

/// `Inference.Jobs`, the part read here.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct JobSeen {
    requester: AccountId32,
    executor: AccountId32,
    input: Vec<u8>,
}

/// `Inference.Claims`, the part read here.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct ClaimSeen {
    output: Vec<u8>,
}

/// The node's block making and pool, over its RPC.
struct Blocks {
    rpc: RpcClient,
}

impl Blocks {
    /// `engine_createBlock`: a block on `parent` (the best block if `None`); its hash.
    async fn create(&self, empty: bool, finalize: bool, parent: Option<H256>) -> H256 {
        let created: serde_json::Value = self
            .rpc
            .request("engine_createBlock", rpc_params![empty, finalize, parent])
            .await
            .expect("engine_createBlock");
        serde_json::from_value(created["hash"].clone()).expect("a block hash")
    }

    /// `engine_finalizeBlock`.
    async fn finalize(&self, hash: H256) {
        let done: bool = self
            .rpc
            .request(
                "engine_finalizeBlock",
                rpc_params![hash, Option::<()>::None],
            )
            .await
            .expect("engine_finalizeBlock");
        assert!(done, "block {hash:?} finalized");
    }

    /// The transactions in the pool (`author_pendingExtrinsics`), as hex.
    async fn pool(&self) -> Vec<String> {
        self.rpc
            .request("author_pendingExtrinsics", rpc_params![])
            .await
            .expect("author_pendingExtrinsics")
    }

    /// The extrinsics of block `hash`, as hex.
    async fn body(&self, hash: H256) -> Vec<String> {
        let block: serde_json::Value = self
            .rpc
            .request("chain_getBlock", rpc_params![hash])
            .await
            .expect("chain_getBlock");
        serde_json::from_value(block["block"]["extrinsics"].clone()).expect("extrinsics")
    }

    /// The best block's hash.
    async fn best(&self) -> H256 {
        self.rpc
            .request("chain_getBlockHash", rpc_params![])
            .await
            .expect("chain_getBlockHash")
    }
}

/// Seal (and finalize) a block whenever the pool holds a transaction, until `stop` is set: the
/// chain moves on while the programs register, as it would with a block timer.
fn seal_on_demand(url: String, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let blocks = Blocks {
            rpc: RpcClient::from_insecure_url(url).await.expect("connect"),
        };
        while !stop.load(Ordering::Relaxed) {
            if !blocks.pool().await.is_empty() {
                blocks.create(false, true, None).await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
}

/// Job `job_id` at block `at`.
async fn job_at(api: &Api, at: H256, job_id: u64) -> Option<JobSeen> {
    let at = api.at_block(at).await.expect("open the block");
    let addr = dynamic::storage::<(u64,), JobSeen>("Inference", "Jobs");
    let value = at
        .storage()
        .try_fetch(addr, (job_id,))
        .await
        .expect("read Inference.Jobs");
    value.map(|v| v.decode().expect("decode a job"))
}

/// The claim of job `job_id` at block `at`.
async fn claim_at(api: &Api, at: H256, job_id: u64) -> Option<ClaimSeen> {
    let at = api.at_block(at).await.expect("open the block");
    let addr = dynamic::storage::<(u64,), ClaimSeen>("Inference", "Claims");
    let value = at
        .storage()
        .try_fetch(addr, (job_id,))
        .await
        .expect("read Inference.Claims");
    value.map(|v| v.decode().expect("decode a claim"))
}

/// Digits test image `n` in a temporary file.
fn image(n: usize) -> PathBuf {
    let all = std::fs::read(repo_root().join("models/digits_test_inputs.bin")).unwrap();
    let path = std::env::temp_dir().join(format!("vigil-fork-{}-{n}.bin", std::process::id()));
    std::fs::write(&path, &all[64 * n..64 * (n + 1)]).unwrap();
    path
}

/// `vigil job submit` as `seed`, in the background: it hands the job to the node and waits for
/// its block to be finalized, which only this test decides.
fn submit(url: &str, model_id: &str, input: &Path, seed: &str) -> Proc {
    Proc::start(
        "submit",
        &[
            "job",
            "submit",
            "--model",
            model_id,
            "--input",
            input.to_str().unwrap(),
            "--fee",
            "1UNIT",
            "--url",
            url,
            "--seed",
            seed,
        ],
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_claim_signed_on_a_lost_fork_never_lands_and_the_job_is_claimed_again() {
    let mut node = DevNode::start(&["--block-time-ms", "0"]);
    let api = node.client().await;
    let url = node.url();
    let blocks = Blocks {
        rpc: RpcClient::from_insecure_url(&url).await.expect("connect"),
    };
    let model = vigil_engine::decode_model(
        &std::fs::read(repo_root().join("models/digits.vgm")).expect("read the model"),
    )
    .expect("a valid model");
    let bob = account(&dev::bob());

    // Set up with blocks sealed on demand: the model, and Bob as the only executor.
    let stop_sealing = Arc::new(AtomicBool::new(false));
    let sealer = seal_on_demand(url.clone(), stop_sealing.clone());
    let model_id = register_digits(&url);
    let mut bob_proc = Proc::start(
        "executor-bob",
        &["executor", "run", "--url", &url, "--seed", "//Bob"],
    );
    wait_until("Bob has registered and set his offer", &mut [], || {
        let log = bob_proc.log();
        async move { log.contains("offer set") }
    })
    .await;
    wait_until("the pool is empty", &mut [&mut bob_proc], || async {
        blocks.pool().await.is_empty()
    })
    .await;
    stop_sealing.store(true, Ordering::Relaxed);
    sealer.await.expect("the sealer stops");
    let bond = executor(&api, &bob).await.expect("Bob is an executor").bond;

    // Block A on P: Eve's job 0, assigned to Bob. Bob claims it from the best block A.
    let p = blocks.best().await;
    let mut eve_submit = submit(&url, &model_id, &image(0), "//Eve");
    wait_until("Eve's job is in the pool", &mut [], || async {
        blocks.pool().await.len() == 1
    })
    .await;
    let a = blocks.create(false, false, None).await;
    let eve_job = job_at(&api, a, 0).await.expect("job 0 in block A");
    assert_eq!(eve_job.requester, account(&dev::eve()));
    assert_eq!(eve_job.executor, bob, "job 0 is Bob's");
    wait_until(
        "Bob's claim from block A is in the pool",
        &mut [&mut bob_proc],
        || async { blocks.pool().await.len() == 1 },
    )
    .await;
    let claim_from_a = blocks.pool().await.remove(0);

    // The fork: B on P, then Ferdie's job, then B2 on B with Ferdie's job in it: job 0 on this
    // fork is Ferdie's, and the claim signed from A would be false about it. B2 is longer than
    // A, so it is the best block and A is lost: the pool takes Eve's job back.
    let b = blocks.create(true, false, Some(p)).await;
    let mut ferdie_submit = submit(&url, &model_id, &image(1), "//Ferdie");
    wait_until("Ferdie's job is in the pool", &mut [], || async {
        without(blocks.pool().await, &claim_from_a).len() == 1
    })
    .await;
    let b2 = blocks.create(true, false, Some(b)).await;
    assert_eq!(blocks.best().await, b2, "B2 is the best block");
    let ferdie_job = job_at(&api, b2, 0).await.expect("job 0 in block B2");
    assert_eq!(
        ferdie_job.requester,
        account(&dev::ferdie()),
        "job 0 on the fork is Ferdie's"
    );
    assert_eq!(ferdie_job.executor, bob, "and Bob's to run");
    assert_ne!(ferdie_job.input, eve_job.input, "another image than Eve's");

    // Bob claims Ferdie's job 0 from B2; Eve's job is back in the pool. Block C has both.
    wait_until(
        "Eve's job and Bob's claim from B2 are in the pool",
        &mut [&mut bob_proc],
        || async { without(blocks.pool().await, &claim_from_a).len() == 2 },
    )
    .await;
    let c = blocks.create(false, false, None).await;
    let eve_again = job_at(&api, c, 1).await.expect("job 1 in block C");
    assert_eq!(
        eve_again.requester,
        account(&dev::eve()),
        "job 1 on the fork is Eve's"
    );
    assert_eq!(eve_again.input, eve_job.input);
    assert_eq!(eve_again.executor, bob);
    let jobs = [(0u64, ferdie_job), (1u64, eve_again)];

    // Bob claims Eve's job 1 from C; the block with that claim is finalized, and with it B, B2
    // and C.
    wait_until(
        "Bob's claim from C is in the pool",
        &mut [&mut bob_proc],
        || async { without(blocks.pool().await, &claim_from_a).len() == 1 },
    )
    .await;
    let d = blocks.create(false, false, None).await;
    blocks.finalize(d).await;
    for (name, block) in [("B", b), ("B2", b2), ("C", c), ("D", d)] {
        assert!(
            !blocks.body(block).await.contains(&claim_from_a),
            "the claim signed from A is not in block {name}"
        );
    }
    for (job_id, job) in &jobs {
        let claim = claim_at(&api, d, *job_id)
            .await
            .unwrap_or_else(|| panic!("job {job_id} claimed in block D\n{}", bob_proc.log()));
        let honest = model
            .run(vigil_engine::as_i8(&job.input))
            .expect("the digits model runs");
        assert_eq!(
            claim.output,
            vigil_engine::as_u8(&honest.output).to_vec(),
            "the claim of job {job_id} is the model's output on that job's input"
        );
    }
    // Both submitters saw their job finalized.
    for p in [&mut eve_submit, &mut ferdie_submit] {
        wait_until("the submitter reports its job", &mut [], || async {
            p.log().contains("job ")
        })
        .await;
    }
    // Bob saw the fork: his claim from A is void and he claimed job 0 again.
    wait_until("Bob reports the void claim", &mut [], || {
        let log = bob_proc.log();
        async move { log.contains("void") }
    })
    .await;
    let log = bob_proc.log();
    assert!(
        !log.contains("refused"),
        "no claim of Bob was refused:\n{log}"
    );
    assert_eq!(
        executor(&api, &bob).await.expect("Bob is an executor").bond,
        bond,
        "Bob's bond is whole"
    );
    bob_proc.assert_running();
}

/// The pool's transactions other than `gone`.
fn without(mut pool: Vec<String>, gone: &str) -> Vec<String> {
    pool.retain(|tx| tx != gone);
    pool
}
