//! `vigil challenger run`: a watcher that re-executes every claim inside its challenge window.
//!
//! For each finalized block it reads the claims posted in it (`ClaimPosted`; at start-up, every
//! claim whose window is still open) with their jobs, concurrently, runs the model itself and
//! compares the traces. On the first layer `i` whose hash differs it commits to the refutation
//! (`Inference.commit_challenge(job_id, commitment)`, the commitment binding its account, the
//! job, `i` and the inputs), and in the block after the commitment is included it reveals it:
//! `Inference.challenge(job_id, i, inputs)` with the activations feeding layer `i`
//! (`layer_inputs` ids: `0` the job's input, `k` layer `k - 1`'s output); those hash to what the
//! claim committed to, so the chain can re-run layer `i` alone and decide. The reward goes to the
//! first account that committed to the refutation, so nobody who copies the reveal from the pool
//! can take it. Challenges are signed locally and handed to the node without
//! waiting for each other: under load, a challenger that waited for each verdict would let the
//! windows of later lies close. Verdicts, rewards and lost bonds are read from the events
//! (`DisputeResolved`, `Slashed`) of the following blocks. When the node goes away it reconnects
//! with backoff and checks again every claim still in its window.
//!
//! As a watcher (`vigil watcher run`, [`Watch`]) it also registers a stake and answers the audits
//! the chain draws for it (`AuditAssigned`): it re-executes the audited claim and, if it checks
//! out, attests it with the activation of the drawn layer (`Inference.attest`), which pays it half
//! the job's fee when the claim finalizes; if it does not, it challenges it like any false claim.
//! With `--audits-only` it checks no other claim: it is paid to watch even when nobody lies.

use std::collections::HashMap;

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use subxt_signer::sr25519::Keypair;
use vigil_engine::{as_i8, ValidatedModel};

use crate::chain::{self, api, AccountId, ChainArgs, Client, JobStatus, Pipeline};
use crate::commands::executor::cached_model;
use crate::commands::{stop_requested, timestamp, Backoff};
use crate::verify::{first_wrong_layer, Activations};

/// Run a challenger.
#[derive(Subcommand, Debug)]
pub enum ChallengerCommand {
    /// Re-execute every claim inside its window and challenge the false ones, until Ctrl-C.
    Run {
        #[command(flatten)]
        chain: ChainArgs,
    },
    /// Check one job's claim (waiting for it if the job is still assigned) and challenge it on
    /// its first wrong layer. With --layer, dispute that layer even if it is right: the chain then
    /// keeps the challenger's bond.
    Challenge {
        /// The job id.
        job: u64,
        /// The layer to dispute instead of the first wrong one.
        #[arg(long)]
        layer: Option<u32>,
        #[command(flatten)]
        chain: ChainArgs,
    },
}

impl ChallengerCommand {
    /// Runs the command.
    pub fn execute(self) -> Result<()> {
        match self {
            ChallengerCommand::Run { chain } => super::block_on(run(chain, None)),
            ChallengerCommand::Challenge { job, layer, chain } => {
                super::block_on(challenge_once(job, layer, chain))
            }
        }
    }
}

/// A watcher's part of the loop: its stake, whether it checks only the claims it audits, and the
/// audits it was drawn for.
pub struct Watch {
    /// The stake to register with (or to top up to after a missed audit).
    pub stake: u128,
    /// Check only audited claims.
    pub audits_only: bool,
    /// Audits drawn for this watcher and not yet answered: job id to the layer to attest.
    audits: HashMap<u64, u32>,
    attested: u64,
    paid: u128,
}

impl Watch {
    /// A watcher with `stake` that checks every claim, or only those it audits.
    pub fn new(stake: u128, audits_only: bool) -> Watch {
        Watch {
            stake,
            audits_only,
            audits: HashMap::new(),
            attested: 0,
            paid: 0,
        }
    }
}

struct Challenger {
    /// Set when running as a watcher.
    watch: Option<Watch>,
    /// Challenges go out without waiting for each other: a lie caught while another dispute is
    /// on its way must not wait for it, or its window may close first.
    pipeline: Pipeline,
    me: AccountId,
    /// Challenges handed to the node and not yet decided: job id to the end of its window.
    disputes: HashMap<u64, u32>,
    /// Refutations committed to and not yet revealed: job id to the layer and its inputs.
    reveals: HashMap<u64, (u32, Vec<Vec<u8>>)>,
    models: HashMap<[u8; 32], ValidatedModel>,
    /// Claims already checked: job id to the end of its window (forgotten after it).
    checked: HashMap<u64, u32>,
    claims_checked: u64,
    disputes_won: u64,
    disputes_lost: u64,
    earned: u128,
    lost: u128,
}

