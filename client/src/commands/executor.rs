//! `vigil executor run`: an executor's loop.
//!
//! 1. Connect; register with `--bond` unless the account is already an executor.
//! 2. Follow finalized blocks; before the first, look through `Inference.Jobs` for jobs already
//!    assigned to this account (so a restarted executor resumes where it stopped).
//! 3. For every job assigned to it (`JobSubmitted`, `JobReassigned`): fetch the model's bytes from
//!    `Models.ModelBytes` (once per model), run the engine, post the claim (output and trace).
//! 4. When the node goes away, reconnect with backoff (1 s doubling to 5 s, shorter than a claim timeout) and go back to 2.
//!
//! With `--lie layer=K,rate=P` the executor posts a false claim for a fraction P of its jobs:
//! layer K's output is corrupted and the later layers recomputed from it, so a challenger finds K
//! to be the first wrong layer. This is for demonstrations and tests.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use subxt_signer::sr25519::Keypair;
use vigil_engine::{as_i8, as_u8, decode_model, ValidatedModel};

use crate::chain::{self, api, AccountId, ChainArgs, Client, JobStatus, Pipeline};
use crate::commands::{timestamp, Backoff};
use crate::verify::{lies_about, Activations, LiePlan};

/// Run an executor.
#[derive(Subcommand, Debug)]
pub enum ExecutorCommand {
    /// Take the jobs the chain assigns to this account, run them and post claims, until Ctrl-C.
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
        chain: ChainArgs,
    },
}

impl ExecutorCommand {
    /// Runs the command.
    pub fn execute(self) -> Result<()> {
        match self {
            ExecutorCommand::Run { bond, lie, chain } => {
                let bond = chain::parse_balance(&bond)?;
                super::block_on(run(bond, lie, chain))
            }
        }
    }
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
    lie: Option<LiePlan>,
    models: HashMap<[u8; 32], ValidatedModel>,
    claimed: HashSet<u64>,
    honest: u64,
    false_claims: u64,
    paid: u128,
    slashed: u128,
}

async fn run(bond: u128, lie: Option<LiePlan>, args: ChainArgs) -> Result<()> {
    let key = args.signer()?;
    let me = chain::account_of(&key);
    let mut ex = Executor {
        pipeline: Pipeline::new(key.clone()),
        key,
        me,
        bond,
        lie,
        models: HashMap::new(),
        claimed: HashSet::new(),
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
            _ = tokio::signal::ctrl_c() => {
                log(format!(
                    "stopping: {} honest claims, {} false claims, paid {}, slashed {}",
                    ex.honest, ex.false_claims, chain::format_balance(ex.paid),
                    chain::format_balance(ex.slashed)
                ));
                return Ok(());
            }
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
                    _ = tokio::signal::ctrl_c() => return Ok(()),
                }
            }
        }
    }
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
    log(format!("connected to {}", args.url));
    if let Err(e) = ensure_registered(&api, ex).await {
        return classify(&api, e).await;
    }
    // Subscribe before looking for old jobs, so that no assignment falls in between.
    let mut blocks = match api.stream_blocks().await {
        Ok(blocks) => blocks,
        Err(e) => return Stop::Lost(anyhow!("cannot follow finalized blocks: {e}")),
    };
    match assigned_jobs(&api, &ex.me).await {
        Ok(jobs) => {
            if !jobs.is_empty() {
                log(format!(
                    "resuming {} job(s) already assigned to me",
                    jobs.len()
                ));
            }
            for job_id in jobs {
                if let Err(stop) = take_job(&api, ex, job_id).await {
                    return stop;
                }
            }
        }
        Err(e) => return classify(&api, e).await,
    }
    while let Some(block) = blocks.next().await {
        let block = match block {
            Ok(block) => block,
            Err(e) => return Stop::Lost(anyhow!("lost finalized blocks: {e}")),
        };
        let events = match block.at().await {
            Ok(at) => match at.events().fetch().await {
                Ok(events) => events,
                Err(e) => return Stop::Lost(anyhow!("cannot read events: {e}")),
            },
            Err(e) => return Stop::Lost(anyhow!("cannot open block: {e}")),
        };
        let mut mine = Vec::new();
        use api::inference::events as ev;
        for e in events.find::<ev::JobSubmitted>().flatten() {
            if e.executor == ex.me {
                mine.push(e.job_id);
            }
        }
        for e in events.find::<ev::JobReassigned>().flatten() {
            if e.to == ex.me {
                mine.push(e.job_id);
            }
        }
        for e in events.find::<ev::ClaimFinalized>().flatten() {
            if e.executor == ex.me {
                ex.paid += e.fee;
                log(format!(
                    "job {}: finalized, paid {} (total {})",
                    e.job_id,
                    chain::format_balance(e.fee),
                    chain::format_balance(ex.paid)
                ));
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
        for job_id in mine {
            if let Err(stop) = take_job(&api, ex, job_id).await {
                return stop;
            }
        }
    }
    Stop::Lost(anyhow!("the node closed the block subscription"))
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
        log(format!(
            "registered executor: bond {}, {} open job(s)",
            chain::format_balance(info.bond),
            info.open_jobs
        ));
        return Ok(());
    }
    log(format!(
        "registering with bond {} ...",
        chain::format_balance(ex.bond)
    ));
    let call = api::transactions().inference().register_executor(ex.bond);
    chain::submit(api, &call, &ex.key)
        .await
        .context("cannot register as an executor")?;
    log("registered".to_string());
    Ok(())
}

