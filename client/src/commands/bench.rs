//! `vigil bench load`: drive a chain with many jobs from several accounts and measure it.
//!
//! Every `--from` account sends its share of the jobs in its own task: signed locally with nonces
//! counted there, handed to the node with `author_submitExtrinsic`, many in flight at once, nothing
//! watched; optionally paced to `--rate` jobs/s in total. A follower reads every finalized block:
//! the jobs it includes (`JobSubmitted` by one of the accounts), the jobs it settles, its
//! extrinsics and how full its normal-class weight is.
//!
//! Figures printed: jobs/s handed to the node, jobs/s included in finalized blocks, claims/s
//! finalized, block fill, the latency from a job's block to its settlement, the finality lag (from
//! a block's first sighting as the best block to its finalization), and the cost of one
//! adjudication (the heaviest layer) beside the cost of re-running the whole model. Executors must
//! be running (`vigil executor run` with a bond large enough for the open jobs: each locks
//! `JobCollateral`); `scripts/bench-load` starts everything.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use tokio::sync::mpsc;

use crate::chain::{self, api, ChainArgs, Client, Pipeline};
use crate::commands::executor::fetch_model;

/// Benchmarks against a running chain.
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Submit many jobs from several accounts; print throughput, block fill and latency.
    Load(Load),
}

/// What `vigil bench load` sends, from whom, and where.
#[derive(Args, Debug)]
pub struct Load {
    /// The registered model's id.
    #[arg(long)]
    model: String,
    /// The input tensor (raw int8 bytes); zeros of the model's input length if absent.
    #[arg(long)]
    input: Option<PathBuf>,
    /// How many jobs.
    #[arg(long, default_value_t = 2000)]
    jobs: usize,
    /// Jobs per second to aim for, over all accounts; 0 sends as fast as the node accepts.
    #[arg(long, default_value_t = 0.0)]
    rate: f64,
    /// The requesters: comma-separated secret URIs; each sends from its own task.
    #[arg(long, default_value = "//Eve,//Ferdie,//Alice")]
    from: String,
    /// Each job's fee: at least the executors' asks (`vigil executor run` asks 0.11 UNIT for
    /// the least collateral by default), or no executor takes the jobs.
    #[arg(long, default_value = "1UNIT")]
    fee: String,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 600)]
    timeout_secs: u64,
    #[command(flatten)]
    chain: ChainArgs,
}

impl BenchCommand {
    /// Runs the command.
    pub fn execute(self) -> Result<()> {
        match self {
            BenchCommand::Load(load) => {
                if !(load.rate >= 0.0 && load.rate.is_finite()) {
                    bail!("--rate must be a number of jobs per second, 0 for as fast as possible");
                }
                if load.jobs == 0 {
                    bail!("--jobs must be at least 1");
                }
                super::block_on(self::load(load))
            }
        }
    }
}

/// What the follower saw in one finalized block.
struct BlockSeen {
    at: Instant,
    number: u64,
    extrinsics: usize,
    /// The block's normal-class weight as a share of what the class may use.
    normal_fill: f64,
    /// Jobs submitted by one of the benchmark's accounts.
    submitted: Vec<u64>,
    /// Why each of the benchmark's `submit_job` extrinsics in the block failed, if any did.
    failed: Vec<String>,
    /// Jobs settled: claims finalized, claims refuted, jobs timed out.
    settled: Vec<u64>,
    /// How many of `settled` were finalized claims.
    finalized: usize,
    /// How long after the block was first seen as a best block it was seen finalized, and how
    /// many blocks the best chain was ahead then (`None` if it was never seen as best).
    finality_lag: Option<(Duration, u64)>,
}

/// The best blocks seen: the highest number, and when each number was first seen.
#[derive(Default)]
struct BestSeen {
    head: u64,
    first_seen: HashMap<u64, Instant>,
}

/// What the sending tasks did.
#[derive(Default)]
struct Sent {
    accepted: usize,
    refused: usize,
    first_refusal: Option<String>,
}

/// Submissions one account keeps in flight: the node answers each after tens of milliseconds,
/// so a sender that waited for every answer would manage only a few dozen jobs per second.
const IN_FLIGHT_PER_ACCOUNT: usize = 256;

