//! End-to-end: the incentives against a real `vigil-node --dev`, with the real `vigil` program.
//!
//! - A lie is caught by an audit when no challenger runs: Charlie lies on every job, Dave only
//!   watches (`vigil watcher run --audits-only`); the claims drawn for audit are refuted by Dave.
//! - A watcher is paid when nobody lies: Bob answers honestly, Dave answers his audits and is paid
//!   half the fee of each.
//! - A copied challenge earns its copier nothing: Dave commits to a refutation, then reveals it;
//!   Ferdie, who sees the reveal in the pool, commits and sends the same challenge with a tip.
//!   Whoever's reveal lands first, the reward goes to Dave.
//!
//! Audits are drawn at random (probability 60 %). The tests submit enough jobs that a run without
//! any audit has a probability below one in ten thousand; they wait for states, never for a fixed
//! time, and every process started is killed (by PID) when its guard drops.

mod common;

use std::path::{Path, PathBuf};

use common::chain::{account, balances, executor, job_status, watcher, Api, JobStatus};
use common::processes::{
    register_digits, repo_root, submit_job, vigil, vigil_fails, wait_until, Proc,
};
use common::DevNode;
use subxt::config::SubstrateExtrinsicParamsBuilder;
use subxt::{dynamic, SubstrateConfig};
use subxt_signer::sr25519::{dev, Keypair};

const UNIT: u128 = 1_000_000_000_000;
/// The runtime's `ChallengerReward`, `AuditFeeShare` (of a 1 UNIT fee) and `MinWatcherStake`.
const CHALLENGER_REWARD: u128 = 10 * UNIT;
const AUDIT_SHARE_OF_ONE_UNIT: u128 = UNIT / 2;
const WATCHER_STAKE: u128 = 100 * UNIT;
/// More than anyone's transaction fees in a test.
const FEES: u128 = UNIT / 10;
/// Jobs per test: with audits at 60 %, all unaudited has probability 0.4^12 < 2e-5.
const JOBS: usize = 12;

/// The digits test images, one file per job, in a directory removed when dropped.
struct Inputs(PathBuf);

