//! Chain specifications built from the runtime's genesis presets.

use sc_service::{ChainType, GenericChainSpec};
use vigil_runtime::{genesis, WASM_BINARY};

/// The chain specification type of this node.
pub type ChainSpec = GenericChainSpec;

fn properties() -> sc_service::Properties {
    let mut p = sc_service::Properties::new();
    p.insert("tokenSymbol".into(), "VGL".into());
    p.insert("tokenDecimals".into(), 12.into());
    p.insert("ss58Format".into(), 42.into());
    p
}

fn wasm() -> Result<&'static [u8], String> {
    WASM_BINARY.ok_or_else(|| {
        "the runtime's Wasm binary is not available (built with SKIP_WASM_BUILD?)".into()
    })
}

/// The `dev` chain: one machine, development accounts funded, short challenge window.
pub fn development() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name("Vigil Development")
        .with_id("vigil_dev")
        .with_chain_type(ChainType::Development)
        .with_genesis_config_preset_name(genesis::DEV)
        .with_properties(properties())
        .build())
}

/// The `local` chain: the `local_testnet` preset.
pub fn local_testnet() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name("Vigil Local Testnet")
        .with_id("vigil_local_testnet")
        .with_chain_type(ChainType::Local)
        .with_genesis_config_preset_name(genesis::LOCAL_TESTNET)
        .with_properties(properties())
        .build())
}
