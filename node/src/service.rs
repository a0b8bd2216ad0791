//! Assembly of the node: client, transaction pool, networking, RPC and block production.
//!
//! Two ways to make blocks, chosen by the chain's type:
//!
//! - a development chain (`--dev`, `--chain dev`): the node seals its own blocks
//!   (`sc-consensus-manual-seal`) on a timer, on each transaction (`--instant-seal`) or on demand
//!   (`engine_createBlock`), and finalizes each one at once. Each block carries an Aura slot digest
//!   (the next slot after its parent's, or the current one if later) so that the runtime's Aura
//!   pallet accepts it;
//! - any other chain (`--chain local`, a chain spec file): a network node. Blocks are imported
//!   through Aura's verifier and GRANDPA's block import; a validator (`--validator`, or `--alice`
//!   and the other development authorities) authors a block in each of its Aura slots and votes
//!   in GRANDPA with the keys in its keystore.

use std::{sync::Arc, time::Duration};

use futures::{channel::mpsc, prelude::*};
use sc_client_api::{Backend as _, BlockBackend as _};
use sc_consensus_manual_seal::{EngineCommand, ManualSealParams};
use sc_network::NetworkBackend;
use sc_service::{error::Error as ServiceError, ChainType, Configuration, TaskManager};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sc_transaction_pool_api::{OffchainTransactionPoolFactory, TransactionPool};
use sp_consensus_aura::sr25519::{AuthorityPair as AuraPair, AuthoritySignature as AuraSignature};
use vigil_runtime::{opaque::Block, Hash, RuntimeApi};

use crate::cli::SealingParams;

type HostFunctions = sp_io::SubstrateHostFunctions;
type Executor = sc_executor::WasmExecutor<HostFunctions>;
type FullClient = sc_service::TFullClient<Block, RuntimeApi, Executor>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;
type Pool =
    crate::pool::DecodingPool<sc_transaction_pool::TransactionPoolHandle<Block, FullClient>>;

/// The network backend: litep2p, the default of `sc-network`.
type Network = sc_network::Litep2pNetworkBackend;

/// GRANDPA imports and produces a justification at least every this many blocks (and for every
/// block that changes the authority set), so that a node syncing from scratch can check
/// finality without the votes.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// What both kinds of node are built on.
struct Parts {
    client: Arc<FullClient>,
    backend: Arc<FullBackend>,
    keystore_container: sc_service::KeystoreContainer,
    task_manager: TaskManager,
    select_chain: FullSelectChain,
    transaction_pool: Arc<Pool>,
    telemetry: Option<Telemetry>,
}

fn parts(config: &Configuration) -> Result<Parts, ServiceError> {
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
    let (client, backend, keystore_container, task_manager) =
        sc_service::new_full_parts::<Block, RuntimeApi, _>(
            config,
            telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
            executor,
            Vec::new(),
        )?;
    let client: Arc<FullClient> = Arc::new(client);

    let telemetry = telemetry.map(|(worker, telemetry)| {
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

    Ok(Parts {
        client,
        backend,
        keystore_container,
        task_manager,
        select_chain,
        transaction_pool,
        telemetry,
    })
}

fn spawn_offchain_workers(
    config: &Configuration,
    parts: &Parts,
    network: Arc<dyn sc_network::service::traits::NetworkService>,
) -> Result<(), ServiceError> {
    if !config.offchain_worker.enabled {
        return Ok(());
    }
    let offchain_workers = sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
        runtime_api_provider: parts.client.clone(),
        is_validator: config.role.is_authority(),
        keystore: Some(parts.keystore_container.keystore()),
        offchain_db: parts.backend.offchain_storage(),
        transaction_pool: Some(OffchainTransactionPoolFactory::new(
            parts.transaction_pool.clone(),
        )),
        network_provider: Arc::new(network),
        enable_http_requests: true,
        custom_extensions: |_| vec![],
    })?;
    parts.task_manager.spawn_handle().spawn(
        "offchain-workers-runner",
        "offchain-worker",
        offchain_workers
            .run(parts.client.clone(), parts.task_manager.spawn_handle())
            .boxed(),
    );
    Ok(())
}

