//! Talking to a Vigil node: the connection, the signing key, transactions and the chain's records.
//!
//! Every command that touches the chain takes [`ChainArgs`]: `--url` (the node's WebSocket RPC,
//! `ws://127.0.0.1:9944` by default) and the account to sign with, `--seed` (a secret URI such as
//! `//Alice` or a mnemonic) or `--key-file` (a file holding one). Transactions are submitted and
//! followed until their block is finalized; a failed dispatch becomes an error that names the
//! pallet's error and its documentation, e.g. `Inference::ChallengeWindowClosed: The challenge
//! window has closed.`

pub mod runtime;

use std::fs;
use std::path::PathBuf;
use std::str::FromStr;

use anyhow::{anyhow, Context, Result};
use clap::Args;
use subxt::config::RpcConfigFor;
use subxt::error::{DispatchError, TransactionEventsError, TransactionFinalizedSuccessError};
use subxt::rpcs::{LegacyRpcMethods, RpcClient};
use subxt::transactions::Payload;
use subxt::{OnlineClient, SubstrateConfig};
use subxt_signer::sr25519::Keypair;
use subxt_signer::SecretUri;

pub use runtime::vigil as api;

/// A connection to a node: the subxt client (through `Deref`) and the node's plain RPC methods,
/// over one WebSocket.
#[derive(Clone)]
pub struct Client {
    chain: OnlineClient<SubstrateConfig>,
    rpc: Rpc,
}

/// The node's JSON-RPC methods (`author_submitExtrinsic`, `system_accountNextIndex`, ...).
pub type Rpc = LegacyRpcMethods<RpcConfigFor<SubstrateConfig>>;

impl std::ops::Deref for Client {
    type Target = OnlineClient<SubstrateConfig>;

    fn deref(&self) -> &Self::Target {
        &self.chain
    }
}

impl Client {
    /// The node's plain RPC methods.
    pub fn rpc(&self) -> &Rpc {
        &self.rpc
    }
}

/// An account on the chain.
pub type AccountId = subxt::utils::AccountId32;
/// The events of one finalized transaction.
pub type TxEvents = subxt::extrinsics::ExtrinsicEvents<SubstrateConfig>;
/// A block's hash.
pub type BlockHash = subxt::utils::H256;
/// The events of one block.
pub type BlockEvents = subxt::events::Events<SubstrateConfig>;
/// A job as the chain stores it.
pub type Job = api::runtime_types::pallet_inference::types::Job<AccountId, u128, u32>;
/// A claim as the chain stores it.
pub type Claim = api::runtime_types::pallet_inference::types::Claim<u32>;
/// An executor as the chain stores it.
pub type Executor = api::runtime_types::pallet_inference::types::ExecutorInfo<u128, u32>;
/// A job's place in its lifecycle.
pub use api::runtime_types::pallet_inference::types::JobStatus;

/// The default RPC endpoint: a local development node.
pub const DEFAULT_URL: &str = "ws://127.0.0.1:9944";
/// The account used when neither `--seed` nor `--key-file` is given (development chains only).
pub const DEFAULT_SEED: &str = "//Alice";

/// Where the node is and who signs.
#[derive(Args, Debug, Clone)]
pub struct ChainArgs {
    /// The node's WebSocket RPC endpoint.
    #[arg(long, default_value = DEFAULT_URL)]
    pub url: String,
    /// The signing account's secret URI: a development name (//Alice, //Bob, ...), a mnemonic
    /// (optionally with //derivations and ///password) or 0x-prefixed seed hex. Defaults to
    /// //Alice.
    #[arg(long, conflicts_with = "key_file")]
    pub seed: Option<String>,
    /// A file holding the signing account's secret URI (see --seed) on its first line.
    #[arg(long, value_name = "FILE")]
    pub key_file: Option<PathBuf>,
}

impl ChainArgs {
    /// The signing key named by `--seed` or `--key-file` (or [`DEFAULT_SEED`]).
    pub fn signer(&self) -> Result<Keypair> {
        let (secret, source) = match (&self.seed, &self.key_file) {
            (Some(seed), _) => (seed.clone(), "--seed".to_string()),
            (None, Some(path)) => {
                let text = fs::read_to_string(path)
                    .with_context(|| format!("cannot read the key file {}", path.display()))?;
                let line = text.lines().next().unwrap_or("").trim().to_string();
                (line, format!("the key file {}", path.display()))
            }
            (None, None) => (DEFAULT_SEED.to_string(), "the default seed".to_string()),
        };
        keypair_from_uri(&secret).with_context(|| format!("{source} is not a valid secret URI"))
    }

