//! A test runtime: System, Balances and Models.

use crate as pallet_models;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u64;

frame_support::construct_runtime!(
    pub enum Test {
        System: frame_system,
        Balances: pallet_balances,
        Models: pallet_models,
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

parameter_types! {
    pub static OpenJobs: u32 = 0;
    pub const MaxModelBytes: u32 = 1 << 20;
    pub static MaxLayerCost: u64 = 1_000_000;
}

/// What a job, a claim and a challenge may carry in this test runtime.
pub const MAX_INPUT_BYTES: u32 = 4096;
pub const MAX_OUTPUT_BYTES: u32 = 4096;
pub const MAX_LAYER_INPUTS: u32 = 4;
pub const MAX_ACTIVATION_BYTES: u32 = 8192;

/// Open jobs per model, set by tests.
pub struct TestUsage;
impl crate::ModelUsage for TestUsage {
    fn open_jobs(_: &crate::ModelId) -> u32 {
        OpenJobs::get()
    }
}

impl pallet_models::Config for Test {
    type RuntimeEvent = RuntimeEvent;
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type MaxModelBytes = MaxModelBytes;
    type MaxLayers = ConstU32<8>;
    type MaxLayerCost = MaxLayerCost;
    type MaxInputBytes = ConstU32<MAX_INPUT_BYTES>;
    type MaxOutputBytes = ConstU32<MAX_OUTPUT_BYTES>;
    type MaxLayerInputs = ConstU32<MAX_LAYER_INPUTS>;
    type MaxActivationBytes = ConstU32<MAX_ACTIVATION_BYTES>;
    type ModelDepositBase = frame_support::traits::ConstU64<10>;
    type ModelDepositPerByte = frame_support::traits::ConstU64<1>;
    type ModelUsage = TestUsage;
    type WeightInfo = ();
}

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const POOR: AccountId = 3;

/// Alice and Bob hold 100_000, Poor holds 20.
pub fn new_test_ext() -> sp_io::TestExternalities {
    let mut t = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .unwrap();
    pallet_balances::GenesisConfig::<Test> {
        balances: vec![(ALICE, 100_000), (BOB, 100_000), (POOR, 20)],
        ..Default::default()
    }
    .assimilate_storage(&mut t)
    .unwrap();
    let mut ext = sp_io::TestExternalities::new(t);
    ext.execute_with(|| System::set_block_number(1));
    ext
}

/// Run a test, then check the pallet's invariants.
pub fn build_and_execute(test: impl FnOnce()) {
    new_test_ext().execute_with(|| {
        test();
        Models::do_try_state().expect("invariants hold after the test");
    });
}
