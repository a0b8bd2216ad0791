//! One of the four validators of the `local` chain killed: the other three make blocks and
//! finalize them (3 of 4 votes are more than two thirds); restarted on its old state, it catches
//! up with the same finalized chain.

mod common;

use std::time::Duration;

use common::{wait_for, Testnet};

/// A failure guard, not a pacing device.
const TIMEOUT: Duration = Duration::from_secs(300);

#[test]
fn with_one_validator_down_blocks_and_finality_go_on_and_it_catches_up_when_back() {
    let mut net = Testnet::start(4);
    wait_for(
        TIMEOUT,
        "every validator finalizes block 2",
        || (net.min_finalized() >= 2).then_some(()),
        || net.report(),
    );

    // Dave goes down.
    net.kill(3);
    let best = net.max_best();
    let finalized = net.min_finalized();
    wait_for(
        TIMEOUT,
        "the three left make 4 more blocks and finalize 3 more",
        || (net.max_best() >= best + 4 && net.min_finalized() >= finalized + 3).then_some(()),
        || net.report(),
    );

    // Dave comes back on its old state and syncs to the others' finalized chain.
    let (target, _) = net.node(0).finalized();
    net.restart(3);
    wait_for(
        TIMEOUT,
        "the restarted validator reaches the others' finalized head",
        || (net.node(3).finalized().0 >= target).then_some(()),
        || net.report(),
    );
    let (number, hash) = net.node(3).finalized();
    assert_eq!(
        net.node(0).block_hash(number),
        Some(hash.clone()),
        "Dave's finalized #{number} is Alice's"
    );
    // It takes part again: its own finalized head moves on with the others'.
    wait_for(
        TIMEOUT,
        "finality goes on with all four",
        || (net.min_finalized() > number).then_some(()),
        || net.report(),
    );
}
