//! Genesis presets: `dev` and `local_testnet`.
//!
//! Both fund the well-known development accounts (Alice, Bob, Charlie, Dave, Eve, Ferdie) and make
//! Alice the sudo key. `dev` is what `vigil-node --dev` starts with; it has a short challenge
//! window ([`DEV_CHALLENGE_WINDOW`]) and Alice as its only Aura and GRANDPA authority (the dev
//! node seals its own blocks). `local_testnet` has a window of [`LOCAL_CHALLENGE_WINDOW`] and
//! four authorities, Alice, Bob, Charlie and Dave ([`LOCAL_AUTHORITIES`]): with one of them down the
//! other three still finalize (3 of 4 is more than two thirds).

use crate::{
    AccountId, AuraConfig, BalancesConfig, BlockNumber, GrandpaConfig, InferenceConfig,
    RuntimeGenesisConfig, SudoConfig, UNIT,
};
use alloc::{vec, vec::Vec};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::PresetId;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// The name of the development preset (`vigil-node --dev`).
pub const DEV: &str = "dev";
/// The name of the local testnet preset.
pub const LOCAL_TESTNET: &str = sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET;

/// The challenge window of the `dev` chain: 10 blocks (10 s at the dev node's default block time
/// of 1 s).
pub const DEV_CHALLENGE_WINDOW: BlockNumber = 10;

/// The challenge window of the `local` chain: 20 blocks (at most the runtime's maximum,
/// [`crate::CHALLENGE_WINDOW`]: the pallet's genesis checks it), 60 s of 3-s Aura slots (when every
/// validator authors in its slot). Time for a challenger on another node to see a claim once it
/// is final (a few blocks behind the best one), commit and reveal.
pub const LOCAL_CHALLENGE_WINDOW: BlockNumber = 20;

/// The balance every development account starts with.
pub const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// The development accounts Alice..Ferdie.
pub fn dev_accounts() -> Vec<AccountId> {
    Sr25519Keyring::well_known()
        .map(|k| k.to_account_id())
        .collect()
}

/// The validators of the `local_testnet` chain, in slot order: each one's Aura (sr25519) and
/// GRANDPA (ed25519) keys are derived from the same well-known seed (`//Alice`, ...), which
/// `vigil-node --alice` (and `--bob`, ...) puts in its keystore.
pub const LOCAL_AUTHORITIES: [(Sr25519Keyring, Ed25519Keyring); 4] = [
    (Sr25519Keyring::Alice, Ed25519Keyring::Alice),
    (Sr25519Keyring::Bob, Ed25519Keyring::Bob),
    (Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
    (Sr25519Keyring::Dave, Ed25519Keyring::Dave),
];

/// The Aura and GRANDPA public keys of a pair of development keys.
pub fn authority_keys((aura, grandpa): (Sr25519Keyring, Ed25519Keyring)) -> (AuraId, GrandpaId) {
    (aura.public().into(), grandpa.public().into())
}

fn testnet_genesis(
    authorities: Vec<(AuraId, GrandpaId)>,
    endowed: Vec<AccountId>,
    root: AccountId,
    challenge_window: Option<BlockNumber>,
) -> Value {
    let config = RuntimeGenesisConfig {
        aura: AuraConfig {
            authorities: authorities.iter().map(|(aura, _)| aura.clone()).collect(),
        },
        grandpa: GrandpaConfig {
            authorities: authorities
                .iter()
                .map(|(_, grandpa)| (grandpa.clone(), 1))
                .collect(),
            ..Default::default()
        },
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
            vec![authority_keys(LOCAL_AUTHORITIES[0])],
            dev_accounts(),
            Sr25519Keyring::Alice.to_account_id(),
            Some(DEV_CHALLENGE_WINDOW),
        ),
        LOCAL_TESTNET => testnet_genesis(
            LOCAL_AUTHORITIES.into_iter().map(authority_keys).collect(),
            dev_accounts(),
            Sr25519Keyring::Alice.to_account_id(),
            Some(LOCAL_CHALLENGE_WINDOW),
        ),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Runtime;
    use sp_io::TestExternalities;
    use sp_runtime::BuildStorage;

    fn build(preset: &str) -> TestExternalities {
        let json = get_preset(&PresetId::from(preset)).expect("a known preset");
        let patch: Value = serde_json::from_slice(&json).unwrap();
        let config: RuntimeGenesisConfig = serde_json::from_value(patch).unwrap();
        TestExternalities::new(config.build_storage().unwrap())
    }

    /// The `local` chain's validators are Alice, Bob, Charlie and Dave, in Aura and in GRANDPA,
    /// with the keys `vigil-node --alice` (...) derives from their seeds; `dev` has Alice alone.
    #[test]
    fn presets_name_their_authorities() {
        let expected = |n: usize| -> Vec<(AuraId, GrandpaId)> {
            LOCAL_AUTHORITIES[..n]
                .iter()
                .copied()
                .map(authority_keys)
                .collect()
        };
        for (preset, n) in [(LOCAL_TESTNET, 4), (DEV, 1)] {
            build(preset).execute_with(|| {
                let aura = pallet_aura::Authorities::<Runtime>::get().into_inner();
                let grandpa: Vec<GrandpaId> =
                    pallet_grandpa::Pallet::<Runtime>::grandpa_authorities()
                        .into_iter()
                        .map(|(id, weight)| {
                            assert_eq!(weight, 1);
                            id
                        })
                        .collect();
                let (want_aura, want_grandpa): (Vec<_>, Vec<_>) = expected(n).into_iter().unzip();
                assert_eq!(aura, want_aura, "{preset}");
                assert_eq!(grandpa, want_grandpa, "{preset}");
            });
        }
        // The seeds are the well-known ones: Alice's Aura key is her account key.
        assert_eq!(
            authority_keys(LOCAL_AUTHORITIES[0]).0,
            AuraId::from(Sr25519Keyring::Alice.public())
        );
    }

    /// The local chain's challenge window is its own, shorter than the runtime's maximum.
    #[test]
    fn local_challenge_window_is_set() {
        build(LOCAL_TESTNET).execute_with(|| {
            assert_eq!(
                pallet_inference::ChallengeWindowBlocks::<Runtime>::get(),
                LOCAL_CHALLENGE_WINDOW
            );
        });
    }
}