impl Inputs {
    fn new(tag: &str) -> Inputs {
        let images =
            std::fs::read(repo_root().join("models/digits_test_inputs.bin")).expect("test images");
        let dir =
            std::env::temp_dir().join(format!("vigil-incentives-{}-{tag}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..JOBS {
            std::fs::write(dir.join(format!("{i}.bin")), &images[i * 64..(i + 1) * 64]).unwrap();
        }
        Inputs(dir)
    }

    fn path(&self, i: usize) -> PathBuf {
        self.0.join(format!("{i}.bin"))
    }
}

impl Drop for Inputs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn start(name: &'static str, args: &[&str], url: &str) -> Proc {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--url", url]);
    Proc::start(name, &all)
}

/// Wait until `executor_key` is an executor and `watcher_key` a watcher with its stake.
async fn registered(
    api: &Api,
    executor_key: &Keypair,
    watcher_key: &Keypair,
    procs: &mut [&mut Proc],
) {
    let (e, w) = (account(executor_key), account(watcher_key));
    wait_until("the executor and the watcher are registered", procs, || {
        let api = api.clone();
        async move {
            executor(&api, &e).await.is_some()
                && watcher(&api, &w)
                    .await
                    .is_some_and(|w| w.stake == WATCHER_STAKE)
        }
    })
    .await;
}

/// Eve submits the jobs; each is followed to its end with `vigil job watch`. Returns their ids.
fn submit_and_settle(url: &str, model_id: &str, inputs: &Inputs) -> Vec<u64> {
    let jobs: Vec<u64> = (0..JOBS)
        .map(|i| submit_job(url, model_id, &inputs.path(i), "1UNIT").0)
        .collect();
    for job in &jobs {
        vigil(&["job", "watch", &job.to_string(), "--url", url]);
    }
    jobs
}

fn total(b: &common::chain::AccountData) -> u128 {
    b.free + b.reserved
}

#[tokio::test(flavor = "multi_thread")]
async fn an_audit_catches_a_lie_when_no_challenger_runs() {
    let mut node = DevNode::start(&["--block-time-ms", "1000"]);
    let api = node.client().await;
    let url = node.url();
    let model_id = register_digits(&url);
    let inputs = Inputs::new("audit");

    let mut liar = start(
        "lying-executor",
        &[
            "executor",
            "run",
            "--seed",
            "//Charlie",
            "--bond",
            "3000UNIT",
            "--lie",
            "layer=1,rate=1",
        ],
        &url,
    );
    let mut dave = start(
        "watcher",
        &["watcher", "run", "--seed", "//Dave", "--audits-only"],
        &url,
    );
    registered(
        &api,
        &dev::charlie(),
        &dev::dave(),
        &mut [&mut liar, &mut dave],
    )
    .await;
    let (charlie, dave_id) = (account(&dev::charlie()), account(&dev::dave()));
    let bond_before = executor(&api, &charlie).await.unwrap().bond;
    let dave_before = balances(&api, &dave_id).await;

    let jobs = submit_and_settle(&url, &model_id, &inputs);
    let mut refuted = 0u128;
    for job in &jobs {
        match job_status(&api, *job).await {
            Some(JobStatus::Refuted) => refuted += 1,
            Some(JobStatus::Finalized) => {}
            other => panic!("job {job} ended {other:?}\nwatcher log:\n{}", dave.log()),
        }
    }
    assert!(
        refuted > 0,
        "no lie was refuted in {JOBS} jobs\nwatcher log:\n{}",
        dave.log()
    );
    // Only the watcher re-executes anything here: every refutation is an audit's.
    assert!(dave.log().contains("drawn to audit"), "{}", dave.log());
    let bond_after = executor(&api, &charlie).await.unwrap().bond;
    assert_eq!(
        bond_before - bond_after,
        refuted * 100 * UNIT,
        "Charlie loses each lie's collateral"
    );
    let dave_after = balances(&api, &dave_id).await;
    let gained = total(&dave_after) as i128 - total(&dave_before) as i128;
    let rewards = (refuted * CHALLENGER_REWARD) as i128;
    assert!(
        gained <= rewards && gained > rewards - FEES as i128,
        "Dave gains the reward of each refutation less his fees: {gained} vs {rewards}"
    );
    assert_eq!(
        watcher(&api, &dave_id).await.unwrap().stake,
        WATCHER_STAKE,
        "the watcher answered every audit"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_watcher_is_paid_when_nobody_lies() {
    let mut node = DevNode::start(&["--block-time-ms", "1000"]);
    let api = node.client().await;
    let url = node.url();
    let model_id = register_digits(&url);
    let inputs = Inputs::new("paid");

    let mut bob = start(
        "honest-executor",
        &["executor", "run", "--seed", "//Bob", "--bond", "3000UNIT"],
        &url,
    );
    let mut dave = start(
        "watcher",
        &["watcher", "run", "--seed", "//Dave", "--audits-only"],
        &url,
    );
    registered(&api, &dev::bob(), &dev::dave(), &mut [&mut bob, &mut dave]).await;
    let (bob_id, dave_id) = (account(&dev::bob()), account(&dev::dave()));
    let bob_before = balances(&api, &bob_id).await;
    let dave_before = balances(&api, &dave_id).await;

    let jobs = submit_and_settle(&url, &model_id, &inputs);
    for job in &jobs {
        assert_eq!(
            job_status(&api, *job).await,
            Some(JobStatus::Finalized),
            "job {job}"
        );
    }
    let dave_gain = total(&balances(&api, &dave_id).await) as i128 - total(&dave_before) as i128;
    let bob_gain = total(&balances(&api, &bob_id).await) as i128 - total(&bob_before) as i128;
    // Dave is paid half the fee of each audit he attested, less his attestations' fees.
    let audits = (dave_gain + FEES as i128) / AUDIT_SHARE_OF_ONE_UNIT as i128;
    assert!(
        audits >= 1,
        "Dave earned {dave_gain} in {JOBS} jobs\nwatcher log:\n{}",
        dave.log()
    );
    let paid = audits * AUDIT_SHARE_OF_ONE_UNIT as i128;
    assert!(
        dave_gain <= paid && dave_gain > paid - FEES as i128,
        "{dave_gain} vs {paid}"
    );
    // The fees went to the executor and the watcher, nowhere else.
    let fees_paid = (JOBS as u128 * UNIT) as i128;
    assert!(
        bob_gain + dave_gain <= fees_paid && bob_gain + dave_gain > fees_paid - 2 * FEES as i128,
        "Bob {bob_gain} + Dave {dave_gain} vs {fees_paid}"
    );
    assert_eq!(watcher(&api, &dave_id).await.unwrap().stake, WATCHER_STAKE);
    assert!(dave.log().contains("attested"), "{}", dave.log());
}

/// Job `job_id`'s input, as Eve submitted it from `inputs`.
fn refutation(input: &Path, layer: usize) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(repo_root().join("models/digits.vgm")).expect("the digits model");
    let model = vigil_engine::decode_model(&bytes).expect("a valid model");
    let input = std::fs::read(input).unwrap();
    let mut acts = vec![input.clone()];
    model
        .run_with(vigil_engine::as_i8(&input), |_, out| {
            acts.push(vigil_engine::as_u8(out).to_vec())
        })
        .expect("the model runs");
    model
        .layer_inputs(layer)
        .iter()
        .map(|&id| acts[id as usize].clone())
        .collect()
}

/// Sign `call` as `who` with `tip` and `nonce`, and hand it to the node without waiting.
async fn send<C: subxt::transactions::Payload>(
    api: &Api,
    who: &Keypair,
    call: &C,
    tip: u128,
    nonce: u64,
) {
    let params = SubstrateExtrinsicParamsBuilder::<SubstrateConfig>::new()
        .tip(tip)
        .nonce(nonce)
        .build();
    api.transactions()
        .await
        .expect("a transactions client")
        .sign_and_submit(call, who, params)
        .await
        .expect("the node accepts the transaction");
}

/// The part of `System.Account` read for the nonce.
#[derive(Debug, subxt::ext::scale_decode::DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct AccountNonce {
    nonce: u32,
}

/// `who`'s nonce at the latest finalized block: its transactions included so far.
async fn nonce(api: &Api, who: &subxt::utils::AccountId32) -> u64 {
    let at = api.at_current_block().await.expect("the current block");
    let addr = dynamic::storage::<([u8; 32],), AccountNonce>("System", "Account");
    let value = at
        .storage()
        .fetch(addr, (who.0,))
        .await
        .expect("read System.Account");
    u64::from(value.decode().expect("decode the nonce").nonce)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copied_challenge_earns_its_copier_nothing() {
    let mut node = DevNode::start(&["--block-time-ms", "1000"]);
    let api = node.client().await;
    let url = node.url();
    let model_id = register_digits(&url);
    let inputs = Inputs::new("copy");

    let mut liar = start(
        "lying-executor",
        &[
            "executor",
            "run",
            "--seed",
            "//Charlie",
            "--lie",
            "layer=1,rate=1",
        ],
        &url,
    );
    let charlie = account(&dev::charlie());
    wait_until("Charlie is an executor", &mut [&mut liar], || {
        let api = api.clone();
        async move { executor(&api, &charlie).await.is_some() }
    })
    .await;
    // An input of the wrong length is refused by the client, naming the tensor it does not fit.
    let short = inputs.0.join("short.bin");
    std::fs::write(&short, [0u8; 63]).unwrap();
    let refused = vigil_fails(&[
        "job",
        "submit",
        "--model",
        &model_id,
        "--input",
        short.to_str().unwrap(),
        "--fee",
        "1UNIT",
        "--url",
        &url,
        "--seed",
        "//Eve",
    ]);
    assert!(
        refused.contains("holds 63 bytes") && refused.contains("needs 64"),
        "{refused}"
    );
    let (job, _) = submit_job(&url, &model_id, &inputs.path(0), "1UNIT");
    wait_until("Charlie's false claim is posted", &mut [&mut liar], || {
        let api = api.clone();
        async move { job_status(&api, job).await == Some(JobStatus::Claimed) }
    })
    .await;

    let layer = 1u32;
    let data = refutation(&inputs.path(0), layer as usize);
    let refs: Vec<&[u8]> = data.iter().map(|d| &d[..]).collect();
    let (dave, ferdie) = (dev::dave(), dev::ferdie());
    let (dave_id, ferdie_id) = (account(&dave), account(&ferdie));
    let dave_before = balances(&api, &dave_id).await;
    let ferdie_before = balances(&api, &ferdie_id).await;

    // Dave commits, and waits for his commitment to be finalized.
    let commitment = vigil_engine::challenge_commitment(&dave_id.0, job, layer, &refs);
    let dave_nonce = nonce(&api, &dave_id).await;
    send(
        &api,
        &dave,
        &dynamic::transaction("Inference", "commit_challenge", (job, commitment)),
        0,
        dave_nonce,
    )
    .await;
    wait_until(
        "Dave's commitment is in a finalized block",
        &mut [&mut liar],
        || {
            let api = api.clone();
            async move { nonce(&api, &dave_id).await == dave_nonce + 1 }
        },
    )
    .await;
    // Dave reveals; Ferdie, seeing the reveal pending, commits to it in his own name and sends
    // the same challenge with a tip, so that the block author orders his first.
    let challenge = dynamic::transaction("Inference", "challenge", (job, layer, data.clone()));
    send(&api, &dave, &challenge, 0, dave_nonce + 1).await;
    let copied = vigil_engine::challenge_commitment(&ferdie_id.0, job, layer, &refs);
    let ferdie_nonce = nonce(&api, &ferdie_id).await;
    let copy = dynamic::transaction("Inference", "commit_challenge", (job, copied));
    send(&api, &ferdie, &copy, UNIT, ferdie_nonce).await;
    send(&api, &ferdie, &challenge, UNIT, ferdie_nonce + 1).await;
    // One reveal refutes; the other (and a commitment after the refutation) is refused.
    wait_until(
        "every transaction is in a finalized block",
        &mut [&mut liar],
        || {
            let api = api.clone();
            let (d, f) = (dave_id, ferdie_id);
            async move {
                nonce(&api, &d).await == dave_nonce + 2 && nonce(&api, &f).await == ferdie_nonce + 2
            }
        },
    )
    .await;
    assert_eq!(job_status(&api, job).await, Some(JobStatus::Refuted));

    let dave_gain = total(&balances(&api, &dave_id).await) as i128 - total(&dave_before) as i128;
    let ferdie_gain =
        total(&balances(&api, &ferdie_id).await) as i128 - total(&ferdie_before) as i128;
    assert!(
        dave_gain > (CHALLENGER_REWARD - FEES) as i128,
        "the first to commit is rewarded: Dave gained {dave_gain}"
    );
    assert!(
        ferdie_gain < 0 && ferdie_gain > -((2 * UNIT + FEES) as i128),
        "the copier earns nothing and loses at most its tips and fees: {ferdie_gain}"
    );
    assert_eq!(
        balances(&api, &ferdie_id).await.reserved,
        ferdie_before.reserved,
        "nothing held"
    );
}
