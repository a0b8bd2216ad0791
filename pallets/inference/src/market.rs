//! The market between requesters and executors: offers, and the assignment of a job to an
//! executor whose offer matches it.
//!
//! An executor's [`Offer`](crate::Offer) says which models it serves, the least fee it takes for
//! a job (a base plus a rate on the collateral the job locks) and how many jobs it takes at once.
//! A job states its fee and the collateral it requires. The chain assigns, round robin over the
//! executors taking jobs, the first whose offer serves the model, whose ask for that collateral
//! is at most the fee, whose open jobs are below its capacity and whose free collateral covers
//! the job's. So locking an executor's collateral costs at least what the executor asked for it,
//! and filling every executor costs the sum of their asks over their capacity.

use crate::{
    BalanceOf, Config, Error, Event, ExecutorList, Executors, NextExecutor, Offer, OfferOf, Pallet,
};
use alloc::vec::Vec;
use frame_support::{ensure, pallet_prelude::*, BoundedVec};
use pallet_models::{ModelId, ModelRegistry};
use sp_runtime::{traits::Saturating, Perbill};

/// What a job asks of an executor.
pub struct JobTerms<'a, T: Config> {
    /// The job's model.
    pub model: &'a ModelId,
    /// The fee the job pays.
    pub fee: BalanceOf<T>,
    /// The collateral the job locks.
    pub collateral: BalanceOf<T>,
}

impl<T: Config> Pallet<T> {
    /// The offer an executor has until it sets one: every model, at the chain's least fee, with
    /// no limit but its collateral.
    pub fn default_offer() -> OfferOf<T> {
        Offer {
            base_fee: T::MinJobFee::get(),
            collateral_rate: Perbill::zero(),
            capacity: u32::MAX,
            models: None,
        }
    }

    /// Set `who`'s offer.
    pub fn do_set_offer(
        who: T::AccountId,
        base_fee: BalanceOf<T>,
        collateral_rate: Perbill,
        capacity: u32,
        models: Option<Vec<ModelId>>,
    ) -> DispatchResult {
        let mut info = Executors::<T>::get(&who).ok_or(Error::<T>::NotExecutor)?;
        ensure!(capacity > 0, Error::<T>::ZeroCapacity);
        let models = match models {
            None => None,
            Some(list) => {
                let list: BoundedVec<ModelId, T::MaxOfferModels> = list
                    .try_into()
                    .map_err(|_| Error::<T>::TooManyOfferModels)?;
                ensure!(
                    list.iter().all(|m| T::Models::summary(m).is_some()),
                    Error::<T>::UnknownModel
                );
                Some(list)
            }
        };
        info.offer = Offer {
            base_fee,
            collateral_rate,
            capacity,
            models,
        };
        let offer = info.offer.clone();
        Executors::<T>::insert(&who, info);
        Self::deposit_event(Event::OfferSet {
            executor: who,
            offer,
        });
        Ok(())
    }

    /// Pick the next executor round robin whose offer and free collateral match `terms`,
    /// skipping `exclude`. Returns the executor and how many list entries were examined.
    pub(crate) fn select_executor(
        terms: &JobTerms<T>,
        exclude: Option<&T::AccountId>,
    ) -> (Option<T::AccountId>, u32) {
        let list = ExecutorList::<T>::get();
        let len = list.len() as u32;
        if len == 0 {
            return (None, 0);
        }
        let start = NextExecutor::<T>::get() % len;
        for step in 0..len {
            let index = (start + step) % len;
            let candidate = &list[index as usize];
            if Some(candidate) == exclude {
                continue;
            }
            let Some(info) = Executors::<T>::get(candidate) else {
                continue;
            };
            let matches = info.offer.serves(terms.model)
                && info.offer.ask(terms.collateral) <= terms.fee
                && info.open_jobs < info.offer.capacity
                && info.bond.saturating_sub(info.locked) >= terms.collateral;
            if matches {
                NextExecutor::<T>::put((index + 1) % len);
                return (Some(candidate.clone()), step + 1);
            }
        }
        (None, len)
    }

    /// Take a silent executor out of the round robin: it gets no new job until it calls
    /// `register_executor` again. Its open jobs stay its own.
    pub(crate) fn suspend(executor: &T::AccountId) {
        if Self::delist::<ExecutorList<T>, T::MaxExecutors>(executor) {
            Self::deposit_event(Event::ExecutorSuspended {
                executor: executor.clone(),
            });
        }
    }

    /// Take `who` out of the account list `L` (the executors taking jobs, the watchers drawn for
    /// audits). Returns whether it was listed.
    pub(crate) fn delist<L, M>(who: &T::AccountId) -> bool
    where
        M: Get<u32>,
        L: frame_support::storage::StorageValue<
            BoundedVec<T::AccountId, M>,
            Query = BoundedVec<T::AccountId, M>,
        >,
    {
        L::mutate(|list| {
            let before = list.len();
            list.retain(|a| a != who);
            list.len() != before
        })
    }

    /// Lock `collateral` of `executor`'s bond for a new open job.
    pub(crate) fn lock_collateral(executor: &T::AccountId, collateral: BalanceOf<T>) {
        Executors::<T>::mutate(executor, |info| {
            if let Some(info) = info {
                info.locked = info.locked.saturating_add(collateral);
                info.open_jobs.saturating_inc();
            }
        });
    }

    /// Unlock the `collateral` of one of `executor`'s jobs, which is no longer open.
    pub(crate) fn unlock_collateral(executor: &T::AccountId, collateral: BalanceOf<T>) {
        Executors::<T>::mutate(executor, |info| {
            if let Some(info) = info {
                info.locked = info.locked.saturating_sub(collateral);
                info.open_jobs.saturating_dec();
            }
        });
    }
}