    /// Connect to the node at `--url`.
    pub async fn connect(&self) -> Result<Client> {
        connect(&self.url).await
    }
}

/// The sr25519 key of a secret URI (`//Alice`, a mnemonic, `0x` seed hex, with derivations).
pub fn keypair_from_uri(secret: &str) -> Result<Keypair> {
    if secret.is_empty() {
        return Err(anyhow!("the secret URI is empty"));
    }
    let uri = SecretUri::from_str(secret).map_err(|e| anyhow!("{e}"))?;
    Keypair::from_uri(&uri).map_err(|e| anyhow!("{e}"))
}

/// The account of a key.
pub fn account_of(key: &Keypair) -> AccountId {
    AccountId::from(key.public_key().0)
}

/// Connect to a node; the error says where and what to check.
pub async fn connect(url: &str) -> Result<Client> {
    let hint =
        || format!("cannot connect to a Vigil node at {url} (is the node running? see --url)");
    let rpc = RpcClient::from_insecure_url(url).await.with_context(hint)?;
    let chain = OnlineClient::from_rpc_client(rpc.clone())
        .await
        .with_context(hint)?;
    Ok(Client {
        chain,
        rpc: LegacyRpcMethods::new(rpc),
    })
}

/// Sign `call` with `signer`, submit it, wait until its block is finalized and check that it
/// succeeded. A failed dispatch becomes an error naming the pallet error, e.g.
/// `Inference::NotAssignedExecutor: Only the executor assigned to the job can post its claim.`
pub async fn submit<Call: Payload>(
    api: &Client,
    call: &Call,
    signer: &Keypair,
) -> Result<TxEvents> {
    let progress = api
        .transactions()
        .await
        .context("cannot reach the node's current block")?
        .sign_and_submit_then_watch_default(call, signer)
        .await
        .map_err(|e| anyhow!("the node refused the transaction: {e}"))?;
    progress.wait_for_finalized_success().await.map_err(explain)
}

/// Transactions from one account handed to the node without waiting for each other: the nonce
/// is counted here and transactions are signed locally, so many can be in flight and in the pool
/// at once. Nothing is watched: whoever sends learns the outcome from the chain's events (e.g.
/// `ClaimPosted`, `JobSubmitted`).
///
/// Round trips are what limit a sender: the node answers each RPC request only after tens of
/// milliseconds when requests follow one another on a connection (its RPC sockets are not set to
/// `TCP_NODELAY`). So signing needs no round trip and [`submit_all`] keeps many submissions in
/// flight at once.
pub struct Pipeline {
    key: Keypair,
    account: AccountId,
    next_nonce: Option<u64>,
    /// A recent finalized block: transactions are mortal from it. Renewed every few seconds.
    at: Option<(std::time::Instant, AtBlock)>,
}

/// How long a [`Pipeline`] signs against the same block.
const SIGNING_BLOCK_AGE: std::time::Duration = std::time::Duration::from_secs(4);
/// Blocks a transaction stays valid for after the block it names.
const MORTALITY_BLOCKS: u64 = 64;
/// Submissions in flight at once in [`submit_all`].
const SUBMISSIONS_IN_FLIGHT: usize = 64;

impl Pipeline {
    /// A pipeline for `key`'s account.
    pub fn new(key: Keypair) -> Pipeline {
        Pipeline {
            account: account_of(&key),
            key,
            next_nonce: None,
            at: None,
        }
    }

    /// Forget the counted nonce: ask the node (pool included) before the next transaction.
    pub fn reset(&mut self) {
        self.next_nonce = None;
        self.at = None;
    }

    /// Sign `call` with the next nonce, mortal from a recent block. Needs a round trip only to
    /// learn the nonce after [`Pipeline::reset`] and to renew the block every few seconds.
    pub async fn sign<Call: Payload>(&mut self, api: &Client, call: &Call) -> Result<Vec<u8>> {
        let fresh = matches!(&self.at, Some((since, _)) if since.elapsed() < SIGNING_BLOCK_AGE);
        if !fresh {
            let at = api
                .at_current_block()
                .await
                .context("cannot reach the node's current block")?;
            self.at = Some((std::time::Instant::now(), at));
        }
        let (_, at) = self.at.as_ref().expect("set just above; qed");
        let nonce = self.nonce(api).await?;
        let signed = sign_mortal(&self.key, call, nonce, at)?;
        self.next_nonce = Some(nonce + 1);
        Ok(signed)
    }

