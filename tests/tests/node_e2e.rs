//! End-to-end: start the built `vigil-node --dev` on loopback, see it produce blocks, and get a
//! signed balance transfer from Alice to Bob included and finalized; with `--instant-seal` and no
//! timer, the transaction itself gets a block sealed.

mod common;

use std::time::Duration;

use common::DevNode;
use subxt::{dynamic, ext::scale_decode::DecodeAsType, SubstrateConfig};
use subxt_signer::sr25519::dev;

/// A failure guard for each wait below; the test never relies on a wait being this long.
const WAIT: Duration = Duration::from_secs(120);

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct AccountInfo {
    data: AccountData,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct AccountData {
    free: u128,
}

async fn free_balance(
    api: &subxt::OnlineClient<SubstrateConfig>,
    block: subxt::utils::H256,
    who: [u8; 32],
) -> u128 {
    let addr = dynamic::storage::<([u8; 32],), AccountInfo>("System", "Account");
    let at = api.at_block(block).await.expect("open the block");
    let value = at
        .storage()
        .fetch(addr, (who,))
        .await
        .expect("read System.Account");
    value.decode().expect("decode AccountInfo").data.free
}

#[tokio::test(flavor = "multi_thread")]
async fn node_produces_blocks_and_includes_a_signed_transfer() {
    let mut node = DevNode::start(&["--block-time-ms", "200"]);
    let api = node.client().await;

    // The chain advances on its own: wait for finalized block #2.
    let mut blocks = api
        .stream_blocks()
        .await
        .expect("subscribe to finalized blocks");
    let seen = tokio::time::timeout(WAIT, async {
        while let Some(block) = blocks.next().await {
            let block = block.expect("a finalized block");
            if block.number() >= 2 {
                return block.number();
            }
        }
        panic!("the block subscription ended");
    })
    .await
    .unwrap_or_else(|_| panic!("no block #2 within {WAIT:?}; log:\n{}", node.log_tail()));
    assert!(seen >= 2);

    alice_pays_bob(&node, &api).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn with_instant_seal_and_no_timer_a_transaction_seals_its_own_block() {
    let mut node = DevNode::start(&["--block-time-ms", "0", "--instant-seal"]);
    let api = node.client().await;
    let head = api
        .at_current_block()
        .await
        .expect("the current block")
        .block_number();
    assert_eq!(
        head, 0,
        "without the timer nothing is sealed before a transaction"
    );
    let block_hash = alice_pays_bob(&node, &api).await;
    let sealed = api
        .at_block(block_hash)
        .await
        .expect("open the transfer's block")
        .block_number();
    // No timer: the first block is the one the transfer itself got sealed.
    assert_eq!(sealed, 1, "the transfer was sealed in block #{sealed}");
}

/// Alice sends Bob one unit; checks it is finalized, emitted `Balances.Transfer` and moved
/// exactly the amount. Returns the transfer's block.
async fn alice_pays_bob(
    node: &DevNode,
    api: &subxt::OnlineClient<SubstrateConfig>,
) -> subxt::utils::H256 {
    let alice = dev::alice();
    let bob = dev::bob();
    let amount: u128 = 1_000_000_000_000;
    let bob_id: [u8; 32] = bob.public_key().0;

    let before_hash = api
        .at_current_block()
        .await
        .expect("the current block")
        .block_hash();
    let bob_before = free_balance(api, before_hash, bob_id).await;

    let tx = dynamic::transaction(
        "Balances",
        "transfer_keep_alive",
        (bob.public_key().to_address::<()>(), amount),
    );
    let (block_hash, events) = tokio::time::timeout(WAIT, async {
        let in_block = api
            .transactions()
            .await
            .expect("a transactions client")
            .sign_and_submit_then_watch_default(&tx, &alice)
            .await
            .expect("submit the transfer")
            .wait_for_finalized()
            .await
            .expect("the transfer is finalized");
        let events = in_block
            .wait_for_success()
            .await
            .expect("the transfer succeeds");
        (in_block.block_hash(), events)
    })
    .await
    .unwrap_or_else(|_| {
        panic!(
            "transfer not finalized within {WAIT:?}; log:\n{}",
            node.log_tail()
        )
    });

    let transferred = events
        .iter()
        .filter_map(|e| e.ok())
        .any(|e| e.pallet_name() == "Balances" && e.event_name() == "Transfer");
    assert!(transferred, "the extrinsic emitted Balances.Transfer");

    let bob_after = free_balance(api, block_hash, bob_id).await;
    assert_eq!(
        bob_after,
        bob_before + amount,
        "Bob received exactly the amount sent"
    );
    block_hash
}
