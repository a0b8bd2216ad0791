
//! Weights for `pallet_inference`, measured by running its benchmarks.
//!
//! Produced by `scripts/benchmark` (`vigil-node benchmark pallet`, Wasm executor, dev chain).
//! DATE: 2026-11-25, STEPS: `20`, REPEAT: `5`
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
	fn load_model(n: u32, ) -> Weight;
	fn settle_job() -> Weight;
	fn expire_job() -> Weight;
	fn commit_challenge() -> Weight;
}

/// Weights for `pallet_inference` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_executor() -> Weight {
		// Measured proof size: 3_593 bytes.
		Weight::from_parts(60_921_000, 3593)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn unregister_executor() -> Weight {
		// Measured proof size: 3_554 bytes.
		Weight::from_parts(23_866_000, 3554)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn withdraw_bond() -> Weight {
		// Measured proof size: 3_593 bytes.
		Weight::from_parts(41_121_000, 3593)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn submit_job(e: u32, ) -> Weight {
		// Measured proof size: 11_671 bytes.
		Weight::from_parts(65_123_863, 11671)
			.saturating_add(Weight::from_parts(3_104_346, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(T::DbWeight::get().writes(9_u64))
			.saturating_add(Weight::from_parts(0, 2564).saturating_mul(e.into()))
	}
	fn post_claim(n: u32, ) -> Weight {
		Weight::from_parts(22_644_000, 265754)
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn finalize_claim() -> Weight {
		// Measured proof size: 265_754 bytes.
		Weight::from_parts(62_182_000, 265754)
			.saturating_add(T::DbWeight::get().reads(8_u64))
			.saturating_add(T::DbWeight::get().writes(8_u64))
	}
	fn challenge(k: u32, ) -> Weight {
		// Measured proof size: 1_052_077 bytes.
		Weight::from_parts(183_984_416, 1052077)
			.saturating_add(Weight::from_parts(1_283_217, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(14_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn challenge_softmax(k: u32, ) -> Weight {
		Weight::from_parts(183_984_416, 1052077)
			.saturating_add(Weight::from_parts(40_000_000, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(14_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn challenge_logistic(k: u32, ) -> Weight {
		Weight::from_parts(183_984_416, 1052077)
			.saturating_add(Weight::from_parts(40_000_000, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(14_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn challenge_tanh(k: u32, ) -> Weight {
		Weight::from_parts(183_984_416, 1052077)
			.saturating_add(Weight::from_parts(40_000_000, 0).saturating_mul(k.into()))
			.saturating_add(T::DbWeight::get().reads(14_u64))
			.saturating_add(T::DbWeight::get().writes(11_u64))
	}
	fn load_model(n: u32, ) -> Weight {
		// Measured proof size: 1_052_077 bytes.
		Weight::from_parts(8_913_000, 1052077)
			.saturating_add(Weight::from_parts(1_938_080, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1_u64))
	}
	fn settle_job() -> Weight {
		// Measured proof size: 265_754 bytes.
		Weight::from_parts(55_362_000, 265754)
			.saturating_add(T::DbWeight::get().reads(11_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	fn expire_job() -> Weight {
		// Measured proof size: 265_754 bytes.
		Weight::from_parts(12_098_000, 265754)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn commit_challenge() -> Weight {
		Weight::from_parts(30_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
}

// For tests: the same figures with RocksDB's database weights.
impl WeightInfo for () {
	fn register_executor() -> Weight {
		Weight::from_parts(60_921_000, 3593)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn unregister_executor() -> Weight {
		Weight::from_parts(23_866_000, 3554)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn withdraw_bond() -> Weight {
		Weight::from_parts(41_121_000, 3593)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn submit_job(e: u32, ) -> Weight {
		Weight::from_parts(65_123_863, 11671)
			.saturating_add(Weight::from_parts(3_104_346, 0).saturating_mul(e.into()))
			.saturating_add(RocksDbWeight::get().reads(9_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(e.into())))
			.saturating_add(RocksDbWeight::get().writes(9_u64))
			.saturating_add(Weight::from_parts(0, 2564).saturating_mul(e.into()))
	}
	fn post_claim(n: u32, ) -> Weight {
		Weight::from_parts(22_644_000, 265754)
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn finalize_claim() -> Weight {
		Weight::from_parts(62_182_000, 265754)
			.saturating_add(RocksDbWeight::get().reads(8_u64))
			.saturating_add(RocksDbWeight::get().writes(8_u64))
	}
	fn challenge(k: u32, ) -> Weight {
		Weight::from_parts(183_984_416, 1052077)
			.saturating_add(Weight::from_parts(1_283_217, 0).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(14_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn challenge_softmax(k: u32, ) -> Weight {
		Weight::from_parts(183_984_416, 1052077)
			.saturating_add(Weight::from_parts(40_000_000, 0).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(14_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn challenge_logistic(k: u32, ) -> Weight {
		Weight::from_parts(183_984_416, 1052077)
			.saturating_add(Weight::from_parts(40_000_000, 0).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(14_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn challenge_tanh(k: u32, ) -> Weight {
		Weight::from_parts(183_984_416, 1052077)
			.saturating_add(Weight::from_parts(40_000_000, 0).saturating_mul(k.into()))
			.saturating_add(RocksDbWeight::get().reads(14_u64))
			.saturating_add(RocksDbWeight::get().writes(11_u64))
	}
	fn load_model(n: u32, ) -> Weight {
		Weight::from_parts(8_913_000, 1052077)
			.saturating_add(Weight::from_parts(1_938_080, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1_u64))
	}
	fn settle_job() -> Weight {
		Weight::from_parts(55_362_000, 265754)
			.saturating_add(RocksDbWeight::get().reads(11_u64))
			.saturating_add(RocksDbWeight::get().writes(9_u64))
	}
	fn expire_job() -> Weight {
		Weight::from_parts(12_098_000, 265754)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn commit_challenge() -> Weight {
		Weight::from_parts(30_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
}
