//! Watchers and audits: paying someone to check claims when nobody lies.
//!
//! Challengers earn only when an executor lies. If nobody lies, checking claims is pure cost, so
//! challengers would stop, and then lying would pay. Audits pay for checking whatever the lie
//! rate:
//!
//! - A *watcher* registers with a stake ([`Pallet::register_watcher`]).
//! - Each claim is drawn for audit with probability `AuditProbability`. The draw, and the watcher
//!   and layer it picks, are made in `on_initialize` of the block after the one that included the
//!   claim, from that block's parent hash: the hash of the block that holds the claim.
//! - The drawn watcher must attest the claim within its window ([`Pallet::attest`]) by showing the
//!   activation of the drawn layer, which must hash to the claim's trace entry. The chain only
//!   hashes it; showing it means the watcher ran the model up to that layer (or got the
//!   activation from the executor, see below).
//! - If the claim finalizes and the watcher attested, the watcher is paid `AuditFeeShare` of the
//!   fee and the executor the rest. If it did not attest, `WatcherPenalty` is slashed from its
//!   stake and it is drawn for no audit until it registers again.
//! - A watcher whose own activation differs cannot attest: it challenges the claim, as any
//!   challenger does, and the dispute settles it (the audit then pays and costs nothing).
//!
//! ## What the randomness rests on, and who can bias it
//!
//! The seed is the hash of the block that includes the claim. The executor cannot know it when it
//! sends the claim: the hash depends on the whole block, made after. The block's author can: it
//! can choose which extrinsics to include, or not to author the block, and so try several seeds.
//! On a chain with one block author, that author decides every draw; an executor that authors
//! blocks, or bribes the author, can avoid audits of its own claims. With several authors (Aura),
//! an executor's claim is drawn by whoever authors the next block, and an author can bias only
//! the draws of its own blocks. The seed is no stronger than a block hash; a VRF or a randomness
//! beacon would make it so.
//!
//! ## What an attestation proves
//!
//! Knowing the activation of a layer that is not the output (the output is in the claim) means
//! having computed it or having been given it. An executor that shares its activations with a
//! watcher can have a lie attested; so audits bound the profit of a lie only by the honest part
//! of the watchers' stake, which `docs/economics.md` works out. For a one-layer model the drawn
//! layer is the output, public in the claim, so the attestation proves nothing there.

use crate::{
    queue, Audit, Audits, BalanceOf, Claims, Config, Error, Event, HoldReason, JobId, JobOf,
    JobStatus, Jobs, Pallet, SlashReason, WatcherInfo, WatcherList, Watchers, WeightInfo,
};
use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
    ensure,
    pallet_prelude::*,
    traits::{
        fungible::{InspectHold, MutateHold},
        tokens::{Fortitude, Precision, Restriction},
    },
};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_models::ModelRegistry;
use sp_runtime::traits::{BlakeTwo256, Hash, Saturating, Zero};

/// Which audit, if any, a seed draws for a claim: whether it is audited, the index of the watcher
/// in the list and the layer.
pub fn draw(
    seed: &[u8],
    job_id: JobId,
    probability: sp_runtime::Perbill,
    watchers: u32,
    layers: u32,
) -> Option<(u32, u32)> {
    if watchers == 0 || layers == 0 {
        return None;
    }
    let h = <BlakeTwo256 as Hash>::hash(&(seed, job_id).encode()).0;
    let word = |i: usize| u32::from_le_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
    // Perbill's parts are in [0, 10^9]; 2^32 / 10^9 is not whole, and the bias it leaves is
    // below 10^-9 per draw after the 64-bit reduction.
    let roll = (u64::from(word(0)) << 32 | u64::from(word(4))) % 1_000_000_000;
    if roll >= u64::from(probability.deconstruct()) {
        return None;
    }
    let watcher = word(8) % watchers;
    // The output (the last layer) is public in the claim; any other layer needs computing.
    let layer = if layers > 1 {
        word(12) % (layers - 1)
    } else {
        0
    };
    Some((watcher, layer))
}