/// `count` events seen from `first` to `last`, as a rate over that span and from `start`; all
/// in one block (no span) said as such rather than as a rate over zero seconds.
fn rate_line(count: usize, what: &str, start: Instant, first: Instant, last: Instant) -> String {
    let from_start = count as f64 / last.duration_since(start).as_secs_f64();
    let unit = what.split_whitespace().next().unwrap_or_default();
    let spread = last.duration_since(first).as_secs_f64();
    if spread > 0.0 {
        format!(
            "{:.1} {what}, {from_start:.1} {unit} from the start",
            count as f64 / spread
        )
    } else {
        format!("all in one finalized block, {from_start:.1} {unit} from the start")
    }
}

/// The `p` quantile (0 to 1) of sorted values, the nearest rank; 0 when there are none.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// Follow finalized blocks and send what each one did to `tx`; `ready` fires once the
/// subscription is in place (or failed), so that no job is sent before the follower can see it.
async fn follow(
    api: Client,
    requesters: HashSet<[u8; 32]>,
    tx: mpsc::UnboundedSender<Result<BlockSeen>>,
    ready: tokio::sync::oneshot::Sender<()>,
) {
    let max_normal = api::constants().system().block_weights();
    let max_normal = match api.at_current_block().await {
        Ok(at) => at
            .constants()
            .entry(max_normal)
            .ok()
            .and_then(|w| w.per_class.normal.max_total.map(|w| w.ref_time))
            .unwrap_or(u64::MAX),
        Err(e) => {
            let _ = tx.send(Err(anyhow::anyhow!("cannot read the chain: {e}")));
            return;
        }
    };
    let mut blocks = match api.stream_blocks().await {
        Ok(blocks) => blocks,
        Err(e) => {
            let _ = tx.send(Err(anyhow::anyhow!("cannot follow blocks: {e}")));
            return;
        }
    };
    // Best blocks, for the finality lag: when each number first became the best block.
    let best_seen = Arc::new(std::sync::Mutex::new(BestSeen::default()));
    let best_watcher = match api.stream_best_blocks().await {
        Ok(mut best) => {
            let best_seen = best_seen.clone();
            Some(tokio::spawn(async move {
                while let Some(Ok(block)) = best.next().await {
                    let mut seen = best_seen.lock().expect("not poisoned");
                    seen.head = seen.head.max(block.number());
                    seen.first_seen
                        .entry(block.number())
                        .or_insert_with(Instant::now);
                }
            }))
        }
        Err(_) => None,
    };
    let _ = ready.send(());
    while let Some(block) = blocks.next().await {
        let seen = async {
            let block = block?;
            let at = block.at().await?;
            let extrinsics = at.extrinsics().fetch().await?;
            // Our `submit_job` extrinsics, by index: those that failed are jobs lost.
            let ours: HashSet<usize> = extrinsics
                .iter()
                .flatten()
                .filter(|x| x.pallet_name() == "Inference" && x.call_name() == "submit_job")
                .filter(|x| {
                    x.address_bytes()
                        .is_some_and(|a| a.len() >= 32 && requesters.contains(&a[a.len() - 32..]))
                })
                .map(|x| x.index())
                .collect();
            let extrinsics = extrinsics.len();
            let events = at.events().fetch().await?;
            let mut failed = Vec::new();
            for event in events.iter().flatten() {
                let subxt::events::Phase::ApplyExtrinsic(index) = event.phase() else {
                    continue;
                };
                if !ours.contains(&(index as usize)) {
                    continue;
                }
                if let Some(Ok(e)) =
                    event.decode_fields_as::<api::system::events::ExtrinsicFailed>()
                {
                    failed.push(chain::describe_runtime_error(
                        at.metadata_ref(),
                        &e.dispatch_error,
                    ));
                }
            }
            let weight = at
                .storage()
                .try_fetch(api::storage().system().block_weight(), ())
                .await?;
            let normal = match weight {
                Some(weight) => weight.decode()?.normal.ref_time,
                None => 0,
            };
            use api::inference::events as ev;
            let submitted = events
                .find::<ev::JobSubmitted>()
                .flatten()
                .filter(|e| requesters.contains(&e.requester.0))
                .map(|e| e.job_id)
                .collect();
            let mut settled: Vec<u64> = events
                .find::<ev::ClaimFinalized>()
                .flatten()
                .map(|e| e.job_id)
                .collect();
            let finalized = settled.len();
            settled.extend(events.find::<ev::JobTimedOut>().flatten().map(|e| e.job_id));
            settled.extend(
                events
                    .find::<ev::DisputeResolved>()
                    .flatten()
                    .filter(|e| e.executor_was_wrong)
                    .map(|e| e.job_id),
            );
            let now = Instant::now();
            let finality_lag = {
                let mut best = best_seen.lock().expect("not poisoned");
                let number = block.number();
                let lag = best
                    .first_seen
                    .get(&number)
                    .map(|t| (now.duration_since(*t), best.head.saturating_sub(number)));
                best.first_seen.retain(|n, _| *n > number);
                lag
            };
            Ok::<_, anyhow::Error>(BlockSeen {
                at: now,
                finality_lag,
                number: block.number(),
                extrinsics: extrinsics as usize,
                normal_fill: normal as f64 / max_normal.max(1) as f64,
                submitted,
                failed,
                settled,
                finalized,
            })
        }
        .await;
        if tx.send(seen).is_err() {
            break;
        }
    }
    if let Some(watcher) = best_watcher {
        watcher.abort();
    }
}

