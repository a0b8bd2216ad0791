//! `vigil bench load`: drive a chain with many jobs from several accounts and measure it.
//!
//! Jobs are sent from every `--from` account without waiting for each other (nonces counted
//! locally); a follower reads every finalized block. Figures printed: jobs/s handed to the node,
//! jobs/s included in finalized blocks, claims/s finalized, extrinsics per block, the latency from
//! a job's block to its settlement, and the cost of one adjudication (the heaviest layer) beside
//! the cost of re-running the whole model. Executors must be running (`vigil executor run` with a
//! bond large enough for the open jobs: each locks `JobCollateral`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use tokio::sync::mpsc;

use crate::chain::{self, api, ChainArgs, Pipeline};
use crate::commands::executor::fetch_model;

/// Benchmarks against a running chain.
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Submit many jobs from several accounts; print throughput, block fill and latency.
    Load {
        /// The registered model's id.
        #[arg(long)]
        model: String,
        /// The input tensor (raw int8 bytes); zeros of the model's input length if absent.
        #[arg(long)]
        input: Option<PathBuf>,
        /// How many jobs.
        #[arg(long, default_value_t = 200)]
        jobs: usize,
        /// The requesters: comma-separated secret URIs.
        #[arg(long, default_value = "//Eve,//Ferdie,//Alice")]
        from: String,
        /// Each job's fee.
        #[arg(long, default_value = "0.001UNIT")]
        fee: String,
        /// Give up after this many seconds.
        #[arg(long, default_value_t = 600)]
        timeout_secs: u64,
        #[command(flatten)]
        chain: ChainArgs,
    },
}

impl BenchCommand {
    /// Runs the command.
    pub fn execute(self) -> Result<()> {
        match self {
            BenchCommand::Load {
                model,
                input,
                jobs,
                from,
                fee,
                timeout_secs,
                chain,
            } => super::block_on(load(
                model,
                input,
                jobs,
                from,
                fee,
                Duration::from_secs(timeout_secs),
                chain,
            )),
        }
    }
}

