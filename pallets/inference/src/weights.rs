
//! Weights for `pallet_inference`, measured by running its benchmarks.
//!
//! Produced by `scripts/benchmark` (`vigil-node benchmark pallet`, Wasm executor, dev chain).
//! DATE: 2026-11-30, STEPS: `20`, REPEAT: `5`
//! LOW RANGE: `[]`, HIGH RANGE: `[]`
//! HOSTNAME: `vm`, CPU: `AMD EPYC`
//! WASM-EXECUTION: `Compiled`, CHAIN: `Some("dev")`, DB CACHE: 1024

// Command:
// /work/fresh/target/release/vigil-node
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
		// Measured proof size: 3_622 bytes.
		Weight::from_parts(81_781_000, 3622)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn unregister_executor() -> Weight {
		// Measured proof size: 3_554 bytes.
		Weight::from_parts(35_984_000, 3554)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn withdraw_bond() -> Weight {
		// Measured proof size: 3_622 bytes.
		Weight::from_parts(54_902_000, 3622)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn submit_job(e: u32, ) -> Weight {
		// Measured proof size: 11_671 bytes.
		Weight::from_parts(133_929_164, 11671)
			.saturating_add(Weight::from_parts(3_937_059, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(T::DbWeight::get().writes(9_u64))
			.saturating_add(Weight::from_parts(0, 2564).saturating_mul(e.into()))
	}
	fn post_claim(n: u32, ) -> Weight {
		// Measured proof size: 265_770 bytes.
		Weight::from_parts(34_108_141, 265770)
			.saturating_add(Weight::from_parts(7_417_793, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn finalize_claim() -> Weight {
		// Measured proof size: 265_770 bytes.
		Weight::from_parts(88_040_000, 265770)
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn challenge(k: u32, ) -> Weight {
		// Measured proof size: 1_052_077 bytes.
		Weight::from_parts(253_162_318, 1052077)
			.saturating_add(Weight::from_parts(1_915_787, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(15_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn challenge_softmax(k: u32, ) -> Weight {
		// Measured proof size: 1_052_077 bytes.
		Weight::from_parts(241_627_246, 1052077)
			.saturating_add(Weight::from_parts(15_671_695, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(15_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn challenge_logistic(k: u32, ) -> Weight {
		// Measured proof size: 1_052_077 bytes.
		Weight::from_parts(241_805_793, 1052077)
			.saturating_add(Weight::from_parts(21_029_778, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(15_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn challenge_tanh(k: u32, ) -> Weight {
		// Measured proof size: 1_052_077 bytes.
		Weight::from_parts(241_843_982, 1052077)
			.saturating_add(Weight::from_parts(20_561_725, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(15_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn commit_challenge() -> Weight {
		// Measured proof size: 265_770 bytes.
		Weight::from_parts(73_299_000, 265770)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn load_model(n: u32, ) -> Weight {
		// Measured proof size: 1_052_077 bytes.
		Weight::from_parts(12_929_000, 1052077)
			.saturating_add(Weight::from_parts(2_912_233, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
	}
	fn settle_job() -> Weight {
		// Measured proof size: 265_770 bytes.
		Weight::from_parts(331_893_000, 265770)
			.saturating_add(T::DbWeight::get().reads(72_u64))
			.saturating_add(T::DbWeight::get().writes(10_u64))
	}
	fn expire_job() -> Weight {
		// Measured proof size: 265_770 bytes.
		Weight::from_parts(59_208_000, 265770)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	fn set_offer(m: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 4000)
			.saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(m.into())))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn register_watcher() -> Weight {
		Weight::from_parts(81_781_000, 3622)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn unregister_watcher() -> Weight {
		Weight::from_parts(35_984_000, 3554)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn withdraw_watcher_stake() -> Weight {
		Weight::from_parts(54_902_000, 3622)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn attest(n: u32, ) -> Weight {
		Weight::from_parts(34_108_141, 265770)
			.saturating_add(Weight::from_parts(7_417_793, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn draw_audit() -> Weight {
		Weight::from_parts(60_000_000, 265770)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
}

// For tests: the same figures with RocksDB's database weights.
impl WeightInfo for () {
	fn register_executor() -> Weight {
		Weight::from_parts(81_781_000, 3622)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn unregister_executor() -> Weight {
		Weight::from_parts(35_984_000, 3554)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn withdraw_bond() -> Weight {
		Weight::from_parts(54_902_000, 3622)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn submit_job(e: u32, ) -> Weight {
		Weight::from_parts(133_929_164, 11671)
			.saturating_add(Weight::from_parts(3_937_059, 0).saturating_mul(e.into()))
			.saturating_add(RocksDbWeight::get().reads(9_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(RocksDbWeight::get().writes(9_u64))
			.saturating_add(Weight::from_parts(0, 2564).saturating_mul(e.into()))
	}
	fn post_claim(n: u32, ) -> Weight {
		Weight::from_parts(34_108_141, 265770)
			.saturating_add(Weight::from_parts(7_417_793, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn finalize_claim() -> Weight {
		Weight::from_parts(88_040_000, 265770)
			.saturating_add(RocksDbWeight::get().reads(9_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn challenge(k: u32, ) -> Weight {
		Weight::from_parts(253_162_318, 1052077)
			.saturating_add(Weight::from_parts(1_915_787, 0).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(15_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn challenge_softmax(k: u32, ) -> Weight {
		Weight::from_parts(241_627_246, 1052077)
			.saturating_add(Weight::from_parts(15_671_695, 0).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(15_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn challenge_logistic(k: u32, ) -> Weight {
		Weight::from_parts(241_805_793, 1052077)
			.saturating_add(Weight::from_parts(21_029_778, 0).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(15_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn challenge_tanh(k: u32, ) -> Weight {
		Weight::from_parts(241_843_982, 1052077)
			.saturating_add(Weight::from_parts(20_561_725, 0).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(15_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn commit_challenge() -> Weight {
		Weight::from_parts(73_299_000, 265770)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn load_model(n: u32, ) -> Weight {
		Weight::from_parts(12_929_000, 1052077)
			.saturating_add(Weight::from_parts(2_912_233, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
	}
	fn settle_job() -> Weight {
		Weight::from_parts(331_893_000, 265770)
			.saturating_add(RocksDbWeight::get().reads(72_u64))
			.saturating_add(RocksDbWeight::get().writes(10_u64))
	}
	fn expire_job() -> Weight {
		Weight::from_parts(59_208_000, 265770)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn set_offer(m: u32, ) -> Weight {
		Weight::from_parts(40_000_000, 4000)
			.saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(m.into())))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn register_watcher() -> Weight {
		Weight::from_parts(81_781_000, 3622)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn unregister_watcher() -> Weight {
		Weight::from_parts(35_984_000, 3554)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn withdraw_watcher_stake() -> Weight {
		Weight::from_parts(54_902_000, 3622)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn attest(n: u32, ) -> Weight {
		Weight::from_parts(34_108_141, 265770)
			.saturating_add(Weight::from_parts(7_417_793, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn draw_audit() -> Weight {
		Weight::from_parts(60_000_000, 265770)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
}
