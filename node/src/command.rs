//! Dispatch of the command line.

use crate::{
    chain_spec,
    cli::{Cli, Subcommand},
    service,
};
use sc_cli::SubstrateCli;

impl SubstrateCli for Cli {
    fn impl_name() -> String {
        "Vigil Node".into()
    }

    fn impl_version() -> String {
        env!("CARGO_PKG_VERSION").into()
    }

    fn description() -> String {
        env!("CARGO_PKG_DESCRIPTION").into()
    }

    fn author() -> String {
        "Vigil contributors".into()
    }

    fn support_url() -> String {
        "https://github.com/vigil-chain/vigil/issues".into()
    }

    fn copyright_start_year() -> i32 {
        2026
    }

    fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
        Ok(match id {
            "" | "dev" => Box::new(chain_spec::development()?),
            "local" => Box::new(chain_spec::local_testnet()?),
            path => Box::new(chain_spec::ChainSpec::from_json_file(
                std::path::PathBuf::from(path),
            )?),
        })
    }
}

/// The command line, with one default of our own: the single-state transaction pool unless
/// `--pool-type` is given.
///
/// This node is the only block author and seals and finalizes every block itself, so there are
/// no forks for the fork-aware pool (sc-cli's default) to track. Under load on 2 cores that pool
/// was seen to accept transactions it then never offered to the block builder (hundreds of jobs
/// and claims were lost, claims missed their deadlines and executors were slashed), while the
/// single-state pool included every one; see `scripts/bench-load`.
fn parse_command_line() -> Cli {
    use clap::{parser::ValueSource, CommandFactory, FromArgMatches};
    let matches = Cli::setup_command(Cli::command()).get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if matches.value_source("pool_type") != Some(ValueSource::CommandLine) {
        cli.run.pool_config.pool_type = sc_cli::TransactionPoolType::SingleState;
    }
    cli
}

/// Parse the command line and run the node or the subcommand.
pub fn run() -> sc_cli::Result<()> {
    let cli = parse_command_line();

    match &cli.subcommand {
        Some(Subcommand::Key(cmd)) => cmd.run(&cli),
        Some(Subcommand::ExportChainSpec(cmd)) => {
            let spec = cli.load_spec(&cmd.chain)?;
            cmd.run(spec)
        }
        Some(Subcommand::PurgeChain(cmd)) => {
            let runner = cli.create_runner(cmd)?;
            runner.sync_run(|config| cmd.run(config.database))
        }
        #[cfg(feature = "runtime-benchmarks")]
        Some(Subcommand::Benchmark(crate::cli::BenchmarkCmd::Pallet(cmd))) => {
            let runner = cli.create_runner(cmd)?;
            runner.sync_run(|config| {
                cmd.run_with_spec::<sp_runtime::traits::BlakeTwo256, ()>(Some(config.chain_spec))
            })
        }
        None => {
            let runner = cli.create_runner(&cli.run)?;
            let sealing = cli.sealing.clone();
            runner.run_node_until_exit(|config| async move {
                service::new_full(config, sealing).map_err(sc_cli::Error::Service)
            })
        }
    }
}
