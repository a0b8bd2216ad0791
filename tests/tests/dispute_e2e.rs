//! End-to-end: the whole optimistic protocol on a real `vigil-node --dev`, driven by the real
//! `vigil` program in separate processes, as people would run it.
//!
//! Alice registers the digits model; Bob runs an honest executor, Charlie an executor that lies
//! about layer 3 of every job, Dave a challenger; Eve submits jobs. The chain assigns the jobs
//! round robin. Every job of Bob's must finalize and pay Bob; every job of Charlie's must be
//! challenged by Dave, refuted on chain, Charlie slashed, Dave rewarded and Eve refunded.
//!
//! Nothing here waits for a fixed time: each step waits for the state it needs, with a generous
//! timeout only as a failure guard. Every process started is killed (by PID) when its guard drops.

mod common;

use std::time::{Duration, Instant};

use common::chain::{account, balances, executor, executor_list, job_deposit};
use common::processes::{
    field, register_digits, repo_root, submit_job, vigil, wait_until, Proc, WAIT,
};
use common::DevNode;
use subxt_signer::sr25519::dev;
const UNIT: u128 = 1_000_000_000_000;
/// The runtime's `JobCollateral`, `ChallengerReward`, `RequesterCompensation` (of the
/// collateral), `ChallengerBond` and `CommitmentDeposit` (see runtime/src/lib.rs).
const JOB_COLLATERAL: u128 = 100 * UNIT;
const CHALLENGER_REWARD: u128 = 10 * UNIT;
const REQUESTER_COMPENSATION: u128 = 50 * UNIT;
const COMMITMENT_DEPOSIT: u128 = UNIT;
const CHALLENGER_BOND: u128 = 40 * UNIT;
/// An upper bound on the transaction fees one account pays in this test.
const FEE_ALLOWANCE: u128 = 5 * UNIT;
const JOB_FEE: u128 = 10 * UNIT;
const JOBS: usize = 4;

