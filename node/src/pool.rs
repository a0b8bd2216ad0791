//! A transaction pool that refuses, before the runtime sees them, transactions that do not decode
//! as this chain's extrinsics.
//!
//! The pool validates a transaction by calling the runtime (`validate_transaction`), whose entry
//! point decodes its arguments first and panics when they do not decode: the runtime traps on
//! every malformed transaction an RPC caller or a peer sends. Nothing is harmed, but the caller
//! gets a Wasm backtrace instead of a reason. This wrapper decodes each submitted transaction
//! natively with the runtime's own `UncheckedExtrinsic` type and refuses one that does not decode
//! with an invalid-transaction error (`InvalidTransaction::Call`, "Transaction call is not
//! expected"), logging the decoding error. Everything else goes to the inner pool unchanged.

use std::{collections::HashMap, pin::Pin, sync::Arc};

use async_trait::async_trait;
use codec::{DecodeLimit, Encode};
use sc_transaction_pool_api::{
    error::Error as PoolError, ChainEvent, ImportNotificationStream, LocalTransactionFor,
    LocalTransactionPool, MaintainedTransactionPool, PoolStatus, ReadyTransactions, TransactionFor,
    TransactionPool, TransactionSource, TransactionStatusStreamFor, TxHash, TxInvalidityReportMap,
};
use sp_runtime::{traits::Block as BlockT, transaction_validity::InvalidTransaction};

/// How deeply nested a call may be when decoded here, as in the runtime's executive.
const MAX_EXTRINSIC_DEPTH: u32 = 256;

/// Whether `xt` (an opaque extrinsic) decodes, whole, as one of the runtime's extrinsics.
fn decodes<Xt: Encode>(xt: &Xt) -> Result<(), String> {
    // An opaque extrinsic encodes as the extrinsic's own bytes.
    let bytes = xt.encode();
    let mut input = &bytes[..];
    vigil_runtime::UncheckedExtrinsic::decode_with_depth_limit(MAX_EXTRINSIC_DEPTH, &mut input)
        .map_err(|e| e.to_string())?;
    if !input.is_empty() {
        return Err(format!("{} bytes left over", input.len()));
    }
    Ok(())
}

/// The inner pool's error for a transaction that does not decode.
fn refused<E: From<PoolError>>(reason: String) -> E {
    log::debug!(target: "txpool", "refused a transaction that does not decode: {reason}");
    PoolError::InvalidTransaction(InvalidTransaction::Call).into()
}

/// A pool that checks that transactions decode before handing them to `P`.
pub struct DecodingPool<P>(pub Arc<P>);

