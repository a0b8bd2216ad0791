//! Two of the four validators of the `local` chain killed: the other two still make blocks in
//! their slots, but cannot finalize any (2 of 4 votes are not more than two thirds); when one of
//! the two returns, finality resumes and covers the blocks made in between.

mod common;

use std::time::Duration;

use common::{wait_for, Testnet};

/// A failure guard, not a pacing device.
const TIMEOUT: Duration = Duration::from_secs(400);

#[test]
fn with_two_validators_down_finality_stops_and_resumes_when_one_returns() {
    let mut net = Testnet::start(4);
    wait_for(
        TIMEOUT,
        "every validator finalizes block 2",
        || (net.min_finalized() >= 2).then_some(()),
        || net.report(),
    );

    // Charlie and Dave go down. Votes cast before can still finalize what was already made,
    // nothing made after.
    let before = net.max_best();
    net.kill(3);
    net.kill(2);
    let made = before.max(net.max_best());
    wait_for(
        TIMEOUT,
        "Alice and Bob make 4 more blocks",
        || (net.max_best() >= made + 4).then_some(()),
        || net.report(),
    );
    let best = net.max_best();
    for i in net.running() {
        let (finalized, _) = net.node(i).finalized();
        // One block of slack: one Charlie or Dave made just before going down may arrive late.
        assert!(
            finalized <= made + 1,
            "validator {i} finalized #{finalized} with two of four voters (best #{best}, #{made} made \
             before)\n{}",
            net.report()
        );
    }

    // Charlie returns: three voters again, and the blocks made meanwhile get finalized.
    net.restart(2);
    wait_for(
        TIMEOUT,
        "finality resumes past the blocks made with two validators",
        || (net.min_finalized() >= best).then_some(()),
        || net.report(),
    );
    let (number, hash) = net.node(2).finalized();
    assert_eq!(net.node(0).block_hash(number), Some(hash));
}
