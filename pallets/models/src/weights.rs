
//! Weights for `pallet_models`, measured by running its benchmarks.
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
// pallet_models
// --extrinsic
// *
// --steps
// 20
// --repeat
// 5
// --template
// /work/main/scripts/weight-template.hbs
// --output
// /work/main/pallets/models/src/weights.rs

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_models`.
pub trait WeightInfo {
	fn register_model(n: u32, ) -> Weight;
	fn remove_model() -> Weight;
}

/// Weights for `pallet_models` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_model(n: u32, ) -> Weight {
		// Measured proof size: 7_659 bytes.
		Weight::from_parts(70_221_206, 7659)
			.saturating_add(Weight::from_parts(10_322_507, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn remove_model() -> Weight {
		// Measured proof size: 7_659 bytes.
		Weight::from_parts(63_684_000, 7659)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
}

// For tests: the same figures with RocksDB's database weights.
impl WeightInfo for () {
	fn register_model(n: u32, ) -> Weight {
		Weight::from_parts(70_221_206, 7659)
			.saturating_add(Weight::from_parts(10_322_507, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn remove_model() -> Weight {
		Weight::from_parts(63_684_000, 7659)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
}
