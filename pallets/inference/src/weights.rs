
//! Weights for `pallet_inference`, measured by running its benchmarks.
//!
//! Produced by `scripts/benchmark` (`vigil-node benchmark pallet`, Wasm executor, dev chain).
//! DATE: 2026-11-30, STEPS: `20`, REPEAT: `5`
//! LOW RANGE: `[]`, HIGH RANGE: `[]`
//! HOSTNAME: `vm`, CPU: `AMD EPYC`
//! WASM-EXECUTION: `Compiled`, CHAIN: `Some("dev")`, DB CACHE: 1024

// Command:
// /root/.cache/vigil/target/release/vigil-node
// benchmark
// pallet
// --chain
// dev
// --wasm-execution
// compiled
// --pallet
// pallet_inference
// --extrinsic
// *
// --steps
// 20
// --repeat
// 5
// --template
// /work/main/scripts/weight-template.hbs
// --output
// /work/main/pallets/inference/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_inference`.
pub trait WeightInfo {
	fn register_executor() -> Weight;
	fn unregister_executor() -> Weight;
	fn withdraw_bond() -> Weight;
	fn submit_job(e: u32, ) -> Weight;
	fn post_claim(n: u32, ) -> Weight;
	fn finalize_claim() -> Weight;
	fn challenge(k: u32, ) -> Weight;
	fn challenge_softmax(k: u32, ) -> Weight;
	fn challenge_logistic(k: u32, ) -> Weight;
	fn challenge_tanh(k: u32, ) -> Weight;
	fn commit_challenge() -> Weight;
	fn load_model(n: u32, ) -> Weight;
	fn settle_job() -> Weight;
	fn expire_job() -> Weight;
	fn set_offer(m: u32, ) -> Weight;
	fn register_watcher() -> Weight;
	fn unregister_watcher() -> Weight;
	fn withdraw_watcher_stake() -> Weight;
	fn attest(n: u32, ) -> Weight;
	fn draw_audit() -> Weight;
}

