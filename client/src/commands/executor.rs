//! `vigil executor run`: an executor's loop.
//!
//! 1. Connect; register with `--bond` unless the account is already an executor, and set the
//!    offer (`--base-fee`, `--collateral-rate`, `--capacity`, `--models`) unless the chain
//!    already has it: the chain assigns this executor only jobs that match it.
//! 2. Follow best and finalized blocks; before the first, look through the open jobs (found via
//!    `Inference.SettlementQueue`) for jobs assigned to this account, so a restarted executor
//!    resumes where it stopped.
//! 3. For the jobs assigned to it in each best block (`JobSubmitted`, `JobReassigned`): read them
//!    at that block (concurrently), fetch the model's bytes from `Models.ModelBytes` (once per
//!    model), run the engine and hand the claims (output and trace) to the node one after the
//!    other without waiting for inclusion. Each claim is signed mortal from the block the job was
//!    read at, so it can be included only on a chain that contains that block: a fork where the
//!    same job id is another job refuses it. Finalized blocks bring payments, slashes and refused
//!    claims, and the jobs assigned in them whose claim was not signed from that very block
//!    (missed as a best block, or signed on a fork the chain did not take), which are claimed
//!    then. A claim counts as done when its `ClaimPosted` event is finalized; one that has not
//!    been by the job's claim deadline is reported.
//! 4. When the node goes away, reconnect with backoff (1 s doubling to 5 s, shorter than a claim
//!    timeout) and go back to 2.
//!
//! With `--lie layer=K,rate=P` the executor posts a false claim for a fraction P of its jobs:
//! layer K's output is corrupted and the later layers recomputed from it, so a challenger finds K
//! to be the first wrong layer. This is for demonstrations and tests.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use subxt_signer::sr25519::Keypair;
use vigil_engine::{as_i8, as_u8, decode_model, ValidatedModel};

use crate::chain::{self, api, AccountId, AtBlock, ChainArgs, Client, Job, JobStatus, Pipeline};
use crate::commands::{stop_requested, timestamp, Backoff};
use crate::verify::{lies_about, Activations, LiePlan};

/// Run an executor.
#[derive(Subcommand, Debug)]
pub enum ExecutorCommand {
    /// Take the jobs the chain assigns to this account, run them and post claims, until Ctrl-C.
    ///
    /// Jobs are taken from best blocks, without waiting for finality: each claim is signed
    /// mortal from the block its job was read at, so it is valid only on a chain containing that
    /// block. Payments and slashes are reported from finalized blocks.
    Run {
        /// The bond to register with if the account is not an executor yet (base units, or e.g.
        /// 1000UNIT).
        #[arg(long, default_value = "1000UNIT")]
        bond: String,
        /// Post false claims, for demonstrations: `layer=K,rate=P` corrupts layer K for a
        /// fraction P (0 to 1, default 1) of the jobs.
        #[arg(long, value_name = "layer=K,rate=P")]
        lie: Option<LiePlan>,
        #[command(flatten)]
        offer: OfferArgs,
        #[command(flatten)]
        chain: ChainArgs,
    },
}

/// The offer jobs are matched against: a job is assigned to this executor only if its fee is at
/// least `--base-fee` plus `--collateral-rate` of the collateral it locks, its model is one of
/// `--models`, and fewer than `--capacity` of its jobs are open.
#[derive(clap::Args, Debug, Clone)]
pub struct OfferArgs {
    /// The least fee of any job (base units, or e.g. 0.01UNIT).
    #[arg(long, default_value = "0.01UNIT")]
    pub base_fee: String,
    /// On top of the base fee, this percentage of the collateral a job locks (the price of
    /// having it locked for a claim timeout and a challenge window).
    #[arg(long, default_value_t = 0.1)]
    pub collateral_rate: f64,
    /// The most open jobs at once; 0 means no limit but the bond.
    #[arg(long, default_value_t = 0)]
    pub capacity: u32,
    /// The models served: `all`, or comma-separated model ids (0x-prefixed hex).
    #[arg(long, default_value = "all")]
    pub models: String,
}

/// An offer as the chain's `set_offer` takes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub base_fee: u128,
    /// Parts per billion.
    pub collateral_rate: u32,
    pub capacity: u32,
    pub models: Option<Vec<[u8; 32]>>,
}

impl From<api::runtime_types::pallet_inference::types::Offer<u128>> for Offer {
    fn from(o: api::runtime_types::pallet_inference::types::Offer<u128>) -> Offer {
        Offer {
            base_fee: o.base_fee,
            collateral_rate: o.collateral_rate.0,
            capacity: o.capacity,
            models: o.models.map(|m| m.0),
        }
    }
}

