//! `vigil job …`: a requester's view: submit a job, see where it is, follow it to the end.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;

use crate::chain::{self, api, AccountId, ChainArgs, Client, JobStatus, JobView};

/// Submit inference jobs and follow them.
#[derive(Subcommand, Debug)]
pub enum JobCommand {
    /// Submit a job: the chain assigns an executor whose offer matches the model, the fee and the
    /// collateral, and holds the fee. Prints the job id.
    Submit {
        /// The registered model's id (0x-prefixed hex, as `vigil model register` prints it).
        #[arg(long)]
        model: String,
        /// An input tensor: its raw bytes, row-major (two little-endian bytes per element of an
        /// int16 input). One per model input, in order: the job's
        /// input is their concatenation, each checked against its tensor first.
        #[arg(
            long,
            required_unless_present = "input_f32",
            conflicts_with = "input_f32"
        )]
        input: Vec<PathBuf>,
        /// An input tensor as real numbers (little-endian f32, row-major), quantized with the
        /// model input's scale and zero point as TFLite's QUANTIZE does. One per model input.
        #[arg(long, value_name = "FILE")]
        input_f32: Vec<PathBuf>,
        /// The fee, in base units or with a unit suffix (e.g. 1UNIT, 0.5UNIT).
        #[arg(long)]
        fee: String,
        /// The collateral the executor stakes on its answer, slashed if it lies (half of it then
        /// goes to you): ask for at least what rides on the answer. Default: the chain's minimum
        /// (`Inference.MinJobCollateral`).
        #[arg(long)]
        collateral: Option<String>,
        #[command(flatten)]
        chain: ChainArgs,
    },
    /// Show a job: status, executor, deadline, claim.
    Status {
        /// The job id.
        id: u64,
        #[command(flatten)]
        chain: ChainArgs,
    },
    /// Follow a job block by block, through claim, challenge window and dispute, until it is
    /// settled.
    Watch {
        /// The job id.
        id: u64,
        #[command(flatten)]
        chain: ChainArgs,
    },
}

impl JobCommand {
    /// Runs the command.
    pub fn execute(self) -> Result<()> {
        match self {
            JobCommand::Submit {
                model,
                input,
                input_f32,
                fee,
                collateral,
                chain,
            } => super::block_on(submit(model, input, input_f32, fee, collateral, chain)),
            JobCommand::Status { id, chain } => super::block_on(status(id, chain)),
            JobCommand::Watch { id, chain } => super::block_on(watch(id, chain)),
        }
    }
}

/// What `vigil job submit` learned from the chain.
pub struct Submitted {
    pub job_id: u64,
    pub executor: AccountId,
    pub claim_deadline: u32,
    pub collateral: u128,
}

/// The chain's least job collateral (`Inference.MinJobCollateral`).
pub async fn min_collateral(api: &Client) -> Result<u128> {
    let at = api
        .at_current_block()
        .await
        .context("cannot read the chain")?;
    at.constants()
        .entry(api::constants().inference().min_job_collateral())
        .context("cannot read Inference.MinJobCollateral")
}

/// Submit a job signed by `key` and return its id and assigned executor.
pub async fn submit_job(
    api: &Client,
    key: &subxt_signer::sr25519::Keypair,
    model_id: [u8; 32],
    input: Vec<u8>,
    fee: u128,
    collateral: u128,
) -> Result<Submitted> {
    let call = api::transactions()
        .inference()
        .submit_job(model_id, input, fee, collateral);
    let events = chain::submit(api, &call, key).await?;
    let event = events
        .find_first::<api::inference::events::JobSubmitted>()
        .ok_or_else(|| anyhow!("the chain accepted the job but emitted no JobSubmitted event"))?
        .context("cannot decode JobSubmitted")?;
    Ok(Submitted {
        job_id: event.job_id,
        executor: event.executor,
        claim_deadline: event.claim_deadline,
        collateral: event.collateral,
    })
}

