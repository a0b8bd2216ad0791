//! The Vigil runtime.
//!
//! Pallets: `System`, `Timestamp`, `Aura`, `Grandpa`, `Balances`, `TransactionPayment`, `Sudo`,
//! `Models`, `Inference`. Blocks are authored by slot with Aura ([`SLOT_DURATION`]) and finalized
//! by GRANDPA; the authorities of both come from genesis. `vigil-node --dev` seals its own blocks
//! instead (manual seal, with an Aura slot digest so that the same runtime accepts them) and
//! finalizes each at once.
//!
//! Genesis presets (see [`genesis`]): `dev` (Alice the sole authority) and `local_testnet` (Alice,
//! Bob, Charlie and Dave), both funding the well-known development accounts Alice..Ferdie, with
//! Alice as sudo.

#![cfg_attr(not(feature = "std"), no_std)]
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
pub use apis::RuntimeApi;
#[cfg(feature = "std")]
pub mod economics;
pub mod genesis;

use alloc::vec::Vec;
use frame_support::{
    derive_impl, parameter_types,
    traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8},
    weights::{
        constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
        IdentityFee, Weight,
    },
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::FungibleAdapter;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
    generic, impl_opaque_keys,
    traits::{BlakeTwo256, IdentifyAccount, Verify},
    MultiAddress, MultiSignature, Perbill,
};
use sp_version::{runtime_version, RuntimeVersion};

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;

/// An index to a block.
pub type BlockNumber = u32;
/// Signature type of the chain's accounts.
pub type Signature = MultiSignature;
/// An account id: the public key behind a [`Signature`].
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// The balance of an account.
pub type Balance = u128;
/// The nonce of an account.
pub type Nonce = u32;
/// A hash of some data used by the chain.
pub type Hash = sp_core::H256;

/// One unit of the chain's token, with 12 decimals.
pub const UNIT: Balance = 1_000_000_000_000;
/// A thousandth of a [`UNIT`].
pub const MILLI_UNIT: Balance = UNIT / 1_000;
/// The existential deposit.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Opaque types, used by the node, which does not know the runtime's extrinsic format.
pub mod opaque {
    use super::*;
    pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

    /// Block header type.
    pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
    /// Opaque block type.
    pub type Block = generic::Block<Header, UncheckedExtrinsic>;
    /// Opaque block identifier type.
    pub type BlockId = generic::BlockId<Block>;

    impl_opaque_keys! {
        /// A validator's keys: Aura for authoring blocks, GRANDPA for finality votes.
        pub struct SessionKeys {
            pub aura: Aura,
            pub grandpa: Grandpa,
        }
    }
}

#[runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
    spec_name: alloc::borrow::Cow::Borrowed("vigil"),
    impl_name: alloc::borrow::Cow::Borrowed("vigil"),
    authoring_version: 1,
    spec_version: 102,
    impl_version: 1,
    apis: apis::RUNTIME_API_VERSIONS,
    transaction_version: 1,
    system_version: 1,
};

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header type.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// The transaction extensions, checked in this order.
pub type TxExtension = (
    frame_system::AuthorizeCall<Runtime>,
    frame_system::CheckNonZeroSender<Runtime>,
    frame_system::CheckSpecVersion<Runtime>,
    frame_system::CheckTxVersion<Runtime>,
    frame_system::CheckGenesis<Runtime>,
    frame_system::CheckEra<Runtime>,
    frame_system::CheckNonce<Runtime>,
    frame_system::CheckWeight<Runtime>,
    pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
    frame_system::WeightReclaim<Runtime>,
);
/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
    generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;
/// Executive: handles dispatch to the various pallets.
pub type Executive = frame_executive::Executive<
    Runtime,
    Block,
    frame_system::ChainContext<Runtime>,
    Runtime,
    AllPalletsWithSystem,
>;

#[frame_support::runtime]
mod runtime {
    #[runtime::runtime]
    #[runtime::derive(
        RuntimeCall,
        RuntimeEvent,
        RuntimeError,
        RuntimeOrigin,
        RuntimeFreezeReason,
        RuntimeHoldReason,
        RuntimeSlashReason,
        RuntimeLockId,
        RuntimeTask,
        RuntimeViewFunction
    )]
    pub struct Runtime;

    #[runtime::pallet_index(0)]
    pub type System = frame_system;
    #[runtime::pallet_index(1)]
    pub type Timestamp = pallet_timestamp;
    #[runtime::pallet_index(5)]
    pub type Aura = pallet_aura;
    #[runtime::pallet_index(6)]
    pub type Grandpa = pallet_grandpa;
    #[runtime::pallet_index(2)]
    pub type Balances = pallet_balances;
    #[runtime::pallet_index(3)]
    pub type TransactionPayment = pallet_transaction_payment;
    #[runtime::pallet_index(4)]
    pub type Sudo = pallet_sudo;
    #[runtime::pallet_index(10)]
    pub type Models = pallet_models;
    #[runtime::pallet_index(11)]
    pub type Inference = pallet_inference;
}