impl std::fmt::Display for Offer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} + {:.3}% of the collateral per job; ",
            chain::format_balance(self.base_fee),
            self.collateral_rate as f64 / 10_000_000.0
        )?;
        match self.capacity {
            u32::MAX => write!(f, "no limit but the bond; ")?,
            n => write!(f, "at most {n} open; ")?,
        }
        match &self.models {
            None => write!(f, "every model"),
            Some(list) => {
                let ids: Vec<String> = list.iter().map(chain::hex32).collect();
                write!(f, "{}", ids.join(", "))
            }
        }
    }
}

impl OfferArgs {
    /// The offer these arguments describe, or why they describe none.
    pub fn offer(&self) -> Result<Offer> {
        let base_fee = chain::parse_balance(&self.base_fee).context("--base-fee")?;
        if !(0.0..=100.0).contains(&self.collateral_rate) {
            bail!("--collateral-rate is a percentage from 0 to 100");
        }
        let collateral_rate = (self.collateral_rate * 10_000_000.0).round() as u32;
        let capacity = if self.capacity == 0 {
            u32::MAX
        } else {
            self.capacity
        };
        let models = match self.models.trim() {
            "all" => None,
            list => Some(
                list.split(',')
                    .map(|m| chain::parse_model_id(m.trim()))
                    .collect::<Result<Vec<_>>>()
                    .context("--models")?,
            ),
        };
        Ok(Offer {
            base_fee,
            collateral_rate,
            capacity,
            models,
        })
    }
}

impl ExecutorCommand {
    /// Runs the command.
    pub fn execute(self) -> Result<()> {
        match self {
            ExecutorCommand::Run {
                bond,
                lie,
                offer,
                chain,
            } => {
                let bond = chain::parse_balance(&bond)?;
                let offer = offer.offer()?;
                super::block_on(run(bond, lie, offer, chain))
            }
        }
    }
}

/// A claim handed to the node, not yet seen in a finalized block.
struct PendingClaim {
    /// The job's claim deadline.
    deadline: u32,
    /// The block (number, hash) the job was read at and the claim signed mortal from: the
    /// claim can be included only on a chain that contains it.
    signed_at: (u32, chain::BlockHash),
}

/// Why a session with the node ended.
enum Stop {
    /// Give up: a mistake that reconnecting does not fix.
    Fatal(anyhow::Error),
    /// The node went away: reconnect.
    Lost(anyhow::Error),
}

/// What the executor remembers across reconnections.
struct Executor {
    key: Keypair,
    /// Claims go out without waiting for each other's finality.
    pipeline: Pipeline,
    me: AccountId,
    bond: u128,
    offer: Offer,
    lie: Option<LiePlan>,
    models: HashMap<[u8; 32], ValidatedModel>,
    /// Claims handed to the node and not yet seen on chain.
    pending: HashMap<u64, PendingClaim>,
    /// Jobs whose claim the node refused, tried again at the next block.
    retry: Vec<u64>,
    honest: u64,
    false_claims: u64,
    paid: u128,
    slashed: u128,
}

async fn run(bond: u128, lie: Option<LiePlan>, offer: Offer, args: ChainArgs) -> Result<()> {
    let key = args.signer()?;
    let me = chain::account_of(&key);
    let mut ex = Executor {
        pipeline: Pipeline::new(key.clone()),
        key,
        me,
        bond,
        offer,
        lie,
        models: HashMap::new(),
        pending: HashMap::new(),
        retry: Vec::new(),
        honest: 0,
        false_claims: 0,
        paid: 0,
        slashed: 0,
    };
    log(format!("executor {} starting; node {}", ex.me, args.url));
    if let Some(plan) = lie {
        log(format!(
            "LYING: false claims from layer {} for {:.0}% of jobs",
            plan.layer,
            plan.rate * 100.0
        ));
    }
    let mut backoff = Backoff::default();
    loop {
        let outcome = tokio::select! {
            outcome = session(&args, &mut ex, &mut backoff) => outcome,
            _ = stop_requested() => break,
        };
        match outcome {
            Stop::Fatal(e) => return Err(e),
            Stop::Lost(e) => {
                let delay = backoff.next_delay();
                log(format!(
                    "node unavailable ({e:#}); retrying in {} s",
                    delay.as_secs()
                ));
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = stop_requested() => break,
                }
            }
        }
    }
    log(format!(
        "stopping: {} honest claims, {} false claims, paid {}, slashed {}",
        ex.honest,
        ex.false_claims,
        chain::format_balance(ex.paid),
        chain::format_balance(ex.slashed)
    ));
    Ok(())
}

