//! The node's RPC extensions beyond the ones `sc-service` always serves (chain, state, author,
//! system, ...): `system_accountNextIndex`, `payment_*` and, on a dev chain only, the manual-seal `engine_*`
//! methods.

use std::sync::Arc;

use futures::channel::mpsc;
use jsonrpsee::RpcModule;
use sc_consensus_manual_seal::{
    rpc::{ManualSeal, ManualSealApiServer},
    EngineCommand,
};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use vigil_runtime::{opaque::Block, AccountId, Balance, Hash, Nonce};

/// What the RPC extensions need.
pub struct FullDeps<C, P> {
    /// The client.
    pub client: Arc<C>,
    /// The transaction pool.
    pub pool: Arc<P>,
    /// The channel to the block sealing task, when the block-making RPC is served
    /// (see `service::serves_block_making_rpc`).
    pub command_sink: Option<mpsc::Sender<EngineCommand<Hash>>>,
}

/// Build the node's RPC extensions.
pub fn create_full<C, P>(
    deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
    C: ProvideRuntimeApi<Block>
        + HeaderBackend<Block>
        + HeaderMetadata<Block, Error = BlockChainError>
        + Send
        + Sync
        + 'static,
    C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
        + pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
        + BlockBuilder<Block>,
    P: TransactionPool + 'static,
{
    use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
    use substrate_frame_rpc_system::{System, SystemApiServer};

    let FullDeps {
        client,
        pool,
        command_sink,
    } = deps;
    let mut module = RpcModule::new(());
    module.merge(System::new(client.clone(), pool).into_rpc())?;
    module.merge(TransactionPayment::new(client).into_rpc())?;
    if let Some(command_sink) = command_sink {
        module.merge(ManualSeal::new(command_sink).into_rpc())?;
    }
    Ok(module)
}
