//! The subcommands of `vigil`, one module per group.

pub mod balance;
pub mod bench;
pub mod challenger;
pub mod executor;
pub mod job;
pub mod model;
pub mod status;
pub mod watcher;

use std::future::Future;
use std::time::Duration;

use anyhow::{Context, Result};

/// Runs a chain command to completion on a multi-threaded runtime.
pub fn block_on<F: Future<Output = Result<()>>>(work: F) -> Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(work)
}

/// Waits between reconnection attempts: 1 s, doubling up to 5 s (a claim timeout is 10 blocks, so
/// an executor must not sleep through it while the node restarts).
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            next: Duration::from_secs(1),
        }
    }
}

impl Backoff {
    /// The wait before the next attempt; each call doubles the following one.
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (self.next * 2).min(Duration::from_secs(5));
        delay
    }

    /// Back to the shortest wait, after a connection that worked.
    pub fn reset(&mut self) {
        *self = Backoff::default();
    }
}

/// Resolves when the process is asked to stop: Ctrl-C (SIGINT) or SIGTERM (what scripts and
/// service managers send), so that long-running commands print their summary either way.
///
/// The signals are listened for once, by a task started at the first call, and remembered: a
/// signal that arrives while no one is waiting (a command between two reconnection attempts, say)
/// is not lost, and every later call resolves at once.
pub async fn stop_requested() {
    static STOP: std::sync::OnceLock<tokio::sync::watch::Receiver<bool>> =
        std::sync::OnceLock::new();
    let mut stop = STOP
        .get_or_init(|| {
            let (tx, rx) = tokio::sync::watch::channel(false);
            tokio::spawn(async move {
                signalled().await;
                let _ = tx.send(true);
            });
            rx
        })
        .clone();
    if stop.wait_for(|stopped| *stopped).await.is_err() {
        // The listening task ended with the runtime that ran it: listen here instead.
        signalled().await;
    }
}

/// Resolves at the next Ctrl-C or SIGTERM.
async fn signalled() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// The current time, for log lines of long-running commands.
pub fn timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() % 86_400;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_cap_and_resets() {
        let mut b = Backoff::default();
        let waits: Vec<u64> = (0..7).map(|_| b.next_delay().as_secs()).collect();
        assert_eq!(waits, vec![1, 2, 4, 5, 5, 5, 5]);
        b.reset();
        assert_eq!(b.next_delay().as_secs(), 1);
    }
}
