//! Genesis presets: `dev` and `local_testnet`.
//!
//! Both fund the well-known development accounts (Alice, Bob, Charlie, Dave, Eve, Ferdie) and make
//! Alice the sudo key. `dev` is what `vigil-node --dev` starts with; it has a short challenge
//! window ([`DEV_CHALLENGE_WINDOW`]); `local_testnet` keeps the runtime's maximum.

use crate::{
    AccountId, BalancesConfig, BlockNumber, InferenceConfig, RuntimeGenesisConfig, SudoConfig, UNIT,
};
use alloc::{vec, vec::Vec};
use serde_json::Value;
use sp_genesis_builder::PresetId;
use sp_keyring::Sr25519Keyring;

/// The name of the development preset (`vigil-node --dev`).
pub const DEV: &str = "dev";
/// The name of the local testnet preset.
pub const LOCAL_TESTNET: &str = sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;

/// The challenge window of the `dev` chain: 10 blocks (10 s at the node's default block time).
pub const DEV_CHALLENGE_WINDOW: BlockNumber = 10;

/// The balance every development account starts with.
pub const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// The development accounts Alice..Ferdie.
pub fn dev_accounts() -> Vec<AccountId> {
    Sr25519Keyring::well_known()
        .map(|k| k.to_account_id())
        .collect()
}

fn testnet_genesis(
    endowed: Vec<AccountId>,
    root: AccountId,
    challenge_window: Option<BlockNumber>,
) -> Value {
    let config = RuntimeGenesisConfig {
        balances: BalancesConfig {
            balances: endowed.iter().cloned().map(|k| (k, ENDOWMENT)).collect(),
            ..Default::default()
        },
        sudo: SudoConfig { key: Some(root) },
        inference: InferenceConfig { challenge_window },
        ..Default::default()
    };
    serde_json::to_value(config).expect("the genesis config serialises to JSON; qed")
}

/// The JSON of a named preset, or `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
    let patch = match id.as_str() {
        DEV | sp_genesis_builder::DEV_RUNTIME_PRESET => testnet_genesis(
            dev_accounts(),
            Sr25519Keyring::Alice.to_account_id(),
            Some(DEV_CHALLENGE_WINDOW),
        ),
        LOCAL_TESTNET => {
            testnet_genesis(dev_accounts(), Sr25519Keyring::Alice.to_account_id(), None)
        }
        _ => return None,
    };
    Some(
        serde_json::to_string(&patch)
            .expect("serialization to json is expected to work; qed")
            .into_bytes(),
    )
}

/// The names of the presets this runtime provides.
pub fn preset_names() -> Vec<PresetId> {
    vec![PresetId::from(DEV), PresetId::from(LOCAL_TESTNET)]
}