fn log(line: String) {
    println!("[{}] {line}", timestamp());
}

/// Run the challenger loop, as a watcher too if `watch` is set, until Ctrl-C.
pub async fn run(args: ChainArgs, watch: Option<Watch>) -> Result<()> {
    let key = args.signer()?;
    let me = chain::account_of(&key);
    let role = if watch.is_some() {
        "watcher"
    } else {
        "challenger"
    };
    let mut ch = Challenger {
        watch,
        pipeline: Pipeline::new(key),
        me,
        disputes: HashMap::new(),
        reveals: HashMap::new(),
        models: HashMap::new(),
        checked: HashMap::new(),
        claims_checked: 0,
        disputes_won: 0,
        disputes_lost: 0,
        earned: 0,
        lost: 0,
    };
    log(format!("{role} {} starting; node {}", ch.me, args.url));
    let mut backoff = Backoff::default();
    loop {
        let ended = tokio::select! {
            ended = session(&args, &mut ch, &mut backoff) => ended,
            _ = stop_requested() => break,
        };
        let delay = backoff.next_delay();
        log(format!(
            "node unavailable ({ended:#}); retrying in {} s",
            delay.as_secs()
        ));
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = stop_requested() => break,
        }
    }
    log(format!(
        "stopping: {} claims checked, {} disputes won, {} lost; earned {}, lost {}",
        ch.claims_checked,
        ch.disputes_won,
        ch.disputes_lost,
        chain::format_balance(ch.earned),
        chain::format_balance(ch.lost)
    ));
    if let Some(w) = &ch.watch {
        log(format!(
            "audits: {} attested, paid {}",
            w.attested,
            chain::format_balance(w.paid)
        ));
    }
    Ok(())
}

/// Register as a watcher with the stake unless already taking audits; a watcher suspended after
/// a missed audit tops its stake up to `--stake` and rejoins.
async fn ensure_watcher(api: &Client, ch: &mut Challenger) -> Result<()> {
    let Some(watch) = &ch.watch else {
        return Ok(());
    };
    let at = api
        .at_current_block()
        .await
        .context("cannot read the chain")?;
    let info = at
        .storage()
        .try_fetch(api::storage().inference().watchers(), (ch.me,))
        .await
        .context("cannot read Inference.Watchers")?
        .map(|info| info.decode())
        .transpose()
        .context("cannot decode a watcher")?;
    let listed = chain::watcher_list(&at).await?.contains(&ch.me);
    let add = match &info {
        Some(info) if info.unbonding_at.is_some() => {
            bail!("this account is unbonding as a watcher and takes no audits")
        }
        Some(info) if listed => {
            log(format!(
                "registered watcher: stake {}, {} open audit(s)",
                chain::format_balance(info.stake),
                info.open_audits
            ));
            return Ok(());
        }
        Some(info) => watch.stake.saturating_sub(info.stake),
        None => watch.stake,
    };
    log(format!(
        "registering as a watcher, adding {} to the stake ...",
        chain::format_balance(add)
    ));
    ch.pipeline
        .send(api, &api::transactions().inference().register_watcher(add))
        .await
        .context("cannot register as a watcher")?;
    log("watcher registration sent".to_string());
    Ok(())
}

/// Attest the audit of `job_id` with `activation`, the drawn layer's output.
async fn attest(api: &Client, ch: &mut Challenger, job_id: u64, activation: Vec<u8>) -> Result<()> {
    let call = api::transactions().inference().attest(job_id, activation);
    ch.pipeline
        .send(api, &call)
        .await
        .context("the node refused the attestation")?;
    Ok(())
}