#[cfg(feature = "runtime-benchmarks")]
mod benches {
    frame_benchmarking::define_benchmarks!(
        [pallet_models, Models]
        [pallet_inference, Inference]
    );
}

/// We allow `Normal` extrinsics to fill up the block up to 75%, the rest can be used by
/// `Operational` extrinsics.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// Two seconds of compute per block: the two thirds of a [`SLOT_DURATION`] that an Aura author
/// spends building its block.
const MAXIMUM_BLOCK_WEIGHT: Weight =
    Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2), u64::MAX);

parameter_types! {
    pub const BlockHashCount: BlockNumber = 2400;
    pub const Version: RuntimeVersion = VERSION;
    pub RuntimeBlockLength: BlockLength = BlockLength::builder()
        .max_length(5 * 1024 * 1024)
        .modify_max_length_for_class(frame_support::dispatch::DispatchClass::Normal, |m| {
            *m = NORMAL_DISPATCH_RATIO * *m
        })
        .build();
    pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
        MAXIMUM_BLOCK_WEIGHT,
        NORMAL_DISPATCH_RATIO,
    );
    pub const SS58Prefix: u8 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
    type Block = Block;
    type BlockWeights = RuntimeBlockWeights;
    type BlockLength = RuntimeBlockLength;
    type AccountId = AccountId;
    type Nonce = Nonce;
    type Hash = Hash;
    type BlockHashCount = BlockHashCount;
    /// The node keeps its state in ParityDb.
    type DbWeight = ParityDbWeight;
    type Version = Version;
    type AccountData = pallet_balances::AccountData<Balance>;
    type SS58Prefix = SS58Prefix;
    type MaxConsumers = ConstU32<16>;
}

/// The length of an Aura slot, in milliseconds: at most one block every 3 s on a network of
/// validators. On a 2-core machine that runs four debug-built validators, 3 s leaves room to
/// build a block (2 s, two thirds of the slot, the block's maximum weight) and to import it on the
/// other nodes; see `node/README.md` for the measurements. A `--dev` node seals its blocks on its
/// own timer instead, and each of its blocks takes the next slot.
pub const SLOT_DURATION: u64 = 3_000;

impl pallet_timestamp::Config for Runtime {
    type Moment = u64;
    /// Aura checks that each block's timestamp lies in the block's slot.
    type OnTimestampSet = Aura;
    type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
    type WeightInfo = ();
}

impl pallet_aura::Config for Runtime {
    type AuthorityId = AuraId;
    type DisabledValidators = ();
    type MaxAuthorities = ConstU32<32>;
    type AllowMultipleBlocksPerSlot = ConstBool<false>;
    type SlotDuration = ConstU64<SLOT_DURATION>;
}

impl pallet_grandpa::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = ();
    type MaxAuthorities = ConstU32<32>;
    type MaxNominators = ConstU32<0>;
    // Equivocations are not reported: the authority set is fixed at genesis, with no staking.
    type MaxSetIdSessionEntries = ConstU64<0>;
    type KeyOwnerProof = sp_core::Void;
    type EquivocationReportSystem = ();
}

impl pallet_balances::Config for Runtime {
    type MaxLocks = ConstU32<50>;
    type MaxReserves = ();
    type ReserveIdentifier = [u8; 8];
    type Balance = Balance;
    type RuntimeEvent = RuntimeEvent;
    type DustRemoval = ();
    type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
    type AccountStore = System;
    type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
    type FreezeIdentifier = RuntimeFreezeReason;
    type MaxFreezes = frame_support::traits::VariantCountOf<RuntimeFreezeReason>;
    type RuntimeHoldReason = RuntimeHoldReason;
    type RuntimeFreezeReason = RuntimeFreezeReason;
    type DoneSlashHandler = ();
}

impl pallet_transaction_payment::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type OnChargeTransaction = FungibleAdapter<Balances, ()>;
    type OperationalFeeMultiplier = ConstU8<5>;
    type WeightToFee = IdentityFee<Balance>;
    type LengthToFee = IdentityFee<Balance>;
    type FeeMultiplierUpdate = ();
    type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

