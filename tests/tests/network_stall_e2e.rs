//! End-to-end on a network whose finality stalls: four validators of the `local` chain, two of
//! them killed while jobs are in flight. Alice's and Bob's validators still make blocks in their
//! slots, but 2 of 4 votes cannot finalize any. Four requesters submit a job each through node
//! 1, Bob executes through node 2 and claims them from best blocks. Validator 3 then returns:
//! finality resumes and covers the jobs, and every job is settled exactly once: no job is lost,
//! none is settled twice, and every balance moved once.
//!
//! Nothing here waits for a fixed time: each step waits for the state it needs, with a generous
//! timeout only as a failure guard. Every process started is killed (by PID) when its guard drops.

mod common;
#[path = "../../node/tests/common/mod.rs"]
mod network;

use std::time::Duration;

use common::chain::{
    account, balances, executor, job_deposit, job_status, job_status_at, Api, JobStatus,
};
use common::processes::{register_digits, repo_root, wait_until, Proc};
use network::Testnet;
use subxt::utils::H256;
use subxt::{OnlineClient, SubstrateConfig};
use subxt_signer::sr25519::{dev, Keypair};

const UNIT: u128 = 1_000_000_000_000;
const JOB_FEE: u128 = UNIT;
/// An upper bound on the transaction fees one account pays in this test.
const FEE_ALLOWANCE: u128 = UNIT;
/// A failure guard for the network's slower steps.
const TIMEOUT: Duration = Duration::from_secs(600);

