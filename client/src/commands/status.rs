//! `vigil status`: the chain at a glance: head, executors, open jobs and their windows.

use anyhow::{Context, Result};

use crate::chain::{self, api, ChainArgs, JobStatus};

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
    println!("executors {}", rows.len());
    for (who, info) in &rows {
        let state = match info.unbonding_at {
            Some(at) => format!(", unbonding until #{at}"),
            None => String::new(),
        };
        println!(
            "  {who}  bond {}, locked {}, {} open job(s){state}",
            chain::format_balance(info.bond),
            chain::format_balance(info.locked),
            info.open_jobs
        );
    }

    let mut jobs = storage
        .iter(api::storage().inference().jobs(), ())
        .await
        .context("cannot list Inference.Jobs")?;
    let mut open = Vec::new();
    let mut settled = [0u64; 3];
    while let Some(entry) = jobs.next().await {
        let entry = entry.context("cannot read a job")?;
        let (job_id,) = entry
            .key()
            .context("job key")?
            .decode()
            .context("job key")?;
        let job = entry.value().decode().context("cannot decode a job")?;
        match job.status {
            JobStatus::Finalized => settled[0] += 1,
            JobStatus::Refuted => settled[1] += 1,
            JobStatus::TimedOut => settled[2] += 1,
            _ => open.push((job_id, job)),
        }
    }
    open.sort_by_key(|(id, _)| *id);
    println!(
        "jobs      {} open; settled: {} finalized, {} refuted, {} timed out",
        open.len(),
        settled[0],
        settled[1],
        settled[2]
    );
    for (job_id, job) in &open {
        let left = job.deadline.saturating_sub(now);
        let what = match job.status {
            JobStatus::Assigned => format!(
                "assigned to {}; claim due by #{}",
                job.executor, job.deadline
            ),
            _ => format!(
                "claimed by {}; challenge window until #{}",
                job.executor, job.deadline
            ),
        };
        println!("  job {job_id}: {what} ({left} blocks left)");
    }
    Ok(())
}
