//! # Inference pallet
//!
//! Optimistic verification of inference jobs: a requester submits a job, an executor chosen by
//! the chain posts a *claim* (the output and one hash per layer, the *trace*), the claim sits in
//! a *challenge window*, and anyone who re-executed the job and disagrees *challenges* one layer.
//! The runtime re-executes that one layer ([`adjudication`]) and slashes whoever lied.
//!
//! ## Glossary
//!
//! - *Executor*: an account registered with a bond ([`Pallet::register_executor`]), held with
//!   [`HoldReason::ExecutorBond`]. Its *free collateral* is `bond - locked`.
//! - *Offer* ([`types::Offer`], [`Pallet::set_offer`]): what an executor takes on: which models,
//!   the least fee (a base plus a rate on the collateral) and how many jobs at once. The chain
//!   assigns it only jobs that match ([`market`]).
//! - *Collateral*: chosen by the requester for each job, at least [`Config::MinJobCollateral`];
//!   locked from the executor's bond while the job is open, slashed if it lies or stays silent.
//! - *Job* ([`types::Job`]): a model id, an input tensor, a fee held from the requester
//!   ([`HoldReason::JobFee`]) and the collateral.
//! - *Watcher* and *audit* ([`audit`]): a staked account drawn at random to check a claim; paid
//!   a share of the fee when it shows the activation the claim committed to, slashed when silent.
//! - *Claim* ([`types::Claim`]): the output and the trace; `trace[i]` is
//!   `hash_activation(output of layer i)`, so the last entry is the hash of the output.
//! - *Challenge*: a dispute of layer `i` with the activations feeding it. The challenger's bond
//!   [`Config::ChallengerBond`] is held ([`HoldReason::ChallengerBond`]) before anything is hashed
//!   or re-executed, for the dispute, which is settled in the same extrinsic.
//! - *Limits*: what a model may ask of the chain is the registry's
//!   ([`pallet_models::ModelLimits`]): it refuses any model whose input a job, whose output a
//!   claim, or whose layers' inputs a challenge could not carry. This pallet's own bounds only
//!   size its storage, and `integrity_test` checks that they cover the registry's.
//!
//! ## Lifecycle
//!
//! ```text
//! submit_job ──> Assigned ──post_claim──> Claimed ──(window closes)──> Finalized
//!                   │                        │
//!         (no claim by deadline)         challenge ──claim false──> Refuted
//!                   v                        └──claim upheld──> stays Claimed
//!       executor slashed; reassigned to the next executor, or TimedOut (fee refunded)
//! ```
//!
//! - `submit_job`: the chain picks the executor round robin over registered executors, skipping
//!   those whose offer does not serve the model, asks more than the fee for the job's collateral,
//!   is at capacity, or whose free collateral is below the job's. The claim is due by
//!   `now + ClaimTimeout`.
//! - `post_claim`: only the assigned executor, only once, before the claim deadline; the trace has
//!   one hash per layer and its last entry is the hash of the output. The window closes at
//!   `challenge_deadline = now + window` (a challenge is accepted while `now <= challenge_deadline`),
//!   `window` being [`ChallengeWindowBlocks`], set at genesis, at most `ChallengeWindow`.
//! - Finalization: automatic in `on_initialize`, or by anyone with [`Pallet::finalize_claim`] once
//!   `now > challenge_deadline`. The fee goes to the executor; its collateral is unlocked.
//! - Audit: in the block after the claim's, the claim is drawn for audit with probability
//!   `AuditProbability`, and a watcher and a layer with it ([`audit`] says what the randomness
//!   rests on). The watcher attests by the end of the window ([`Pallet::attest`]).
//! - Timeout: at `claim deadline + 1` the silent executor loses the job's collateral and is
//!   *suspended*: taken out of the round robin ([`Event::ExecutorSuspended`]) until it calls
//!   `register_executor` again, so an executor that is down does not keep receiving jobs it will
//!   miss, and a job never comes back to an executor that already let it time out. The job moves
//!   to the next executor with free collateral (at most `MaxReassignments` times) or is refunded.
//!
//! ## Settlement queue
//!
//! Every open job sits in [`SettlementQueue`] under the block after its deadline (a bucket of at
//! most `MaxSettlementsPerBucket`; a full bucket spills into the next blocks). `on_initialize`
//! processes buckets in block order from [`SettlementCursor`], at most `MaxSettlementsPerBlock`
//! jobs per block; what it cannot finish stays at the cursor for the next block, so nothing is
//! skipped and the backlog drains in order. Entries of jobs already settled by hand or rescheduled
//! are dropped; they count against a bound of twice that budget, so the hook's work per block is
//! bounded whatever the backlog ([`queue::process_due`]), and `integrity_test` checks that both
//! queues' worst case together fit in half a block.
//! The queue mechanism is in [`queue`].
//!
//! ## Retention
//!
//! A settled job (finalized, refuted or timed out) and its claim stay readable for
//! `SettledRetention` blocks, then `on_initialize` removes them: [`ExpiryQueue`] holds each
//! under its removal block (the job's `settle_at`), processed like the settlement queue. So the
//! jobs kept at any time are the open ones plus those settled within the retention, whatever the
//! chain's age; the outcome of every job stays in the events of the block that settled it.
//!
//! ## Money: the fate of every hold
//!
//! - Requester's fee: paid to the executor on finalization, less `AuditFeeShare` of it to the
//!   watcher if the claim was audited and attested; released to the requester if the claim is
//!   refuted or the job times out.
//! - Requester's storage deposit: `JobDepositBase + JobDepositPerByte × (input + output + 32 ×
//!   layers)` bytes, held at `submit_job` for everything the job and its claim will keep on chain
//!   (the executor pays nothing to store its answer, so it can always post it), released when
//!   the job and its claim are removed, `SettledRetention` blocks after the job settled.
//! - Watcher's stake: `WatcherPenalty` of it slashed to `OnSlash` for each audit left
//!   unanswered by the end of its window; released by [`Pallet::withdraw_watcher_stake`],
//!   `UnbondingDelay` blocks after [`Pallet::unregister_watcher`], with no open audit.
//! - Executor's collateral (the job's, part of its bond): unlocked on finalization. Slashed in
//!   full if the
//!   claim is refuted: `ChallengerReward` goes to the first account that committed to the
//!   refutation in a block before the reveal (nobody, if none did), `RequesterCompensation` of
//!   it to the requester, the rest to `OnSlash`. Slashed in full if the executor misses its
//!   deadline: all to `OnSlash`.
//! - Commitment deposit (`CommitmentDeposit`, held by [`Pallet::commit_challenge`]): released when
//!   the claim is refuted by the refutation committed to; slashed to `OnSlash` when it is refuted
//!   otherwise, when the committer's own reveal fails, or when the claim stands.
//! - Challenger's bond: released if the claim is refuted. Slashed in full if the claim is upheld
//!   on the disputed layer: `FalseChallengeCompensation × ChallengerBond` goes to the executor,
//!   the rest to `OnSlash`.
//! - The executor's bond is released by [`Pallet::withdraw_bond`], `UnbondingDelay` blocks after
//!   [`Pallet::unregister_executor`], and only with no open job.
//!
//! ### Parameters and the inequality that makes catching a lie pay
//!
//! ```text
//! MinJobCollateral >= ChallengerBond + ChallengerReward,   ChallengerReward > 0
//! UnbondingDelay > ClaimTimeout × (MaxReassignments + 1) + ChallengeWindow + 1
//! ```
//!
//! A challenger who catches a lie gets its bond back plus `ChallengerReward` (paid out of the
//! slashed collateral, which covers it); the liar loses its whole collateral, at least as much as
//! the challenger put at risk plus the reward. The reward is small next to the collateral
//! (`ChallengerReward + RequesterCompensation × MinJobCollateral <= MinJobCollateral`, checked
//! by `integrity_test`), so a liar that refutes itself from a second account, to keep the reward,
//! still loses the collateral less `ChallengerReward`. `docs/economics.md` works out the rest:
//! the audit probability at which no lie pays even when no challenger watches, a watcher's
//! income when nobody lies, and the cost of occupying every executor.
//!
//! ### Commit, then reveal
//!
//! A refutation is public once its `challenge` is in the pool, so whoever sees it could post it
//! first and take the reward. Challengers therefore commit first
//! ([`Pallet::commit_challenge`]: a hash of their account, the job, the layer and the inputs,
//! [`vigil_engine::challenge_commitment`]) and reveal in a later block. The reward goes to the
//! first commitment, in commitment order, that matches the refutation and was made in an earlier
//! block than the reveal; a copier's commitment comes in the reveal's block at the earliest. A
//! reveal needs no commitment: any false claim is refuted whoever reveals it, so a full list of
//! commitments (at most `MaxCommitments`, each holding a deposit lost unless it matches) can cost
//! a watcher its reward, never the chain its soundness. A challenger who is wrong loses its bond. The
//! unbonding delay outlasts every deadline a job can still have after an executor stops taking
//! jobs (disputes settle within one block), so stake cannot leave before it can be slashed.
//! `integrity_test` checks both inequalities.
//!
//! ## Storage (readable by clients)
//!
//! [`Executors`], [`ExecutorList`] (the round robin order), [`Jobs`] (with their
//! [`types::JobStatus`]), [`Claims`], [`OpenJobsPerModel`], [`SettlementQueue`] (which lists the
//! open jobs: clients look for their work there rather than through every job), [`ExpiryQueue`].
//! Settled jobs and their claims are kept for `SettledRetention` blocks so that clients can read
//! outcomes and outputs.
//!
//! ## Invariants (checked by `try_state` after every test)
//!
//! - An executor's `ExecutorBond` hold equals its recorded `bond`; `locked <= bond` is the sum of
//!   the collaterals of its open jobs, each at least `MinJobCollateral`; `open_jobs` equals the
//!   number of open jobs assigned to it. No other account has an `ExecutorBond` hold.
//! - A watcher's `WatcherStake` hold equals its recorded `stake`; `open_audits` counts the
//!   audits drawn for it; every audit is of a claim open to challenge, on one of its layers.
//!   [`WatcherList`] has no duplicates and holds registered watchers that are not unbonding. [`ExecutorList`] has no duplicates and holds registered
//!   executors that are not unbonding.
//! - A requester's `JobFee` hold equals the sum of the fees of its open jobs; accounts without
//!   open jobs hold no `JobFee`. A requester's `StorageDeposit` hold equals the deposits of its
//!   jobs still kept (open or within the retention).
//! - No `ChallengerBond` is held between blocks (disputes settle in one extrinsic).
//! - Every claim has its job; its last trace entry is the hash of its output and, while its model
//!   is registered, it has one trace entry per layer and the model's output length. Every open
//!   job's model is registered. [`NextJobId`] is above every job id.
//! - No bucket of either queue sits behind that queue's cursor.
//! - Every open job is in the settlement queue under its `settle_at` block, at or after the cursor;
//!   every settled job is in the expiry queue under its `settle_at` block, at or after that
//!   queue's cursor (or, should the expiry queue ever be full, kept with `settle_at` = max).
//! - `OpenJobsPerModel` counts the open jobs of each model.
//! - Total issuance changes only by what is slashed to `OnSlash` (checked by the mock).

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