async fn submit(
    model: String,
    input: Vec<PathBuf>,
    input_f32: Vec<PathBuf>,
    fee: String,
    collateral: Option<String>,
    args: ChainArgs,
) -> Result<()> {
    let model_id = chain::parse_model_id(&model)?;
    let fee = chain::parse_balance(&fee)?;
    let collateral = collateral.map(|c| chain::parse_balance(&c)).transpose()?;
    let key = args.signer()?;
    let api = args.connect().await?;
    let model = super::executor::fetch_model(&api, &model_id)
        .await
        .context("cannot read the model from the chain")?;
    let input = super::model::read_inputs(&model, &input, &input_f32)?;
    let collateral = match collateral {
        Some(c) => c,
        None => min_collateral(&api).await?,
    };
    let s = submit_job(&api, &key, model_id, input, fee, collateral)
        .await
        .context("cannot submit the job")?;
    println!("job {} submitted", s.job_id);
    println!("executor {}", s.executor);
    println!("collateral {}", chain::format_balance(s.collateral));
    println!("claim due by block #{}", s.claim_deadline);
    Ok(())
}

/// One line per fact about a job, relative to block `now`.
pub fn describe(job_id: u64, now: u32, view: &JobView) -> Vec<String> {
    let job = &view.job;
    let mut lines = vec![
        format!("job {job_id}: {}", chain::status_name(&job.status)),
        format!("  model     {}", chain::hex32(&job.model_id)),
        format!("  requester {}", job.requester),
        format!("  executor  {}", job.executor),
        format!("  fee       {}", chain::format_balance(job.fee)),
        format!("  collateral {}", chain::format_balance(job.collateral)),
    ];
    let remaining = |deadline: u32| {
        if now <= deadline {
            format!("block #{deadline}, {} blocks from #{now}", deadline - now)
        } else {
            format!("block #{deadline}, passed (now #{now})")
        }
    };
    match job.status {
        JobStatus::Assigned => lines.push(format!("  claim due {}", remaining(job.deadline))),
        JobStatus::Claimed => lines.push(format!(
            "  challenge window until {}",
            remaining(job.deadline)
        )),
        _ => lines.push(format!(
            "  kept      until block #{} (then removed from storage)",
            job.settle_at
        )),
    }
    if job.reassignments > 0 {
        lines.push(format!("  reassigned {} time(s)", job.reassignments));
    }
    if let Some(claim) = &view.claim {
        lines.push(format!(
            "  claim     posted at #{}, output {}",
            claim.posted_at,
            short_hex(&claim.output.0)
        ));
        if let Some(last) = claim.trace.0.last() {
            lines.push(format!(
                "  trace     {} layer hashes, output hash {}",
                claim.trace.0.len(),
                chain::hex32(last)
            ));
        }
    }
    lines
}

async fn status(job_id: u64, args: ChainArgs) -> Result<()> {
    let api = args.connect().await?;
    let Some((now, view)) = chain::fetch_job(&api, job_id).await? else {
        return Err(missing(&api, job_id).await);
    };
    for line in describe(job_id, now, &view) {
        println!("{line}");
    }
    Ok(())
}

/// Why job `job_id` is not on chain: it never existed, or it settled long enough ago to have
/// been removed.
async fn missing(api: &chain::Client, job_id: u64) -> anyhow::Error {
    let known = async {
        let at = api.at_current_block().await?;
        let next = chain::next_job_id(&at).await?;
        let retention = at
            .constants()
            .entry(api::constants().inference().settled_retention())?;
        Ok::<_, anyhow::Error>((next, retention))
    }
    .await;
    match known {
        Ok((next, retention)) if job_id < next => anyhow::anyhow!(
            "job {job_id} is no longer on chain: it settled more than {retention} blocks ago and \
             was removed (its outcome is in the events of the block that settled it)"
        ),
        Ok((0, _)) => anyhow::anyhow!("there is no job {job_id} on chain (no job yet)"),
        Ok((next, _)) => anyhow::anyhow!(
            "there is no job {job_id} on chain (the jobs so far are 0 to {})",
            next - 1
        ),
        Err(_) => anyhow::anyhow!("there is no job {job_id} on chain"),
    }
}