#[async_trait]
impl<P> TransactionPool for DecodingPool<P>
where
    P: TransactionPool,
    TransactionFor<P>: Encode,
{
    type Block = P::Block;
    type Hash = P::Hash;
    type InPoolTransaction = P::InPoolTransaction;
    type Error = P::Error;

    async fn submit_at(
        &self,
        at: <Self::Block as BlockT>::Hash,
        source: TransactionSource,
        xts: Vec<TransactionFor<Self>>,
    ) -> Result<Vec<Result<TxHash<Self>, Self::Error>>, Self::Error> {
        let mut results: Vec<Option<Result<TxHash<Self>, Self::Error>>> = Vec::new();
        let mut accepted = Vec::new();
        for xt in xts {
            match decodes(&xt) {
                Ok(()) => {
                    results.push(None);
                    accepted.push(xt);
                }
                Err(reason) => results.push(Some(Err(refused(reason)))),
            }
        }
        let mut inner = self.0.submit_at(at, source, accepted).await?.into_iter();
        Ok(results
            .into_iter()
            .map(|r| match r {
                Some(refusal) => refusal,
                None => inner
                    .next()
                    .unwrap_or_else(|| Err(PoolError::ImmediatelyDropped.into())),
            })
            .collect())
    }

    async fn submit_one(
        &self,
        at: <Self::Block as BlockT>::Hash,
        source: TransactionSource,
        xt: TransactionFor<Self>,
    ) -> Result<TxHash<Self>, Self::Error> {
        decodes(&xt).map_err(refused)?;
        self.0.submit_one(at, source, xt).await
    }

    async fn submit_and_watch(
        &self,
        at: <Self::Block as BlockT>::Hash,
        source: TransactionSource,
        xt: TransactionFor<Self>,
    ) -> Result<Pin<Box<TransactionStatusStreamFor<Self>>>, Self::Error> {
        decodes(&xt).map_err(refused)?;
        self.0.submit_and_watch(at, source, xt).await
    }

    async fn ready_at(
        &self,
        at: <Self::Block as BlockT>::Hash,
    ) -> Box<dyn ReadyTransactions<Item = Arc<Self::InPoolTransaction>> + Send> {
        self.0.ready_at(at).await
    }

    fn ready(&self) -> Box<dyn ReadyTransactions<Item = Arc<Self::InPoolTransaction>> + Send> {
        self.0.ready()
    }

    async fn report_invalid(
        &self,
        at: Option<<Self::Block as BlockT>::Hash>,
        invalid_tx_errors: TxInvalidityReportMap<TxHash<Self>>,
    ) -> Vec<Arc<Self::InPoolTransaction>> {
        self.0.report_invalid(at, invalid_tx_errors).await
    }

    fn futures(&self) -> Vec<Self::InPoolTransaction> {
        self.0.futures()
    }

    fn status(&self) -> PoolStatus {
        self.0.status()
    }

    fn import_notification_stream(&self) -> ImportNotificationStream<TxHash<Self>> {
        self.0.import_notification_stream()
    }

    fn on_broadcasted(&self, propagations: HashMap<TxHash<Self>, Vec<String>>) {
        self.0.on_broadcasted(propagations)
    }

    fn hash_of(&self, xt: &TransactionFor<Self>) -> TxHash<Self> {
        self.0.hash_of(xt)
    }

    fn ready_transaction(&self, hash: &TxHash<Self>) -> Option<Arc<Self::InPoolTransaction>> {
        self.0.ready_transaction(hash)
    }

    async fn ready_at_with_timeout(
        &self,
        at: <Self::Block as BlockT>::Hash,
        timeout: std::time::Duration,
    ) -> Box<dyn ReadyTransactions<Item = Arc<Self::InPoolTransaction>> + Send> {
        self.0.ready_at_with_timeout(at, timeout).await
    }
}

#[async_trait]
impl<P> MaintainedTransactionPool for DecodingPool<P>
where
    P: MaintainedTransactionPool,
    TransactionFor<P>: Encode,
{
    async fn maintain(&self, event: ChainEvent<Self::Block>) {
        self.0.maintain(event).await
    }
}

impl<P> LocalTransactionPool for DecodingPool<P>
where
    P: LocalTransactionPool,
    LocalTransactionFor<P>: Encode,
{
    type Block = P::Block;
    type Hash = P::Hash;
    type Error = P::Error;

    fn submit_local(
        &self,
        at: <Self::Block as BlockT>::Hash,
        xt: LocalTransactionFor<Self>,
    ) -> Result<Self::Hash, Self::Error> {
        decodes(&xt).map_err(refused)?;
        self.0.submit_local(at, xt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codec::Decode;

    #[test]
    fn garbage_does_not_decode_and_a_real_extrinsic_does() {
        // A length prefix of 3, then 3 bytes that are no extrinsic.
        let garbage = sp_runtime::OpaqueExtrinsic::decode(&mut &[12u8, 1, 2, 3][..]).unwrap();
        assert!(decodes(&garbage).is_err());
        let call = vigil_runtime::RuntimeCall::System(vigil_runtime::SystemCall::remark {
            remark: vec![1, 2, 3],
        });
        let unsigned = vigil_runtime::UncheckedExtrinsic::new_bare(call);
        let opaque = sp_runtime::OpaqueExtrinsic::decode(&mut &unsigned.encode()[..]).unwrap();
        assert!(decodes(&opaque).is_ok());
    }
}
