//! Reading the chain's accounts and executors directly, to check what the programs did.

use subxt::{dynamic, ext::scale_decode::DecodeAsType, utils::AccountId32, SubstrateConfig};
use subxt_signer::sr25519::Keypair;

/// The account of a key.
pub fn account(key: &Keypair) -> AccountId32 {
    AccountId32::from(key.public_key().0)
}

/// `System.Account`, the part read here.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
pub struct AccountInfo {
    pub data: AccountData,
}

/// An account's free and reserved (held) balance.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
pub struct AccountData {
    pub free: u128,
    pub reserved: u128,
}

/// `Inference.Executors`: an executor's bond and what of it is locked.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
pub struct ExecutorInfo {
    pub bond: u128,
    pub locked: u128,
    pub open_jobs: u32,
    #[allow(dead_code)]
    pub unbonding_at: Option<u32>,
}

/// A subxt client of the node.
pub type Api = subxt::OnlineClient<SubstrateConfig>;

/// `who`'s balances at the latest finalized block.
pub async fn balances(api: &Api, who: &AccountId32) -> AccountData {
    let at = api.at_current_block().await.expect("the current block");
    let addr = dynamic::storage::<([u8; 32],), AccountInfo>("System", "Account");
    let value = at
        .storage()
        .fetch(addr, (who.0,))
        .await
        .expect("read System.Account");
    value.decode().expect("decode AccountInfo").data
}

/// `who`'s executor record at the latest finalized block, if it is one.
pub async fn executor(api: &Api, who: &AccountId32) -> Option<ExecutorInfo> {
    let at = api.at_current_block().await.expect("the current block");
    let addr = dynamic::storage::<([u8; 32],), ExecutorInfo>("Inference", "Executors");
    let value = at
        .storage()
        .try_fetch(addr, (who.0,))
        .await
        .expect("read Inference.Executors");
    value.map(|v| v.decode().expect("decode ExecutorInfo"))
}

/// The part of `Inference.Jobs` read here: the storage deposit held from the requester.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
pub struct JobDeposit {
    pub deposit: u128,
}

/// The storage deposit of job `job_id` at the latest finalized block (the job is kept, with its
/// deposit held, for `SettledRetention` blocks after it settles).
pub async fn job_deposit(api: &Api, job_id: u64) -> u128 {
    let at = api.at_current_block().await.expect("the current block");
    let addr = dynamic::storage::<(u64,), JobDeposit>("Inference", "Jobs");
    let value = at
        .storage()
        .fetch(addr, (job_id,))
        .await
        .expect("read Inference.Jobs");
    value.decode().expect("decode a job's deposit").deposit
}

/// `Inference.ExecutorList`: the executors taking new jobs (a suspended one is not listed).
pub async fn executor_list(api: &Api) -> Vec<AccountId32> {
    let at = api.at_current_block().await.expect("the current block");
    let addr = dynamic::storage::<(), Vec<[u8; 32]>>("Inference", "ExecutorList");
    let value = at
        .storage()
        .try_fetch(addr, ())
        .await
        .expect("read Inference.ExecutorList");
    value
        .map(|v| v.decode().expect("decode the executor list"))
        .unwrap_or_default()
        .into_iter()
        .map(AccountId32::from)
        .collect()
}

/// `Inference.Watchers`: a watcher's stake and its open audits.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
pub struct WatcherInfo {
    pub stake: u128,
    pub open_audits: u32,
    #[allow(dead_code)]
    pub unbonding_at: Option<u32>,
}

/// `who`'s watcher record at the latest finalized block, if it is one.
#[allow(dead_code)]
pub async fn watcher(api: &Api, who: &AccountId32) -> Option<WatcherInfo> {
    let at = api.at_current_block().await.expect("the current block");
    let addr = dynamic::storage::<([u8; 32],), WatcherInfo>("Inference", "Watchers");
    let value = at
        .storage()
        .try_fetch(addr, (who.0,))
        .await
        .expect("read Inference.Watchers");
    value.map(|v| v.decode().expect("decode WatcherInfo"))
}

/// A job's status, as `Inference.Jobs` records it.
#[derive(Debug, PartialEq, Eq, Clone, Copy, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
pub enum JobStatus {
    Assigned,
    Claimed,
    Finalized,
    Refuted,
    TimedOut,
}

/// The part of `Inference.Jobs` read for a job's status.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
pub struct JobStatusOnly {
    pub status: JobStatus,
}

/// Job `job_id`'s status at the latest finalized block (`None` if there is no such job).
#[allow(dead_code)]
pub async fn job_status(api: &Api, job_id: u64) -> Option<JobStatus> {
    let at = api.at_current_block().await.expect("the current block");
    read_job_status(&at, job_id).await
}

/// Job `job_id`'s status at block `hash`, which need not be finalized.
#[allow(dead_code)]
pub async fn job_status_at(api: &Api, hash: subxt::utils::H256, job_id: u64) -> Option<JobStatus> {
    let at = api.at_block(hash).await.expect("open the block");
    read_job_status(&at, job_id).await
}

async fn read_job_status(
    at: &subxt::client::ClientAtBlock<
        SubstrateConfig,
        subxt::client::OnlineClientAtBlockImpl<SubstrateConfig>,
    >,
    job_id: u64,
) -> Option<JobStatus> {
    let addr = dynamic::storage::<(u64,), JobStatusOnly>("Inference", "Jobs");
    let value = at
        .storage()
        .try_fetch(addr, (job_id,))
        .await
        .expect("read Inference.Jobs");
    value.map(|v| v.decode().expect("decode a job's status").status)
}