impl<T: Config> Pallet<T> {
    /// Register `who` as a watcher with `stake`, or let a suspended watcher rejoin.
    pub fn do_register_watcher(who: T::AccountId, stake: BalanceOf<T>) -> DispatchResult {
        let mut list = WatcherList::<T>::get();
        ensure!(!list.contains(&who), Error::<T>::AlreadyWatcher);
        let mut info = match Watchers::<T>::get(&who) {
            Some(info) => {
                ensure!(info.unbonding_at.is_none(), Error::<T>::AlreadyUnbonding);
                info
            }
            None => WatcherInfo {
                stake: Zero::zero(),
                open_audits: 0,
                unbonding_at: None,
            },
        };
        info.stake = info.stake.saturating_add(stake);
        ensure!(
            info.stake >= T::MinWatcherStake::get(),
            Error::<T>::StakeTooLow
        );
        list.try_push(who.clone())
            .map_err(|_| Error::<T>::TooManyWatchers)?;
        T::Currency::hold(&HoldReason::WatcherStake.into(), &who, stake)
            .map_err(|_| Error::<T>::InsufficientBalance)?;
        WatcherList::<T>::put(list);
        let total = info.stake;
        Watchers::<T>::insert(&who, info);
        Self::deposit_event(Event::WatcherRegistered {
            watcher: who,
            stake: total,
        });
        Ok(())
    }

