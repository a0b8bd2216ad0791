//! `vigil`: the command-line program of the Vigil chain.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use vigil_client::chain::ChainArgs;
use vigil_client::commands::balance;
use vigil_client::commands::bench::BenchCommand;
use vigil_client::commands::challenger::ChallengerCommand;
use vigil_client::commands::executor::ExecutorCommand;
use vigil_client::commands::job::JobCommand;
use vigil_client::commands::model::ModelCommand;
use vigil_client::commands::status;
use vigil_client::commands::watcher::WatcherCommand;

/// Which blocks the chain commands read, shown at the end of `vigil --help`.
const BLOCKS_FOLLOWED: &str = "\
Blocks followed: what must not be reorganised away is read at finalized blocks: claims seen,
disputes, verdicts, audits, balances (job, challenger, watcher, status, balance, bench load).
Where speed matters, best blocks: `executor run` takes a job as soon as a best block assigns it,
and signs the claim mortal from that block, so the claim is valid only on a chain that contains
the block (on another fork the same job id may be another job); a job assigned in a finalized
block whose claim was signed on a fork is claimed again. A transaction's nonce comes from the
best block and the node's pool (system_accountNextIndex). On --dev every block is final at once;
on a network of validators (vigil-node --chain local) finality trails the best block by 2 to 3
blocks (6 to 9 s), within the local chain's claim timeout (30 s) and challenge window (60 s).";

/// Vigil: verifiable AI inference on a blockchain.
///
/// Models run on Vigil's deterministic integer engine, which gives the same bits on every
/// machine and inside the chain's runtime.
#[derive(Parser, Debug)]
#[command(name = "vigil", version, about, long_about = None, after_help = BLOCKS_FOLLOWED)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Models: import, inspect, run and bench offline; register on chain.
    #[command(subcommand)]
    Model(ModelCommand),
    /// Inference jobs: submit, status, watch.
    #[command(subcommand)]
    Job(JobCommand),
    /// Run an executor: take assigned jobs, run them, post claims.
    #[command(subcommand)]
    Executor(ExecutorCommand),
    /// Run a challenger: re-execute claims and challenge the false ones.
    #[command(subcommand)]
    Challenger(ChallengerCommand),
    /// Run a watcher: stake, answer audits (paid even when nobody lies), challenge false claims.
    #[command(subcommand)]
    Watcher(WatcherCommand),
    /// Benchmarks against a running chain: `vigil bench load`.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Free and held balances of accounts (SS58 addresses or secret URIs such as //Bob).
    Balance {
        /// The accounts.
        #[arg(required = true)]
        who: Vec<String>,
        #[command(flatten)]
        chain: ChainArgs,
    },
    /// The chain at a glance: head, executors and their offers, watchers, open jobs, their
    /// windows and audits.
    Status {
        #[command(flatten)]
        chain: ChainArgs,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Model(command) => command.execute(),
        Command::Job(command) => command.execute(),
        Command::Executor(command) => command.execute(),
        Command::Challenger(command) => command.execute(),
        Command::Watcher(command) => command.execute(),
        Command::Bench(command) => command.execute(),
        Command::Balance { who, chain } => balance::execute(who, chain),
        Command::Status { chain } => status::execute(chain),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}