/// Jobs assigned to `me` and waiting for a claim, oldest first.
async fn assigned_jobs(api: &Client, me: &AccountId) -> Result<Vec<u64>> {
    let at = api
        .at_current_block()
        .await
        .context("cannot read the chain")?;
    let mut entries = at
        .storage()
        .iter(api::storage().inference().jobs(), ())
        .await
        .context("cannot list Inference.Jobs")?;
    let mut mine = Vec::new();
    while let Some(entry) = entries.next().await {
        let entry = entry.context("cannot read a job")?;
        let job = entry.value().decode().context("cannot decode a job")?;
        if job.status == JobStatus::Assigned && &job.executor == me {
            let (job_id,) = entry
                .key()
                .context("job key")?
                .decode()
                .context("job key")?;
            mine.push(job_id);
        }
    }
    mine.sort_unstable();
    Ok(mine)
}

/// Run job `job_id` and post its claim. Errors that concern only this job are logged and
/// skipped; losing the node ends the session.
async fn take_job(api: &Client, ex: &mut Executor, job_id: u64) -> Result<(), Stop> {
    if ex.claimed.contains(&job_id) {
        return Ok(());
    }
    match claim_job(api, ex, job_id).await {
        Ok(()) => Ok(()),
        Err(e) => match classify(api, e).await {
            Stop::Fatal(e) => {
                log(format!("job {job_id}: {e:#}"));
                Ok(())
            }
            lost => Err(lost),
        },
    }
}

async fn claim_job(api: &Client, ex: &mut Executor, job_id: u64) -> Result<()> {
    let Some((now, view)) = chain::fetch_job(api, job_id).await? else {
        bail!("no such job on chain");
    };
    let job = view.job;
    if job.status != JobStatus::Assigned || job.executor != ex.me {
        // Settled, claimed already, or moved to another executor meanwhile.
        ex.claimed.insert(job_id);
        return Ok(());
    }
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
    let deadline = job.deadline;
    ex.pipeline
        .send(api, &call, move |outcome| {
            if let Err(e) = outcome {
                log(format!(
                    "job {job_id}: the claim failed (due by #{deadline}): {e:#}"
                ));
            }
        })
        .await
        .with_context(|| format!("cannot post the claim (claim due by #{deadline})"))?;
    ex.claimed.insert(job_id);
    match lie {
        Some(plan) => {
            ex.false_claims += 1;
            log(format!(
                "job {job_id}: sent a FALSE claim (wrong from layer {}) at about #{now}",
                plan.layer
            ));
        }
        None => {
            ex.honest += 1;
            log(format!("job {job_id}: claim sent at about #{now}"));
        }
    }
    Ok(())
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