fn log(line: String) {
    println!("[{}] {line}", timestamp());
}

/// One connection's worth of work; returns why it ended.
async fn session(args: &ChainArgs, ex: &mut Executor, backoff: &mut Backoff) -> Stop {
    let api = match args.connect().await {
        Ok(api) => api,
        Err(e) => return Stop::Lost(e),
    };
    backoff.reset();
    ex.pipeline.reset();
    // Claims sent over the last connection may have been lost with a restarted node's pool: the
    // look at the open jobs below sends again every claim the chain does not have.
    ex.pending.clear();
    ex.retry.clear();
    log(format!("connected to {}", args.url));
    if let Err(e) = ensure_registered(&api, ex).await {
        return classify(&api, e).await;
    }
    // Subscribe before looking for old jobs, so that no assignment falls in between.
    let mut finalized = match api.stream_blocks().await {
        Ok(blocks) => blocks,
        Err(e) => return Stop::Lost(anyhow!("cannot follow finalized blocks: {e}")),
    };
    let mut best = match api.stream_best_blocks().await {
        Ok(blocks) => blocks,
        Err(e) => return Stop::Lost(anyhow!("cannot follow best blocks: {e}")),
    };
    let resumed = async {
        let at = api
            .at_current_block()
            .await
            .context("cannot read the chain")?;
        let mut jobs = chain::open_jobs(&at).await?;
        jobs.retain(|(_, job)| job.status == JobStatus::Assigned && job.executor == ex.me);
        Ok::<_, anyhow::Error>((at, jobs))
    }
    .await;
    match resumed {
        Ok((at, jobs)) => {
            if !jobs.is_empty() {
                log(format!(
                    "resuming {} job(s) already assigned to me",
                    jobs.len()
                ));
            }
            if let Err(stop) = take_jobs(&api, ex, jobs, &at).await {
                return stop;
            }
        }
        Err(e) => return classify(&api, e).await,
    }
    loop {
        // Finalized blocks first: their verdicts and the forks they end matter more than a new
        // best block's jobs, which a finalized block brings again if the best one is lost.
        tokio::select! {
            biased;
            block = finalized.next() => {
                let block = match block {
                    Some(Ok(block)) => block,
                    Some(Err(e)) => return Stop::Lost(anyhow!("lost finalized blocks: {e}")),
                    None => return Stop::Lost(anyhow!("the node closed the finalized blocks")),
                };
                let at = match block.at().await {
                    Ok(at) => at,
                    Err(e) => {
                        return Stop::Lost(anyhow!("cannot open block #{}: {e}", block.number()))
                    }
                };
                if let Err(stop) = on_finalized(&api, ex, at).await {
                    return stop;
                }
            }
            block = best.next() => {
                let block = match block {
                    Some(Ok(block)) => block,
                    Some(Err(e)) => return Stop::Lost(anyhow!("lost best blocks: {e}")),
                    None => return Stop::Lost(anyhow!("the node closed the best blocks")),
                };
                // A best block may be gone (pruned on a dropped fork) by the time it is read:
                // its jobs come again with the finalized block that has them.
                if let Ok(at) = block.at().await {
                    if let Err(stop) = on_best(&api, ex, at).await {
                        return stop;
                    }
                }
            }
        }
    }
}

/// The jobs assigned to this executor in a best block, taken at once: their claims are signed
/// mortal from that block, so they count only if it is finalized.
async fn on_best(api: &Client, ex: &mut Executor, at: AtBlock) -> Result<(), Stop> {
    let events = match at.events().fetch().await {
        Ok(events) => events,
        // Gone with its fork, or the node is: the next block or the reconnection tells.
        Err(_) => return Ok(()),
    };
    let mut mine = assigned_to(&events, &ex.me);
    forget_claims_made_elsewhere(ex, &mine, at.block_hash());
    mine.append(&mut ex.retry);
    if mine.is_empty() {
        return Ok(());
    }
    match chain::fetch_jobs(&at, &mine).await {
        Ok(jobs) => take_jobs(api, ex, jobs, &at).await,
        // The block went away with its fork: the finalized chain brings the jobs again.
        Err(_) if api.at_current_block().await.is_ok() => Ok(()),
        Err(e) => Err(Stop::Lost(e)),
    }
}

