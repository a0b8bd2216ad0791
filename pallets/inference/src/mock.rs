//! A test runtime: System, Balances, Models and Inference.

use crate as pallet_inference;
use codec::Encode;
use frame_support::{
    derive_impl, parameter_types,
    traits::{tokens::imbalance::Imbalance, ConstU32, ConstU64, Hooks, OnUnbalanced},
};
use sp_runtime::{BuildStorage, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u64;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Models: pallet_models,
        Inference: pallet_inference,
    }
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type AccountStore = System;
    type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_models::Config for Test {
    type RuntimeEvent = RuntimeEvent;
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type MaxModelBytes = ConstU32<{ 1 << 20 }>;
    type MaxLayers = ConstU32<8>;
    type MaxLayerCost = ConstU64<1_000_000>;
    type MaxInputBytes = ConstU32<{ 1 << 16 }>;
    type MaxOutputBytes = ConstU32<{ 1 << 16 }>;
    type MaxLayerInputs = ConstU32<MAX_LAYER_INPUTS>;
    type MaxActivationBytes = ConstU32<{ 1 << 16 }>;
    type ModelDepositBase = ConstU64<10>;
    type ModelDepositPerByte = ConstU64<0>;
    type ModelUsage = Inference;
    type WeightInfo = ();
}

parameter_types! {
    pub static Burned: Balance = 0;
    pub static SettlementsPerBucket: u32 = 4;
    pub static SettlementsPerBlock: u32 = 4;
    /// Storage deposits are off unless a test turns them on.
    pub static JobDepositBase: Balance = 0;
    pub static JobDepositPerByte: Balance = 0;
    pub const Compensation: Perbill = Perbill::from_percent(50);
    pub const RequesterShare: Perbill = Perbill::from_percent(40);
    /// Audits are off unless a test turns them on.
    pub static AuditChance: Perbill = Perbill::zero();
    pub const WatcherShare: Perbill = Perbill::from_percent(20);
}

/// Burns what it receives and counts it.
pub struct BurnAndCount;
impl OnUnbalanced<crate::CreditOf<Test>> for BurnAndCount {
    fn on_nonzero_unbalanced(credit: crate::CreditOf<Test>) {
        Burned::set(Burned::get() + credit.peek());
        drop(credit);
    }
}

pub const MIN_BOND: Balance = 1_000;
pub const COLLATERAL: Balance = 100;
pub const CHALLENGER_BOND: Balance = 40;
pub const CHALLENGER_REWARD: Balance = 10;
/// 40 % of `COLLATERAL`.
pub const REQUESTER_COMPENSATION: Balance = 40;
pub const MAX_COMMITMENTS: u32 = 3;
pub const COMMITMENT_DEPOSIT: Balance = 5;
pub const CLAIM_TIMEOUT: u64 = 5;
pub const WINDOW: u64 = 10;
pub const UNBONDING: u64 = 30;
pub const RETENTION: u64 = 100;
pub const MAX_LAYER_INPUTS: u32 = 4;
pub const MIN_WATCHER_STAKE: Balance = 200;
pub const WATCHER_PENALTY: Balance = 30;
pub const MAX_OFFER_MODELS: u32 = 2;