    /// Sign `call` with the next nonce, mortal from block `at`: the transaction is valid only on
    /// a chain that contains `at`. What was read at a block that may still be reorganised away
    /// (a best block) is acted on this way, so that the action cannot land on another fork,
    /// where the same job id may be another job.
    pub async fn sign_at<Call: Payload>(
        &mut self,
        api: &Client,
        call: &Call,
        at: &AtBlock,
    ) -> Result<Vec<u8>> {
        let nonce = self.nonce(api).await?;
        let signed = sign_mortal(&self.key, call, nonce, at)?;
        self.next_nonce = Some(nonce + 1);
        Ok(signed)
    }

    /// The nonce of the next transaction: counted here, or asked of the node after a reset.
    async fn nonce(&self, api: &Client) -> Result<u64> {
        match self.next_nonce {
            Some(nonce) => Ok(nonce),
            None => api
                .rpc()
                .system_account_next_index(&self.account)
                .await
                .context("cannot read the account's next nonce"),
        }
    }

    /// Sign `call` and hand it to the node's pool; returns its hash once the node accepted it.
    /// If the node refuses it, the nonce is read again and the transaction signed and sent once
    /// more (another program may have used the account meanwhile).
    pub async fn send<Call: Payload>(&mut self, api: &Client, call: &Call) -> Result<[u8; 32]> {
        let tx = self.sign(api, call).await?;
        match submit_one(api, tx).await {
            Ok(hash) => Ok(hash),
            Err(_) => {
                self.reset();
                let tx = self.sign(api, call).await?;
                submit_one(api, tx).await.inspect_err(|_| self.reset())
            }
        }
    }
}

/// `call` signed by `key` with `nonce`, mortal for [`MORTALITY_BLOCKS`] from block `at` (whose
/// hash the signature covers).
fn sign_mortal<Call: Payload>(
    key: &Keypair,
    call: &Call,
    nonce: u64,
    at: &AtBlock,
) -> Result<Vec<u8>> {
    let params = subxt::config::DefaultExtrinsicParamsBuilder::<SubstrateConfig>::new()
        .nonce(nonce)
        .mortal_from_unchecked(MORTALITY_BLOCKS, at.block_number(), at.block_hash())
        .build();
    let signed = at
        .transactions()
        .create_signable_offline(call, params)
        .and_then(|mut signable| signable.sign(key))
        .map_err(|e| anyhow!("cannot sign the transaction: {e}"))?;
    Ok(signed.into_encoded())
}

/// Hand one signed transaction to the node's pool (`author_submitExtrinsic`).
pub async fn submit_one(api: &Client, tx: Vec<u8>) -> Result<[u8; 32]> {
    let hash = api
        .rpc()
        .author_submit_extrinsic(&tx)
        .await
        .map_err(|e| anyhow!("the node refused the transaction: {e}"))?;
    Ok(hash.0)
}

/// Hand signed transactions to the node's pool, many in flight at once; one outcome per
/// transaction, in order. Transactions of one account may reach the pool out of nonce order;
/// the pool holds a later nonce until the earlier ones arrive.
pub async fn submit_all(api: &Client, txs: Vec<Vec<u8>>) -> Vec<Result<[u8; 32]>> {
    use futures::stream::{self, StreamExt};
    stream::iter(txs)
        .map(|tx| submit_one(api, tx))
        .buffered(SUBMISSIONS_IN_FLIGHT)
        .collect()
        .await
}

/// Plain words for a failed transaction.
pub fn explain(error: TransactionFinalizedSuccessError) -> anyhow::Error {
    match error {
        TransactionFinalizedSuccessError::SuccessError(
            TransactionEventsError::ExtrinsicFailed(dispatch),
        ) => anyhow!(
            "the chain rejected the transaction: {}",
            describe_dispatch_error(&dispatch)
        ),
        TransactionFinalizedSuccessError::FinalizationError(e) => {
            anyhow!("the transaction did not reach a finalized block: {e}")
        }
        other => anyhow!("{other}"),
    }
}

/// `Pallet::Error: its documentation` for a pallet error, the error's own words otherwise.
pub fn describe_dispatch_error(error: &DispatchError) -> String {
    match error {
        DispatchError::Module(module) => match module.details() {
            Ok(details) => {
                let docs = details.variant.docs.join(" ");
                let docs = docs.trim();
                if docs.is_empty() {
                    format!("{}::{}", details.pallet.name(), details.variant.name)
                } else {
                    format!(
                        "{}::{}: {}",
                        details.pallet.name(),
                        details.variant.name,
                        docs
                    )
                }
            }
            Err(_) => module.to_string(),
        },
        other => other.to_string(),
    }
}