/// A finalized block: payments, slashes and refused claims; and the jobs assigned in it whose
/// claim was not signed from this very block (not seen while it was the best block, or seen in
/// a block of another fork, whose claim can never be included).
async fn on_finalized(api: &Client, ex: &mut Executor, at: AtBlock) -> Result<(), Stop> {
    let number = at.block_number() as u32;
    let hash = at.block_hash();
    let events = match at.events().fetch().await {
        Ok(events) => events,
        Err(e) => {
            return Err(Stop::Lost(anyhow!(
                "cannot read the events of #{number}: {e}"
            )))
        }
    };
    let mut paid = (0usize, 0u128);
    use api::inference::events as ev;
    let mut mine = assigned_to(&events, &ex.me);
    forget_claims_made_elsewhere(ex, &mine, hash);
    // Claims signed from another block of this height were made on a fork the chain did not
    // take: they are void. Their jobs, if the chain has them, are read again at this block.
    let mut forked = Vec::new();
    ex.pending.retain(|job_id, claim| {
        let void = claim.signed_at.0 == number && claim.signed_at.1 != hash;
        if void {
            forked.push(*job_id);
        }
        !void
    });
    if !forked.is_empty() {
        log(format!(
            "#{number}: {} claim(s) were signed on a fork that was not finalized (jobs {forked:?})",
            forked.len()
        ));
        ex.pipeline.reset();
    }
    for e in events.find::<ev::ClaimPosted>().flatten() {
        if e.executor == ex.me {
            ex.pending.remove(&e.job_id);
        }
    }
    for e in events.find::<ev::ClaimFinalized>().flatten() {
        if e.executor == ex.me {
            paid.0 += 1;
            paid.1 += e.fee;
        }
    }
    if paid.0 > 0 {
        ex.paid += paid.1;
        log(format!(
            "#{number}: {} claim(s) finalized, paid {} (total {})",
            paid.0,
            chain::format_balance(paid.1),
            chain::format_balance(ex.paid)
        ));
    }
    match chain::failed_calls(&at, &events, &ex.me, "Inference", &["post_claim"]).await {
        Ok(failed) => {
            for (_, job_id, reason) in failed {
                ex.pending.remove(&job_id);
                log(format!(
                    "job {job_id}: the chain refused the claim in #{number}: {reason}"
                ));
            }
        }
        Err(e) => return Err(Stop::Lost(e)),
    }
    if events
        .find::<ev::ExecutorSuspended>()
        .flatten()
        .any(|e| e.executor == ex.me)
    {
        log(format!(
            "#{number}: suspended after a missed claim deadline: no new jobs until registered again"
        ));
        if let Err(e) = ensure_registered(api, ex).await {
            return Err(classify(api, e).await);
        }
    }
    for e in events.find::<ev::Slashed>().flatten() {
        if e.who == ex.me {
            ex.slashed += e.amount;
            log(format!(
                "SLASHED {} ({:?}); total slashed {}",
                chain::format_balance(e.amount),
                e.reason,
                chain::format_balance(ex.slashed)
            ));
        }
    }
    let before = ex.pending.len();
    ex.pending.retain(|job_id, claim| {
        let alive = claim.deadline >= number;
        if !alive {
            log(format!(
                "job {job_id}: the claim was not included by its deadline #{}",
                claim.deadline
            ));
        }
        alive
    });
    if ex.pending.len() < before {
        // A lost transaction leaves its nonce unused: count from the node's again.
        ex.pipeline.reset();
    }
    mine.append(&mut ex.retry);
    // Jobs of earlier finalized blocks whose claim was lost with a fork.
    mine.extend(forked);
    mine.sort_unstable();
    mine.dedup();
    if mine.is_empty() {
        return Ok(());
    }
    let jobs = match chain::fetch_jobs(&at, &mine).await {
        Ok(jobs) => jobs,
        Err(e) => return Err(classify(api, e).await),
    };
    take_jobs(api, ex, jobs, &at).await
}

/// A job is assigned to an executor once on any one chain, so a pending claim for a job assigned
/// in block `hash` that was signed from another block was made on another fork: that claim is
/// void (its transaction names a block this chain does not have). Forget it, so the job is
/// claimed again, and count nonces from the node's again: the void claim's will not be used.
fn forget_claims_made_elsewhere(ex: &mut Executor, assigned: &[u64], hash: chain::BlockHash) {
    let mut void = Vec::new();
    for job_id in assigned {
        if matches!(ex.pending.get(job_id), Some(claim) if claim.signed_at.1 != hash) {
            ex.pending.remove(job_id);
            void.push(*job_id);
        }
    }
    if !void.is_empty() {
        log(format!(
            "jobs {void:?}: assigned again on another fork; the claims signed before are void, \
             claiming again"
        ));
        ex.pipeline.reset();
    }
}