/// The longest challenge window a chain may set at genesis (and the default): 100 blocks.
/// The `dev` preset sets [`genesis::DEV_CHALLENGE_WINDOW`]. Disputes are settled in one block.
pub const CHALLENGE_WINDOW: BlockNumber = 100;
/// Blocks an executor has to post its claim.
pub const CLAIM_TIMEOUT: BlockNumber = 10;
/// How often a job moves on after a silent executor.
pub const MAX_REASSIGNMENTS: u32 = 2;
/// Blocks a settled job and its claim stay readable: 20 minutes of one-second blocks. At 250
/// jobs per second that keeps about 300,000 settled jobs.
pub const SETTLED_RETENTION: BlockNumber = 1_200;

// What a model may ask of the chain, in one place: the registry refuses any model beyond these,
// and the inference pallet's storage bounds are these same values (its `integrity_test` checks
// that they cover the registry's).
parameter_types! {
    pub const MaxModelBytes: u32 = 1024 * 1024;
    pub const MaxLayers: u32 = 256;
    /// Cost units (`macs + bytes`) of the heaviest layer a model may have.
    pub const MaxLayerCost: u64 = 1 << 24;
    /// The largest model input: what a job carries.
    pub const MaxInputBytes: u32 = 256 * 1024;
    /// The largest model output: what a claim carries.
    pub const MaxOutputBytes: u32 = 256 * 1024;
    /// The most activations one layer reads: what a challenge carries.
    pub const MaxLayerInputs: u32 = 8;
    /// The largest activation a layer reads: one input of a challenge. With `MaxLayerInputs`,
    /// a challenge carries at most 2 MiB, within a block's 3.75 MiB for normal extrinsics.
    pub const MaxActivationBytes: u32 = 256 * 1024;
}

parameter_types! {
    pub const ModelDepositBase: Balance = UNIT;
    pub const ModelDepositPerByte: Balance = MILLI_UNIT / 100;
    pub const FalseChallengeCompensation: Perbill = Perbill::from_percent(50);
    pub const RequesterCompensation: Perbill = Perbill::from_percent(50);
    /// Above one half, so that a lie on a job worth up to its collateral does not pay even
    /// when no challenger watches (`docs/economics.md`).
    pub const AuditProbability: Perbill = Perbill::from_percent(60);
    /// An audit is a second inference: the watcher that does it is paid half the fee.
    pub const AuditFeeShare: Perbill = Perbill::from_percent(50);
    /// ClaimTimeout × (MaxReassignments + 1) + ChallengeWindow + 1 < UnbondingDelay.
    pub const UnbondingDelay: BlockNumber =
        CLAIM_TIMEOUT * (MAX_REASSIGNMENTS + 1) + CHALLENGE_WINDOW + 10;
}

impl pallet_models::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type MaxModelBytes = MaxModelBytes;
    type MaxLayers = MaxLayers;
    type MaxLayerCost = MaxLayerCost;
    type MaxInputBytes = MaxInputBytes;
    type MaxOutputBytes = MaxOutputBytes;
    type MaxLayerInputs = MaxLayerInputs;
    type MaxActivationBytes = MaxActivationBytes;
    type ModelDepositBase = ModelDepositBase;
    type ModelDepositPerByte = ModelDepositPerByte;
    type ModelUsage = Inference;
    type WeightInfo = pallet_models::weights::SubstrateWeight<Runtime>;
}

