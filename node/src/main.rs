//! `vigil-node`: the Vigil development node.
//!
//! `vigil-node --dev` runs a one-machine chain whose blocks are sealed by the node itself
//! (manual seal): on a timer (`--block-time-ms`, default 1000), and optionally as soon as a
//! transaction enters the pool (`--instant-seal`). Every sealed block is finalized at once.

// `sc_cli::Error` and `sc_service::Error` are large, and the node returns them as polkadot-sdk's
// own commands and services do.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod pool;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
    command::run()
}