/// The jobs assigned to `me` by a block's events: new ones and ones moved to `me`.
fn assigned_to(events: &chain::BlockEvents, me: &AccountId) -> Vec<u64> {
    use api::inference::events as ev;
    let mut mine = Vec::new();
    for e in events.find::<ev::JobSubmitted>().flatten() {
        if e.executor == *me {
            mine.push(e.job_id);
        }
    }
    for e in events.find::<ev::JobReassigned>().flatten() {
        if e.to == *me {
            mine.push(e.job_id);
        }
    }
    mine
}

/// A failure is `Lost` if the node no longer answers, `Fatal` otherwise.
async fn classify(api: &Client, error: anyhow::Error) -> Stop {
    match api.at_current_block().await {
        Ok(_) => Stop::Fatal(error),
        Err(_) => Stop::Lost(error),
    }
}

async fn ensure_registered(api: &Client, ex: &Executor) -> Result<()> {
    let at = api
        .at_current_block()
        .await
        .context("cannot read the chain")?;
    let info = at
        .storage()
        .try_fetch(api::storage().inference().executors(), (ex.me,))
        .await
        .context("cannot read Inference.Executors")?;
    if let Some(info) = info {
        let info = info.decode().context("cannot decode an executor")?;
        if let Some(at) = info.unbonding_at {
            bail!("this account is unbonding (withdrawable from block #{at}) and takes no jobs");
        }
        let listed = chain::executor_list(&at).await?.contains(&ex.me);
        if listed {
            log(format!(
                "registered executor: bond {}, {} open job(s)",
                chain::format_balance(info.bond),
                info.open_jobs
            ));
            if Offer::from(info.offer) == ex.offer {
                return Ok(());
            }
            return set_offer(api, ex).await;
        }
        // Suspended after a missed deadline: take jobs again, topping the bond up to --bond.
        let top_up = ex.bond.saturating_sub(info.bond);
        log(format!(
            "suspended (a claim deadline was missed; bond {}): registering again, adding {} ...",
            chain::format_balance(info.bond),
            chain::format_balance(top_up)
        ));
        register(api, ex, top_up).await?;
        return set_offer(api, ex).await;
    }
    log(format!(
        "registering with bond {} ...",
        chain::format_balance(ex.bond)
    ));
    register(api, ex, ex.bond).await?;
    set_offer(api, ex).await
}

/// `Inference.set_offer(...)` with this executor's offer.
async fn set_offer(api: &Client, ex: &Executor) -> Result<()> {
    let offer = &ex.offer;
    let call = api::transactions().inference().set_offer(
        offer.base_fee,
        api::runtime_types::sp_arithmetic::per_things::Perbill(offer.collateral_rate),
        offer.capacity,
        offer.models.clone(),
    );
    chain::submit(api, &call, &ex.key)
        .await
        .context("cannot set the offer")?;
    log(format!("offer set: {offer}"));
    Ok(())
}

/// `Inference.register_executor(bond)`: a new executor's bond, or a suspended one's top-up.
async fn register(api: &Client, ex: &Executor, bond: u128) -> Result<()> {
    let call = api::transactions().inference().register_executor(bond);
    chain::submit(api, &call, &ex.key)
        .await
        .context("cannot register as an executor")?;
    log("registered".to_string());
    Ok(())
}