/// `0x`-prefixed hex of a model id or hash.
pub fn hex32(bytes: &[u8; 32]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Parses a `0x`-prefixed (or bare) 64-digit hex model id.
pub fn parse_model_id(text: &str) -> Result<[u8; 32]> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    let bytes = hex::decode(digits).with_context(|| format!("{text} is not hex"))?;
    bytes
        .try_into()
        .map_err(|_| anyhow!("{text} is not a model id (32 bytes of hex)"))
}

/// A balance in units (the chain's token has 12 decimals), e.g. `1.5 UNIT`.
pub fn format_balance(amount: u128) -> String {
    const UNIT: u128 = 1_000_000_000_000;
    let whole = amount / UNIT;
    let frac = amount % UNIT;
    if frac == 0 {
        format!("{whole} UNIT")
    } else {
        let digits = format!("{frac:012}");
        format!("{whole}.{} UNIT", digits.trim_end_matches('0'))
    }
}

/// Parses a balance: plain base units (`1000000`) or units with a suffix (`1.5UNIT`, `2 UNIT`).
pub fn parse_balance(text: &str) -> Result<u128> {
    const UNIT: u128 = 1_000_000_000_000;
    let t = text.trim();
    let Some(number) = t.strip_suffix("UNIT").map(str::trim) else {
        return t
            .parse::<u128>()
            .with_context(|| format!("{text} is not an amount (base units, or e.g. 1.5UNIT)"));
    };
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    if frac.len() > 12 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(anyhow!("{text}: at most 12 decimals"));
    }
    let whole: u128 = whole
        .parse()
        .with_context(|| format!("{text} is not an amount"))?;
    let frac: u128 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<12}").parse()?
    };
    whole
        .checked_mul(UNIT)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(|| anyhow!("{text} is too large"))
}

/// What the chain knows of one job at one block.
pub struct JobView {
    pub job: Job,
    pub claim: Option<Claim>,
}

/// The job `job_id` and its claim at the latest finalized block, if the job exists.
pub async fn fetch_job(api: &Client, job_id: u64) -> Result<Option<(u32, JobView)>> {
    let at = api
        .at_current_block()
        .await
        .context("cannot read the chain's finalized block")?;
    let number = at.block_number() as u32;
    let storage = at.storage();
    let Some(job) = storage
        .try_fetch(api::storage().inference().jobs(), (job_id,))
        .await
        .context("cannot read Inference.Jobs")?
    else {
        return Ok(None);
    };
    let job = job.decode().context("cannot decode a job")?;
    let claim = match storage
        .try_fetch(api::storage().inference().claims(), (job_id,))
        .await
        .context("cannot read Inference.Claims")?
    {
        Some(claim) => Some(claim.decode().context("cannot decode a claim")?),
        None => None,
    };
    Ok(Some((number, JobView { job, claim })))
}

/// A view of the chain at one block.
pub type AtBlock = subxt::client::ClientAtBlock<
    SubstrateConfig,
    subxt::client::OnlineClientAtBlockImpl<SubstrateConfig>,
>;

/// How many storage reads are in flight at once when many records are read together.
const PARALLEL_READS: usize = 64;

/// `read(id)` for every id, many in flight at once; the ids whose record exists, in order.
async fn read_all<T, F, Fut>(ids: &[u64], read: F) -> Result<Vec<(u64, T)>>
where
    F: Fn(u64) -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    use futures::stream::{self, StreamExt, TryStreamExt};
    let found: Vec<Option<(u64, T)>> = stream::iter(ids.iter().copied())
        .map(|id| {
            let read = &read;
            async move { Ok::<_, anyhow::Error>(read(id).await?.map(|record| (id, record))) }
        })
        .buffered(PARALLEL_READS)
        .try_collect()
        .await?;
    Ok(found.into_iter().flatten().collect())
}

/// The jobs `ids` at block `at` (those that exist), read concurrently, in the order given.
pub async fn fetch_jobs(at: &AtBlock, ids: &[u64]) -> Result<Vec<(u64, Job)>> {
    let storage = at.storage();
    read_all(ids, |id| {
        let storage = &storage;
        async move {
            match storage
                .try_fetch(api::storage().inference().jobs(), (id,))
                .await
                .with_context(|| format!("cannot read job {id}"))?
            {
                Some(job) => Ok(Some(
                    job.decode()
                        .with_context(|| format!("cannot decode job {id}"))?,
                )),
                None => Ok(None),
            }
        }
    })
    .await
}

