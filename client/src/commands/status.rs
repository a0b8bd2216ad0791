//! `vigil status`: the chain at a glance: head, executors and their offers, watchers, open jobs,
//! their windows and audits, disputes.

use anyhow::{Context, Result};

use crate::chain::{self, api, ChainArgs, JobStatus};
use crate::commands::executor::Offer;

/// Print the chain's finalized head, the executors and the open jobs.
pub fn execute(args: ChainArgs) -> Result<()> {
    super::block_on(status(args))
}

async fn status(args: ChainArgs) -> Result<()> {
    let api = args.connect().await?;
    let at = api
        .at_current_block()
        .await
        .context("cannot read the chain")?;
    let now = at.block_number() as u32;
    println!("node      {}", args.url);
    println!("finalized #{now} {:?}", at.block_hash());

    let storage = at.storage();
    let mut executors = storage
        .iter(api::storage().inference().executors(), ())
        .await
        .context("cannot list Inference.Executors")?;
    let mut rows = Vec::new();
    while let Some(entry) = executors.next().await {
        let entry = entry.context("cannot read an executor")?;
        let (who,) = entry
            .key()
            .context("executor key")?
            .decode()
            .context("executor key")?;
        let info = entry
            .value()
            .decode()
            .context("cannot decode an executor")?;
        rows.push((who, info));
    }
    let listed = chain::executor_list(&at).await?;
    println!("executors {}", rows.len());
    for (who, info) in &rows {
        let state = match info.unbonding_at {
            Some(at) => format!(", unbonding until #{at}"),
            None if !listed.contains(who) => {
                ", SUSPENDED (missed a claim deadline; takes no job until registered again)"
                    .to_string()
            }
            None => String::new(),
        };
        println!(
            "  {who}  bond {}, locked {}, {} open job(s){state}",
            chain::format_balance(info.bond),
            chain::format_balance(info.locked),
            info.open_jobs
        );
        println!("      offer: {}", Offer::from(info.offer.clone()));
    }

    let mut watchers = storage
        .iter(api::storage().inference().watchers(), ())
        .await
        .context("cannot list Inference.Watchers")?;
    let watching = chain::watcher_list(&at).await?;
    let mut watcher_rows = Vec::new();
    while let Some(entry) = watchers.next().await {
        let entry = entry.context("cannot read a watcher")?;
        let (who,) = entry
            .key()
            .context("watcher key")?
            .decode()
            .context("watcher key")?;
        let info = entry.value().decode().context("cannot decode a watcher")?;
        watcher_rows.push((who, info));
    }
    let probability = at
        .constants()
        .entry(api::constants().inference().audit_probability())
        .context("cannot read Inference.AuditProbability")?;
    println!(
        "watchers  {} (each claim is audited with probability {:.0}%)",
        watcher_rows.len(),
        probability.0 as f64 / 10_000_000.0
    );
    for (who, info) in &watcher_rows {
        let state = match info.unbonding_at {
            Some(at) => format!(", unbonding until #{at}"),
            None if !watching.contains(who) => {
                ", SUSPENDED (missed an audit; drawn for none until registered again)".to_string()
            }
            None => String::new(),
        };
        println!(
            "  {who}  stake {}, {} open audit(s){state}",
            chain::format_balance(info.stake),
            info.open_audits
        );
    }

    // Open jobs through the settlement queue; settled ones still kept through the expiry queue
    // (neither read costs more than the jobs it is about).
    let mut open = chain::open_jobs(&at).await?;
    open.sort_by_key(|(id, _)| *id);
    let next_id = chain::next_job_id(&at).await?;
    let mut buckets = storage
        .iter(api::storage().inference().expiry_queue(), ())
        .await
        .context("cannot list Inference.ExpiryQueue")?;
    let mut kept = Vec::new();
    while let Some(bucket) = buckets.next().await {
        let bucket = bucket.context("cannot read an expiry bucket")?;
        kept.extend(
            bucket
                .value()
                .decode()
                .context("cannot decode an expiry bucket")?
                .0,
        );
    }
    let mut refuted = None;
    let settled = if kept.len() <= MAX_SETTLED_READ {
        let mut counts = [0usize; 3];
        for (_, job) in chain::fetch_jobs(&at, &kept).await? {
            match job.status {
                JobStatus::Finalized => counts[0] += 1,
                JobStatus::Refuted => counts[1] += 1,
                JobStatus::TimedOut => counts[2] += 1,
                _ => {}
            }
        }
        refuted = Some(counts[1]);
        format!(
            "{} finalized, {} refuted, {} timed out",
            counts[0], counts[1], counts[2]
        )
    } else {
        format!("{} (too many to read one by one)", kept.len())
    };
    println!(
        "jobs      {next_id} submitted; {} open; settled and still kept: {settled}",
        open.len()
    );
    for (job_id, job) in open.iter().take(MAX_OPEN_LISTED) {
        let left = job.deadline.saturating_sub(now);
        let what = match job.status {
            JobStatus::Assigned => format!(
                "assigned to {}; claim due by #{}",
                job.executor, job.deadline
            ),
            _ => {
                let audit = storage
                    .try_fetch(api::storage().inference().audits(), (*job_id,))
                    .await
                    .context("cannot read Inference.Audits")?
                    .map(|a| a.decode())
                    .transpose()
                    .context("cannot decode an audit")?;
                let audit = match audit {
                    Some(a) if a.attested => format!("; audited by {}: attested", a.watcher),
                    Some(a) => format!("; audited by {} (layer {})", a.watcher, a.layer),
                    None => String::new(),
                };
                format!(
                    "claimed by {}; challenge window until #{}{audit}",
                    job.executor, job.deadline
                )
            }
        };
        println!("  job {job_id}: {what} ({left} blocks left)");
    }
    if open.len() > MAX_OPEN_LISTED {
        println!("  ... and {} more", open.len() - MAX_OPEN_LISTED);
    }
    let challengeable = open
        .iter()
        .filter(|(_, job)| job.status == JobStatus::Claimed)
        .count();
    println!(
        "disputes  {challengeable} claim(s) open to challenge; a dispute is decided in the block that \
         carries it{}",
        refuted
            .map(|n| format!("; {n} claim(s) refuted among the settled jobs kept"))
            .unwrap_or_default()
    );
    Ok(())
}

/// Open jobs listed one per line; the rest are counted.
const MAX_OPEN_LISTED: usize = 20;
/// Settled jobs read to break them down by outcome; above this only their number is shown.
const MAX_SETTLED_READ: usize = 2000;
