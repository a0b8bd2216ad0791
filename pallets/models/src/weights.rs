//! Weights for `pallet_models`.
//!
//! Placeholder values until the benchmarks in `benchmarking.rs` are run; see the README.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_models`.
pub trait WeightInfo {
	fn register_model(n: u32) -> Weight;
	fn remove_model() -> Weight;
}

/// Weights for `pallet_models` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_model(n: u32) -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(Weight::from_parts(20_000, 2).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn remove_model() -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
}

// For tests.
impl WeightInfo for () {
	fn register_model(n: u32) -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(Weight::from_parts(20_000, 2).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn remove_model() -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
}