/// The claims of jobs `ids` at block `at` (those that exist), read concurrently, in order.
pub async fn fetch_claims(at: &AtBlock, ids: &[u64]) -> Result<Vec<(u64, Claim)>> {
    let storage = at.storage();
    read_all(ids, |id| {
        let storage = &storage;
        async move {
            match storage
                .try_fetch(api::storage().inference().claims(), (id,))
                .await
                .with_context(|| format!("cannot read the claim of job {id}"))?
            {
                Some(claim) => {
                    Ok(Some(claim.decode().with_context(|| {
                        format!("cannot decode the claim of job {id}")
                    })?))
                }
                None => Ok(None),
            }
        }
    })
    .await
}

/// The open jobs (assigned, or claimed and not yet settled) at block `at`, oldest first.
///
/// They are found through `Inference.SettlementQueue`, which lists every open job under the block
/// it settles at, so the cost grows with the open jobs, not with the chain's whole history.
pub async fn open_jobs(at: &AtBlock) -> Result<Vec<(u64, Job)>> {
    let mut buckets = at
        .storage()
        .iter(api::storage().inference().settlement_queue(), ())
        .await
        .context("cannot list Inference.SettlementQueue")?;
    let mut ids = std::collections::BTreeSet::new();
    while let Some(bucket) = buckets.next().await {
        let bucket = bucket.context("cannot read a settlement bucket")?;
        let bucket = bucket
            .value()
            .decode()
            .context("cannot decode a settlement bucket")?;
        ids.extend(bucket.0);
    }
    let ids: Vec<u64> = ids.into_iter().collect();
    let mut jobs = fetch_jobs(at, &ids).await?;
    jobs.retain(|(_, job)| matches!(job.status, JobStatus::Assigned | JobStatus::Claimed));
    Ok(jobs)
}

/// The id the next job will get: jobs `0..next_job_id` have been submitted.
pub async fn next_job_id(at: &AtBlock) -> Result<u64> {
    Ok(at
        .storage()
        .try_fetch(api::storage().inference().next_job_id(), ())
        .await
        .context("cannot read Inference.NextJobId")?
        .map(|n| n.decode())
        .transpose()
        .context("cannot decode Inference.NextJobId")?
        .unwrap_or(0))
}

/// The words for a job status.
pub fn status_name(status: &JobStatus) -> &'static str {
    match status {
        JobStatus::Assigned => "assigned",
        JobStatus::Claimed => "claimed",
        JobStatus::Finalized => "finalized",
        JobStatus::Refuted => "refuted",
        JobStatus::TimedOut => "timed out",
    }
}

/// The executors taking new jobs at block `at` (`Inference.ExecutorList`): a registered executor
/// that is not listed is unbonding or suspended.
pub async fn executor_list(at: &AtBlock) -> Result<Vec<AccountId>> {
    Ok(at
        .storage()
        .try_fetch(api::storage().inference().executor_list(), ())
        .await
        .context("cannot read Inference.ExecutorList")?
        .map(|list| list.decode())
        .transpose()
        .context("cannot decode Inference.ExecutorList")?
        .map(|list| list.0)
        .unwrap_or_default())
}

/// The watchers drawn for audits at block `at` (`Inference.WatcherList`): a registered watcher
/// that is not listed is unbonding or suspended.
pub async fn watcher_list(at: &AtBlock) -> Result<Vec<AccountId>> {
    Ok(at
        .storage()
        .try_fetch(api::storage().inference().watcher_list(), ())
        .await
        .context("cannot read Inference.WatcherList")?
        .map(|list| list.decode())
        .transpose()
        .context("cannot decode Inference.WatcherList")?
        .map(|list| list.0)
        .unwrap_or_default())
}

/// Whether `who` has a commitment to a refutation of job `job_id`'s claim at block `at`.
pub async fn has_committed(at: &AtBlock, job_id: u64, who: &AccountId) -> Result<bool> {
    let list = at
        .storage()
        .try_fetch(api::storage().inference().commitments(), (job_id,))
        .await
        .context("cannot read Inference.Commitments")?;
    Ok(match list {
        Some(list) => list
            .decode()
            .context("cannot decode Inference.Commitments")?
            .0
            .iter()
            .any(|c| &c.challenger == who),
        None => false,
    })
}