pub mod adjudication;
mod audit;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod fuzz;
mod impls;
mod market;
#[cfg(test)]
mod mock;
pub mod queue;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible;
use pallet_models::{ModelId, ModelRegistry};

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
    <<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// Funds taken out of an account by a slash, to be paid out or handed to `OnSlash`.
pub type CreditOf<T> =
    fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;
/// The job record of a runtime.
pub type JobOf<T> = Job<
    <T as frame_system::Config>::AccountId,
    BalanceOf<T>,
    frame_system::pallet_prelude::BlockNumberFor<T>,
    <T as Config>::MaxInputBytes,
>;
/// The claim record of a runtime.
pub type ClaimOf<T> = Claim<
    frame_system::pallet_prelude::BlockNumberFor<T>,
    <T as Config>::MaxOutputBytes,
    <T as Config>::MaxLayers,
>;
/// The executor record of a runtime.
pub type ExecutorOf<T> = ExecutorInfo<
    BalanceOf<T>,
    frame_system::pallet_prelude::BlockNumberFor<T>,
    <T as Config>::MaxOfferModels,
>;
/// An executor's offer in a runtime.
pub type OfferOf<T> = Offer<BalanceOf<T>, <T as Config>::MaxOfferModels>;
/// The watcher record of a runtime.
pub type WatcherOf<T> = WatcherInfo<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

/// Cost units (`macs + bytes`) per unit of the `k` component of the `challenge` weight.
pub const COST_UNITS_PER_K: u64 = 1024;