/// One connection's worth of work; returns why it ended (the node went away).
async fn session(args: &ChainArgs, ch: &mut Challenger, backoff: &mut Backoff) -> anyhow::Error {
    let api = match args.connect().await {
        Ok(api) => api,
        Err(e) => return e,
    };
    backoff.reset();
    ch.pipeline.reset();
    // Challenges sent over the last connection may have been lost with a restarted node's pool:
    // their claims are checked again below, like every claim still in its window.
    for (job_id, _) in ch.disputes.drain() {
        ch.checked.remove(&job_id);
    }
    ch.reveals.clear();
    log(format!("connected to {}", args.url));
    if let Err(e) = ensure_watcher(&api, ch).await {
        return e;
    }
    let mut blocks = match api.stream_blocks().await {
        Ok(blocks) => blocks,
        Err(e) => return anyhow!("cannot follow finalized blocks: {e}"),
    };
    // Claims still inside their window, then every claim posted from now on.
    let startup = async {
        let at = api
            .at_current_block()
            .await
            .context("cannot read the chain")?;
        let now = at.block_number() as u32;
        let mut open: Vec<u64> = chain::open_jobs(&at)
            .await?
            .into_iter()
            .filter(|(_, job)| job.status == JobStatus::Claimed && job.deadline >= now)
            .map(|(job_id, _)| job_id)
            .collect();
        if let Some(watch) = ch.watch.as_mut() {
            // Audits drawn for this watcher while it was away.
            for &job_id in &open {
                let audit = at
                    .storage()
                    .try_fetch(api::storage().inference().audits(), (job_id,))
                    .await
                    .context("cannot read Inference.Audits")?
                    .map(|a| a.decode())
                    .transpose()
                    .context("cannot decode an audit")?;
                if let Some(a) = audit.filter(|a| a.watcher == ch.me && !a.attested) {
                    watch.audits.insert(job_id, a.layer);
                }
            }
            if watch.audits_only {
                open.retain(|id| watch.audits.contains_key(id));
            }
        }
        Ok::<_, anyhow::Error>((at, now, open))
    }
    .await;
    match startup {
        Ok((at, now, open)) => {
            if let Err(e) = check_claims(&api, ch, &at, now, &open).await {
                return e;
            }
        }
        Err(e) => return e,
    }
    while let Some(block) = blocks.next().await {
        let block = match block {
            Ok(block) => block,
            Err(e) => return anyhow!("lost finalized blocks: {e}"),
        };
        let now = block.number() as u32;
        let at = match block.at().await {
            Ok(at) => at,
            Err(e) => return anyhow!("cannot open block #{now}: {e}"),
        };
        let events = match at.events().fetch().await {
            Ok(events) => events,
            Err(e) => return anyhow!("cannot read the events of #{now}: {e}"),
        };
        record_verdicts(ch, now, &events);
        match chain::failed_calls(
            &at,
            &events,
            &ch.me,
            "Inference",
            &[
                "commit_challenge",
                "challenge",
                "attest",
                "register_watcher",
            ],
        )
        .await
        {
            Ok(failed) => {
                for (call, job_id, reason) in failed {
                    ch.disputes.remove(&job_id);
                    ch.reveals.remove(&job_id);
                    log(format!(
                        "job {job_id}: the chain refused the {call} in #{now}: {reason}"
                    ));
                }
            }
            Err(e) => return e,
        }
        // Reveal what was committed in this block: the reveal lands in a later one.
        let committed: Vec<u64> = events
            .find::<api::inference::events::ChallengeCommitted>()
            .flatten()
            .filter(|e| e.challenger == ch.me)
            .map(|e| e.job_id)
            .collect();
        for job_id in committed {
            if let Err(e) = reveal(&api, ch, job_id).await {
                if api.at_current_block().await.is_err() {
                    return e;
                }
                log(format!("job {job_id}: {e:#}"));
            }
        }
        let mut to_check: Vec<u64> = Vec::new();
        let audits_only = ch.watch.as_ref().is_some_and(|w| w.audits_only);
        if !audits_only {
            to_check.extend(
                events
                    .find::<api::inference::events::ClaimPosted>()
                    .flatten()
                    .map(|e| e.job_id),
            );
        }
        if let Some(watch) = ch.watch.as_mut() {
            for e in events
                .find::<api::inference::events::AuditAssigned>()
                .flatten()
                .filter(|e| e.watcher == ch.me)
            {
                log(format!(
                    "job {}: drawn to audit layer {} (attest by #{})",
                    e.job_id, e.layer, e.deadline
                ));
                watch.audits.insert(e.job_id, e.layer);
                // Checked already when it was posted: check again, to attest.
                ch.checked.remove(&e.job_id);
                to_check.push(e.job_id);
            }
            let suspended = events
                .find::<api::inference::events::WatcherSuspended>()
                .flatten()
                .any(|e| e.watcher == ch.me);
            if suspended {
                log("suspended after a missed audit: registering again".to_string());
                if let Err(e) = ensure_watcher(&api, ch).await {
                    return e;
                }
            }
        }
        if let Err(e) = check_claims(&api, ch, &at, now, &to_check).await {
            return e;
        }
    }
    anyhow!("the node closed the block subscription")
}

