//! Who may make blocks on demand. The manual-seal RPC (`engine_createBlock`) moves the chain's
//! clock, and with it every challenge window and claim deadline, so the node serves it only on a
//! development chain whose RPC allows unsafe methods. These tests start the real `vigil-node`
//! binary on loopback and ask it over plain HTTP JSON-RPC.
//!
//! Being an integration test of the `vigil-node` package, this file also makes
//! `cargo test --workspace` build the `vigil-node` binary, which the end-to-end tests in
//! `tests/` start.

mod common;

use common::Node;

const CREATE_BLOCK: (&str, &str) = ("engine_createBlock", "[true,true,null]");

/// JSON-RPC's "method not found".
fn is_method_not_found(response: &str) -> bool {
    response.contains("-32601")
}

#[test]
fn dev_chain_on_loopback_makes_blocks_on_demand() {
    let node = Node::start(&["--dev"]);
    assert_eq!(node.best_number(), 0, "the timer is off");
    let response = node.call(CREATE_BLOCK.0, CREATE_BLOCK.1).unwrap();
    assert!(
        response.contains(r#""result""#) && response.contains("hash"),
        "engine_createBlock failed on --dev: {response}"
    );
    assert_eq!(node.best_number(), 1);
}

#[test]
fn local_chain_does_not_serve_block_making() {
    // A fixed network key: a node of a chain other than --dev does not make one up.
    let node = Node::start(&[
        "--chain",
        "local",
        "--alice",
        "--node-key",
        "0000000000000000000000000000000000000000000000000000000000000001",
    ]);
    let response = node.call(CREATE_BLOCK.0, CREATE_BLOCK.1).unwrap();
    assert!(
        is_method_not_found(&response),
        "a --chain local node must not serve engine_createBlock: {response}"
    );
    let response = node
        .call("engine_finalizeBlock", r#"["0x00",null]"#)
        .unwrap();
    assert!(is_method_not_found(&response), "{response}");
    assert_eq!(node.best_number(), 0);
}

#[test]
fn dev_chain_with_safe_rpc_does_not_serve_block_making() {
    let node = Node::start(&["--dev", "--rpc-methods", "safe"]);
    let response = node.call(CREATE_BLOCK.0, CREATE_BLOCK.1).unwrap();
    assert!(
        is_method_not_found(&response),
        "--rpc-methods safe must not serve engine_createBlock: {response}"
    );
    assert_eq!(node.best_number(), 0);
}

/// `--instant-seal` on a chain that makes blocks by Aura slot is refused at start-up, with the
/// reason, rather than ignored.
#[test]
fn instant_seal_is_refused_on_a_network_chain() {
    let (status, log) = common::run_to_exit(&[
        "--chain",
        "local",
        "--tmp",
        "--instant-seal",
        "--no-prometheus",
        "--no-telemetry",
        "--no-mdns",
        "--rpc-port",
        "0",
        "--port",
        "0",
    ]);
    assert!(!status.success(), "{log}");
    assert!(
        log.contains("--instant-seal is for a development chain (--dev)"),
        "{log}"
    );
}