/// The `k` argument of [`WeightInfo::challenge`] for a layer of `cost` (`macs + bytes`).
pub fn cost_to_k(cost: u64) -> u32 {
    cost.div_ceil(COST_UNITS_PER_K).min(u32::MAX as u64) as u32
}

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use alloc::vec::Vec;
    use frame_support::{
        pallet_prelude::*,
        traits::{
            fungible::{Balanced, BalancedHold, InspectHold, Mutate, MutateHold},
            tokens::{Fortitude, Precision, Restriction},
            Imbalance, OnUnbalanced,
        },
    };
    use frame_system::pallet_prelude::*;
    use sp_runtime::{
        traits::{One, Saturating, Zero},
        Perbill,
    };

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// Reasons for which this pallet holds funds.
    #[pallet::composite_enum]
    pub enum HoldReason {
        /// An executor's bond, part of which is locked as collateral of open jobs.
        ExecutorBond,
        /// A requester's fee for an open job.
        JobFee,
        /// A challenger's bond, for the duration of a dispute.
        ChallengerBond,
        /// A requester's deposit for the bytes its job and the job's claim keep on chain.
        StorageDeposit,
        /// A challenger's deposit for a commitment to a refutation.
        ChallengeCommitment,
        /// A watcher's stake, part of which is slashed when it misses an audit.
        WatcherStake,
    }

    #[pallet::config]
    pub trait Config: frame_system::Config {
        /// The overarching event type.
        #[allow(deprecated)]
        type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

        /// The currency of bonds and fees.
        type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
            + BalancedHold<Self::AccountId>
            + Mutate<Self::AccountId>;

        /// The overarching hold reason.
        type RuntimeHoldReason: From<HoldReason>;

        /// Where the models come from.
        type Models: ModelRegistry;

        /// Receives what is slashed and not paid out (dropping it burns it).
        type OnSlash: OnUnbalanced<CreditOf<Self>>;

        /// The smallest bond an executor may register with.
        #[pallet::constant]
        type MinExecutorBond: Get<BalanceOf<Self>>;

        /// The least collateral a job may ask for. A requester asks for more when more rides on
        /// the answer: the collateral is what a lie costs the executor.
        #[pallet::constant]
        type MinJobCollateral: Get<BalanceOf<Self>>;

        /// The most models an executor's offer may list (an offer may also serve all models).
        #[pallet::constant]
        type MaxOfferModels: Get<u32>;

        /// The smallest stake a watcher may register with.
        #[pallet::constant]
        type MinWatcherStake: Get<BalanceOf<Self>>;

        /// Slashed from a watcher's stake for each audit it leaves unanswered.
        #[pallet::constant]
        type WatcherPenalty: Get<BalanceOf<Self>>;

        /// The chance that a claim is audited.
        #[pallet::constant]
        type AuditProbability: Get<Perbill>;

        /// The part of an audited job's fee paid to the watcher that attested it.
        #[pallet::constant]
        type AuditFeeShare: Get<Perbill>;

        /// The most watchers registered at once.
        #[pallet::constant]
        type MaxWatchers: Get<u32>;

        /// The bond a challenger posts with a challenge.
        #[pallet::constant]
        type ChallengerBond: Get<BalanceOf<Self>>;

        /// Paid, out of the executor's slashed collateral, to the first challenger that committed
        /// to the refutation (see [`Pallet::commit_challenge`]). Small next to `MinJobCollateral`,
        /// so that a liar who challenges itself still loses most of its collateral.
        #[pallet::constant]
        type ChallengerReward: Get<BalanceOf<Self>>;

        /// The part of a refuted executor's slashed collateral paid to the requester.
        #[pallet::constant]
        type RequesterCompensation: Get<Perbill>;

        /// The most commitments one claim can collect.
        #[pallet::constant]
        type MaxCommitments: Get<u32>;

        /// Held for each commitment; released if the commitment is to the refutation that
        /// settles the dispute, burned otherwise (when the claim settles), so that filling a
        /// claim's commitments with noise costs `MaxCommitments × CommitmentDeposit`.
        #[pallet::constant]
        type CommitmentDeposit: Get<BalanceOf<Self>>;

        /// The part of a wrong challenger's bond paid to the executor.
        #[pallet::constant]
        type FalseChallengeCompensation: Get<Perbill>;

        /// The smallest fee a job may offer.
        #[pallet::constant]
        type MinJobFee: Get<BalanceOf<Self>>;

        /// The fixed part of a job's storage deposit (its record and queue entries).
        #[pallet::constant]
        type JobDepositBase: Get<BalanceOf<Self>>;

        /// The storage deposit per byte a job and its claim keep: the input, the model's output
        /// and one 32-byte hash per layer.
        #[pallet::constant]
        type JobDepositPerByte: Get<BalanceOf<Self>>;

        /// Blocks an executor has to post its claim after assignment.
        #[pallet::constant]
        type ClaimTimeout: Get<BlockNumberFor<Self>>;

        /// Blocks a claim can be challenged after it is posted: the default and the maximum of the
        /// window a chain sets at genesis ([`ChallengeWindowBlocks`]).
        #[pallet::constant]
        type ChallengeWindow: Get<BlockNumberFor<Self>>;

        /// Blocks between `unregister_executor` and `withdraw_bond`.
        #[pallet::constant]
        type UnbondingDelay: Get<BlockNumberFor<Self>>;

        /// How many times a job moves on after a silent executor before it is refunded.
        #[pallet::constant]
        type MaxReassignments: Get<u32>;

        /// The most executors registered at once.
        #[pallet::constant]
        type MaxExecutors: Get<u32>;

        /// The largest input tensor a job stores, in bytes; at least the registry's
        /// [`pallet_models::ModelLimits::max_input_bytes`] (checked by `integrity_test`).
        #[pallet::constant]
        type MaxInputBytes: Get<u32>;

        /// The largest output tensor a claim stores, in bytes; at least the registry's
        /// [`pallet_models::ModelLimits::max_output_bytes`] (checked by `integrity_test`).
        #[pallet::constant]
        type MaxOutputBytes: Get<u32>;

        /// The most layers a model may have (the trace length bound); at least the registry's
        /// (checked by `integrity_test`).
        #[pallet::constant]
        type MaxLayers: Get<u32>;

        /// The most jobs in one settlement bucket.
        #[pallet::constant]
        type MaxSettlementsPerBucket: Get<u32>;

        /// The most jobs `on_initialize` settles per block (and, separately, the most settled
        /// jobs it removes).
        #[pallet::constant]
        type MaxSettlementsPerBlock: Get<u32>;

        /// Blocks a settled job and its claim stay readable before they are removed (their
        /// outcome stays in the events of the block that settled them).
        #[pallet::constant]
        type SettledRetention: Get<BlockNumberFor<Self>>;

        /// The most cost units (`macs + bytes`) of a disputed layer; the challenge weight is
        /// charged for this much and refunded down to the layer's real cost. At least the
        /// registry's (checked by `integrity_test`).
        #[pallet::constant]
        type MaxLayerCost: Get<u64>;

        /// The largest model in bytes (to charge the decoding of the model in a dispute). At
        /// least the registry's (checked by `integrity_test`).
        #[pallet::constant]
        type MaxModelBytes: Get<u32>;

        /// Weights of this pallet's calls.
        type WeightInfo: WeightInfo;
    }

    /// Registered executors.
    #[pallet::storage]
    pub type Executors<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, ExecutorOf<T>, OptionQuery>;

    /// Executors taking new jobs, in round robin order.
    #[pallet::storage]
    pub type ExecutorList<T: Config> =
        StorageValue<_, BoundedVec<T::AccountId, T::MaxExecutors>, ValueQuery>;

    /// The position in [`ExecutorList`] where the next assignment starts looking.
    #[pallet::storage]
    pub type NextExecutor<T: Config> = StorageValue<_, u32, ValueQuery>;

    /// The id of the next job.
    #[pallet::storage]
    pub type NextJobId<T: Config> = StorageValue<_, JobId, ValueQuery>;

    /// Every job, with its status.
    #[pallet::storage]
    pub type Jobs<T: Config> = StorageMap<_, Twox64Concat, JobId, JobOf<T>, OptionQuery>;

    /// Every posted claim.
    #[pallet::storage]
    pub type Claims<T: Config> = StorageMap<_, Twox64Concat, JobId, ClaimOf<T>, OptionQuery>;

    /// Open jobs per model (a model in use cannot be removed).
    #[pallet::storage]
    pub type OpenJobsPerModel<T: Config> = StorageMap<_, Identity, ModelId, u32, ValueQuery>;

    /// Jobs to settle, by block: claims whose window closed, assignments whose deadline passed.
    #[pallet::storage]
    pub type SettlementQueue<T: Config> =
        StorageMap<_, Twox64Concat, BlockNumberFor<T>, queue::Bucket<T>, ValueQuery>;

    /// Commitments to refutations of each claimed job, in the order they were made.
    #[pallet::storage]
    pub type Commitments<T: Config> = StorageMap<
        _,
        Twox64Concat,
        JobId,
        BoundedVec<Commitment<T::AccountId, BlockNumberFor<T>>, T::MaxCommitments>,
        ValueQuery,
    >;

    /// Registered watchers.
    #[pallet::storage]
    pub type Watchers<T: Config> =
        StorageMap<_, Blake2_128Concat, T::AccountId, WatcherOf<T>, OptionQuery>;

    /// Watchers taking audits, in registration order (audits are drawn over it).
    #[pallet::storage]
    pub type WatcherList<T: Config> =
        StorageValue<_, BoundedVec<T::AccountId, T::MaxWatchers>, ValueQuery>;

    /// The audits of claims still open to challenge.
    #[pallet::storage]
    pub type Audits<T: Config> =
        StorageMap<_, Twox64Concat, JobId, Audit<T::AccountId>, OptionQuery>;

    /// Claims whose audit is still to be drawn, by block: the block after the one that included
    /// the claim, whose parent hash is the draw's seed.
    #[pallet::storage]
    pub type AuditQueue<T: Config> =
        StorageMap<_, Twox64Concat, BlockNumberFor<T>, queue::Bucket<T>, ValueQuery>;

    /// The earliest block whose bucket in [`AuditQueue`] may hold claims.
    #[pallet::storage]
    pub type AuditCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

    /// The challenge window of this chain, set at genesis (e.g. short on a development chain);
    /// at most, and by default, [`Config::ChallengeWindow`].
    #[pallet::storage]
    pub type ChallengeWindowBlocks<T: Config> =
        StorageValue<_, BlockNumberFor<T>, ValueQuery, T::ChallengeWindow>;

    #[pallet::genesis_config]
    #[derive(frame_support::DefaultNoBound)]
    pub struct GenesisConfig<T: Config> {
        /// The chain's challenge window in blocks, `0 < window <= Config::ChallengeWindow`;
        /// `None` keeps `Config::ChallengeWindow`.
        pub challenge_window: Option<BlockNumberFor<T>>,
    }

    #[pallet::genesis_build]
    impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
        fn build(&self) {
            if let Some(window) = self.challenge_window {
                assert!(
                    !window.is_zero() && window <= T::ChallengeWindow::get(),
                    "0 < challenge_window <= Config::ChallengeWindow"
                );
                ChallengeWindowBlocks::<T>::put(window);
            }
        }
    }

    /// The earliest block whose bucket in [`SettlementQueue`] may hold jobs; `None` before the
    /// first job.
    #[pallet::storage]
    pub type SettlementCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

    /// Settled jobs to remove (with their claims), by block: `SettledRetention` after they
    /// settled.
    #[pallet::storage]
    pub type ExpiryQueue<T: Config> =
        StorageMap<_, Twox64Concat, BlockNumberFor<T>, queue::Bucket<T>, ValueQuery>;

    /// The earliest block whose bucket in [`ExpiryQueue`] may hold jobs; `None` before the first
    /// settlement.
    #[pallet::storage]
    pub type ExpiryCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// An executor registered and its bond was held.
        ExecutorRegistered {
            executor: T::AccountId,
            bond: BalanceOf<T>,
        },
        /// An executor missed a claim deadline and takes no new jobs until it registers again.
        ExecutorSuspended { executor: T::AccountId },
        /// An executor set the offer jobs are matched against.
        OfferSet {
            executor: T::AccountId,
            offer: OfferOf<T>,
        },
        /// A watcher registered (or topped up and rejoined) with `stake` held in all.
        WatcherRegistered {
            watcher: T::AccountId,
            stake: BalanceOf<T>,
        },
        /// A watcher missed an audit and is drawn for none until it registers again.
        WatcherSuspended { watcher: T::AccountId },
        /// A watcher stopped taking audits; its stake can be withdrawn from `withdrawable_at`.
        WatcherUnbonding {
            watcher: T::AccountId,
            withdrawable_at: BlockNumberFor<T>,
        },
        /// A watcher withdrew its stake and left.
        WatcherWithdrew {
            watcher: T::AccountId,
            amount: BalanceOf<T>,
        },
        /// A claim was drawn for audit: `watcher` must attest the output of `layer` by
        /// `deadline` (the end of the claim's window).
        AuditAssigned {
            job_id: JobId,
            watcher: T::AccountId,
            layer: u32,
            deadline: BlockNumberFor<T>,
        },
        /// The audit's watcher showed the activation the claim committed to.
        AuditAttested {
            job_id: JobId,
            watcher: T::AccountId,
        },
        /// An audited claim finalized: the watcher that attested it was paid its share of the
        /// fee.
        WatcherPaid {
            job_id: JobId,
            watcher: T::AccountId,
            amount: BalanceOf<T>,
        },
        /// An executor stopped taking jobs; its bond can be withdrawn from `withdrawable_at`.
        ExecutorUnbonding {
            executor: T::AccountId,
            withdrawable_at: BlockNumberFor<T>,
        },
        /// An executor withdrew its bond and left.
        ExecutorWithdrew {
            executor: T::AccountId,
            amount: BalanceOf<T>,
        },
        /// A job was submitted and assigned.
        JobSubmitted {
            job_id: JobId,
            model_id: ModelId,
            requester: T::AccountId,
            executor: T::AccountId,
            fee: BalanceOf<T>,
            collateral: BalanceOf<T>,
            claim_deadline: BlockNumberFor<T>,
        },
        /// A job's executor stayed silent; the job moved to another executor.
        JobReassigned {
            job_id: JobId,
            from: T::AccountId,
            to: T::AccountId,
            claim_deadline: BlockNumberFor<T>,
        },
        /// Nobody answered a job in time; the fee was refunded.
        JobTimedOut {
            job_id: JobId,
            requester: T::AccountId,
            refunded: BalanceOf<T>,
        },
        /// A claim was posted; it can be challenged until `challenge_deadline` inclusive.
        ClaimPosted {
            job_id: JobId,
            executor: T::AccountId,
            challenge_deadline: BlockNumberFor<T>,
        },
        /// A claim's window closed unchallenged: the executor was paid `fee` (the job's fee less
        /// the watcher's share, if the claim was audited and attested).
        ClaimFinalized {
            job_id: JobId,
            executor: T::AccountId,
            fee: BalanceOf<T>,
        },
        /// A challenger committed to a refutation of a claim, to reveal it with `challenge`.
        ChallengeCommitted {
            job_id: JobId,
            challenger: T::AccountId,
        },
        /// The requester of a refuted claim was paid part of the liar's collateral.
        RequesterCompensated {
            job_id: JobId,
            requester: T::AccountId,
            amount: BalanceOf<T>,
        },
        /// A dispute was settled by re-executing `layer`.
        DisputeResolved {
            job_id: JobId,
            layer: u32,
            challenger: T::AccountId,
            executor_was_wrong: bool,
        },
        /// Funds were slashed; `rewarded` of them went to `beneficiary`, the rest to `OnSlash`.
        Slashed {
            who: T::AccountId,
            amount: BalanceOf<T>,
            reason: SlashReason,
            beneficiary: Option<T::AccountId>,
            rewarded: BalanceOf<T>,
        },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The account is already a registered executor.
        AlreadyExecutor,
        /// The bond is below `MinExecutorBond`.
        BondTooLow,
        /// `MaxExecutors` executors are registered.
        TooManyExecutors,
        /// The account cannot afford the bond or fee to hold.
        InsufficientBalance,
        /// The account is not a registered executor.
        NotExecutor,
        /// The executor is already unbonding.
        AlreadyUnbonding,
        /// The executor did not unregister.
        NotUnbonding,
        /// The unbonding delay has not passed.
        UnbondingNotOver,
        /// The executor still has open jobs.
        ExecutorHasOpenJobs,
        /// No model with this id is registered.
        UnknownModel,
        /// The input is longer than `MaxInputBytes`.
        InputTooLarge,
        /// The input's length differs from the model's input tensor.
        WrongInputLength,
        /// The fee is below `MinJobFee`.
        FeeTooLow,
        /// No executor taking jobs has an offer that matches the job (its model, its fee for its
        /// collateral), capacity left and the job's collateral free.
        NoExecutorAvailable,
        /// The settlement queue has no room near the deadline; try again later.
        SettlementQueueFull,
        /// No job with this id.
        UnknownJob,
        /// Only the executor assigned to the job can post its claim.
        NotAssignedExecutor,
        /// The job is not waiting for a claim (already claimed or settled).
        ClaimAlreadyPosted,
        /// The claim deadline has passed.
        ClaimDeadlinePassed,
        /// The output's length differs from the model's output tensor.
        WrongOutputLength,
        /// The trace does not have one hash per layer.
        WrongTraceLength,
        /// The last trace hash is not the hash of the output.
        OutputHashMismatch,
        /// The job has no claim open to challenge or finalization.
        NotClaimed,
        /// The challenge window has closed.
        ChallengeWindowClosed,
        /// The challenge window is still open.
        ChallengeWindowOpen,
        /// The executor cannot challenge its own claim.
        SelfChallenge,
        /// The model has no such layer.
        NoSuchLayer,
        /// The number of layer inputs differs from the layer's.
        WrongLayerInputCount,
        /// A layer input does not hash to the activation the claim committed to.
        LayerInputNotCommitted,
        /// The engine refused the layer inputs.
        LayerInputInvalid,
        /// The challenger cannot afford the challenger bond.
        InsufficientChallengerBond,
        /// A challenge carries more activations than any registered layer reads
        /// ([`pallet_models::ModelLimits::max_layer_inputs`]).
        TooManyLayerInputs,
        /// A challenge input is larger than any activation a registered layer reads
        /// ([`pallet_models::ModelLimits::max_activation_bytes`]).
        LayerInputTooLarge,
        /// The account already committed to a refutation of this claim.
        AlreadyCommitted,
        /// The claim has collected `MaxCommitments` commitments.
        TooManyCommitments,
        /// A commitment must be revealed in a later block within the window: the window ends at
        /// this block.
        CommitmentTooLate,
        /// The collateral is below `MinJobCollateral`.
        CollateralTooLow,
        /// An offer lists more than `MaxOfferModels` models.
        TooManyOfferModels,
        /// An offer's capacity is zero (unregister to stop taking jobs).
        ZeroCapacity,
        /// The account is already a registered watcher.
        AlreadyWatcher,
        /// The stake is below `MinWatcherStake`.
        StakeTooLow,
        /// `MaxWatchers` watchers are registered.
        TooManyWatchers,
        /// The account is not a registered watcher.
        NotWatcher,
        /// The watcher still has open audits.
        WatcherHasOpenAudits,
        /// The account is not the watcher drawn to audit this claim (or the claim is not
        /// audited).
        NotAssignedWatcher,
        /// The audit was already attested.
        AlreadyAttested,
        /// The activation does not hash to the one the claim committed to for the audited layer.
        ActivationNotCommitted,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn on_initialize(now: BlockNumberFor<T>) -> Weight {
            Self::settle_due(now)
                .saturating_add(Self::expire_due(now))
                .saturating_add(Self::draw_due(now))
        }

        fn integrity_test() {
            assert!(
                T::MinJobCollateral::get()
                    >= T::ChallengerBond::get().saturating_add(T::ChallengerReward::get()),
                "MinJobCollateral >= ChallengerBond + ChallengerReward"
            );
            assert!(
                !T::ChallengerReward::get().is_zero(),
                "ChallengerReward > 0"
            );
            let collateral = T::MinJobCollateral::get();
            assert!(
                T::ChallengerReward::get()
                    .saturating_add(T::RequesterCompensation::get() * collateral)
                    <= collateral,
                "ChallengerReward + RequesterCompensation × MinJobCollateral <= MinJobCollateral"
            );
            assert!(T::MaxCommitments::get() > 0, "MaxCommitments > 0");
            assert!(
                T::MinWatcherStake::get() >= T::WatcherPenalty::get(),
                "MinWatcherStake >= WatcherPenalty"
            );
            // The audit's seed is the hash of the block after the claim's; the window must be
            // longer than one block for a watcher to answer after the draw.
            assert!(
                T::ChallengeWindow::get() > One::one(),
                "ChallengeWindow > 1"
            );
            assert!(
                T::MinExecutorBond::get() >= T::MinJobCollateral::get(),
                "MinExecutorBond >= MinJobCollateral"
            );
            let longest = T::ClaimTimeout::get()
                .saturating_mul((T::MaxReassignments::get() + 1).into())
                .saturating_add(T::ChallengeWindow::get())
                .saturating_add(One::one());
            assert!(
                T::UnbondingDelay::get() > longest,
                "UnbondingDelay > ClaimTimeout × (MaxReassignments + 1) + ChallengeWindow + 1"
            );
            assert!(
                T::MaxSettlementsPerBlock::get() > 0,
                "MaxSettlementsPerBlock > 0"
            );
            assert!(
                !T::SettledRetention::get().is_zero(),
                "SettledRetention > 0"
            );
            let hooks = queue::max_process_weight::<T>(
                T::MaxSettlementsPerBlock::get(),
                T::WeightInfo::settle_job(),
            )
            .saturating_add(queue::max_process_weight::<T>(
                T::MaxSettlementsPerBlock::get(),
                T::WeightInfo::expire_job(),
            ))
            .saturating_add(queue::max_process_weight::<T>(
                T::MaxSettlementsPerBlock::get(),
                T::WeightInfo::draw_audit(),
            ));
            let block = <T as frame_system::Config>::BlockWeights::get().max_block;
            assert!(
                hooks.all_lte(block / 2),
                "the worst case of on_initialize fits in half a block"
            );
            // Whatever model the registry accepts, a job, a claim and a dispute can carry.
            let limits = T::Models::limits();
            assert!(
                T::MaxInputBytes::get() >= limits.max_input_bytes,
                "MaxInputBytes >= the registry's max_input_bytes"
            );
            assert!(
                T::MaxOutputBytes::get() >= limits.max_output_bytes,
                "MaxOutputBytes >= the registry's max_output_bytes"
            );
            assert!(
                T::MaxLayers::get() >= limits.max_layers,
                "MaxLayers >= the registry's max_layers"
            );
            assert!(
                T::MaxLayerCost::get() >= limits.max_layer_cost,
                "MaxLayerCost >= the registry's max_layer_cost (the challenge is charged for it)"
            );
            assert!(
                T::MaxModelBytes::get() >= limits.max_model_bytes,
                "MaxModelBytes >= the registry's max_model_bytes (the challenge is charged for it)"
            );
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Register as an executor, holding `bond`; or, for an executor suspended after a missed
        /// deadline, take jobs again, holding `bond` more (which may be zero) so that the whole
        /// bond is at least `MinExecutorBond`.
        ///
        /// Emits [`Event::ExecutorRegistered`] with the whole bond.
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::register_executor())]
        pub fn register_executor(origin: OriginFor<T>, bond: BalanceOf<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut list = ExecutorList::<T>::get();
            ensure!(!list.contains(&who), Error::<T>::AlreadyExecutor);
            let mut info = match Executors::<T>::get(&who) {
                Some(info) => {
                    ensure!(info.unbonding_at.is_none(), Error::<T>::AlreadyUnbonding);
                    info
                }
                None => ExecutorInfo {
                    bond: Zero::zero(),
                    locked: Zero::zero(),
                    open_jobs: 0,
                    unbonding_at: None,
                    offer: Self::default_offer(),
                },
            };
            info.bond = info.bond.saturating_add(bond);
            ensure!(
                info.bond >= T::MinExecutorBond::get(),
                Error::<T>::BondTooLow
            );
            list.try_push(who.clone())
                .map_err(|_| Error::<T>::TooManyExecutors)?;

            T::Currency::hold(&HoldReason::ExecutorBond.into(), &who, bond)
                .map_err(|_| Error::<T>::InsufficientBalance)?;
            ExecutorList::<T>::put(list);
            let total = info.bond;
            Executors::<T>::insert(&who, info);
            Self::deposit_event(Event::ExecutorRegistered {
                executor: who,
                bond: total,
            });
            Ok(())
        }

        /// Stop taking jobs. The bond can be withdrawn `UnbondingDelay` blocks later.
        ///
        /// Emits [`Event::ExecutorUnbonding`].
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::unregister_executor())]
        pub fn unregister_executor(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let mut info = Executors::<T>::get(&who).ok_or(Error::<T>::NotExecutor)?;
            ensure!(info.unbonding_at.is_none(), Error::<T>::AlreadyUnbonding);

            let withdrawable_at =
                frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingDelay::get());
            info.unbonding_at = Some(withdrawable_at);
            Executors::<T>::insert(&who, info);
            Self::delist::<ExecutorList<T>, T::MaxExecutors>(&who);
            Self::deposit_event(Event::ExecutorUnbonding {
                executor: who,
                withdrawable_at,
            });
            Ok(())
        }

        /// Release the bond of an executor that unregistered at least `UnbondingDelay` ago and
        /// has no open job.
        ///
        /// Emits [`Event::ExecutorWithdrew`].
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::withdraw_bond())]
        pub fn withdraw_bond(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            let info = Executors::<T>::get(&who).ok_or(Error::<T>::NotExecutor)?;
            let at = info.unbonding_at.ok_or(Error::<T>::NotUnbonding)?;
            ensure!(
                frame_system::Pallet::<T>::block_number() >= at,
                Error::<T>::UnbondingNotOver
            );
            ensure!(info.open_jobs == 0, Error::<T>::ExecutorHasOpenJobs);

            let released = T::Currency::release(
                &HoldReason::ExecutorBond.into(),
                &who,
                info.bond,
                Precision::BestEffort,
            )?;
            frame_support::defensive_assert!(released == info.bond, "the bond was held in full");
            Executors::<T>::remove(&who);
            Self::deposit_event(Event::ExecutorWithdrew {
                executor: who,
                amount: released,
            });
            Ok(())
        }

        /// Submit a job: run `model_id` on `input` for `fee`, held until the job settles, with
        /// `collateral` (at least `MinJobCollateral`) locked from the executor's bond: what a lie
        /// would cost it. The chain assigns an executor whose offer serves the model, asks no more
        /// than `fee` for this collateral, and has the capacity and the free collateral.
        ///
        /// Emits [`Event::JobSubmitted`] naming the executor the chain assigned.
        #[pallet::call_index(3)]
        #[pallet::weight(T::WeightInfo::submit_job(T::MaxExecutors::get()))]
        pub fn submit_job(
            origin: OriginFor<T>,
            model_id: ModelId,
            input: Vec<u8>,
            fee: BalanceOf<T>,
            collateral: BalanceOf<T>,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let (_, scanned) = Self::do_submit_job(who, model_id, input, fee, collateral)?;
            Ok(Some(T::WeightInfo::submit_job(scanned)).into())
        }

        /// Post the claim of a job: its output and one hash per layer. Only the assigned
        /// executor, only once, by the claim deadline.
        ///
        /// Emits [`Event::ClaimPosted`].
        ///
        /// The weight grows with the output, which the call hashes: charged for the largest
        /// output up front, refunded down to this one's.
        #[pallet::call_index(4)]
        #[pallet::weight(T::WeightInfo::post_claim(T::MaxOutputBytes::get().div_ceil(1024)))]
        pub fn post_claim(
            origin: OriginFor<T>,
            job_id: JobId,
            output: Vec<u8>,
            trace: Vec<[u8; 32]>,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let kib = (output.len() as u32).div_ceil(1024);
            Self::do_post_claim(who, job_id, output, trace)?;
            Ok(Some(T::WeightInfo::post_claim(kib)).into())
        }

        /// Challenge one layer of a claim, supplying the activations that feed it (in the order
        /// of the layer's inputs). Settled at once: the liar is slashed.
        ///
        /// `layer_inputs` is an unbounded vector in the call's encoding, so that an over-long one
        /// decodes and is refused by name ([`Error::TooManyLayerInputs`],
        /// [`Error::LayerInputTooLarge`]) rather than failing to decode; its length is bounded by
        /// the block's length limit and paid for by the length fee.
        ///
        /// Emits [`Event::DisputeResolved`] and [`Event::Slashed`].
        #[pallet::call_index(5)]
        #[pallet::weight(Pallet::<T>::challenge_weight(T::MaxLayerCost::get(), T::MaxModelBytes::get()))]
        pub fn challenge(
            origin: OriginFor<T>,
            job_id: JobId,
            layer: u32,
            layer_inputs: Vec<Vec<u8>>,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let (cost, model_len) = Self::do_challenge(who, job_id, layer, layer_inputs)?;
            Ok(Some(Self::challenge_weight(cost, model_len)).into())
        }

        /// Finalize a claim whose challenge window has closed; anyone may call this.
        ///
        /// Emits [`Event::ClaimFinalized`].
        #[pallet::call_index(6)]
        #[pallet::weight(T::WeightInfo::finalize_claim())]
        pub fn finalize_claim(origin: OriginFor<T>, job_id: JobId) -> DispatchResult {
            ensure_signed(origin)?;
            let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
            ensure!(job.status == JobStatus::Claimed, Error::<T>::NotClaimed);
            ensure!(
                frame_system::Pallet::<T>::block_number() > job.deadline,
                Error::<T>::ChallengeWindowOpen
            );
            Self::do_finalize(job_id, job)
        }

        /// Commit to a refutation of a claim before revealing it: `commitment` is
        /// [`vigil_engine::challenge_commitment`] of the caller's account, the job, the layer and
        /// the layer inputs that the caller will pass to [`Pallet::challenge`] in a later block.
        /// Holds `CommitmentDeposit`.
        ///
        /// Anyone may reveal a refutation, committed or not, and a false claim is refuted
        /// whoever reveals it; the `ChallengerReward` goes to the first account that committed to
        /// that refutation in an earlier block than the reveal. Copying a challenge seen pending
        /// in the pool therefore earns nothing: the copier's commitment comes too late.
        ///
        /// Emits [`Event::ChallengeCommitted`].
        #[pallet::call_index(7)]
        #[pallet::weight(T::WeightInfo::commit_challenge())]
        pub fn commit_challenge(
            origin: OriginFor<T>,
            job_id: JobId,
            commitment: [u8; 32],
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_commit_challenge(who, job_id, commitment)
        }

        /// Set the caller's offer as an executor: it is assigned only jobs of `models` (every
        /// model if `None`) whose fee is at least `base_fee + collateral_rate × collateral`, and
        /// at most `capacity` open jobs at once. Open jobs keep the terms they were taken on.
        ///
        /// Emits [`Event::OfferSet`].
        #[pallet::call_index(8)]
        #[pallet::weight(T::WeightInfo::set_offer(T::MaxOfferModels::get()))]
        pub fn set_offer(
            origin: OriginFor<T>,
            base_fee: BalanceOf<T>,
            collateral_rate: Perbill,
            capacity: u32,
            models: Option<Vec<ModelId>>,
        ) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_set_offer(who, base_fee, collateral_rate, capacity, models)
        }

        /// Register as a watcher, holding `stake`; or, for a watcher suspended after a missed
        /// audit, take audits again, holding `stake` more (which may be zero) so that the whole
        /// stake is at least `MinWatcherStake`.
        ///
        /// Emits [`Event::WatcherRegistered`] with the whole stake.
        #[pallet::call_index(9)]
        #[pallet::weight(T::WeightInfo::register_watcher())]
        pub fn register_watcher(origin: OriginFor<T>, stake: BalanceOf<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_register_watcher(who, stake)
        }

        /// Stop taking audits. The stake can be withdrawn `UnbondingDelay` blocks later, once
        /// the watcher's open audits are settled.
        ///
        /// Emits [`Event::WatcherUnbonding`].
        #[pallet::call_index(10)]
        #[pallet::weight(T::WeightInfo::unregister_watcher())]
        pub fn unregister_watcher(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_unregister_watcher(who)
        }

        /// Release the stake of a watcher that unregistered at least `UnbondingDelay` ago and
        /// has no open audit.
        ///
        /// Emits [`Event::WatcherWithdrew`].
        #[pallet::call_index(11)]
        #[pallet::weight(T::WeightInfo::withdraw_watcher_stake())]
        pub fn withdraw_watcher_stake(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_withdraw_watcher_stake(who)
        }

        /// Attest an audited claim: show `activation`, the output of the audited layer, which
        /// must hash to the claim's trace entry for that layer. Only the drawn watcher, once,
        /// within the claim's window. A watcher whose own result differs challenges the claim
        /// instead.
        ///
        /// Emits [`Event::AuditAttested`]. The watcher is paid when the claim finalizes.
        ///
        /// The weight grows with the activation, which the call hashes: charged for the largest
        /// activation up front, refunded down to this one's.
        #[pallet::call_index(12)]
        #[pallet::weight(T::WeightInfo::attest(T::Models::limits().max_activation_bytes.div_ceil(1024)))]
        pub fn attest(
            origin: OriginFor<T>,
            job_id: JobId,
            activation: Vec<u8>,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let kib = (activation.len() as u32).div_ceil(1024);
            Self::do_attest(who, job_id, activation)?;
            Ok(Some(T::WeightInfo::attest(kib)).into())
        }
    }

    impl<T: Config> Pallet<T> {
        /// Record `who`'s commitment to a refutation of `job_id`'s claim.
        pub fn do_commit_challenge(
            who: T::AccountId,
            job_id: JobId,
            commitment: [u8; 32],
        ) -> DispatchResult {
            let job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
            ensure!(job.status == JobStatus::Claimed, Error::<T>::NotClaimed);
            let now = frame_system::Pallet::<T>::block_number();
            ensure!(now <= job.deadline, Error::<T>::ChallengeWindowClosed);
            ensure!(now < job.deadline, Error::<T>::CommitmentTooLate);
            ensure!(job.executor != who, Error::<T>::SelfChallenge);
            let mut commitments = Commitments::<T>::get(job_id);
            ensure!(
                !commitments.iter().any(|c| c.challenger == who),
                Error::<T>::AlreadyCommitted
            );
            commitments
                .try_push(Commitment {
                    challenger: who.clone(),
                    hash: commitment,
                    at: now,
                })
                .map_err(|_| Error::<T>::TooManyCommitments)?;
            T::Currency::hold(
                &HoldReason::ChallengeCommitment.into(),
                &who,
                T::CommitmentDeposit::get(),
            )
            .map_err(|_| Error::<T>::InsufficientBalance)?;
            Commitments::<T>::insert(job_id, commitments);
            Self::deposit_event(Event::ChallengeCommitted {
                job_id,
                challenger: who,
            });
            Ok(())
        }

        /// Settle the commitments of a claim that is no longer open to challenge: release the
        /// deposit of every commitment to `refutation` (the account, layer and inputs that
        /// refuted it; `None` if it was not refuted), burn the others. Returns the first
        /// account, in commitment order, that committed to the refutation before `now`.
        fn settle_commitments(
            job_id: JobId,
            refutation: Option<(u32, &[&[u8]])>,
        ) -> Option<T::AccountId> {
            let now = frame_system::Pallet::<T>::block_number();
            let deposit = T::CommitmentDeposit::get();
            let mut first = None;
            for c in Commitments::<T>::take(job_id) {
                let matches = refutation.is_some_and(|(layer, inputs)| {
                    c.hash
                        == vigil_engine::challenge_commitment(
                            &c.challenger.encode(),
                            job_id,
                            layer,
                            inputs,
                        )
                });
                if matches {
                    let released = T::Currency::release(
                        &HoldReason::ChallengeCommitment.into(),
                        &c.challenger,
                        deposit,
                        Precision::BestEffort,
                    )
                    .unwrap_or_else(|_| Zero::zero());
                    frame_support::defensive_assert!(released == deposit, "held in full");
                    if first.is_none() && c.at < now {
                        first = Some(c.challenger);
                    }
                } else {
                    Self::slash_and_reward(
                        HoldReason::ChallengeCommitment,
                        &c.challenger,
                        deposit,
                        SlashReason::UnmatchedCommitment,
                        None,
                        Zero::zero(),
                    );
                }
            }
            first
        }

        /// The weight of a challenge of a layer of `cost` units in a model of `model_len` bytes.
        ///
        /// Operators do different work per cost unit: a dense layer a multiply-accumulate, a
        /// softmax or a logistic a fixed-point exponential per element. The dispute is charged
        /// for the costliest of the benchmarked classes at that cost, so no layer of a registered
        /// model is re-executed for less than it weighs.
        pub fn challenge_weight(cost: u64, model_len: u32) -> Weight {
            let k = cost_to_k(cost);
            T::WeightInfo::challenge(k)
                .max(T::WeightInfo::challenge_softmax(k))
                .max(T::WeightInfo::challenge_logistic(k))
                .max(T::WeightInfo::challenge_tanh(k))
                .saturating_add(T::WeightInfo::load_model(model_len.div_ceil(1024)))
        }

        /// Put `job_id` in the settlement bucket of `at`, or of the first later block with room
        /// (at most [`queue::SPILL_BLOCKS`] later). Returns the block used.
        pub(crate) fn schedule(
            job_id: JobId,
            at: BlockNumberFor<T>,
        ) -> Result<BlockNumberFor<T>, Error<T>> {
            queue::schedule::<T, queue::Settlement>(job_id, at)
        }

        /// Queue a job that just settled for removal `SettledRetention` blocks from now, and
        /// record that block in its `settle_at`. Should every bucket in reach be full, the job is
        /// kept (`settle_at` = the largest block number) rather than the settlement refused.
        fn retire(job_id: JobId, job: &mut JobOf<T>) {
            let at = frame_system::Pallet::<T>::block_number()
                .saturating_add(T::SettledRetention::get());
            job.settle_at = match queue::schedule::<T, queue::Expiry>(job_id, at) {
                Ok(block) => block,
                Err(_) => {
                    log::warn!(target: "runtime::inference", "job {job_id} kept: expiry queue full");
                    <BlockNumberFor<T> as sp_runtime::traits::Bounded>::max_value()
                }
            };
        }

        /// The job's model's id, counted as no longer used by this job.
        fn close_job(job: &JobOf<T>) {
            OpenJobsPerModel::<T>::mutate_exists(job.model_id, |n| {
                let left = n.unwrap_or(0).saturating_sub(1);
                *n = if left == 0 { None } else { Some(left) };
            });
        }

        /// The storage deposit of a job on `model`: the base, plus every byte the job and its
        /// claim keep on chain (input, output, one hash per layer) at `JobDepositPerByte`.
        pub fn job_deposit(model: &pallet_models::ModelSummary) -> BalanceOf<T> {
            let bytes = u64::from(model.input_len)
                .saturating_add(u64::from(model.output_len))
                .saturating_add(32u64.saturating_mul(u64::from(model.layer_count)));
            let bytes = u32::try_from(bytes).unwrap_or(u32::MAX);
            T::JobDepositPerByte::get()
                .saturating_mul(bytes.into())
                .saturating_add(T::JobDepositBase::get())
        }

        /// Submit and assign a job. Returns its id and how many executors were examined.
        pub fn do_submit_job(
            who: T::AccountId,
            model_id: ModelId,
            input: Vec<u8>,
            fee: BalanceOf<T>,
            collateral: BalanceOf<T>,
        ) -> Result<(JobId, u32), DispatchError> {
            let model = T::Models::summary(&model_id).ok_or(Error::<T>::UnknownModel)?;
            let input: BoundedVec<u8, T::MaxInputBytes> =
                input.try_into().map_err(|_| Error::<T>::InputTooLarge)?;
            ensure!(
                input.len() as u32 == model.input_len,
                Error::<T>::WrongInputLength
            );
            ensure!(fee >= T::MinJobFee::get(), Error::<T>::FeeTooLow);
            ensure!(
                collateral >= T::MinJobCollateral::get(),
                Error::<T>::CollateralTooLow
            );
            let terms = market::JobTerms::<T> {
                model: &model_id,
                fee,
                collateral,
            };
            let (executor, scanned) = Self::select_executor(&terms, None);
            let executor = executor.ok_or(Error::<T>::NoExecutorAvailable)?;

            T::Currency::hold(&HoldReason::JobFee.into(), &who, fee)
                .map_err(|_| Error::<T>::InsufficientBalance)?;
            let deposit = Self::job_deposit(&model);
            T::Currency::hold(&HoldReason::StorageDeposit.into(), &who, deposit)
                .map_err(|_| Error::<T>::InsufficientBalance)?;
            let job_id = NextJobId::<T>::get();
            let claim_deadline =
                frame_system::Pallet::<T>::block_number().saturating_add(T::ClaimTimeout::get());
            let settle_at = Self::schedule(job_id, claim_deadline.saturating_add(One::one()))?;
            NextJobId::<T>::put(job_id.saturating_add(1));
            Self::lock_collateral(&executor, collateral);
            OpenJobsPerModel::<T>::mutate(model_id, |n| n.saturating_inc());
            Jobs::<T>::insert(
                job_id,
                Job {
                    model_id,
                    requester: who.clone(),
                    executor: executor.clone(),
                    fee,
                    collateral,
                    deposit,
                    input,
                    status: JobStatus::Assigned,
                    deadline: claim_deadline,
                    settle_at,
                    reassignments: 0,
                },
            );
            Self::deposit_event(Event::JobSubmitted {
                job_id,
                model_id,
                requester: who,
                executor,
                fee,
                collateral,
                claim_deadline,
            });
            Ok((job_id, scanned))
        }

        /// Record the claim of `job_id` by `who`.
        pub fn do_post_claim(
            who: T::AccountId,
            job_id: JobId,
            output: Vec<u8>,
            trace: Vec<[u8; 32]>,
        ) -> DispatchResult {
            let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
            ensure!(job.executor == who, Error::<T>::NotAssignedExecutor);
            ensure!(
                job.status == JobStatus::Assigned,
                Error::<T>::ClaimAlreadyPosted
            );
            let now = frame_system::Pallet::<T>::block_number();
            ensure!(now <= job.deadline, Error::<T>::ClaimDeadlinePassed);
            let model = T::Models::summary(&job.model_id).ok_or(Error::<T>::UnknownModel)?;
            ensure!(
                output.len() as u32 == model.output_len,
                Error::<T>::WrongOutputLength
            );
            ensure!(
                trace.len() as u32 == model.layer_count,
                Error::<T>::WrongTraceLength
            );
            ensure!(
                trace.last() == Some(&vigil_engine::hash_activation(vigil_engine::as_i8(&output))),
                Error::<T>::OutputHashMismatch
            );
            let output: BoundedVec<u8, T::MaxOutputBytes> = output
                .try_into()
                .map_err(|_| Error::<T>::WrongOutputLength)?;
            let trace: BoundedVec<[u8; 32], T::MaxLayers> =
                trace.try_into().map_err(|_| Error::<T>::WrongTraceLength)?;

            let challenge_deadline = now.saturating_add(ChallengeWindowBlocks::<T>::get());
            let settle_at = Self::schedule(job_id, challenge_deadline.saturating_add(One::one()))?;
            if !T::AuditProbability::get().is_zero() {
                queue::schedule::<T, queue::Audits>(job_id, now.saturating_add(One::one()))?;
            }
            job.status = JobStatus::Claimed;
            job.deadline = challenge_deadline;
            job.settle_at = settle_at;
            Jobs::<T>::insert(job_id, job);
            Claims::<T>::insert(
                job_id,
                Claim {
                    output,
                    trace,
                    posted_at: now,
                },
            );
            Self::deposit_event(Event::ClaimPosted {
                job_id,
                executor: who,
                challenge_deadline,
            });
            Ok(())
        }

        /// Pay the executor of a claimed job and unlock its collateral.
        pub(crate) fn do_finalize(job_id: JobId, mut job: JobOf<T>) -> DispatchResult {
            // The claim stood: no commitment was to a refutation.
            Self::settle_commitments(job_id, None);
            let to_watcher = Self::settle_audit(job_id, &job, true)?;
            let fee = job.fee.saturating_sub(to_watcher);
            T::Currency::transfer_on_hold(
                &HoldReason::JobFee.into(),
                &job.requester,
                &job.executor,
                fee,
                Precision::BestEffort,
                Restriction::Free,
                Fortitude::Force,
            )?;
            Self::unlock_collateral(&job.executor, job.collateral);
            Self::close_job(&job);
            job.status = JobStatus::Finalized;
            Self::retire(job_id, &mut job);
            let executor = job.executor.clone();
            Jobs::<T>::insert(job_id, job);
            Self::deposit_event(Event::ClaimFinalized {
                job_id,
                executor,
                fee,
            });
            Ok(())
        }

        /// Slash `amount` of `who`'s hold for `reason`, pay `reward` of it to `beneficiary` and
        /// the rest to `OnSlash`. Returns what was slashed.
        pub(crate) fn slash_and_reward(
            hold: HoldReason,
            who: &T::AccountId,
            amount: BalanceOf<T>,
            slash_reason: SlashReason,
            beneficiary: Option<&T::AccountId>,
            reward: BalanceOf<T>,
        ) -> BalanceOf<T> {
            Self::slash_reward_and_compensate(
                hold,
                who,
                amount,
                slash_reason,
                beneficiary,
                reward,
                None,
            )
        }

        /// [`Self::slash_and_reward`], paying also `compensation` (a requester, its job and its
        /// share of what was slashed) before the rest goes to `OnSlash`.
        fn slash_reward_and_compensate(
            hold: HoldReason,
            who: &T::AccountId,
            amount: BalanceOf<T>,
            slash_reason: SlashReason,
            beneficiary: Option<&T::AccountId>,
            reward: BalanceOf<T>,
            compensation: Option<(&T::AccountId, JobId, Perbill)>,
        ) -> BalanceOf<T> {
            let (credit, _missing) = T::Currency::slash(&hold.into(), who, amount);
            let slashed = credit.peek();
            let (to_pay, rest) = credit.split(reward);
            let rest = match compensation {
                Some((requester, job_id, share)) => {
                    let (to_requester, rest) = rest.split(share * slashed);
                    let amount = to_requester.peek();
                    if !amount.is_zero() {
                        match T::Currency::resolve(requester, to_requester) {
                            Ok(()) => Self::deposit_event(Event::RequesterCompensated {
                                job_id,
                                requester: requester.clone(),
                                amount,
                            }),
                            Err(unpaid) => T::OnSlash::on_unbalanced(unpaid),
                        }
                    }
                    rest
                }
                None => rest,
            };
            let paid = to_pay.peek();
            let mut rewarded = Zero::zero();
            match beneficiary {
                Some(b) if !paid.is_zero() => match T::Currency::resolve(b, to_pay) {
                    Ok(()) => rewarded = paid,
                    Err(unpaid) => T::OnSlash::on_unbalanced(unpaid),
                },
                _ => T::OnSlash::on_unbalanced(to_pay),
            }
            T::OnSlash::on_unbalanced(rest);
            Self::deposit_event(Event::Slashed {
                who: who.clone(),
                amount: slashed,
                reason: slash_reason,
                beneficiary: beneficiary.cloned(),
                rewarded,
            });
            slashed
        }

        /// Slash the silent executor of an assigned job; reassign the job or refund it.
        pub(crate) fn do_timeout(job_id: JobId, mut job: JobOf<T>) {
            let now = frame_system::Pallet::<T>::block_number();
            let silent = job.executor.clone();
            let slashed = Self::slash_and_reward(
                HoldReason::ExecutorBond,
                &silent,
                job.collateral,
                SlashReason::MissedDeadline,
                None,
                Zero::zero(),
            );
            Executors::<T>::mutate(&silent, |info| {
                if let Some(info) = info {
                    info.bond = info.bond.saturating_sub(slashed);
                }
            });
            Self::unlock_collateral(&silent, job.collateral);
            Self::suspend(&silent);

            if job.reassignments < T::MaxReassignments::get() {
                let terms = market::JobTerms::<T> {
                    model: &job.model_id,
                    fee: job.fee,
                    collateral: job.collateral,
                };
                if let (Some(next), _) = Self::select_executor(&terms, Some(&silent)) {
                    let claim_deadline = now.saturating_add(T::ClaimTimeout::get());
                    if let Ok(settle_at) =
                        Self::schedule(job_id, claim_deadline.saturating_add(One::one()))
                    {
                        Self::lock_collateral(&next, job.collateral);
                        job.executor = next.clone();
                        job.deadline = claim_deadline;
                        job.settle_at = settle_at;
                        job.reassignments.saturating_inc();
                        Jobs::<T>::insert(job_id, job);
                        Self::deposit_event(Event::JobReassigned {
                            job_id,
                            from: silent,
                            to: next,
                            claim_deadline,
                        });
                        return;
                    }
                }
            }

            let refunded = T::Currency::release(
                &HoldReason::JobFee.into(),
                &job.requester,
                job.fee,
                Precision::BestEffort,
            )
            .unwrap_or_else(|_| Zero::zero());
            frame_support::defensive_assert!(refunded == job.fee, "the fee was held in full");
            Self::close_job(&job);
            job.status = JobStatus::TimedOut;
            Self::retire(job_id, &mut job);
            let requester = job.requester.clone();
            Jobs::<T>::insert(job_id, job);
            Self::deposit_event(Event::JobTimedOut {
                job_id,
                requester,
                refunded,
            });
        }

        /// Settle one queued job if it is still due at `bucket`. Returns whether work was done.
        fn settle_one(job_id: JobId, bucket: BlockNumberFor<T>) -> bool {
            let Some(job) = Jobs::<T>::get(job_id) else {
                return false;
            };
            if job.settle_at != bucket {
                // Rescheduled: a later bucket holds the job.
                return false;
            }
            match job.status {
                JobStatus::Assigned => {
                    Self::do_timeout(job_id, job);
                    true
                }
                JobStatus::Claimed => {
                    if let Err(e) = Self::do_finalize(job_id, job) {
                        log::error!(target: "runtime::inference", "finalizing job {job_id} failed: {e:?}");
                    }
                    true
                }
                _ => false,
            }
        }

        /// Settle the jobs whose deadlines passed, oldest bucket first, within the per-block
        /// budget; leave the rest at the cursor for the next block.
        pub(crate) fn settle_due(now: BlockNumberFor<T>) -> Weight {
            queue::process_due::<T, queue::Settlement>(
                now,
                T::MaxSettlementsPerBlock::get(),
                T::WeightInfo::settle_job(),
                Self::settle_one,
            )
        }

        /// Remove one settled job and its claim if it is due at `bucket`. Returns whether it was
        /// removed.
        fn expire_one(job_id: JobId, bucket: BlockNumberFor<T>) -> bool {
            match Jobs::<T>::get(job_id) {
                Some(job) if !job.status.is_open() && job.settle_at == bucket => {
                    let released = T::Currency::release(
                        &HoldReason::StorageDeposit.into(),
                        &job.requester,
                        job.deposit,
                        Precision::BestEffort,
                    )
                    .unwrap_or_else(|_| Zero::zero());
                    frame_support::defensive_assert!(
                        released == job.deposit,
                        "the storage deposit was held in full"
                    );
                    Jobs::<T>::remove(job_id);
                    Claims::<T>::remove(job_id);
                    true
                }
                _ => false,
            }
        }

        /// Remove the settled jobs (and claims) whose retention ended, oldest first, within the
        /// per-block budget.
        pub(crate) fn expire_due(now: BlockNumberFor<T>) -> Weight {
            queue::process_due::<T, queue::Expiry>(
                now,
                T::MaxSettlementsPerBlock::get(),
                T::WeightInfo::expire_job(),
                Self::expire_one,
            )
        }

        /// Adjudicate a challenge by `who`. Returns the disputed layer's cost and the model's
        /// length, for the weight.
        pub fn do_challenge(
            who: T::AccountId,
            job_id: JobId,
            layer: u32,
            layer_inputs: Vec<Vec<u8>>,
        ) -> Result<(u64, u32), DispatchError> {
            use crate::adjudication::{check_inputs_committed, verdict, Rejection};

            let limits = T::Models::limits();
            ensure!(
                layer_inputs.len() as u64 <= limits.max_layer_inputs as u64,
                Error::<T>::TooManyLayerInputs
            );
            ensure!(
                layer_inputs
                    .iter()
                    .all(|input| input.len() as u64 <= limits.max_activation_bytes as u64),
                Error::<T>::LayerInputTooLarge
            );
            let mut job = Jobs::<T>::get(job_id).ok_or(Error::<T>::UnknownJob)?;
            ensure!(job.status == JobStatus::Claimed, Error::<T>::NotClaimed);
            ensure!(
                frame_system::Pallet::<T>::block_number() <= job.deadline,
                Error::<T>::ChallengeWindowClosed
            );
            ensure!(job.executor != who, Error::<T>::SelfChallenge);
            let claim = Claims::<T>::get(job_id).ok_or(Error::<T>::NotClaimed)?;
            let summary = T::Models::summary(&job.model_id).ok_or(Error::<T>::UnknownModel)?;
            let model = T::Models::load(&job.model_id).ok_or(Error::<T>::UnknownModel)?;
            let layer_index = layer as usize;
            let cost = summary
                .layer_costs
                .get(layer_index)
                .ok_or(Error::<T>::NoSuchLayer)?
                .total();
            // The challenger's bond is held before any work: an account without it cannot make
            // the chain hash inputs or re-execute a layer. Should the challenge be refused below,
            // the whole call is reverted, this hold with it.
            let bond = T::ChallengerBond::get();
            T::Currency::hold(&HoldReason::ChallengerBond.into(), &who, bond)
                .map_err(|_| Error::<T>::InsufficientChallengerBond)?;

            let inputs: Vec<&[u8]> = layer_inputs.iter().map(|i| &i[..]).collect();
            let input_hash = vigil_engine::hash_activation(vigil_engine::as_i8(&job.input));
            let rejection = |r: Rejection| match r {
                Rejection::NoSuchLayer => Error::<T>::NoSuchLayer,
                Rejection::WrongInputCount => Error::<T>::WrongLayerInputCount,
                Rejection::InputNotCommitted(_) => Error::<T>::LayerInputNotCommitted,
                Rejection::Engine(_) => Error::<T>::LayerInputInvalid,
            };
            check_inputs_committed(&model, layer_index, &inputs, &input_hash, &claim.trace)
                .map_err(rejection)?;
            let outcome = verdict(&model, layer_index, &inputs, &claim.trace[layer_index])
                .map_err(rejection)?;

            if outcome.executor_was_wrong() {
                // The reward goes to the first account that committed to this refutation in an
                // earlier block, which need not be the one revealing it; without one, nobody is
                // rewarded and the reward is burned with the rest.
                let rewarded = Self::settle_commitments(job_id, Some((layer, &inputs)));
                let slashed = Self::slash_reward_and_compensate(
                    HoldReason::ExecutorBond,
                    &job.executor,
                    job.collateral,
                    SlashReason::FalseClaim,
                    rewarded.as_ref(),
                    T::ChallengerReward::get(),
                    Some((&job.requester, job_id, T::RequesterCompensation::get())),
                );
                Executors::<T>::mutate(&job.executor, |info| {
                    if let Some(info) = info {
                        info.bond = info.bond.saturating_sub(slashed);
                    }
                });
                Self::unlock_collateral(&job.executor, job.collateral);
                Self::settle_audit(job_id, &job, false)?;
                T::Currency::release(
                    &HoldReason::ChallengerBond.into(),
                    &who,
                    bond,
                    Precision::BestEffort,
                )?;
                T::Currency::release(
                    &HoldReason::JobFee.into(),
                    &job.requester,
                    job.fee,
                    Precision::BestEffort,
                )?;
                Self::close_job(&job);
                job.status = JobStatus::Refuted;
                Self::retire(job_id, &mut job);
                Jobs::<T>::insert(job_id, job);
            } else {
                // The revealer's own commitment, if any, was to a false refutation.
                let mut commitments = Commitments::<T>::get(job_id);
                let before = commitments.len();
                commitments.retain(|c| c.challenger != who);
                if commitments.len() != before {
                    Self::slash_and_reward(
                        HoldReason::ChallengeCommitment,
                        &who,
                        T::CommitmentDeposit::get(),
                        SlashReason::UnmatchedCommitment,
                        None,
                        Zero::zero(),
                    );
                    if commitments.is_empty() {
                        Commitments::<T>::remove(job_id);
                    } else {
                        Commitments::<T>::insert(job_id, commitments);
                    }
                }
                let compensation = T::FalseChallengeCompensation::get() * bond;
                Self::slash_and_reward(
                    HoldReason::ChallengerBond,
                    &who,
                    bond,
                    SlashReason::FalseChallenge,
                    Some(&job.executor),
                    compensation,
                );
            }
            Self::deposit_event(Event::DisputeResolved {
                job_id,
                layer,
                challenger: who,
                executor_was_wrong: outcome.executor_was_wrong(),
            });
            Ok((cost, summary.byte_len))
        }

        /// Check the pallet's invariants (see the module docs).
        #[cfg(any(feature = "try-runtime", feature = "std"))]
        pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
            use alloc::collections::btree_map::BTreeMap;
            let mut open_per_executor: BTreeMap<T::AccountId, u32> = BTreeMap::new();
            let mut locked_per_executor: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
            let mut audits_per_watcher: BTreeMap<T::AccountId, u32> = BTreeMap::new();
            for (job_id, audit) in Audits::<T>::iter() {
                ensure!(
                    Jobs::<T>::get(job_id).is_some_and(|j| j.status == JobStatus::Claimed),
                    "only claims open to challenge have audits"
                );
                ensure!(
                    Claims::<T>::get(job_id)
                        .is_some_and(|c| (audit.layer as usize) < c.trace.len()),
                    "an audit's layer is one of its claim's"
                );
                *audits_per_watcher.entry(audit.watcher).or_default() += 1;
            }
            for (who, info) in Watchers::<T>::iter() {
                ensure!(
                    T::Currency::balance_on_hold(&HoldReason::WatcherStake.into(), &who)
                        == info.stake,
                    "a watcher's WatcherStake hold equals its recorded stake"
                );
                ensure!(
                    info.open_audits == audits_per_watcher.remove(&who).unwrap_or(0),
                    "a watcher's open_audits counts its audits"
                );
            }
            ensure!(
                audits_per_watcher.is_empty(),
                "every audit's watcher is registered"
            );
            let watchers = WatcherList::<T>::get();
            for (i, who) in watchers.iter().enumerate() {
                ensure!(
                    Watchers::<T>::get(who).is_some_and(|w| w.unbonding_at.is_none()),
                    "the watcher list holds registered watchers that are not unbonding"
                );
                ensure!(
                    !watchers[..i].contains(who),
                    "the watcher list has no duplicates"
                );
            }
            let audit_cursor = AuditCursor::<T>::get();
            for block in AuditQueue::<T>::iter_keys() {
                ensure!(
                    audit_cursor.is_some_and(|c| c <= block),
                    "no audit bucket sits behind the audit cursor"
                );
            }
            let mut fees: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
            let mut per_model: BTreeMap<ModelId, u32> = BTreeMap::new();
            let cursor = SettlementCursor::<T>::get();
            let expiry_cursor = ExpiryCursor::<T>::get();
            let next_job_id = NextJobId::<T>::get();
            let mut committed: BTreeMap<T::AccountId, u32> = BTreeMap::new();
            for (job_id, list) in Commitments::<T>::iter() {
                ensure!(
                    Jobs::<T>::get(job_id).is_some_and(|j| j.status == JobStatus::Claimed),
                    "only claims open to challenge have commitments"
                );
                for c in list {
                    *committed.entry(c.challenger).or_default() += 1;
                }
            }
            let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
            for (id, claim) in Claims::<T>::iter() {
                let job = Jobs::<T>::get(id);
                ensure!(job.is_some(), "every claim has its job");
                ensure!(
                    claim.trace.last()
                        == Some(&vigil_engine::hash_activation(vigil_engine::as_i8(
                            &claim.output
                        ))),
                    "a claim's last trace entry is the hash of its output"
                );
                if let Some(model) = job.and_then(|job| T::Models::summary(&job.model_id)) {
                    ensure!(
                        claim.trace.len() as u32 == model.layer_count,
                        "a claim's trace has one hash per layer of its model"
                    );
                    ensure!(
                        claim.output.len() as u32 == model.output_len,
                        "a claim's output has its model's output length"
                    );
                }
            }
            for (id, job) in Jobs::<T>::iter() {
                ensure!(id < next_job_id, "NextJobId is above every job id");
                let deposit = deposits
                    .entry(job.requester.clone())
                    .or_insert_with(Zero::zero);
                *deposit = deposit.saturating_add(job.deposit);
                if !job.status.is_open() {
                    ensure!(
                        job.settle_at
                            == <BlockNumberFor<T> as sp_runtime::traits::Bounded>::max_value()
                            || ExpiryQueue::<T>::get(job.settle_at).contains(&id)
                                && expiry_cursor.is_some_and(|c| c <= job.settle_at),
                        "every settled job is queued for removal at its settle_at block"
                    );
                    continue;
                }
                *open_per_executor.entry(job.executor.clone()).or_default() += 1;
                let locked = locked_per_executor
                    .entry(job.executor.clone())
                    .or_insert_with(Zero::zero);
                *locked = locked.saturating_add(job.collateral);
                ensure!(
                    job.collateral >= T::MinJobCollateral::get(),
                    "every open job's collateral is at least MinJobCollateral"
                );
                let fee = fees.entry(job.requester.clone()).or_insert_with(Zero::zero);
                *fee = fee.saturating_add(job.fee);
                *per_model.entry(job.model_id).or_default() += 1;
                ensure!(
                    T::Models::summary(&job.model_id).is_some(),
                    "every open job's model is registered"
                );
                ensure!(
                    SettlementQueue::<T>::get(job.settle_at).contains(&id),
                    "every open job is queued for settlement at its settle_at block"
                );
                ensure!(
                    cursor.is_some_and(|c| c <= job.settle_at),
                    "every open job is queued at or after the settlement cursor"
                );
                ensure!(
                    job.settle_at > job.deadline,
                    "a job settles after its deadline"
                );
                ensure!(
                    (job.status == JobStatus::Claimed) == Claims::<T>::contains_key(id)
                        || job.status == JobStatus::Assigned && !Claims::<T>::contains_key(id),
                    "a claimed job has a claim and an assigned job has none"
                );
            }
            for (who, info) in Executors::<T>::iter() {
                ensure!(
                    T::Currency::balance_on_hold(&HoldReason::ExecutorBond.into(), &who)
                        == info.bond,
                    "an executor's ExecutorBond hold equals its recorded bond"
                );
                let open = open_per_executor.remove(&who).unwrap_or(0);
                ensure!(
                    info.open_jobs == open,
                    "an executor's open_jobs counts its open jobs"
                );
                ensure!(
                    info.locked == locked_per_executor.remove(&who).unwrap_or_else(Zero::zero),
                    "an executor's locked collateral is the sum of its open jobs' collaterals"
                );
                ensure!(
                    info.locked <= info.bond,
                    "an executor's locked collateral is within its bond"
                );
                ensure!(
                    T::Currency::balance_on_hold(&HoldReason::ChallengerBond.into(), &who)
                        .is_zero(),
                    "no challenger bond is held between blocks"
                );
            }
            ensure!(
                open_per_executor.is_empty(),
                "every open job's executor is registered"
            );
            let list = ExecutorList::<T>::get();
            for (i, who) in list.iter().enumerate() {
                ensure!(
                    Executors::<T>::get(who).is_some_and(|i| i.unbonding_at.is_none()),
                    "the executor list holds registered executors that are not unbonding"
                );
                ensure!(
                    !list[..i].contains(who),
                    "the executor list has no duplicates"
                );
            }
            // Holds of accounts that are neither executors nor requesters with open jobs.
            for who in frame_system::Account::<T>::iter_keys() {
                if !Watchers::<T>::contains_key(&who) {
                    ensure!(
                        T::Currency::balance_on_hold(&HoldReason::WatcherStake.into(), &who)
                            .is_zero(),
                        "only watchers have a WatcherStake hold"
                    );
                }
                if !Executors::<T>::contains_key(&who) {
                    ensure!(
                        T::Currency::balance_on_hold(&HoldReason::ExecutorBond.into(), &who)
                            .is_zero(),
                        "only executors have an ExecutorBond hold"
                    );
                }
                ensure!(
                    T::Currency::balance_on_hold(&HoldReason::ChallengeCommitment.into(), &who)
                        == T::CommitmentDeposit::get()
                            .saturating_mul(committed.get(&who).copied().unwrap_or(0).into()),
                    "a challenger's ChallengeCommitment hold is one deposit per commitment"
                );
                ensure!(
                    T::Currency::balance_on_hold(&HoldReason::StorageDeposit.into(), &who)
                        == deposits.get(&who).copied().unwrap_or_else(Zero::zero),
                    "a requester's StorageDeposit hold equals the deposits of its jobs kept"
                );
                if !fees.contains_key(&who) {
                    ensure!(
                        T::Currency::balance_on_hold(&HoldReason::JobFee.into(), &who).is_zero(),
                        "only requesters with open jobs have a JobFee hold"
                    );
                }
                ensure!(
                    T::Currency::balance_on_hold(&HoldReason::ChallengerBond.into(), &who)
                        .is_zero(),
                    "no challenger bond is held between blocks"
                );
            }
            for block in SettlementQueue::<T>::iter_keys() {
                ensure!(
                    cursor.is_some_and(|c| c <= block),
                    "no settlement bucket sits behind the settlement cursor"
                );
            }
            for block in ExpiryQueue::<T>::iter_keys() {
                ensure!(
                    expiry_cursor.is_some_and(|c| c <= block),
                    "no expiry bucket sits behind the expiry cursor"
                );
            }
            for (who, total) in fees {
                ensure!(
                    T::Currency::balance_on_hold(&HoldReason::JobFee.into(), &who) == total,
                    "a requester's JobFee hold equals the sum of its open jobs' fees"
                );
                ensure!(
                    T::Currency::balance_on_hold(&HoldReason::ChallengerBond.into(), &who)
                        .is_zero(),
                    "no challenger bond is held between blocks"
                );
            }
            for (model, n) in OpenJobsPerModel::<T>::iter() {
                ensure!(
                    per_model.remove(&model) == Some(n),
                    "OpenJobsPerModel counts open jobs"
                );
            }
            ensure!(
                per_model.is_empty(),
                "every model with open jobs is counted"
            );
            Ok(())
        }
    }
}
