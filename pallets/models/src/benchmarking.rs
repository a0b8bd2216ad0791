//! Benchmarks of `pallet_models`.

use super::*;
use alloc::vec::Vec;
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::{Inspect, Mutate};
use frame_system::RawOrigin;
use sp_runtime::traits::Saturating;

/// A valid model of about `kib` KiB: one dense layer of 1024 inputs and `kib` units.
pub fn model_of_kib(kib: u32) -> Vec<u8> {
    vigil_engine::testing::single_dense(u64::from(kib), 1024, kib.max(1)).encode()
}

fn funded<T: Config>(name: &'static str) -> T::AccountId
where
    T::Currency: Mutate<T::AccountId>,
{
    let who: T::AccountId = account(name, 0, 0);
    let amount = Pallet::<T>::deposit_for(T::MaxModelBytes::get())
        .saturating_mul(4u32.into())
        .saturating_add(T::Currency::minimum_balance());
    T::Currency::set_balance(&who, amount);
    who
}

#[benchmarks(where T::Currency: Mutate<T::AccountId>)]
mod benchmarks {
    use super::*;

    /// `n`: the model's size in KiB.
    #[benchmark]
    fn register_model(n: Linear<1, 64>) {
        let who = funded::<T>("owner");
        let bytes = model_of_kib(n);
        let id = vigil_engine::model_id(&bytes);

        #[extrinsic_call]
        _(RawOrigin::Signed(who), bytes);

        assert!(Models::<T>::contains_key(id));
    }

    #[benchmark]
    fn remove_model() {
        let who = funded::<T>("owner");
        let id =
            Pallet::<T>::do_register_model(who.clone(), model_of_kib(64)).expect("a valid model");

        #[extrinsic_call]
        _(RawOrigin::Signed(who), id);

        assert!(!Models::<T>::contains_key(id));
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