/// Weights for `pallet_inference` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_executor() -> Weight {
		// Measured proof size: 4_092 bytes.
		Weight::from_parts(91_936_000, 4092)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn unregister_executor() -> Weight {
		// Measured proof size: 4_092 bytes.
		Weight::from_parts(38_337_000, 4092)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn withdraw_bond() -> Weight {
		// Measured proof size: 4_092 bytes.
		Weight::from_parts(55_903_000, 4092)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn submit_job(e: u32, ) -> Weight {
		// Measured proof size: 11_671 bytes.
		Weight::from_parts(135_593_995, 11671)
			.saturating_add(Weight::from_parts(4_164_844, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(T::DbWeight::get().writes(9_u64))
			.saturating_add(Weight::from_parts(0, 3102).saturating_mul(e.into()))
	}
	fn post_claim(n: u32, ) -> Weight {
		// Measured proof size: 265_786 bytes.
		Weight::from_parts(34_958_888, 265786)
			.saturating_add(Weight::from_parts(7_596_426, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	fn finalize_claim() -> Weight {
		// Measured proof size: 265_786 bytes.
		Weight::from_parts(92_788_000, 265786)
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn challenge(k: u32, ) -> Weight {
		// Measured proof size: 1_052_077 bytes.
		Weight::from_parts(261_297_561, 1052077)
			.saturating_add(Weight::from_parts(2_017_648, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn challenge_softmax(k: u32, ) -> Weight {
		// Measured proof size: 1_052_077 bytes.
		Weight::from_parts(283_677_495, 1052077)
			.saturating_add(Weight::from_parts(16_851_981, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn challenge_logistic(k: u32, ) -> Weight {
		// Measured proof size: 1_052_077 bytes.
		Weight::from_parts(255_176_334, 1052077)
			.saturating_add(Weight::from_parts(21_975_922, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn challenge_tanh(k: u32, ) -> Weight {
		// Measured proof size: 1_052_077 bytes.
		Weight::from_parts(256_188_470, 1052077)
			.saturating_add(Weight::from_parts(21_296_214, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(16_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn commit_challenge() -> Weight {
		// Measured proof size: 265_786 bytes.
		Weight::from_parts(81_571_000, 265786)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn load_model(n: u32, ) -> Weight {
		// Measured proof size: 1_052_077 bytes.
		Weight::from_parts(13_229_000, 1052077)
			.saturating_add(Weight::from_parts(2_988_584, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
	}
	fn settle_job() -> Weight {
		// Measured proof size: 265_786 bytes.
		Weight::from_parts(349_549_000, 265786)
			.saturating_add(T::DbWeight::get().reads(74_u64))
			.saturating_add(T::DbWeight::get().writes(10_u64))
	}
	fn expire_job() -> Weight {
		// Measured proof size: 265_786 bytes.
		Weight::from_parts(60_059_000, 265786)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	fn set_offer(m: u32, ) -> Weight {
		// Measured proof size: 4_092 bytes.
		Weight::from_parts(17_708_133, 4092)
			.saturating_add(Weight::from_parts(4_022_012, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(m.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
			.saturating_add(Weight::from_parts(0, 6669).saturating_mul(m.into()))
	}
	fn register_watcher() -> Weight {
		// Measured proof size: 3_640 bytes.
		Weight::from_parts(90_464_000, 3640)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn unregister_watcher() -> Weight {
		// Measured proof size: 3_538 bytes.
		Weight::from_parts(33_009_000, 3538)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn withdraw_watcher_stake() -> Weight {
		// Measured proof size: 3_640 bytes.
		Weight::from_parts(55_492_000, 3640)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn attest(n: u32, ) -> Weight {
		// Measured proof size: 273_827 bytes.
		Weight::from_parts(25_615_903, 273827)
			.saturating_add(Weight::from_parts(8_013_949, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn draw_audit() -> Weight {
		// Measured proof size: 273_827 bytes.
		Weight::from_parts(39_318_000, 273827)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

// For tests: the same figures with RocksDB's database weights.
impl WeightInfo for () {
	fn register_executor() -> Weight {
		Weight::from_parts(91_936_000, 4092)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn unregister_executor() -> Weight {
		Weight::from_parts(38_337_000, 4092)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn withdraw_bond() -> Weight {
		Weight::from_parts(55_903_000, 4092)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn submit_job(e: u32, ) -> Weight {
		Weight::from_parts(135_593_995, 11671)
			.saturating_add(Weight::from_parts(4_164_844, 0).saturating_mul(e.into()))
			.saturating_add(RocksDbWeight::get().reads(9_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(RocksDbWeight::get().writes(9_u64))
			.saturating_add(Weight::from_parts(0, 3102).saturating_mul(e.into()))
	}
	fn post_claim(n: u32, ) -> Weight {
		Weight::from_parts(34_958_888, 265786)
			.saturating_add(Weight::from_parts(7_596_426, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(7_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn finalize_claim() -> Weight {
		Weight::from_parts(92_788_000, 265786)
			.saturating_add(RocksDbWeight::get().reads(10_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn challenge(k: u32, ) -> Weight {
		Weight::from_parts(261_297_561, 1052077)
			.saturating_add(Weight::from_parts(2_017_648, 0).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(16_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn challenge_softmax(k: u32, ) -> Weight {
		Weight::from_parts(283_677_495, 1052077)
			.saturating_add(Weight::from_parts(16_851_981, 0).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(16_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn challenge_logistic(k: u32, ) -> Weight {
		Weight::from_parts(255_176_334, 1052077)
			.saturating_add(Weight::from_parts(21_975_922, 0).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(16_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn challenge_tanh(k: u32, ) -> Weight {
		Weight::from_parts(256_188_470, 1052077)
			.saturating_add(Weight::from_parts(21_296_214, 0).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(16_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn commit_challenge() -> Weight {
		Weight::from_parts(81_571_000, 265786)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn load_model(n: u32, ) -> Weight {
		Weight::from_parts(13_229_000, 1052077)
			.saturating_add(Weight::from_parts(2_988_584, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
	}
	fn settle_job() -> Weight {
		Weight::from_parts(349_549_000, 265786)
			.saturating_add(RocksDbWeight::get().reads(74_u64))
			.saturating_add(RocksDbWeight::get().writes(10_u64))
	}
	fn expire_job() -> Weight {
		Weight::from_parts(60_059_000, 265786)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn set_offer(m: u32, ) -> Weight {
		Weight::from_parts(17_708_133, 4092)
			.saturating_add(Weight::from_parts(4_022_012, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(m.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
			.saturating_add(Weight::from_parts(0, 6669).saturating_mul(m.into()))
	}
	fn register_watcher() -> Weight {
		Weight::from_parts(90_464_000, 3640)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn unregister_watcher() -> Weight {
		Weight::from_parts(33_009_000, 3538)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn withdraw_watcher_stake() -> Weight {
		Weight::from_parts(55_492_000, 3640)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn attest(n: u32, ) -> Weight {
		Weight::from_parts(25_615_903, 273827)
			.saturating_add(Weight::from_parts(8_013_949, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn draw_audit() -> Weight {
		Weight::from_parts(39_318_000, 273827)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
}