/// Run the jobs read at block `now` and hand their claims to the node, all at once. Errors that
/// concern only one job are logged (a refused claim is tried again at the next block); losing the
/// node ends the session.
async fn take_jobs(
    api: &Client,
    ex: &mut Executor,
    jobs: Vec<(u64, Job)>,
    at: &AtBlock,
) -> Result<(), Stop> {
    let now = at.block_number() as u32;
    let quiet = jobs.len() > 3;
    let mut claims = Vec::new();
    for (job_id, job) in jobs {
        if ex.pending.contains_key(&job_id)
            || job.status != JobStatus::Assigned
            || job.executor != ex.me
            || job.deadline < now
        {
            // Already sent, claimed, settled, too late, or moved to another executor meanwhile.
            continue;
        }
        match prepare_claim(api, ex, job_id, &job, at).await {
            Ok((tx, lie)) => claims.push((job_id, job.deadline, lie, tx)),
            Err(e) => match classify(api, e).await {
                Stop::Fatal(e) => log(format!("job {job_id}: {e:#}")),
                lost => return Err(lost),
            },
        }
    }
    if claims.is_empty() {
        return Ok(());
    }
    let txs = claims.iter().map(|c| c.3.clone()).collect();
    let outcomes = chain::submit_all(api, txs).await;
    let (mut sent, mut lies, mut refused) = (0usize, 0usize, 0usize);
    for ((job_id, deadline, lie, _), outcome) in claims.into_iter().zip(outcomes) {
        if let Err(e) = outcome {
            refused += 1;
            log(format!(
                "job {job_id}: the node refused the claim (due by #{deadline}), trying again: {e:#}"
            ));
            ex.retry.push(job_id);
            continue;
        }
        ex.pending.insert(
            job_id,
            PendingClaim {
                deadline,
                signed_at: (now, at.block_hash()),
            },
        );
        sent += 1;
        match lie {
            Some(plan) => {
                ex.false_claims += 1;
                lies += 1;
                if !quiet {
                    log(format!(
                        "job {job_id}: sent a FALSE claim (wrong from layer {}) at about #{now}",
                        plan.layer
                    ));
                }
            }
            None => {
                ex.honest += 1;
                if !quiet {
                    log(format!("job {job_id}: claim sent at about #{now}"));
                }
            }
        }
    }
    if refused > 0 {
        // The counted nonce may be wrong now; or the node may be gone.
        ex.pipeline.reset();
        if api.at_current_block().await.is_err() {
            return Err(Stop::Lost(anyhow!("the node stopped answering")));
        }
    }
    if quiet && sent > 0 {
        log(format!(
            "#{now}: sent {sent} claim(s){}",
            if lies > 0 {
                format!(", {lies} of them FALSE")
            } else {
                String::new()
            }
        ));
    }
    Ok(())
}

/// Run one job and sign its claim (true, or false when `--lie` picks it). Returns the signed
/// transaction and the lie told, if any.
async fn prepare_claim(
    api: &Client,
    ex: &mut Executor,
    job_id: u64,
    job: &Job,
    at: &AtBlock,
) -> Result<(Vec<u8>, Option<LiePlan>)> {
    let model = cached_model(api, &mut ex.models, &job.model_id).await?;
    let honest = Activations::run(model, as_i8(&job.input.0))?;
    let lie = ex.lie.filter(|plan| lies_about(job_id, plan.rate));
    let run = match lie {
        Some(plan) => honest.corrupt(model, plan.layer)?,
        None => honest,
    };
    let output = as_u8(run.output()).to_vec();
    let trace = run.trace();
    let call = api::transactions()
        .inference()
        .post_claim(job_id, output, trace);
    let tx = ex
        .pipeline
        .sign_at(api, &call, at)
        .await
        .with_context(|| format!("cannot sign the claim (due by #{})", job.deadline))?;
    Ok((tx, lie))
}

/// The model `model_id` from `cache`, fetched from the chain the first time.
pub async fn cached_model<'a>(
    api: &Client,
    cache: &'a mut HashMap<[u8; 32], ValidatedModel>,
    model_id: &[u8; 32],
) -> Result<&'a ValidatedModel> {
    match cache.entry(*model_id) {
        Entry::Occupied(entry) => Ok(entry.into_mut()),
        Entry::Vacant(slot) => {
            log(format!(
                "fetching model {} from chain",
                chain::hex32(model_id)
            ));
            Ok(slot.insert(fetch_model(api, model_id).await?))
        }
    }
}

/// The model `model_id`, from `Models.ModelBytes`, decoded and validated.
pub async fn fetch_model(api: &Client, model_id: &[u8; 32]) -> Result<ValidatedModel> {
    let at = api
        .at_current_block()
        .await
        .context("cannot read the chain")?;
    let bytes = at
        .storage()
        .try_fetch(api::storage().models().model_bytes(), (*model_id,))
        .await
        .context("cannot read Models.ModelBytes")?
        .ok_or_else(|| anyhow!("model {} is not on chain", chain::hex32(model_id)))?
        .decode()
        .context("cannot decode the model's bytes")?;
    decode_model(&bytes.0).map_err(|e| {
        anyhow!(
            "the chain's model {} does not decode: {e:?}",
            chain::hex32(model_id)
        )
    })
}