/// Whether a job is settled: no further change will come.
pub fn is_settled(status: &JobStatus) -> bool {
    matches!(
        status,
        JobStatus::Finalized | JobStatus::Refuted | JobStatus::TimedOut
    )
}

async fn watch(job_id: u64, args: ChainArgs) -> Result<()> {
    let api = args.connect().await?;
    let Some((now, view)) = chain::fetch_job(&api, job_id).await? else {
        return Err(missing(&api, job_id).await);
    };
    for line in describe(job_id, now, &view) {
        println!("{line}");
    }
    if is_settled(&view.job.status) {
        return Ok(());
    }
    let mut last = view.job.status;
    let mut blocks = api
        .stream_blocks()
        .await
        .context("cannot follow the chain's finalized blocks")?;
    while let Some(block) = blocks.next().await {
        let block = block.context("lost the chain's finalized blocks")?;
        let number = block.number() as u32;
        let at = block.at().await.context("cannot open a finalized block")?;
        let events = at
            .events()
            .fetch()
            .await
            .context("cannot read a block's events")?;
        for line in job_events(job_id, &events) {
            println!("#{number}: {line}");
        }
        let Some((_, view)) = chain::fetch_job(&api, job_id).await? else {
            bail!("job {job_id} disappeared from the chain");
        };
        let status = view.job.status;
        if status != last {
            match status {
                JobStatus::Claimed => println!(
                    "#{number}: claimed; challenge window until block #{}",
                    view.job.deadline
                ),
                JobStatus::Assigned => println!(
                    "#{number}: assigned to {}; claim due by block #{}",
                    view.job.executor, view.job.deadline
                ),
                other => println!("#{number}: {}", chain::status_name(&other)),
            }
            last = status;
        }
        if is_settled(&status) {
            return Ok(());
        }
    }
    bail!("the node stopped sending blocks before job {job_id} was settled")
}

/// Plain-words lines for the events of `events` that concern `job_id`.
pub fn job_events(
    job_id: u64,
    events: &subxt::events::Events<subxt::SubstrateConfig>,
) -> Vec<String> {
    use api::inference::events as ev;
    let mut lines = Vec::new();
    for e in events.find::<ev::ClaimPosted>().flatten() {
        if e.job_id == job_id {
            lines.push(format!(
                "claim posted by {}; challengeable until block #{}",
                e.executor, e.challenge_deadline
            ));
        }
    }
    for e in events.find::<ev::JobReassigned>().flatten() {
        if e.job_id == job_id {
            lines.push(format!(
                "{} stayed silent; reassigned to {}, claim due by block #{}",
                e.from, e.to, e.claim_deadline
            ));
        }
    }
    for e in events.find::<ev::DisputeResolved>().flatten() {
        if e.job_id == job_id {
            let verdict = if e.executor_was_wrong {
                "the claim was FALSE"
            } else {
                "the claim was right"
            };
            lines.push(format!(
                "challenged by {} at layer {}: {verdict}",
                e.challenger, e.layer
            ));
        }
    }
    for e in events.find::<ev::ClaimFinalized>().flatten() {
        if e.job_id == job_id {
            lines.push(format!(
                "finalized: {} paid {}",
                e.executor,
                chain::format_balance(e.fee)
            ));
        }
    }
    for e in events.find::<ev::JobTimedOut>().flatten() {
        if e.job_id == job_id {
            lines.push(format!(
                "timed out: {} refunded {}",
                e.requester,
                chain::format_balance(e.refunded)
            ));
        }
    }
    lines
}

/// Bytes shown as hex, the first 64 of them only when there are more (a model's output may be
/// hundreds of KiB; the whole is in the chain's storage and the trace commits to it).
fn short_hex(bytes: &[u8]) -> String {
    const SHOWN: usize = 64;
    if bytes.len() <= SHOWN {
        hex::encode(bytes)
    } else {
        format!(
            "{}… ({} bytes in all)",
            hex::encode(&bytes[..SHOWN]),
            bytes.len()
        )
    }
}