/// Check the claims of jobs `ids` as they stand at block `at` (read concurrently). Errors that
/// concern one claim are logged; an error is returned only when the node is gone.
async fn check_claims(
    api: &Client,
    ch: &mut Challenger,
    at: &chain::AtBlock,
    now: u32,
    ids: &[u64],
) -> Result<(), anyhow::Error> {
    ch.checked.retain(|_, window_end| *window_end >= now);
    let ids: Vec<u64> = ids
        .iter()
        .copied()
        .filter(|id| !ch.checked.contains_key(id))
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let read = async {
        let jobs = chain::fetch_jobs(at, &ids).await?;
        let claims: HashMap<u64, chain::Claim> =
            chain::fetch_claims(at, &ids).await?.into_iter().collect();
        Ok::<_, anyhow::Error>((jobs, claims))
    }
    .await;
    let (jobs, mut claims) = match read {
        Ok(read) => read,
        Err(e) => {
            if api.at_current_block().await.is_err() {
                return Err(e);
            }
            log(format!("cannot read the claims of #{now}: {e:#}"));
            return Ok(());
        }
    };
    let quiet = jobs.len() > 3;
    let checked_before = ch.claims_checked;
    for (job_id, job) in jobs {
        ch.checked.insert(job_id, job.deadline);
        let claim = claims.remove(&job_id);
        if let Err(e) = check(api, ch, now, job_id, job, claim, quiet).await {
            if api.at_current_block().await.is_err() {
                return Err(e);
            }
            log(format!("job {job_id}: {e:#}"));
        }
    }
    if quiet {
        log(format!(
            "#{now}: {} claim(s) re-executed",
            ch.claims_checked - checked_before
        ));
    }
    Ok(())
}

/// Re-execute job `job_id`'s claim (as read at block `now`) and challenge it if it is false.
async fn check(
    api: &Client,
    ch: &mut Challenger,
    now: u32,
    job_id: u64,
    job: chain::Job,
    claim: Option<chain::Claim>,
    quiet: bool,
) -> Result<()> {
    if job.status != JobStatus::Claimed || now > job.deadline {
        return Ok(());
    }
    if job.executor == ch.me {
        log(format!("job {job_id}: my own claim, not checked"));
        return Ok(());
    }
    let claim = claim.ok_or_else(|| anyhow!("the job is claimed but has no claim"))?;
    let model = cached_model(api, &mut ch.models, &job.model_id).await?;
    let ours = Activations::run(model, as_i8(&job.input.0))?;
    ch.claims_checked += 1;
    let audited = ch.watch.as_mut().and_then(|w| w.audits.remove(&job_id));
    let Some(layer) = first_wrong_layer(&ours.trace(), &claim.trace.0) else {
        if !quiet {
            log(format!(
                "job {job_id}: claim by {} checks out",
                job.executor
            ));
        }
        if let Some(audit_layer) = audited {
            let activation = ours
                .acts
                .get(audit_layer as usize + 1)
                .ok_or_else(|| anyhow!("the audit names layer {audit_layer}, beyond the model"))?;
            attest(api, ch, job_id, vigil_engine::as_u8(activation).to_vec()).await?;
            log(format!(
                "job {job_id}: audit answered: attested layer {audit_layer}"
            ));
        }
        return Ok(());
    };
    if layer >= model.layer_count() {
        bail!("the claim's trace has the wrong length; the chain should have refused it");
    }
    log(format!(
        "job {job_id}: claim by {} is WRONG from layer {layer}; challenging (window until #{})",
        job.executor, job.deadline
    ));
    let inputs = ours.layer_inputs(model, layer);
    ch.disputes.insert(job_id, job.deadline);
    ch.reveals.insert(job_id, (layer as u32, inputs.clone()));
    // Committed already (before a reconnection)? Then reveal at once.
    let at = api
        .at_current_block()
        .await
        .context("cannot read the chain")?;
    let mine = chain::has_committed(&at, job_id, &ch.me).await?;
    if mine {
        return reveal(api, ch, job_id).await;
    }
    let commitment = commitment_of(&ch.me, job_id, layer as u32, &inputs);
    let call = api::transactions()
        .inference()
        .commit_challenge(job_id, commitment);
    ch.pipeline
        .send(api, &call)
        .await
        .context("the node refused the commitment")?;
    log(format!(
        "job {job_id}: committed to the refutation; revealing it once the commitment is in a block"
    ));
    Ok(())
}