/// Build and start a full node: one that seals its own blocks on a development chain, a network
/// node (Aura and GRANDPA) on any other.
pub fn new_full(
    config: Configuration,
    sealing: SealingParams,
) -> Result<TaskManager, ServiceError> {
    if sc_service::ChainSpec::chain_type(&*config.chain_spec) == ChainType::Development {
        new_dev(config, sealing)
    } else {
        if sealing.instant_seal {
            return Err(ServiceError::Other(
                "--instant-seal is for a development chain (--dev); this chain makes blocks by \
                 Aura slot"
                    .into(),
            ));
        }
        new_network(config)
    }
}

/// A development node that seals its own blocks.
fn new_dev(config: Configuration, sealing: SealingParams) -> Result<TaskManager, ServiceError> {
    let parts = parts(&config)?;
    let import_queue = sc_consensus_manual_seal::import_queue(
        Box::new(parts.client.clone()),
        &parts.task_manager.spawn_essential_handle(),
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
            client: parts.client.clone(),
            transaction_pool: parts.transaction_pool.clone(),
            spawn_handle: parts.task_manager.spawn_handle(),
            spawn_essential_handle: parts.task_manager.spawn_essential_handle(),
            import_queue,
            block_announce_validator_builder: None,
            warp_sync_config: None,
            block_relay: None,
            metrics,
            gap_sync_body_policy: None,
        })?;
    spawn_offchain_workers(&config, &parts, network.clone())?;

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

    let Parts {
        client,
        backend,
        keystore_container,
        mut task_manager,
        select_chain,
        transaction_pool,
        mut telemetry,
    } = parts;

    let rpc_extensions_builder =
        rpc_builder(client.clone(), transaction_pool.clone(), command_sink);

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

    let slot_duration = sc_consensus_aura::slot_duration(&*client)?;
    let timestamps = DevTimestamps {
        client: client.clone(),
        slot_ms: slot_duration.as_millis(),
    };
    let authorship = sc_consensus_manual_seal::run_manual_seal(ManualSealParams {
        block_import: client.clone(),
        env: proposer,
        client,
        pool: transaction_pool,
        commands_stream,
        select_chain,
        consensus_data_provider: Some(Box::new(
            sc_consensus_manual_seal::consensus::aura::AuraConsensusDataProvider::new_with_slot_duration(
                slot_duration,
            ),
        )),
        create_inherent_data_providers: move |parent: Hash, ()| {
            let timestamp = timestamps.next(parent);
            async move { Ok(sp_timestamp::InherentDataProvider::new(timestamp.into())) }
        },
    });
    task_manager
        .spawn_essential_handle()
        .spawn_blocking("manual-seal", None, authorship);

    Ok(task_manager)
}

/// The RPC extensions both chains serve (`crate::rpc`), built for each connection; with
/// `command_sink`, a dev chain's block-making RPC as well.
fn rpc_builder<E>(
    client: Arc<FullClient>,
    pool: Arc<Pool>,
    command_sink: Option<mpsc::Sender<EngineCommand<Hash>>>,
) -> Box<dyn Fn(E) -> Result<jsonrpsee::RpcModule<()>, ServiceError>> {
    Box::new(move |_| {
        let deps = crate::rpc::FullDeps {
            client: client.clone(),
            pool: pool.clone(),
            command_sink: command_sink.clone(),
        };
        crate::rpc::create_full(deps).map_err(Into::into)
    })
}

