//! `vigil watcher run`: stake as a watcher, answer the audits the chain draws, and challenge
//! false claims (the challenger's loop, see [`super::challenger`], with a stake).
//!
//! Audits pay whatever the lie rate: an attested audit of a claim that finalizes pays the watcher
//! `Inference.AuditFeeShare` of the job's fee; an audit left unanswered costs
//! `Inference.WatcherPenalty` of the stake and takes the watcher out of the draw until it
//! registers again (which this loop does).

use anyhow::Result;
use clap::Subcommand;

use super::challenger::{self, Watch};
use crate::chain::{self, ChainArgs};

/// Run a watcher.
#[derive(Subcommand, Debug)]
pub enum WatcherCommand {
    /// Register a stake, answer audits and challenge false claims, until Ctrl-C.
    Run {
        /// The stake to register with if the account is not a watcher yet (base units, or e.g.
        /// 100UNIT); a watcher suspended after a missed audit tops up to it.
        #[arg(long, default_value = "100UNIT")]
        stake: String,
        /// Re-execute only the claims this watcher is drawn to audit (otherwise every claim,
        /// as a challenger does).
        #[arg(long)]
        audits_only: bool,
        #[command(flatten)]
        chain: ChainArgs,
    },
}

impl WatcherCommand {
    /// Runs the command.
    pub fn execute(self) -> Result<()> {
        match self {
            WatcherCommand::Run {
                stake,
                audits_only,
                chain,
            } => {
                let stake = chain::parse_balance(&stake)?;
                super::block_on(challenger::run(chain, Some(Watch::new(stake, audits_only))))
            }
        }
    }
}