/// The commitment of `me` to disputing `layer` of `job_id` with `inputs`.
fn commitment_of(me: &AccountId, job_id: u64, layer: u32, inputs: &[Vec<u8>]) -> [u8; 32] {
    let refs: Vec<&[u8]> = inputs.iter().map(|i| &i[..]).collect();
    vigil_engine::challenge_commitment(&me.0, job_id, layer, &refs)
}

/// Send the challenge committed to for `job_id`.
async fn reveal(api: &Client, ch: &mut Challenger, job_id: u64) -> Result<()> {
    let Some((layer, inputs)) = ch.reveals.remove(&job_id) else {
        return Ok(());
    };
    let call = api::transactions()
        .inference()
        .challenge(job_id, layer, inputs);
    ch.pipeline
        .send(api, &call)
        .await
        .context("the node refused the challenge")?;
    log(format!(
        "job {job_id}: revealed the challenge of layer {layer}"
    ));
    Ok(())
}

/// What block `now`'s events say of this challenger's disputes: verdicts, rewards, bonds lost;
/// and which disputes ran out of window without a verdict.
fn record_verdicts(
    ch: &mut Challenger,
    now: u32,
    events: &subxt::events::Events<subxt::SubstrateConfig>,
) {
    use api::inference::events as ev;
    for e in events.find::<ev::DisputeResolved>().flatten() {
        if e.challenger != ch.me {
            if e.executor_was_wrong && ch.disputes.remove(&e.job_id).is_some() {
                ch.reveals.remove(&e.job_id);
                log(format!(
                    "job {}: refuted by {} (the reward goes to the first to commit)",
                    e.job_id, e.challenger
                ));
            }
            continue;
        }
        ch.disputes.remove(&e.job_id);
        if e.executor_was_wrong {
            ch.disputes_won += 1;
            log(format!(
                "job {}: dispute resolved at layer {}: the executor was wrong",
                e.job_id, e.layer
            ));
        } else {
            ch.disputes_lost += 1;
            log(format!(
                "job {}: dispute resolved at layer {}: the claim stood; the challenger's bond is lost",
                e.job_id, e.layer
            ));
        }
    }
    if let Some(watch) = ch.watch.as_mut() {
        for e in events.find::<ev::WatcherPaid>().flatten() {
            if e.watcher == ch.me {
                watch.attested += 1;
                watch.paid += e.amount;
                log(format!(
                    "job {}: audit paid {} (audits paid so far: {}, {})",
                    e.job_id,
                    chain::format_balance(e.amount),
                    watch.attested,
                    chain::format_balance(watch.paid)
                ));
            }
        }
    }
    let mut changed = false;
    for e in events.find::<ev::Slashed>().flatten() {
        if e.beneficiary.as_ref() == Some(&ch.me) {
            ch.earned += e.rewarded;
            changed = true;
        }
        if e.who == ch.me {
            ch.lost += e.amount;
            changed = true;
        }
    }
    if changed {
        log(format!(
            "earnings so far: {} earned, {} lost",
            chain::format_balance(ch.earned),
            chain::format_balance(ch.lost)
        ));
    }
    ch.disputes.retain(|job_id, window_end| {
        let open = *window_end >= now;
        if !open {
            log(format!(
                "job {job_id}: the challenge was not decided by the end of the window (#{window_end})"
            ));
        }
        open
    });
}

/// What one dispute did to the challenger.
pub struct DisputeOutcome {
    pub executor_was_wrong: bool,
    pub earned: u128,
    pub lost: u128,
}