#[tokio::test(flavor = "multi_thread")]
async fn honest_claims_finalize_and_a_false_claim_is_caught_and_slashed() {
    // One-second blocks: the claim timeout and the challenge window (10 to 20 blocks) leave the
    // executors and the challenger many seconds for work that takes a fraction of one.
    let mut node = DevNode::start(&["--block-time-ms", "1000"]);
    let api = node.client().await;
    let url = node.url();
    let (alice, bob, charlie, dave, eve) = (
        dev::alice(),
        dev::bob(),
        dev::charlie(),
        dev::dave(),
        dev::eve(),
    );

    // Alice registers the digits model.
    let model_id = register_digits(&url);
    let _ = alice;

    // Bob (honest), Charlie (lies about layer 3 of every job) and Dave (challenger).
    let mut honest = Proc::start(
        "honest-executor",
        &["executor", "run", "--url", &url, "--seed", "//Bob"],
    );
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
            "layer=3,rate=1",
        ],
    );
    let mut challenger = Proc::start(
        "challenger",
        &["challenger", "run", "--url", &url, "--seed", "//Dave"],
    );

    let (bob_id, charlie_id, dave_id, eve_id) = (
        account(&bob),
        account(&charlie),
        account(&dave),
        account(&eve),
    );
    wait_until(
        "both executors are registered",
        &mut [&mut honest, &mut liar, &mut challenger],
        || {
            let api = api.clone();
            let (b, c) = (bob_id, charlie_id);
            async move { executor(&api, &b).await.is_some() && executor(&api, &c).await.is_some() }
        },
    )
    .await;
    // The challenger is following blocks before the first claim (it would also find open claims
    // at start-up, but a test that shows the usual order is easier to read).
    let deadline = Instant::now() + WAIT;
    while !challenger.log().contains("connected to") {
        challenger.assert_running();
        assert!(
            Instant::now() < deadline,
            "the challenger did not connect within {WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let charlie_bond_before = executor(&api, &charlie_id).await.unwrap().bond;
    let bob_before = balances(&api, &bob_id).await;
    let dave_before = balances(&api, &dave_id).await;
    let eve_before = balances(&api, &eve_id).await;

    // Eve submits jobs: digits test images.
    let images =
        std::fs::read(repo_root().join("models/digits_test_inputs.bin")).expect("test images");
    let dir = std::env::temp_dir().join(format!("vigil-e2e-inputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut jobs = Vec::new();
    for i in 0..JOBS {
        let path = dir.join(format!("image_{i}.bin"));
        std::fs::write(&path, &images[i * 64..(i + 1) * 64]).unwrap();
        jobs.push(submit_job(&url, &model_id, &path, &JOB_FEE.to_string()));
    }
    let _ = std::fs::remove_dir_all(&dir);

    // Follow every job to its end with `vigil job watch`, then read its final status.
    let mut finalized_bob = 0u128;
    let mut refuted_charlie = 0u128;
    for (job_id, executor) in &jobs {
        let id = job_id.to_string();
        vigil(&["job", "watch", &id, "--url", &url]);
        let status = vigil(&["job", "status", &id, "--url", &url]);
        let first = status.lines().next().unwrap_or_default().to_string();
        if executor == &bob_id.to_string() {
            assert_eq!(
                first,
                format!("job {job_id}: finalized"),
                "Bob's job:\n{status}"
            );
            finalized_bob += 1;
        } else {
            assert_eq!(
                executor,
                &charlie_id.to_string(),
                "jobs go to the two executors"
            );
            assert_eq!(
                first,
                format!("job {job_id}: refuted"),
                "Charlie's job:\n{status}"
            );
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

    // Balances add up.
    let bob_after = balances(&api, &bob_id).await;
    let dave_after = balances(&api, &dave_id).await;
    let eve_after = balances(&api, &eve_id).await;
    let charlie_info = executor(&api, &charlie_id)
        .await
        .expect("Charlie is still registered");

    // Bob was paid each finalized job's fee (less his claims' transaction fees).
    let bob_gain = bob_after.free as i128 - bob_before.free as i128;
    let paid = (JOB_FEE * finalized_bob) as i128;
    assert!(
        bob_gain <= paid && bob_gain > paid - FEE_ALLOWANCE as i128,
        "Bob gained {bob_gain}, paid {paid}"
    );
    assert_eq!(
        bob_after.reserved, bob_before.reserved,
        "Bob's bond is intact"
    );

    // Charlie lost one collateral per false claim.
    assert_eq!(
        charlie_bond_before - charlie_info.bond,
        JOB_COLLATERAL * refuted_charlie,
        "Charlie slashed by JobCollateral per false claim"
    );
    assert_eq!(charlie_info.open_jobs, 0);
    assert_eq!(charlie_info.locked, 0);

    // Dave earned the reward per dispute, his bond released (less his challenges' fees).
    let dave_gain = dave_after.free as i128 - dave_before.free as i128;
    let reward = (CHALLENGER_REWARD * refuted_charlie) as i128;
    assert!(
        dave_gain <= reward && dave_gain > reward - FEE_ALLOWANCE as i128,
        "Dave gained {dave_gain}, reward {reward}"
    );
    assert_eq!(
        dave_after.reserved, dave_before.reserved,
        "Dave's challenger bonds are released"
    );

    // Eve paid only for the finalized jobs: the refuted ones were refunded, and compensated.
    // Eve paid the finalized jobs' fees and was compensated for each refuted one.
    let paid = paid - (REQUESTER_COMPENSATION * refuted_charlie) as i128;
    let eve_spent = eve_before.free as i128 - eve_after.free as i128;
    assert!(
        eve_spent >= paid && eve_spent < paid + FEE_ALLOWANCE as i128,
        "Eve spent {eve_spent}, paid {paid}"
    );
    // What Eve still has on hold is the storage deposits of her jobs, kept for the retention.
    let mut deposits = 0u128;
    for (job_id, _) in &jobs {
        deposits += job_deposit(&api, *job_id).await;
    }
    assert!(deposits > 0, "every job holds a storage deposit");
    assert_eq!(
        eve_after.reserved - eve_before.reserved,
        deposits,
        "no fee is still held, only the jobs' storage deposits"
    );

    drop(challenger);
    drop(liar);
    drop(honest);
    drop(node);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_false_challenge_costs_its_bond_and_a_silent_executors_job_completes_elsewhere() {
    // One-second blocks: a 10 s claim timeout; the challenge below waits for the claim itself.
    let mut node = DevNode::start(&["--block-time-ms", "1000"]);
    let api = node.client().await;
    let url = node.url();
    let (bob, dave, eve, ferdie) = (dev::bob(), dev::dave(), dev::eve(), dev::ferdie());
    let (bob_id, dave_id, ferdie_id) = (account(&bob), account(&dave), account(&ferdie));

    let model_id = register_digits(&url);

    // Ferdie registers as an executor, then his process dies: he will answer nothing.
    let mut ferdie_proc = Proc::start(
        "silent-executor",
        &["executor", "run", "--url", &url, "--seed", "//Ferdie"],
    );
    wait_until("Ferdie is registered", &mut [&mut ferdie_proc], || {
        let (api, f) = (api.clone(), ferdie_id);
        async move { executor(&api, &f).await.is_some() }
    })
    .await;
    drop(ferdie_proc);
    let mut honest = Proc::start(
        "honest-executor",
        &["executor", "run", "--url", &url, "--seed", "//Bob"],
    );
    wait_until("Bob is registered", &mut [&mut honest], || {
        let (api, b) = (api.clone(), bob_id);
        async move { executor(&api, &b).await.is_some() }
    })
    .await;
    let ferdie_bond_before = executor(&api, &ferdie_id).await.unwrap().bond;

    // Eve submits two jobs; round robin gives one to each executor.
    let images =
        std::fs::read(repo_root().join("models/digits_test_inputs.bin")).expect("test images");
    let input = std::env::temp_dir().join(format!("vigil-e2e-input-{}.bin", std::process::id()));
    std::fs::write(&input, &images[..64]).unwrap();
    let mut jobs = Vec::new();
    for _ in 0..2 {
        jobs.push(submit_job(&url, &model_id, &input, &JOB_FEE.to_string()));
    }
    let _ = std::fs::remove_file(&input);
    let _ = eve;
    let bob_job = jobs
        .iter()
        .find(|(_, e)| e == &bob_id.to_string())
        .expect("a job for Bob")
        .0;
    let ferdie_job = jobs
        .iter()
        .find(|(_, e)| e == &ferdie_id.to_string())
        .expect("a job for Ferdie")
        .0;

    // Dave disputes layer 0 of Bob's true claim, as soon as it is posted (the command waits for
    // it): the chain upholds the claim and keeps his bond.
    let dave_before = balances(&api, &dave_id).await;
    let out = vigil(&[
        "challenger",
        "challenge",
        &bob_job.to_string(),
        "--layer",
        "0",
        "--url",
        &url,
        "--seed",
        "//Dave",
    ]);
    assert_eq!(field(&out, "verdict:"), "claim upheld", "{out}");
    // The bond, and the deposit of his commitment to a refutation that refuted nothing.
    assert_eq!(field(&out, "lost"), "41 UNIT", "{out}");
    let dave_after = balances(&api, &dave_id).await;
    let dave_spent = dave_before.free as i128 - dave_after.free as i128;
    let bond = (CHALLENGER_BOND + COMMITMENT_DEPOSIT) as i128;
    assert!(
        dave_spent >= bond && dave_spent < bond + FEE_ALLOWANCE as i128,
        "Dave spent {dave_spent}, bond {bond}"
    );
    assert_eq!(
        dave_after.reserved, dave_before.reserved,
        "nothing of Dave's stays held"
    );

    // Both jobs end finalized and paid to Bob: Ferdie's after it moved to Bob.
    for job_id in [bob_job, ferdie_job] {
        let id = job_id.to_string();
        vigil(&["job", "watch", &id, "--url", &url]);
        let status = vigil(&["job", "status", &id, "--url", &url]);
        assert_eq!(
            status.lines().next(),
            Some(format!("job {job_id}: finalized").as_str()),
            "{status}"
        );
        assert_eq!(field(&status, "  executor"), bob_id.to_string(), "{status}");
    }
    let ferdie_info = executor(&api, &ferdie_id)
        .await
        .expect("Ferdie is still registered");
    assert_eq!(
        ferdie_bond_before - ferdie_info.bond,
        JOB_COLLATERAL,
        "the silent executor lost one collateral"
    );
    assert_eq!(ferdie_info.open_jobs, 0);
    // Ferdie is suspended: registered, but taking no new job until he registers again.
    let listed = executor_list(&api).await;
    assert!(
        listed.contains(&bob_id) && !listed.contains(&ferdie_id),
        "the silent executor is out of the round robin: {listed:?}"
    );
    let status = vigil(&["status", "--url", &url]);
    assert!(
        status
            .lines()
            .any(|l| l.contains(&ferdie_id.to_string()) && l.contains("SUSPENDED")),
        "vigil status shows the suspension:\n{status}"
    );
    honest.assert_running();
    drop(honest);
    drop(node);
}
