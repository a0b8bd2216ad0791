//! `vigil`: the command-line program of the Vigil chain.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use vigil_client::commands::model::ModelCommand;

/// Vigil: verifiable AI inference on a blockchain.
///
/// Models run on Vigil's deterministic integer engine, which gives the same bits on every
/// machine and inside the chain's runtime.
#[derive(Parser, Debug)]
#[command(name = "vigil", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Work with model files offline: import, inspect, run.
    #[command(subcommand)]
    Model(ModelCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Model(command) => command.execute(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(1)
        }
    }
}
