//! Four validators of the `local` chain, real `vigil-node` processes on loopback, make blocks by
//! Aura slot (each of them in turn) and finalize them with GRANDPA, and all four agree on the
//! finalized head.

mod common;

use std::{cell::RefCell, collections::BTreeSet, time::Duration};

use common::{wait_for, Testnet, AUTHORITIES};

/// A failure guard, not a pacing device: a healthy network finalizes a block every few seconds.
const TIMEOUT: Duration = Duration::from_secs(300);

#[test]
fn four_validators_author_in_turn_finalize_and_agree_on_the_finalized_head() {
    let net = Testnet::start(4);

    // Every validator authors: the finalized chain has blocks from all four.
    let authors = RefCell::new(BTreeSet::new());
    let mut seen = 0;
    wait_for(
        TIMEOUT,
        "all four validators author finalized blocks",
        || {
            let (finalized, _) = net.node(0).finalized();
            for number in seen + 1..=finalized {
                let hash = net.node(0).block_hash(number).expect("a finalized block");
                authors.borrow_mut().insert(net.author(0, &hash));
            }
            seen = seen.max(finalized);
            (authors.borrow().len() == AUTHORITIES.len()).then_some(())
        },
        || format!("authors so far {:?}\n{}", authors.borrow(), net.report()),
    );

    // All four report the same finalized head at once, and have it on their best chains.
    let (number, hash) = wait_for(
        TIMEOUT,
        "all four validators report the same finalized head",
        || {
            let heads: Vec<(u64, String)> = (0..4).map(|i| net.node(i).finalized()).collect();
            heads
                .windows(2)
                .all(|w| w[0] == w[1])
                .then(|| heads[0].clone())
        },
        || net.report(),
    );
    assert!(number >= 4, "finalized #{number}");
    for i in 0..4 {
        assert_eq!(
            net.node(i).block_hash(number),
            Some(hash.clone()),
            "node {i}"
        );
    }
    // And the blocks they finalize keep coming.
    wait_for(
        TIMEOUT,
        "finality goes on",
        || (net.min_finalized() > number).then_some(()),
        || net.report(),
    );
}