/// `Pallet::Error: its documentation` for an error the runtime reported in an event (e.g.
/// `System.ExtrinsicFailed`), the error's own words otherwise.
pub fn describe_runtime_error(
    metadata: &subxt::Metadata,
    error: &api::runtime_types::sp_runtime::DispatchError,
) -> String {
    use api::runtime_types::sp_runtime::DispatchError as E;
    if let E::Module(m) = error {
        if let Some(pallet) = metadata.pallet_by_error_index(m.index) {
            if let Some(variant) = pallet.error_variant_by_index(m.error[0]) {
                let docs = variant.docs.join(" ");
                let docs = docs.trim();
                return if docs.is_empty() {
                    format!("{}::{}", pallet.name(), variant.name)
                } else {
                    format!("{}::{}: {docs}", pallet.name(), variant.name)
                };
            }
        }
    }
    format!("{error:?}")
}

/// The calls `pallet.<one of calls>` signed by `signer` in the block `at` that failed, given the
/// block's `events`: for each, the call's name, its first field read as a `u64` (the job id, for
/// `post_claim`, `commit_challenge` and `challenge`) and the reason the runtime gave. Senders that
/// do not watch their transactions learn from this why the chain refused one. A block without a
/// failed extrinsic costs nothing more than the events already read.
pub async fn failed_calls(
    at: &AtBlock,
    events: &subxt::events::Events<SubstrateConfig>,
    signer: &AccountId,
    pallet: &str,
    calls: &[&'static str],
) -> Result<Vec<(&'static str, u64, String)>> {
    use std::collections::HashMap;
    let failures: Vec<(usize, String)> = events
        .iter()
        .flatten()
        .filter_map(|event| {
            let subxt::events::Phase::ApplyExtrinsic(index) = event.phase() else {
                return None;
            };
            let failed = event
                .decode_fields_as::<api::system::events::ExtrinsicFailed>()?
                .ok()?;
            Some((
                index as usize,
                describe_runtime_error(at.metadata_ref(), &failed.dispatch_error),
            ))
        })
        .collect();
    if failures.is_empty() {
        return Ok(Vec::new());
    }
    let extrinsics = at
        .extrinsics()
        .fetch()
        .await
        .context("cannot read the block's extrinsics")?;
    let ours: HashMap<usize, (&'static str, u64)> = extrinsics
        .iter()
        .flatten()
        .filter(|x| x.pallet_name() == pallet)
        .filter_map(|x| {
            let call = *calls.iter().find(|c| **c == x.call_name())?;
            let signed_by_us = x
                .address_bytes()
                .is_some_and(|a| a.len() >= 32 && a[a.len() - 32..] == signer.0[..]);
            let first: [u8; 8] = x.call_data_field_bytes().get(..8)?.try_into().ok()?;
            signed_by_us.then_some((x.index(), (call, u64::from_le_bytes(first))))
        })
        .collect();
    Ok(failures
        .into_iter()
        .filter_map(|(index, reason)| {
            let &(call, id) = ours.get(&index)?;
            Some((call, id, reason))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balances_parse_and_format() {
        assert_eq!(parse_balance("1000").unwrap(), 1000);
        assert_eq!(parse_balance("1.5UNIT").unwrap(), 1_500_000_000_000);
        assert_eq!(parse_balance("2 UNIT").unwrap(), 2_000_000_000_000);
        assert!(parse_balance("1.2.3UNIT").is_err());
        assert!(parse_balance("abc").is_err());
        assert_eq!(format_balance(1_500_000_000_000), "1.5 UNIT");
        assert_eq!(format_balance(40_000_000_000_000), "40 UNIT");
    }

    #[test]
    fn dev_and_mnemonic_uris_make_keys() {
        let alice = keypair_from_uri("//Alice").unwrap();
        assert_eq!(
            account_of(&alice).to_string(),
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
        );
        let phrase = "bottom drive obey lake curtain smoke basket hold race lonely fit walk";
        let from_phrase = keypair_from_uri(&format!("{phrase}//Alice")).unwrap();
        assert_eq!(from_phrase.public_key().0, alice.public_key().0);
        assert!(keypair_from_uri("").is_err());
    }

    #[test]
    fn model_ids_parse() {
        let id = parse_model_id(&format!("0x{}", "ab".repeat(32))).unwrap();
        assert_eq!(id, [0xab; 32]);
        assert!(parse_model_id("0x1234").is_err());
    }
}