async fn load(load: Load) -> Result<()> {
    let jobs = load.jobs;
    let model_id = chain::parse_model_id(&load.model)?;
    let fee = chain::parse_balance(&load.fee)?;
    let keys = load
        .from
        .split(',')
        .map(|uri| chain::keypair_from_uri(uri.trim()).with_context(|| format!("--from {uri}")))
        .collect::<Result<Vec<_>>>()?;
    if keys.is_empty() {
        bail!("--from names no account");
    }
    let api = load.chain.connect().await?;
    let collateral = super::job::min_collateral(&api).await?;
    let validated = fetch_model(&api, &model_id).await?;
    let input = match &load.input {
        Some(path) => std::fs::read(path)
            .with_context(|| format!("cannot read the input {}", path.display()))?,
        None => vec![0u8; validated.input_len()],
    };
    if input.len() != validated.input_len() {
        bail!(
            "the input has {} bytes; the model takes {}",
            input.len(),
            validated.input_len()
        );
    }

    // Follow finalized blocks from now on.
    let requesters: HashSet<[u8; 32]> = keys.iter().map(|k| chain::account_of(k).0).collect();
    let (tx, mut rx) = mpsc::unbounded_channel::<Result<BlockSeen>>();
    let (ready_tx, ready) = tokio::sync::oneshot::channel();
    let follower = tokio::spawn(follow(api.clone(), requesters, tx, ready_tx));
    // Jobs sent before the follower subscribed could be included in blocks it never sees.
    let _ = ready.await;

    // Each account sends its share from its own task, paced to its share of --rate.
    let accounts = keys.len();
    let progress = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    eprintln!(
        "sending {jobs} jobs from {accounts} accounts{} ...",
        if load.rate > 0.0 {
            format!(" at {} jobs/s", load.rate)
        } else {
            " as fast as the node takes them".to_string()
        }
    );
    let mut senders = Vec::new();
    for (k, key) in keys.into_iter().enumerate() {
        let share = jobs / accounts + usize::from(k < jobs % accounts);
        let interval =
            (load.rate > 0.0).then(|| Duration::from_secs_f64(accounts as f64 / load.rate));
        let api = api.clone();
        let input = input.clone();
        let progress = progress.clone();
        senders.push(tokio::spawn(async move {
            let mut pipeline = Pipeline::new(key);
            let mut sent = Sent::default();
            let mut ticks = interval.map(|i| {
                let mut t = tokio::time::interval(i);
                t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
                t
            });
            let mut in_flight = tokio::task::JoinSet::new();
            let count = |outcome: Result<Result<[u8; 32]>, tokio::task::JoinError>,
                         sent: &mut Sent,
                         pipeline: &mut Pipeline| {
                match outcome.map_err(anyhow::Error::from).and_then(|r| r) {
                    Ok(_) => sent.accepted += 1,
                    Err(e) => {
                        sent.refused += 1;
                        sent.first_refusal.get_or_insert(format!("{e:#}"));
                        pipeline.reset();
                    }
                }
                progress.fetch_add(1, Ordering::Relaxed);
            };
            for _ in 0..share {
                if let Some(ticks) = ticks.as_mut() {
                    ticks.tick().await;
                }
                let call = api::transactions().inference().submit_job(
                    model_id,
                    input.clone(),
                    fee,
                    collateral,
                );
                match pipeline.sign(&api, &call).await {
                    Ok(tx) => {
                        let api = api.clone();
                        in_flight.spawn(async move { chain::submit_one(&api, tx).await });
                    }
                    Err(e) => count(Ok(Err(e)), &mut sent, &mut pipeline),
                }
                while in_flight.len() >= IN_FLIGHT_PER_ACCOUNT {
                    if let Some(outcome) = in_flight.join_next().await {
                        count(outcome, &mut sent, &mut pipeline);
                    }
                }
            }
            while let Some(outcome) = in_flight.join_next().await {
                count(outcome, &mut sent, &mut pipeline);
            }
            sent
        }));
    }
    let reporter = {
        let progress = progress.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let done = progress.load(Ordering::Relaxed);
                eprintln!("  {done}/{jobs} sent");
                if done >= jobs {
                    return;
                }
            }
        })
    };

    // Watch blocks while sending and until every included job has settled.
    let mut submitted_at: HashMap<u64, (u64, Instant)> = HashMap::new();
    let mut latencies_s = Vec::new();
    let mut latencies_blocks = Vec::new();
    let mut first_included: Option<Instant> = None;
    let mut last_included = start;
    let mut first_settled: Option<Instant> = None;
    let mut last_settled = start;
    let mut fills: Vec<(usize, f64)> = Vec::new();
    let mut lags_s = Vec::new();
    let mut lags_blocks = Vec::new();
    let mut settled_count = 0usize;
    let mut finalized_count = 0usize;
    let mut sending: Option<Vec<tokio::task::JoinHandle<Sent>>> = Some(senders);
    let mut sent_total: Option<(Duration, Sent)> = None;
    let mut idle_blocks = 0u32;
    let mut failed_count = 0usize;
    let mut failures: std::collections::BTreeMap<String, usize> = Default::default();
    let timeout = Duration::from_secs(load.timeout_secs);
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if sending
            .as_ref()
            .is_some_and(|s| s.iter().all(|h| h.is_finished()))
        {
            let handles = sending.take().expect("checked just above; qed");
            let mut total = Sent::default();
            for handle in handles {
                let sent = handle.await.context("a sending task failed")?;
                total.accepted += sent.accepted;
                total.refused += sent.refused;
                if total.first_refusal.is_none() {
                    total.first_refusal = sent.first_refusal;
                }
            }
            let took = start.elapsed();
            eprintln!(
                "sent {} jobs in {:.2} s ({} refused by the node); waiting for them to settle ...",
                total.accepted,
                took.as_secs_f64(),
                total.refused
            );
            if let Some(why) = &total.first_refusal {
                eprintln!("  first refusal: {why}");
            }
            sent_total = Some((took, total));
        }
        if let Some((_, sent)) = &sent_total {
            let all_included = submitted_at.len() + failed_count >= sent.accepted;
            // Jobs the pool took but no block ever included: give up on them after 30 quiet blocks.
            if settled_count >= submitted_at.len() && (all_included || idle_blocks >= 30) {
                break;
            }
        }
        let seen = tokio::select! {
            seen = rx.recv() => seen,
            _ = tokio::time::sleep_until(deadline) => bail!(
                "timed out after {} s: {settled_count} of {jobs} jobs settled",
                timeout.as_secs()
            ),
        };
        let Some(seen) = seen else {
            bail!("the block follower stopped");
        };
        let seen = seen?;
        fills.push((seen.extrinsics, seen.normal_fill));
        if let Some((lag, blocks)) = seen.finality_lag {
            lags_s.push(lag.as_secs_f64());
            lags_blocks.push(blocks as f64);
        }
        failed_count += seen.failed.len();
        for why in &seen.failed {
            *failures.entry(why.clone()).or_default() += 1;
        }
        if seen.submitted.is_empty() && seen.failed.is_empty() {
            idle_blocks += 1;
        } else {
            idle_blocks = 0;
            first_included.get_or_insert(seen.at);
            last_included = seen.at;
        }
        for id in &seen.submitted {
            submitted_at.insert(*id, (seen.number, seen.at));
        }
        let mut ours = 0usize;
        for id in &seen.settled {
            if let Some((number, at)) = submitted_at.get(id) {
                ours += 1;
                latencies_s.push(seen.at.duration_since(*at).as_secs_f64());
                latencies_blocks.push((seen.number - number) as f64);
                first_settled.get_or_insert(seen.at);
                last_settled = seen.at;
            }
        }
        settled_count += ours;
        finalized_count += seen.finalized.min(ours);
        if ours > 0 || !seen.submitted.is_empty() || !seen.failed.is_empty() {
            let failed = if seen.failed.is_empty() {
                String::new()
            } else {
                format!(", {} FAILED ({})", seen.failed.len(), seen.failed[0])
            };
            eprintln!(
                "  #{}: {} extrinsics, {:.0}% of normal weight, {} jobs included{failed}, {} settled (total {settled_count}/{})",
                seen.number,
                seen.extrinsics,
                seen.normal_fill * 100.0,
                seen.submitted.len(),
                ours,
                submitted_at.len()
            );
        }
    }
    follower.abort();
    reporter.abort();
    let (sent_in, sent) = sent_total.expect("the loop ends only after sending; qed");

    latencies_s.sort_by(f64::total_cmp);
    latencies_blocks.sort_by(f64::total_cmp);
    lags_s.sort_by(f64::total_cmp);
    lags_blocks.sort_by(f64::total_cmp);
    let busy: Vec<(usize, f64)> = fills.iter().copied().filter(|&(n, _)| n > 1).collect();
    let total = validated.total_cost();
    let heaviest = validated
        .layer_costs()
        .iter()
        .map(|c| c.macs + c.bytes)
        .max()
        .unwrap_or(0);
    let whole = total.macs + total.bytes;
    let included = submitted_at.len();
    println!(
        "jobs                 {jobs}: {} accepted by the node, {} refused, {included} included, {failed_count} failed on chain, {finalized_count} finalized, {} settled otherwise",
        sent.accepted,
        sent.refused,
        settled_count - finalized_count
    );
    for (why, n) in &failures {
        println!("failed               {n} × {why}");
    }
    println!(
        "submitted            {:.1} jobs/s handed to the node",
        sent.accepted as f64 / sent_in.as_secs_f64()
    );
    if let Some(first) = first_included {
        println!(
            "included             {}",
            rate_line(
                included,
                "jobs/s in finalized blocks (first to last inclusion)",
                start,
                first,
                last_included
            )
        );
    }
    if let Some(first) = first_settled {
        println!(
            "finalized claims     {}",
            rate_line(
                finalized_count,
                "claims/s while settling (first to last)",
                start,
                first,
                last_settled
            )
        );
    }
    println!(
        "block fill           at most {} extrinsics and {:.0}% of normal weight; on average {:.1} extrinsics and {:.0}% over {} busy blocks",
        fills.iter().map(|f| f.0).max().unwrap_or(0),
        fills.iter().map(|f| f.1).fold(0.0, f64::max) * 100.0,
        busy.iter().map(|f| f.0).sum::<usize>() as f64 / busy.len().max(1) as f64,
        busy.iter().map(|f| f.1).sum::<f64>() * 100.0 / busy.len().max(1) as f64,
        busy.len()
    );
    println!(
        "latency              job's block to settlement: p50 {:.1} s ({} blocks), p95 {:.1} s, max {:.1} s",
        percentile(&latencies_s, 0.5),
        percentile(&latencies_blocks, 0.5),
        percentile(&latencies_s, 0.95),
        percentile(&latencies_s, 1.0)
    );
    if !lags_s.is_empty() {
        println!(
            "finality lag         best block to finalized: p50 {:.1} s ({} blocks behind), p95 {:.1} s, max {:.1} s ({} blocks)",
            percentile(&lags_s, 0.5),
            percentile(&lags_blocks, 0.5),
            percentile(&lags_s, 0.95),
            percentile(&lags_s, 1.0),
            percentile(&lags_blocks, 1.0)
        );
    }
    println!(
        "adjudication         one layer, at most {heaviest} cost units (MACs + bytes); the whole model {whole}: {:.1}%",
        heaviest as f64 * 100.0 / whole.max(1) as f64
    );
    if included + failed_count < sent.accepted {
        println!(
            "missing              {} jobs accepted by the node were never included",
            sent.accepted - included - failed_count
        );
    }
    Ok(())
}
