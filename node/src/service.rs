//! Assembly of the node: client, transaction pool, networking, RPC and block sealing.

use std::{sync::Arc, time::Duration};

use futures::{channel::mpsc, prelude::*};
use sc_client_api::Backend as _;
use sc_consensus_manual_seal::{EngineCommand, ManualSealParams};
use sc_network::NetworkBackend;
use sc_service::{error::Error as ServiceError, Configuration, TaskManager};
use sc_telemetry::TelemetryWorker;
use sc_transaction_pool_api::TransactionPool;
use vigil_runtime::{opaque::Block, Hash, RuntimeApi};

use crate::cli::SealingParams;

type HostFunctions = sp_io::SubstrateHostFunctions;
type Executor = sc_executor::WasmExecutor<HostFunctions>;
type FullClient = sc_service::TFullClient<Block, RuntimeApi, Executor>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;

/// The network backend: litep2p, the default of `sc-network`.
type Network = sc_network::Litep2pNetworkBackend;

/// Build and start a full node that seals its own blocks.
pub fn new_full(
    config: Configuration,
    sealing: SealingParams,
) -> Result<TaskManager, ServiceError> {
    let telemetry = config
        .telemetry_endpoints
        .clone()
        .filter(|x| !x.is_empty())
        .map(|endpoints| -> Result<_, sc_telemetry::Error> {
            let worker = TelemetryWorker::new(16)?;
            let telemetry = worker.handle().new_telemetry(endpoints);
            Ok((worker, telemetry))
        })
        .transpose()?;

    let executor = sc_service::new_wasm_executor::<HostFunctions>(&config.executor);
    let (client, backend, keystore_container, mut task_manager) =
        sc_service::new_full_parts::<Block, RuntimeApi, _>(
            &config,
            telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
            executor,
            Vec::new(),
        )?;
    let client: Arc<FullClient> = Arc::new(client);

    let mut telemetry = telemetry.map(|(worker, telemetry)| {
        task_manager
            .spawn_handle()
            .spawn("telemetry", None, worker.run());
        telemetry
    });

    let select_chain: FullSelectChain = sc_consensus::LongestChain::new(backend.clone());

    // Transactions that do not decode are refused here, before the runtime (see `pool`).
    let transaction_pool = Arc::new(crate::pool::DecodingPool(Arc::from(
        sc_transaction_pool::Builder::new(
            task_manager.spawn_essential_handle(),
            client.clone(),
            config.role.is_authority().into(),
        )
        .with_options(config.transaction_pool.clone())
        .with_prometheus(config.prometheus_registry())
        .build(),
    )));

    let import_queue = sc_consensus_manual_seal::import_queue(
        Box::new(client.clone()),
        &task_manager.spawn_essential_handle(),
        config.prometheus_registry(),
    );

    let net_config = sc_network::config::FullNetworkConfiguration::<Block, Hash, Network>::new(
        &config.network,
        config.prometheus_registry().cloned(),
    );
    let metrics = <Network as NetworkBackend<Block, Hash>>::register_notification_metrics(
        config.prometheus_registry(),
    );

    let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
        sc_service::build_network(sc_service::BuildNetworkParams {
            config: &config,
            net_config,
            client: client.clone(),
            transaction_pool: transaction_pool.clone(),
            spawn_handle: task_manager.spawn_handle(),
            spawn_essential_handle: task_manager.spawn_essential_handle(),
            import_queue,
            block_announce_validator_builder: None,
            warp_sync_config: None,
            block_relay: None,
            metrics,
            gap_sync_body_policy: None,
        })?;

    if config.offchain_worker.enabled {
        let offchain_workers =
            sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
                runtime_api_provider: client.clone(),
                is_validator: config.role.is_authority(),
                keystore: Some(keystore_container.keystore()),
                offchain_db: backend.offchain_storage(),
                transaction_pool: Some(
                    sc_transaction_pool_api::OffchainTransactionPoolFactory::new(
                        transaction_pool.clone(),
                    ),
                ),
                network_provider: Arc::new(network.clone()),
                enable_http_requests: true,
                custom_extensions: |_| vec![],
            })?;
        task_manager.spawn_handle().spawn(
            "offchain-workers-runner",
            "offchain-worker",
            offchain_workers
                .run(client.clone(), task_manager.spawn_handle())
                .boxed(),
        );
    }

    let prometheus_registry = config.prometheus_registry().cloned();

    // Commands to the sealing task come from the RPC (`engine_createBlock`, on a dev chain only),
    // the timer and, with `--instant-seal`, the transaction pool.
    let block_making_rpc = serves_block_making_rpc(&config);
    let (command_sink, rpc_commands) = mpsc::channel::<EngineCommand<Hash>>(1024);
    let command_sink = block_making_rpc.then_some(command_sink);
    if block_making_rpc {
        log::info!(
            "🔧 engine_createBlock/engine_finalizeBlock served (dev chain, unsafe RPC on loopback)"
        );
    } else {
        log::info!("🔒 engine_* block-making RPC not served (only on a dev chain with unsafe RPC)");
    }

    let rpc_extensions_builder = {
        let client = client.clone();
        let pool = transaction_pool.clone();
        Box::new(move |_| {
            let deps = crate::rpc::FullDeps {
                client: client.clone(),
                pool: pool.clone(),
                command_sink: command_sink.clone(),
            };
            crate::rpc::create_full(deps).map_err(Into::into)
        })
    };

    let _rpc_handlers = sc_service::spawn_tasks(sc_service::SpawnTasksParams {
        network,
        client: client.clone(),
        keystore: keystore_container.keystore(),
        task_manager: &mut task_manager,
        transaction_pool: transaction_pool.clone(),
        rpc_builder: rpc_extensions_builder,
        backend,
        system_rpc_tx,
        tx_handler_controller,
        sync_service,
        config,
        telemetry: telemetry.as_mut(),
        tracing_execute_block: None,
    })?;

    let proposer = sc_basic_authorship::ProposerFactory::new(
        task_manager.spawn_handle(),
        client.clone(),
        transaction_pool.clone(),
        prometheus_registry.as_ref(),
        telemetry.as_ref().map(|x| x.handle()),
    );

    // The sealing task is essential: it must not end when no source is left (timer off, no
    // instant seal, no RPC), so a never-ending source is always there.
    let mut sources: Vec<stream::BoxStream<'static, EngineCommand<Hash>>> =
        vec![stream::pending().boxed()];
    if block_making_rpc {
        sources.push(rpc_commands.boxed());
    }
    if sealing.block_time_ms > 0 {
        let period = Duration::from_millis(sealing.block_time_ms);
        log::info!("⏱️  Sealing a block every {} ms", sealing.block_time_ms);
        sources.push(
            stream::unfold((), move |()| async move {
                tokio::time::sleep(period).await;
                Some((seal_command(true), ()))
            })
            .boxed(),
        );
    }
    if sealing.instant_seal {
        log::info!("⚡ Sealing a block as soon as a transaction arrives");
        sources.push(
            transaction_pool
                .import_notification_stream()
                .map(|_| seal_command(false))
                .boxed(),
        );
    }
    let commands_stream = stream::select_all(sources);

    let authorship = sc_consensus_manual_seal::run_manual_seal(ManualSealParams {
        block_import: client.clone(),
        env: proposer,
        client,
        pool: transaction_pool,
        commands_stream,
        select_chain,
        consensus_data_provider: None,
        create_inherent_data_providers: move |_, ()| async move {
            Ok(sp_timestamp::InherentDataProvider::from_system_time())
        },
    });
    task_manager
        .spawn_essential_handle()
        .spawn_blocking("manual-seal", None, authorship);

    Ok(task_manager)
}