    /// `who` stops taking audits.
    pub fn do_unregister_watcher(who: T::AccountId) -> DispatchResult {
        let mut info = Watchers::<T>::get(&who).ok_or(Error::<T>::NotWatcher)?;
        ensure!(info.unbonding_at.is_none(), Error::<T>::AlreadyUnbonding);
        let withdrawable_at =
            frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingDelay::get());
        info.unbonding_at = Some(withdrawable_at);
        Watchers::<T>::insert(&who, info);
        Self::delist::<WatcherList<T>, T::MaxWatchers>(&who);
        Self::deposit_event(Event::WatcherUnbonding {
            watcher: who,
            withdrawable_at,
        });
        Ok(())
    }

    /// Release the stake of `who`, a watcher whose unbonding delay passed, with no open audit.
    pub fn do_withdraw_watcher_stake(who: T::AccountId) -> DispatchResult {
        let info = Watchers::<T>::get(&who).ok_or(Error::<T>::NotWatcher)?;
        let at = info.unbonding_at.ok_or(Error::<T>::NotUnbonding)?;
        ensure!(
            frame_system::Pallet::<T>::block_number() >= at,
            Error::<T>::UnbondingNotOver
        );
        ensure!(info.open_audits == 0, Error::<T>::WatcherHasOpenAudits);
        let released = T::Currency::release(
            &HoldReason::WatcherStake.into(),
            &who,
            info.stake,
            Precision::BestEffort,
        )?;
        frame_support::defensive_assert!(released == info.stake, "the stake was held in full");
        Watchers::<T>::remove(&who);
        Self::deposit_event(Event::WatcherWithdrew {
            watcher: who,
            amount: released,
        });
        Ok(())
    }

    /// Record `who`'s attestation of the audited claim of `job_id`.
    pub fn do_attest(who: T::AccountId, job_id: JobId, activation: Vec<u8>) -> DispatchResult {
        ensure!(
            activation.len() as u64 <= u64::from(T::Models::limits().max_activation_bytes),
            Error::<T>::LayerInputTooLarge
        );
        let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
        ensure!(job.status == JobStatus::Claimed, Error::<T>::NotClaimed);
        ensure!(
            frame_system::Pallet::<T>::block_number() <= job.deadline,
            Error::<T>::ChallengeWindowClosed
        );
        let mut audit = Audits::<T>::get(job_id)
            .filter(|a| a.watcher == who)
            .ok_or(Error::<T>::NotAssignedWatcher)?;
        ensure!(!audit.attested, Error::<T>::AlreadyAttested);
        let claim = Claims::<T>::get(job_id).ok_or(Error::<T>::NotClaimed)?;
        let committed = claim
            .trace
            .get(audit.layer as usize)
            .ok_or(Error::<T>::NoSuchLayer)?;
        ensure!(
            &vigil_engine::hash_activation(vigil_engine::as_i8(&activation)) == committed,
            Error::<T>::ActivationNotCommitted
        );
        audit.attested = true;
        Audits::<T>::insert(job_id, audit);
        Self::deposit_event(Event::AuditAttested {
            job_id,
            watcher: who,
        });
        Ok(())
    }

    /// Draw the audits of the claims queued up to `now`, within the per-block budget.
    pub(crate) fn draw_due(now: BlockNumberFor<T>) -> Weight {
        let seed = frame_system::Pallet::<T>::parent_hash();
        queue::process_due::<T, queue::Audits>(
            now,
            T::MaxSettlementsPerBlock::get(),
            T::WeightInfo::draw_audit(),
            |job_id, _| Self::draw_one(job_id, seed.as_ref()),
        )
    }

    /// Draw the audit of `job_id`'s claim from `seed`. Returns whether the job was still open
    /// to challenge (the draw's work was done).
    pub(crate) fn draw_one(job_id: JobId, seed: &[u8]) -> bool {
        let Some(job) = Jobs::<T>::get(job_id) else {
            return false;
        };
        let now = frame_system::Pallet::<T>::block_number();
        if job.status != JobStatus::Claimed || now > job.deadline {
            return false;
        }
        let Some(claim) = Claims::<T>::get(job_id) else {
            return false;
        };
        let list = WatcherList::<T>::get();
        // The executor does not audit itself: it is left out of the draw.
        let eligible: Vec<&T::AccountId> = list.iter().filter(|w| **w != job.executor).collect();
        let Some((index, layer)) = draw(
            seed,
            job_id,
            T::AuditProbability::get(),
            eligible.len() as u32,
            claim.trace.len() as u32,
        ) else {
            return true;
        };
        let watcher = eligible[index as usize].clone();
        Watchers::<T>::mutate(&watcher, |info| {
            if let Some(info) = info {
                info.open_audits.saturating_inc();
            }
        });
        Audits::<T>::insert(
            job_id,
            Audit {
                watcher: watcher.clone(),
                layer,
                attested: false,
            },
        );
        Self::deposit_event(Event::AuditAssigned {
            job_id,
            watcher,
            layer,
            deadline: job.deadline,
        });
        true
    }

    /// Settle the audit of a job whose claim is no longer open to challenge. If the claim
    /// `finalized` and the watcher attested, pay it its share of the fee (returned); if it did
    /// not attest, slash its penalty and suspend it. A refuted claim's audit just ends.
    pub(crate) fn settle_audit(
        job_id: JobId,
        job: &JobOf<T>,
        finalized: bool,
    ) -> Result<BalanceOf<T>, DispatchError> {
        let Some(audit) = Audits::<T>::take(job_id) else {
            return Ok(Zero::zero());
        };
        let watcher = audit.watcher;
        Watchers::<T>::mutate(&watcher, |info| {
            if let Some(info) = info {
                info.open_audits.saturating_dec();
            }
        });
        if !finalized {
            return Ok(Zero::zero());
        }
        if audit.attested {
            let share = T::AuditFeeShare::get() * job.fee;
            if share.is_zero() {
                return Ok(share);
            }
            T::Currency::transfer_on_hold(
                &HoldReason::JobFee.into(),
                &job.requester,
                &watcher,
                share,
                Precision::BestEffort,
                Restriction::Free,
                Fortitude::Force,
            )?;
            Self::deposit_event(Event::WatcherPaid {
                job_id,
                watcher,
                amount: share,
            });
            Ok(share)
        } else {
            let held = T::Currency::balance_on_hold(&HoldReason::WatcherStake.into(), &watcher);
            let penalty = T::WatcherPenalty::get().min(held);
            let slashed = Self::slash_and_reward(
                HoldReason::WatcherStake,
                &watcher,
                penalty,
                SlashReason::MissedAudit,
                None,
                Zero::zero(),
            );
            Watchers::<T>::mutate(&watcher, |info| {
                if let Some(info) = info {
                    info.stake = info.stake.saturating_sub(slashed);
                }
            });
            Self::suspend_watcher(&watcher);
            Ok(Zero::zero())
        }
    }

    /// Take a silent watcher out of the draw until it registers again.
    fn suspend_watcher(watcher: &T::AccountId) {
        if Self::delist::<WatcherList<T>, T::MaxWatchers>(watcher) {
            Self::deposit_event(Event::WatcherSuspended {
                watcher: watcher.clone(),
            });
        }
    }
}
