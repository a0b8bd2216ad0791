//! End-to-end on a network: four validators of the `local` chain (real `vigil-node` processes on
//! loopback, Aura and GRANDPA), and the actors of the protocol on different nodes, as people on
//! different machines would be. Eve submits jobs through node 1; Bob (honest) and Charlie (lying
//! about layer 3 of every job) execute through node 2; Dave challenges through node 3. Before the
//! jobs are submitted validator 4 is killed: the three left make and finalize the blocks. Charlie's
//! claims are refuted and he is slashed, Bob is paid, Dave rewarded; then validator 4 is
//! restarted and, once it has caught up, the balances are read on it, which none of the actors
//! uses.
//!
//! Nothing here waits for a fixed time: each step waits for the state it needs, with a generous
//! timeout only as a failure guard. Every process started is killed (by PID) when its guard drops.

mod common;
#[path = "../../node/tests/common/mod.rs"]
mod network;

use std::time::{Duration, Instant};

use common::chain::{account, balances, executor};
use common::processes::{register_digits, repo_root, submit_job, vigil, wait_until, Proc, WAIT};
use network::Testnet;
use subxt::{OnlineClient, SubstrateConfig};
use subxt_signer::sr25519::dev;

const UNIT: u128 = 1_000_000_000_000;
/// The runtime's `JobCollateral` and `ChallengerReward` (see runtime/src/lib.rs).
const JOB_COLLATERAL: u128 = 100 * UNIT;
const CHALLENGER_REWARD: u128 = 10 * UNIT;
/// An upper bound on the transaction fees one account pays in this test.
const FEE_ALLOWANCE: u128 = 5 * UNIT;
const JOB_FEE: u128 = 10 * UNIT;
const JOBS: usize = 2;

#[tokio::test(flavor = "multi_thread")]
async fn a_false_claim_made_through_one_node_is_refuted_from_another_with_a_validator_down() {
    let mut net = Testnet::start(4);
    let (url1, url2, url3) = (net.node(0).url(), net.node(1).url(), net.node(2).url());
    network::wait_for(
        Duration::from_secs(300),
        "every validator finalizes block 1",
        || (net.min_finalized() >= 1).then_some(()),
        || net.report(),
    );
    let api = OnlineClient::<SubstrateConfig>::from_insecure_url(url1.clone())
        .await
        .expect("a client of node 1");

    let model_id = register_digits(&url1);
    let mut honest = Proc::start(
        "honest-executor",
        &["executor", "run", "--url", &url2, "--seed", "//Bob"],
    );
    let mut liar = Proc::start(
        "lying-executor",
        &[
            "executor",
            "run",
            "--url",
            &url2,
            "--seed",
            "//Charlie",
            "--lie",
            "layer=3,rate=1",
        ],
    );
    let mut challenger = Proc::start(
        "challenger",
        &["challenger", "run", "--url", &url3, "--seed", "//Dave"],
    );
    let (bob_id, charlie_id, dave_id) = (
        account(&dev::bob()),
        account(&dev::charlie()),
        account(&dev::dave()),
    );
    wait_until(
        "both executors are registered (seen on node 1)",
        &mut [&mut honest, &mut liar, &mut challenger],
        || {
            let api = api.clone();
            let (b, c) = (bob_id, charlie_id);
            async move { executor(&api, &b).await.is_some() && executor(&api, &c).await.is_some() }
        },
    )
    .await;
    let deadline = Instant::now() + WAIT;
    while !challenger.log().contains("connected to") {
        challenger.assert_running();
        assert!(Instant::now() < deadline, "the challenger did not connect");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Validator 4 goes down; blocks and finality go on with three.
    net.kill(3);
    let charlie_bond_before = executor(&api, &charlie_id).await.unwrap().bond;
    let bob_before = balances(&api, &bob_id).await;
    let dave_before = balances(&api, &dave_id).await;

    let images =
        std::fs::read(repo_root().join("models/digits_test_inputs.bin")).expect("test images");
    let dir = std::env::temp_dir().join(format!("vigil-net-inputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut jobs = Vec::new();
    for i in 0..JOBS {
        let path = dir.join(format!("image_{i}.bin"));
        std::fs::write(&path, &images[i * 64..(i + 1) * 64]).unwrap();
        jobs.push(submit_job(&url1, &model_id, &path, &JOB_FEE.to_string()));
    }
    let _ = std::fs::remove_dir_all(&dir);

    // Each job followed to its end through node 3, its status read through node 1.
    let (mut finalized_bob, mut refuted_charlie) = (0u128, 0u128);
    for (job_id, executor) in &jobs {
        let id = job_id.to_string();
        vigil(&["job", "watch", &id, "--url", &url3]);
        let status = vigil(&["job", "status", &id, "--url", &url1]);
        let first = status.lines().next().unwrap_or_default().to_string();
        if executor == &bob_id.to_string() {
            assert_eq!(first, format!("job {job_id}: finalized"), "{status}");
            finalized_bob += 1;
        } else {
            assert_eq!(executor, &charlie_id.to_string());
            assert_eq!(first, format!("job {job_id}: refuted"), "{status}");
            refuted_charlie += 1;
        }
    }
    assert!(
        finalized_bob > 0 && refuted_charlie > 0,
        "round robin gave both executors jobs: {jobs:?}"
    );
    for p in [&mut honest, &mut liar, &mut challenger] {
        p.assert_running();
    }

    // Validator 4 returns and catches up with the verdicts; the balances as it sees them.
    // (the highest finalized head among the three, so that it holds every verdict `job watch`
    // saw on node 3)
    let target = (0..3).map(|i| net.node(i).finalized().0).max().unwrap();
    net.restart(3);
    let url4 = net.node(3).url();
    network::wait_for(
        Duration::from_secs(300),
        "validator 4 catches up with the finalized verdicts",
        || (net.node(3).finalized().0 >= target).then_some(()),
        || net.report(),
    );
    let api = OnlineClient::<SubstrateConfig>::from_insecure_url(url4)
        .await
        .expect("a client of node 4");
    let charlie_info = executor(&api, &charlie_id)
        .await
        .expect("Charlie registered");
    assert_eq!(
        charlie_bond_before - charlie_info.bond,
        JOB_COLLATERAL * refuted_charlie,
        "Charlie slashed by JobCollateral per false claim"
    );
    let bob_after = balances(&api, &bob_id).await;
    let bob_gain = bob_after.free as i128 - bob_before.free as i128;
    let paid = (JOB_FEE * finalized_bob) as i128;
    assert!(
        bob_gain <= paid && bob_gain > paid - FEE_ALLOWANCE as i128,
        "Bob gained {bob_gain}, paid {paid}"
    );
    let dave_after = balances(&api, &dave_id).await;
    let dave_gain = dave_after.free as i128 - dave_before.free as i128;
    let reward = (CHALLENGER_REWARD * refuted_charlie) as i128;
    assert!(
        dave_gain <= reward && dave_gain > reward - FEE_ALLOWANCE as i128,
        "Dave gained {dave_gain}, reward {reward}"
    );
    assert_eq!(
        dave_after.reserved, dave_before.reserved,
        "Dave's bonds released"
    );

    // All four validators still agree on the finalized chain.
    let (number, hash) = net.node(3).finalized();
    for i in 0..3 {
        assert_eq!(
            net.node(i).block_hash(number),
            Some(hash.clone()),
            "node {i}"
        );
    }
    drop(challenger);
    drop(liar);
    drop(honest);
    drop(net);
}