/// The timestamps of a development node's blocks.
///
/// The runtime's Aura pallet wants each block in a later slot than its parent, with a timestamp
/// inside that slot, but this node may seal several blocks a second (or a millisecond). So each
/// block's timestamp is the start of a slot: the current one by the clock, or the one after the
/// parent's if that is later. On a dev chain sealing faster than one block per slot, the chain's
/// clock runs ahead of the wall clock by a slot per block; nothing in Vigil reads it (deadlines
/// are counted in blocks).
struct DevTimestamps {
    client: Arc<FullClient>,
    slot_ms: u64,
}

impl DevTimestamps {
    fn next(&self, parent: Hash) -> u64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or_default();
        let current = now / self.slot_ms;
        // The genesis block has no slot; a sealed block always has one.
        let after_parent = self
            .client
            .header(parent)
            .ok()
            .flatten()
            .and_then(|h| sc_consensus_aura::find_pre_digest::<Block, AuraSignature>(&h).ok())
            .map(|slot| u64::from(slot) + 1)
            .unwrap_or(0);
        current.max(after_parent) * self.slot_ms
    }
}

/// A node of a network: Aura block import (and authorship on a validator) and GRANDPA.
fn new_network(config: Configuration) -> Result<TaskManager, ServiceError> {
    let parts = parts(&config)?;
    let client = parts.client.clone();

    let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
        client.clone(),
        GRANDPA_JUSTIFICATION_PERIOD,
        &client,
        parts.select_chain.clone(),
        parts.telemetry.as_ref().map(|x| x.handle()),
    )?;

    let slot_duration = sc_consensus_aura::slot_duration(&*client)?;
    let import_queue = sc_consensus_aura::import_queue::<AuraPair, _, _, _, _, _>(
        sc_consensus_aura::ImportQueueParams {
            block_import: grandpa_block_import.clone(),
            justification_import: Some(Box::new(grandpa_block_import.clone())),
            client: client.clone(),
            create_inherent_data_providers: move |_, ()| async move {
                Ok(slot_inherents(slot_duration))
            },
            spawner: &parts.task_manager.spawn_essential_handle(),
            registry: config.prometheus_registry(),
            check_for_equivocation: Default::default(),
            telemetry: parts.telemetry.as_ref().map(|x| x.handle()),
            compatibility_mode: Default::default(),
        },
    )?;

    let mut net_config = sc_network::config::FullNetworkConfiguration::<Block, Hash, Network>::new(
        &config.network,
        config.prometheus_registry().cloned(),
    );
    let metrics = <Network as NetworkBackend<Block, Hash>>::register_notification_metrics(
        config.prometheus_registry(),
    );
    let genesis = client
        .block_hash(0)?
        .ok_or_else(|| ServiceError::Other("the chain has no genesis block".into()))?;
    let grandpa_protocol_name =
        sc_consensus_grandpa::protocol_standard_name(&genesis, &config.chain_spec);
    let (grandpa_protocol_config, grandpa_notification_service) =
        sc_consensus_grandpa::grandpa_peers_set_config::<Block, Network>(
            grandpa_protocol_name.clone(),
            metrics.clone(),
            net_config.peer_store_handle(),
        );
    net_config.add_notification_protocol(grandpa_protocol_config);

    let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
        sc_service::build_network(sc_service::BuildNetworkParams {
            config: &config,
            net_config,
            client: client.clone(),
            transaction_pool: parts.transaction_pool.clone(),
            spawn_handle: parts.task_manager.spawn_handle(),
            spawn_essential_handle: parts.task_manager.spawn_essential_handle(),
            import_queue,
            block_announce_validator_builder: None,
            warp_sync_config: None,
            block_relay: None,
            metrics,
            gap_sync_body_policy: None,
        })?;
    spawn_offchain_workers(&config, &parts, network.clone())?;
    log::info!("🔒 engine_* block-making RPC not served (not a development chain)");

    let role = config.role;
    let force_authoring = config.force_authoring;
    let name = config.network.node_name.clone();
    let enable_grandpa = !config.disable_grandpa;
    let prometheus_registry = config.prometheus_registry().cloned();

    let Parts {
        client,
        backend,
        keystore_container,
        mut task_manager,
        select_chain,
        transaction_pool,
        mut telemetry,
    } = parts;

    let rpc_extensions_builder = rpc_builder(client.clone(), transaction_pool.clone(), None);

    let _rpc_handlers = sc_service::spawn_tasks(sc_service::SpawnTasksParams {
        network: network.clone(),
        client: client.clone(),
        keystore: keystore_container.keystore(),
        task_manager: &mut task_manager,
        transaction_pool: transaction_pool.clone(),
        rpc_builder: rpc_extensions_builder,
        backend,
        system_rpc_tx,
        tx_handler_controller,
        sync_service: sync_service.clone(),
        config,
        telemetry: telemetry.as_mut(),
        tracing_execute_block: None,
    })?;

    if role.is_authority() {
        let proposer = sc_basic_authorship::ProposerFactory::new(
            task_manager.spawn_handle(),
            client.clone(),
            transaction_pool.clone(),
            prometheus_registry.as_ref(),
            telemetry.as_ref().map(|x| x.handle()),
        );
        let aura = sc_consensus_aura::start_aura::<AuraPair, _, _, _, _, _, _, _, _, _, _>(
            sc_consensus_aura::StartAuraParams {
                slot_duration,
                client: client.clone(),
                select_chain,
                block_import: grandpa_block_import,
                proposer_factory: proposer,
                create_inherent_data_providers: move |_, ()| async move {
                    Ok(slot_inherents(slot_duration))
                },
                force_authoring,
                backoff_authoring_blocks: None::<()>,
                keystore: keystore_container.keystore(),
                sync_oracle: sync_service.clone(),
                justification_sync_link: sync_service.clone(),
                // Two thirds of the slot to build the block (the runtime's maximum block weight),
                // the rest to send it to the other validators.
                block_proposal_slot_portion: sc_consensus_aura::SlotProportion::new(2f32 / 3f32),
                max_block_proposal_slot_portion: None,
                telemetry: telemetry.as_ref().map(|x| x.handle()),
                compatibility_mode: Default::default(),
            },
        )?;
        task_manager
            .spawn_essential_handle()
            .spawn_blocking("aura", Some("block-authoring"), aura);
    }

    if enable_grandpa {
        let grandpa_config = sc_consensus_grandpa::Config {
            gossip_duration: Duration::from_millis(333),
            justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
            name: Some(name),
            observer_enabled: false,
            // A node that is no validator follows finality without voting.
            keystore: role.is_authority().then(|| keystore_container.keystore()),
            local_role: role,
            telemetry: telemetry.as_ref().map(|x| x.handle()),
            protocol_name: grandpa_protocol_name,
        };
        let voter = sc_consensus_grandpa::run_grandpa_voter(sc_consensus_grandpa::GrandpaParams {
            config: grandpa_config,
            link: grandpa_link,
            network,
            sync: sync_service,
            notification_service: grandpa_notification_service,
            voting_rule: sc_consensus_grandpa::VotingRulesBuilder::default().build(),
            prometheus_registry,
            shared_voter_state: sc_consensus_grandpa::SharedVoterState::empty(),
            telemetry: telemetry.as_ref().map(|x| x.handle()),
            offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
        })?;
        task_manager
            .spawn_essential_handle()
            .spawn_blocking("grandpa-voter", None, voter);
    }

    Ok(task_manager)
}

/// The inherent data of a block authored or checked now: the wall-clock timestamp and the Aura
/// slot it falls in.
fn slot_inherents(
    slot_duration: sp_consensus_aura::SlotDuration,
) -> (
    sp_consensus_aura::inherents::InherentDataProvider,
    sp_timestamp::InherentDataProvider,
) {
    let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
    let slot = sp_consensus_aura::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
        *timestamp,
        slot_duration,
    );
    (slot, timestamp)
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
    use sc_service::config::RpcMethods;
    if sc_service::ChainSpec::chain_type(&*config.chain_spec) != ChainType::Development {
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