/// Call `Inference.challenge(job_id, layer, inputs)` signed by `key` and report the verdict.
async fn dispute(
    api: &Client,
    key: &Keypair,
    me: &AccountId,
    job_id: u64,
    layer: u32,
    inputs: Vec<Vec<u8>>,
) -> Result<DisputeOutcome> {
    let call = api::transactions()
        .inference()
        .challenge(job_id, layer, inputs);
    let events = chain::submit(api, &call, key)
        .await
        .context("the challenge failed")?;
    use api::inference::events as ev;
    let mut outcome = DisputeOutcome {
        executor_was_wrong: false,
        earned: 0,
        lost: 0,
    };
    for e in events.find::<ev::DisputeResolved>().flatten() {
        outcome.executor_was_wrong = e.executor_was_wrong;
        let verdict = if e.executor_was_wrong {
            "the executor was wrong"
        } else {
            "the claim stood; the challenger's bond is lost"
        };
        log(format!(
            "job {}: dispute resolved at layer {}: {verdict}",
            e.job_id, e.layer
        ));
    }
    for e in events.find::<ev::Slashed>().flatten() {
        if e.beneficiary.as_ref() == Some(me) {
            outcome.earned += e.rewarded;
        }
        if &e.who == me {
            outcome.lost += e.amount;
        }
        log(format!(
            "slashed {} from {}; {} to {}",
            chain::format_balance(e.amount),
            e.who,
            chain::format_balance(e.rewarded),
            e.beneficiary
                .as_ref()
                .map(|b| b.to_string())
                .unwrap_or_else(|| "nobody".into())
        ));
    }
    Ok(outcome)
}

async fn challenge_once(job_id: u64, layer: Option<u32>, args: ChainArgs) -> Result<()> {
    let key = args.signer()?;
    let me = chain::account_of(&key);
    let api = args.connect().await?;
    let Some((mut now, mut view)) = chain::fetch_job(&api, job_id).await? else {
        bail!("there is no job {job_id} on chain");
    };
    if view.job.status == JobStatus::Assigned {
        // Still waiting for its claim: follow finalized blocks until the claim is there.
        eprintln!("job {job_id} is not claimed yet; waiting for its claim ...");
        let mut blocks = api
            .stream_blocks()
            .await
            .context("cannot follow the chain's finalized blocks")?;
        while view.job.status == JobStatus::Assigned {
            blocks
                .next()
                .await
                .ok_or_else(|| anyhow!("the node stopped sending blocks"))?
                .context("lost the chain's finalized blocks")?;
            (now, view) = chain::fetch_job(&api, job_id)
                .await?
                .ok_or_else(|| anyhow!("job {job_id} disappeared from the chain"))?;
        }
    }
    let job = view.job;
    if job.status != JobStatus::Claimed {
        bail!(
            "job {job_id} is {}: only a claimed job can be challenged",
            chain::status_name(&job.status)
        );
    }
    if now > job.deadline {
        bail!(
            "job {job_id}'s challenge window closed at block #{}",
            job.deadline
        );
    }
    let claim = view
        .claim
        .ok_or_else(|| anyhow!("the job is claimed but has no claim"))?;
    let mut cache = HashMap::new();
    let model = cached_model(&api, &mut cache, &job.model_id).await?;
    let ours = Activations::run(model, as_i8(&job.input.0))?;
    let wrong = first_wrong_layer(&ours.trace(), &claim.trace.0);
    let layer = match (layer, wrong) {
        (Some(layer), _) => layer as usize,
        (None, Some(layer)) => layer,
        (None, None) => bail!(
            "job {job_id}'s claim checks out: nothing to challenge (--layer K disputes a layer \
             anyway, at the cost of the challenger's bond)"
        ),
    };
    if layer >= model.layer_count() {
        bail!(
            "the model has {} layers: there is no layer {layer}",
            model.layer_count()
        );
    }
    match wrong {
        Some(w) => {
            println!("job {job_id}: the claim is wrong from layer {w}; disputing layer {layer}")
        }
        None => println!("job {job_id}: the claim checks out; disputing layer {layer} anyway"),
    }
    let inputs = ours.layer_inputs(model, layer);
    let commitment = commitment_of(&me, job_id, layer as u32, &inputs);
    chain::submit(
        &api,
        &api::transactions()
            .inference()
            .commit_challenge(job_id, commitment),
        &key,
    )
    .await
    .context("the commitment failed")?;
    println!("job {job_id}: committed; revealing in the next block");
    let outcome = dispute(&api, &key, &me, job_id, layer as u32, inputs).await?;
    println!(
        "verdict: {}",
        if outcome.executor_was_wrong {
            "executor wrong"
        } else {
            "claim upheld"
        }
    );
    println!("earned {}", chain::format_balance(outcome.earned));
    println!("lost {}", chain::format_balance(outcome.lost));
    Ok(())
}