/// What the follower saw in one finalized block.
struct BlockSeen {
    at: Instant,
    number: u64,
    extrinsics: usize,
    submitted: Vec<u64>,
    settled: Vec<u64>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

async fn load(
    model: String,
    input: Option<PathBuf>,
    jobs: usize,
    from: String,
    fee: String,
    timeout: Duration,
    args: ChainArgs,
) -> Result<()> {
    let model_id = chain::parse_model_id(&model)?;
    let fee = chain::parse_balance(&fee)?;
    let keys = from
        .split(',')
        .map(|uri| chain::keypair_from_uri(uri.trim()).with_context(|| format!("--from {uri}")))
        .collect::<Result<Vec<_>>>()?;
    if keys.is_empty() {
        bail!("--from names no account");
    }
    let api = args.connect().await?;
    let validated = fetch_model(&api, &model_id).await?;
    let input = match input {
        Some(path) => std::fs::read(&path)
            .with_context(|| format!("cannot read the input {}", path.display()))?,
        None => vec![0u8; validated.input_len()],
    };

    // Follow finalized blocks from now on.
    let (tx, mut rx) = mpsc::unbounded_channel::<Result<BlockSeen>>();
    let follower_api = api.clone();
    let follower = tokio::spawn(async move {
        let mut blocks = match follower_api.stream_blocks().await {
            Ok(blocks) => blocks,
            Err(e) => {
                let _ = tx.send(Err(anyhow::anyhow!("cannot follow blocks: {e}")));
                return;
            }
        };
        while let Some(block) = blocks.next().await {
            let seen = async {
                let block = block?;
                let at = block.at().await?;
                let extrinsics = at.extrinsics().fetch().await?.len();
                let events = at.events().fetch().await?;
                use api::inference::events as ev;
                let submitted = events
                    .find::<ev::JobSubmitted>()
                    .flatten()
                    .map(|e| e.job_id)
                    .collect();
                let mut settled: Vec<u64> = events
                    .find::<ev::ClaimFinalized>()
                    .flatten()
                    .map(|e| e.job_id)
                    .collect();
                settled.extend(events.find::<ev::JobTimedOut>().flatten().map(|e| e.job_id));
                settled.extend(
                    events
                        .find::<ev::DisputeResolved>()
                        .flatten()
                        .filter(|e| e.executor_was_wrong)
                        .map(|e| e.job_id),
                );
                Ok::<_, anyhow::Error>(BlockSeen {
                    at: Instant::now(),
                    number: block.number(),
                    extrinsics: extrinsics as usize,
                    submitted,
                    settled,
                })
            }
            .await;
            if tx.send(seen).is_err() {
                return;
            }
        }
    });

    // Send the jobs, round robin over the accounts.
    let mut pipelines: Vec<Pipeline> = keys.into_iter().map(Pipeline::new).collect();
    let (err_tx, mut err_rx) = mpsc::unbounded_channel::<String>();
    let start = Instant::now();
    eprintln!("sending {jobs} jobs from {} accounts ...", pipelines.len());
    for i in 0..jobs {
        let call = api::transactions()
            .inference()
            .submit_job(model_id, input.clone(), fee);
        let err_tx = err_tx.clone();
        let k = i % pipelines.len();
        pipelines[k]
            .send(&api, &call, move |outcome| {
                if let Err(e) = outcome {
                    let _ = err_tx.send(format!("{e:#}"));
                }
            })
            .await
            .with_context(|| format!("job {i} was not accepted"))?;
        if (i + 1) % 50 == 0 {
            eprintln!("  {} sent", i + 1);
        }
    }
    let sent_in = start.elapsed();
    eprintln!(
        "sent in {:.2} s; waiting for every job to settle ...",
        sent_in.as_secs_f64()
    );

    let mut submitted_at: HashMap<u64, (u64, Instant)> = HashMap::new();
    let mut latencies_s = Vec::new();
    let mut latencies_blocks = Vec::new();
    let mut last_included = start;
    let mut first_settled: Option<Instant> = None;
    let mut last_settled = start;
    let mut fills = Vec::new();
    let mut settled_count = 0usize;
    let mut failed = 0usize;
    let deadline = tokio::time::Instant::now() + timeout;
    while settled_count + failed < jobs {
        let seen = tokio::select! {
            seen = rx.recv() => seen,
            _ = tokio::time::sleep_until(deadline) => bail!(
                "timed out after {} s: {settled_count} of {jobs} jobs settled",
                timeout.as_secs()
            ),
        };
        while let Ok(e) = err_rx.try_recv() {
            failed += 1;
            eprintln!("a job failed: {e}");
        }
        let Some(seen) = seen else {
            bail!("the block follower stopped");
        };
        let seen = seen?;
        fills.push(seen.extrinsics);
        for id in &seen.submitted {
            submitted_at.insert(*id, (seen.number, seen.at));
            last_included = seen.at;
        }
        for id in &seen.settled {
            if let Some((number, at)) = submitted_at.get(id) {
                settled_count += 1;
                latencies_s.push(seen.at.duration_since(*at).as_secs_f64());
                latencies_blocks.push((seen.number - number) as f64);
                first_settled.get_or_insert(seen.at);
                last_settled = seen.at;
            }
        }
        if !seen.settled.is_empty() || !seen.submitted.is_empty() {
            eprintln!(
                "  #{}: {} extrinsics, {} jobs included, {} settled (total {settled_count}/{jobs})",
                seen.number,
                seen.extrinsics,
                seen.submitted.len(),
                seen.settled.len()
            );
        }
    }
    follower.abort();

    latencies_s.sort_by(f64::total_cmp);
    latencies_blocks.sort_by(f64::total_cmp);
    let busy: Vec<usize> = fills.iter().copied().filter(|&n| n > 1).collect();
    let total = validated.total_cost();
    let heaviest = validated
        .layer_costs()
        .iter()
        .map(|c| c.macs + c.bytes)
        .max()
        .unwrap_or(0);
    let whole = total.macs + total.bytes;
    println!("jobs                 {jobs} ({failed} failed)");
    println!(
        "submitted            {:.1} jobs/s handed to the node",
        jobs as f64 / sent_in.as_secs_f64()
    );
    println!(
        "included             {:.1} jobs/s in finalized blocks",
        jobs as f64 / last_included.duration_since(start).as_secs_f64().max(1e-9)
    );
    if let Some(first) = first_settled {
        println!(
            "finalized claims     {:.1} claims/s while settling, {:.1} claims/s end to end",
            settled_count as f64 / last_settled.duration_since(first).as_secs_f64().max(1e-9),
            settled_count as f64 / last_settled.duration_since(start).as_secs_f64().max(1e-9)
        );
    }
    println!(
        "block fill           {} extrinsics at most, {:.1} on average over {} busy blocks",
        fills.iter().max().copied().unwrap_or(0),
        busy.iter().sum::<usize>() as f64 / busy.len().max(1) as f64,
        busy.len()
    );
    println!(
        "latency              job's block to settlement: p50 {:.1} s ({} blocks), p95 {:.1} s, max {:.1} s",
        percentile(&latencies_s, 0.5),
        percentile(&latencies_blocks, 0.5),
        percentile(&latencies_s, 0.95),
        percentile(&latencies_s, 1.0)
    );
    println!(
        "adjudication         one layer, at most {heaviest} cost units (MACs + bytes); the whole model {whole}: {:.1}%",
        heaviest as f64 * 100.0 / whole.max(1) as f64
    );
    Ok(())
}