impl pallet_inference::Config for Test {
    type RuntimeEvent = RuntimeEvent;
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type Models = Models;
    type OnSlash = BurnAndCount;
    type MinExecutorBond = ConstU64<MIN_BOND>;
    type MinJobCollateral = ConstU64<COLLATERAL>;
    type MaxOfferModels = ConstU32<MAX_OFFER_MODELS>;
    type MinWatcherStake = ConstU64<MIN_WATCHER_STAKE>;
    type WatcherPenalty = ConstU64<WATCHER_PENALTY>;
    type AuditProbability = AuditChance;
    type AuditFeeShare = WatcherShare;
    type MaxWatchers = ConstU32<3>;
    type ChallengerBond = ConstU64<CHALLENGER_BOND>;
    type ChallengerReward = ConstU64<CHALLENGER_REWARD>;
    type RequesterCompensation = RequesterShare;
    type MaxCommitments = ConstU32<MAX_COMMITMENTS>;
    type CommitmentDeposit = ConstU64<COMMITMENT_DEPOSIT>;
    type FalseChallengeCompensation = Compensation;
    type MinJobFee = ConstU64<1>;
    type JobDepositBase = JobDepositBase;
    type JobDepositPerByte = JobDepositPerByte;
    type ClaimTimeout = ConstU64<CLAIM_TIMEOUT>;
    type ChallengeWindow = ConstU64<WINDOW>;
    type UnbondingDelay = ConstU64<UNBONDING>;
    type MaxReassignments = ConstU32<2>;
    type MaxExecutors = ConstU32<4>;
    type MaxInputBytes = ConstU32<{ 1 << 16 }>;
    type MaxOutputBytes = ConstU32<{ 1 << 16 }>;
    type MaxLayers = ConstU32<8>;
    type MaxSettlementsPerBucket = SettlementsPerBucket;
    type MaxSettlementsPerBlock = SettlementsPerBlock;
    type SettledRetention = ConstU64<RETENTION>;
    type MaxLayerCost = ConstU64<1_000_000>;
    type MaxModelBytes = ConstU32<{ 1 << 20 }>;
    type WeightInfo = ();
}

pub const OWNER: AccountId = 1;
pub const EXEC1: AccountId = 10;
pub const EXEC2: AccountId = 11;
pub const EXEC3: AccountId = 12;
pub const REQUESTER: AccountId = 20;
pub const CHALLENGER: AccountId = 30;
pub const WATCHER1: AccountId = 50;
pub const WATCHER2: AccountId = 51;
pub const POOR: AccountId = 40;
pub const INITIAL: Balance = 100_000;

pub fn new_test_ext() -> sp_io::TestExternalities {
    let mut t = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .unwrap();
    pallet_balances::GenesisConfig::<Test> {
        balances: [
            OWNER, EXEC1, EXEC2, EXEC3, REQUESTER, CHALLENGER, WATCHER1, WATCHER2,
        ]
        .into_iter()
        .map(|a| (a, INITIAL))
        .chain([(POOR, 20)])
        .collect(),
        ..Default::default()
    }
    .assimilate_storage(&mut t)
    .unwrap();
    let mut ext = sp_io::TestExternalities::new(t);
    ext.execute_with(|| System::set_block_number(1));
    ext
}

/// Run a test, then check the invariants of both pallets and that total issuance fell by
/// exactly what was burned.
pub fn build_and_execute(test: impl FnOnce()) {
    new_test_ext().execute_with(|| {
        Burned::set(0);
        let issuance = Balances::total_issuance();
        test();
        Inference::do_try_state().expect("inference invariants hold after the test");
        Models::do_try_state().expect("models invariants hold after the test");
        assert_eq!(
            Balances::total_issuance(),
            issuance - Burned::get(),
            "total issuance changed only by what was burned"
        );
    });
}

/// Advance to block `n`, running `on_initialize` of every block on the way.
pub fn roll_to(n: u64) {
    while System::block_number() < n {
        let next = System::block_number() + 1;
        // A distinct parent hash per block, as a chain has: the seed of audit draws.
        System::set_parent_hash(sp_core::H256(sp_io::hashing::blake2_256(&next.encode())));
        System::set_block_number(next);
        Inference::on_initialize(next);
        Inference::do_try_state().expect("invariants hold after every block");
    }
}

/// Register `vigil_engine::testing::tiny_mlp(seed)` as OWNER; returns its id.
pub fn register_tiny_model(seed: u64) -> pallet_models::ModelId {
    let bytes = vigil_engine::testing::tiny_mlp(seed).encode();
    pallet_models::Pallet::<Test>::do_register_model(OWNER, bytes).expect("a valid model")
}