/// Whether the manual-seal RPC (`engine_createBlock`, `engine_finalizeBlock`) is served.
///
/// Whoever can make blocks on demand moves the chain's clock, and with it every challenge window
/// and claim deadline. So these methods are served only on a development chain (`--dev` or
/// `--chain dev`), and only when every RPC endpoint would serve unsafe methods anyway: with
/// `--rpc-methods unsafe`, or with the default `auto` on a loopback address. Any other chain
/// (`--chain local`, a chain spec file), or `--rpc-methods safe`, or `--rpc-external` with `auto`,
/// does not serve them at all.
fn serves_block_making_rpc(config: &Configuration) -> bool {
    use sc_service::{config::RpcMethods, ChainSpec, ChainType};
    if ChainSpec::chain_type(&*config.chain_spec) != ChainType::Development {
        return false;
    }
    let unsafe_allowed = |addr: &std::net::SocketAddr, methods: RpcMethods| match methods {
        RpcMethods::Unsafe => true,
        RpcMethods::Auto => addr.ip().is_loopback(),
        RpcMethods::Safe => false,
    };
    match &config.rpc.addr {
        Some(endpoints) => endpoints
            .iter()
            .all(|e| unsafe_allowed(&e.listen_addr, e.rpc_methods)),
        // sc-service's default: 127.0.0.1 on the configured port.
        None => unsafe_allowed(
            &std::net::SocketAddr::from(([127, 0, 0, 1], config.rpc.port)),
            config.rpc.methods,
        ),
    }
}

/// A command that seals one block on the best block and finalizes it.
fn seal_command(create_empty: bool) -> EngineCommand<Hash> {
    EngineCommand::SealNewBlock {
        create_empty,
        finalize: true,
        parent_hash: None,
        sender: None,
    }
}
