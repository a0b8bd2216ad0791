//! Command-line arguments.

/// How a development node (`--dev`, `--chain dev`) seals blocks. A node of any other chain
/// makes blocks by Aura slot (one every 3 s) and ignores the timer.
#[derive(Debug, Clone, clap::Args)]
pub struct SealingParams {
    /// Development chain only: seal a block every this many milliseconds, with or without
    /// transactions, so that block-based deadlines advance on an idle chain. 0 turns the timer
    /// off.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub block_time_ms: u64,

    /// Development chain only: also seal a block as soon as a transaction enters the pool.
    #[arg(long)]
    pub instant_seal: bool,
}

#[derive(Debug, clap::Parser)]
#[command(
    propagate_version = true,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub subcommand: Option<Subcommand>,

    #[command(flatten)]
    pub run: sc_cli::RunCmd,

    #[command(flatten)]
    pub sealing: SealingParams,
}

#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
    /// Key management utilities.
    #[command(subcommand)]
    Key(sc_cli::KeySubcommand),

    /// Export the chain specification as JSON.
    ExportChainSpec(sc_cli::ExportChainSpecCmd),

    /// Remove the whole chain.
    PurgeChain(sc_cli::PurgeChainCmd),

    /// Run benchmarks (built with the `runtime-benchmarks` feature).
    #[cfg(feature = "runtime-benchmarks")]
    #[command(subcommand)]
    Benchmark(BenchmarkCmd),
}

/// Benchmark subcommands.
#[cfg(feature = "runtime-benchmarks")]
#[derive(Debug, clap::Subcommand)]
pub enum BenchmarkCmd {
    /// Benchmark the calls of a pallet and write its weights.
    Pallet(frame_benchmarking_cli::PalletCmd),
}