impl pallet_inference::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type Models = Models;
    // Slashed funds that are not paid out are burned.
    type OnSlash = ();
    type MinExecutorBond = ConstU128<{ 1_000 * UNIT }>;
    // The least a requester may ask an executor to stake on one answer; requesters ask more when
    // more rides on it.
    type MinJobCollateral = ConstU128<{ 100 * UNIT }>;
    type MaxOfferModels = ConstU32<16>;
    type MinWatcherStake = ConstU128<{ 100 * UNIT }>;
    type WatcherPenalty = ConstU128<{ 5 * UNIT }>;
    type AuditProbability = AuditProbability;
    type AuditFeeShare = AuditFeeShare;
    type MaxWatchers = ConstU32<64>;
    type ChallengerBond = ConstU128<{ 40 * UNIT }>;
    // A refuted liar loses the job's collateral (at least 100 UNIT): 10 UNIT to the first
    // challenger that committed to the refutation, half to the requester, the rest burned. A
    // liar that challenges itself with a second account still loses all but 10 UNIT.
    type ChallengerReward = ConstU128<{ 10 * UNIT }>;
    type RequesterCompensation = RequesterCompensation;
    type MaxCommitments = ConstU32<16>;
    type CommitmentDeposit = ConstU128<UNIT>;
    type FalseChallengeCompensation = FalseChallengeCompensation;
    type MinJobFee = ConstU128<MILLI_UNIT>;
    // A job keeps its input, its claim's output and one hash per layer for `SettledRetention`
    // blocks after it settles: paid for by the requester at the models' rate per byte.
    type JobDepositBase = ConstU128<MILLI_UNIT>;
    type JobDepositPerByte = ModelDepositPerByte;
    type ClaimTimeout = ConstU32<CLAIM_TIMEOUT>;
    type ChallengeWindow = ConstU32<CHALLENGE_WINDOW>;
    type UnbondingDelay = UnbondingDelay;
    type MaxReassignments = ConstU32<MAX_REASSIGNMENTS>;
    type MaxExecutors = ConstU32<64>;
    type MaxInputBytes = MaxInputBytes;
    type MaxOutputBytes = MaxOutputBytes;
    type MaxLayers = MaxLayers;
    // A block's bucket takes the claim timeouts of the jobs submitted `ClaimTimeout + 1` blocks
    // earlier and the windows of the claims posted `window + 1` blocks earlier: about two
    // entries per job, one of them stale once the claim is posted. The hook settles at most 384
    // jobs and looks at most at 768 entries a block (384 jobs a block settle without a backlog);
    // its worst case (every settlement a timeout that scans 64 executors, plus as many removals)
    // stays under half a block (`worst_case_hook_and_challenge_fit_a_block`).
    type MaxSettlementsPerBucket = ConstU32<1024>;
    type MaxSettlementsPerBlock = ConstU32<384>;
    type SettledRetention = ConstU32<SETTLED_RETENTION>;
    type MaxLayerCost = MaxLayerCost;
    type MaxModelBytes = MaxModelBytes;
    type WeightInfo = pallet_inference::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type RuntimeCall = RuntimeCall;
    type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use frame_support::{dispatch::DispatchClass, traits::Get};

    /// The largest challenge the registry allows (every input of the widest layer at the
    /// largest activation) fits in one normal extrinsic, with room for the rest of the call and
    /// the signature: a lie on any layer of any registered model can be disputed.
    #[test]
    fn the_largest_challenge_fits_a_normal_extrinsic() {
        let normal = *RuntimeBlockLength::get().max.get(DispatchClass::Normal) as u64;
        let inputs = u64::from(MaxLayerInputs::get()) * u64::from(MaxActivationBytes::get());
        assert!(inputs + 4096 <= normal, "{inputs} + 4096 > {normal}");
    }

    /// The worst cases of the inference pallet's block hook (its three queues at their per-block
    /// bound) and of one challenge (the heaviest layer of the largest model), from the
    /// benchmarked weights, as shares of a block. Printed with `--nocapture`.
    #[test]
    fn worst_case_hook_and_challenge_fit_a_block() {
        use pallet_inference::{queue::max_process_weight, WeightInfo};
        type Weights = pallet_inference::weights::SubstrateWeight<Runtime>;
        let block = RuntimeBlockWeights::get().max_block;
        let normal = RuntimeBlockWeights::get()
            .get(DispatchClass::Normal)
            .max_total
            .unwrap_or(block);
        let per_block = <Runtime as pallet_inference::Config>::MaxSettlementsPerBlock::get();
        let hook = max_process_weight::<Runtime>(per_block, Weights::settle_job())
            .saturating_add(max_process_weight::<Runtime>(
                per_block,
                Weights::expire_job(),
            ))
            .saturating_add(max_process_weight::<Runtime>(
                per_block,
                Weights::draw_audit(),
            ));
        let challenge = Inference::challenge_weight(MaxLayerCost::get(), MaxModelBytes::get());
        let share = |w: Weight, of: Weight| 100.0 * w.ref_time() as f64 / of.ref_time() as f64;
        println!(
            "on_initialize worst case: {:.1} ms, {:.1}% of a block",
            hook.ref_time() as f64 / 1e9,
            share(hook, block)
        );
        println!(
            "challenge worst case: {:.1} ms, {:.1}% of a block, {:.1}% of its normal class",
            challenge.ref_time() as f64 / 1e9,
            share(challenge, block),
            share(challenge, normal)
        );
        assert!(hook.all_lte(block / 2));
        assert!(challenge.all_lte(normal));
    }

    /// The largest job and the largest claim fit in one normal extrinsic too.
    #[test]
    fn the_largest_job_and_claim_fit_a_normal_extrinsic() {
        let normal = *RuntimeBlockLength::get().max.get(DispatchClass::Normal) as u64;
        let claim = u64::from(MaxOutputBytes::get()) + 32 * u64::from(MaxLayers::get());
        assert!(u64::from(MaxInputBytes::get()) + 4096 <= normal);
        assert!(claim + 4096 <= normal);
    }
}