/// The statuses of jobs `0..count` at block `at` (`None`: no such job there).
async fn statuses_at(api: &Api, at: H256, count: u64) -> Vec<Option<JobStatus>> {
    let mut out = Vec::new();
    for job_id in 0..count {
        out.push(job_status_at(api, at, job_id).await);
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn with_finality_stalled_jobs_are_claimed_and_each_settles_once_when_it_resumes() {
    let mut net = Testnet::start(4);
    let (url1, url2) = (net.node(0).url(), net.node(1).url());
    network::wait_for(
        TIMEOUT,
        "every validator finalizes block 1",
        || (net.min_finalized() >= 1).then_some(()),
        || net.report(),
    );
    let api = OnlineClient::<SubstrateConfig>::from_insecure_url(url1.clone())
        .await
        .expect("a client of node 1");
    let model_id = register_digits(&url1);
    let mut bob = Proc::start(
        "executor-bob",
        &["executor", "run", "--url", &url2, "--seed", "//Bob"],
    );
    let bob_id = account(&dev::bob());
    wait_until("Bob has set his offer", &mut [], || {
        let log = bob.log();
        async move { log.contains("offer set") }
    })
    .await;
    bob.assert_running();
    let requesters: [(&str, Keypair); 4] = [
        ("//Eve", dev::eve()),
        ("//Ferdie", dev::ferdie()),
        ("//Alice", dev::alice()),
        ("//Charlie", dev::charlie()),
    ];
    let mut before = Vec::new();
    for (_, key) in &requesters {
        before.push(balances(&api, &account(key)).await);
    }
    let bob_before = balances(&api, &bob_id).await;

    // Charlie's and Dave's validators go down: blocks go on, finality stops.
    net.kill(3);
    net.kill(2);
    let stalled_at = net.node(0).finalized().0;

    // One job from each requester through node 1, in flight until finality resumes.
    let images =
        std::fs::read(repo_root().join("models/digits_test_inputs.bin")).expect("test images");
    let dir = std::env::temp_dir().join(format!("vigil-stall-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut submits = Vec::new();
    for (i, (seed, _)) in requesters.iter().enumerate() {
        let path = dir.join(format!("image_{i}.bin"));
        std::fs::write(&path, &images[i * 64..(i + 1) * 64]).unwrap();
        submits.push(Proc::start(
            "submit",
            &[
                "job",
                "submit",
                "--model",
                &model_id,
                "--input",
                path.to_str().unwrap(),
                "--fee",
                &JOB_FEE.to_string(),
                "--url",
                &url1,
                "--seed",
                seed,
            ],
        ));
    }
    let jobs = requesters.len() as u64;

    // Bob claims all four from best blocks, while nothing new is finalized.
    let best_claimed = network::wait_for(
        TIMEOUT,
        "all four jobs are claimed in node 1's best chain",
        || {
            let hash = net.node(0).result("chain_getBlockHash", "[]");
            let hash: H256 = serde_json::from_value(hash).expect("a hash");
            let api = api.clone();
            let statuses = tokio::task::block_in_place(|| {
                tokio::runtime::Handle::current().block_on(statuses_at(&api, hash, jobs))
            });
            statuses
                .iter()
                .all(|s| s.is_some() && s != &Some(JobStatus::Assigned))
                .then_some(net.node(0).best_number())
        },
        || format!("{}\n--- Bob\n{}", net.report(), bob.log()),
    );
    for i in net.running() {
        let (finalized, _) = net.node(i).finalized();
        assert!(
            finalized <= stalled_at + 1,
            "validator {i} finalized #{finalized} with two of four voters (stalled at \
             #{stalled_at})\n{}",
            net.report()
        );
    }
    assert_eq!(
        job_status(&api, 0).await,
        None,
        "no job is finalized while finality stalls"
    );

    // Charlie's validator returns: finality resumes and covers the claims.
    net.restart(2);
    network::wait_for(
        TIMEOUT,
        "finality covers the block where the last job was claimed",
        || (net.min_finalized() >= best_claimed).then_some(()),
        || net.report(),
    );
    for (i, p) in submits.iter_mut().enumerate() {
        wait_until("the submitter reports its job", &mut [], || {
            let log = p.log();
            async move { log.contains("claim due by") }
        })
        .await;
        assert!(p.log().starts_with("job "), "submitter {i}:\n{}", p.log());
    }
    let _ = std::fs::remove_dir_all(&dir);

    // The challenge window passes: each job's claim is finalized, once.
    wait_until("every job is settled", &mut [&mut bob], || {
        let api = api.clone();
        async move {
            let mut all = true;
            for job_id in 0..jobs {
                all &= job_status(&api, job_id).await == Some(JobStatus::Finalized);
            }
            all
        }
    })
    .await;
    assert_eq!(
        job_status(&api, jobs).await,
        None,
        "exactly {jobs} jobs: none lost, none made twice"
    );
    let info = executor(&api, &bob_id).await.expect("Bob is an executor");
    assert_eq!(
        (info.open_jobs, info.locked),
        (0, 0),
        "Bob holds no job and no collateral"
    );
    let bob_gain = balances(&api, &bob_id).await.free as i128 - bob_before.free as i128;
    let paid = (JOB_FEE * jobs as u128) as i128;
    assert!(
        bob_gain <= paid && bob_gain > paid - FEE_ALLOWANCE as i128,
        "Bob is paid each fee once: gained {bob_gain}, fees {paid}"
    );
    // Each requester paid one fee and holds one job's storage deposit (kept until the settled
    // job is pruned).
    let deposit = job_deposit(&api, 0).await;
    for ((seed, key), before) in requesters.iter().zip(before) {
        let after = balances(&api, &account(key)).await;
        let held = after.reserved - before.reserved;
        assert_eq!(held, deposit, "{seed} holds one job's deposit");
        let spent = before.free - after.free - held;
        assert!(
            (JOB_FEE..JOB_FEE + FEE_ALLOWANCE).contains(&spent),
            "{seed} paid one fee: spent {spent}"
        );
    }
    bob.assert_running();
    let log = bob.log();
    assert!(
        !log.contains("refused"),
        "no claim of Bob was refused:\n{log}"
    );
    drop(bob);
    drop(net);
}
