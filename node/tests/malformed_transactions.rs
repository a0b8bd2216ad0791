//! Transactions that do not decode are refused by the node with an invalid-transaction error,
//! before the runtime sees them: the runtime's `validate_transaction` would trap on them.

mod common;

use common::Node;

fn submit(node: &Node, hex: &str) -> String {
    node.call("author_submitExtrinsic", &format!(r#"["{hex}"]"#))
        .expect("the node answers")
}

#[test]
fn malformed_transactions_are_refused_without_a_runtime_trap() {
    let node = Node::start(&["--dev"]);
    for garbage in [
        // Three bytes that are no extrinsic.
        "0x0c010203",
        // A signed-looking version byte and too little after it.
        "0x280402000b00000000000000",
        // A bare extrinsic calling a pallet index the runtime does not have.
        "0x0c04ff00",
    ] {
        let response = submit(&node, garbage);
        assert!(
            response.contains("Invalid Transaction") && response.contains("1010"),
            "{garbage}: refused as an invalid transaction: {response}"
        );
        assert!(!response.contains("wasm"), "{garbage}: no trap: {response}");
    }
    let log = node.log();
    assert!(
        !log.contains("Bad input data provided to validate_transaction"),
        "the runtime never saw them:\n{log}"
    );
}
