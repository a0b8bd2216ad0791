//! The records the pallet stores: executors, jobs and claims.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
    pallet_prelude::*, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use pallet_models::ModelId;
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// A job's id: a counter.
pub type JobId = u64;

/// A registered executor's stake.
#[derive(
    CloneNoBound,
    DebugNoBound,
    PartialEqNoBound,
    EqNoBound,
    Encode,
    Decode,
    DecodeWithMemTracking,
    TypeInfo,
    MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxOfferModels))]
// The derives without bounds need the balance's traits on the type; they repeat them per field.
#[allow(clippy::multiple_bound_locations)]
pub struct ExecutorInfo<
    Balance: Clone + core::fmt::Debug + PartialEq + Eq,
    BlockNumber: Clone + core::fmt::Debug + PartialEq + Eq,
    MaxOfferModels: Get<u32>,
> {
    /// The bond held from the executor ([`crate::HoldReason::ExecutorBond`]).
    pub bond: Balance,
    /// The part of `bond` locked as collateral of open jobs: the sum of their collaterals.
    pub locked: Balance,
    /// Jobs assigned to the executor and not yet settled.
    pub open_jobs: u32,
    /// Set by `unregister_executor`: the block from which the bond can be withdrawn.
    pub unbonding_at: Option<BlockNumber>,
    /// What the executor takes on: which models, at what price, how many jobs at once.
    pub offer: Offer<Balance, MaxOfferModels>,
}

/// An executor's offer: the chain assigns it only jobs that match.
#[derive(
    CloneNoBound,
    DebugNoBound,
    PartialEqNoBound,
    EqNoBound,
    Encode,
    Decode,
    DecodeWithMemTracking,
    TypeInfo,
    MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxModels))]
#[allow(clippy::multiple_bound_locations)]
pub struct Offer<Balance: Clone + core::fmt::Debug + PartialEq + Eq, MaxModels: Get<u32>> {
    /// The least fee of a job, whatever its collateral.
    pub base_fee: Balance,
    /// On top of `base_fee`, this part of the collateral the job locks: the price of having
    /// collateral locked for a claim timeout and a challenge window.
    pub collateral_rate: Perbill,
    /// The most open jobs at once.
    pub capacity: u32,
    /// The models served; `None` serves every model.
    pub models: Option<BoundedVec<ModelId, MaxModels>>,
}

impl<Balance, MaxModels: Get<u32>> Offer<Balance, MaxModels>
where
    Balance: sp_runtime::traits::AtLeast32BitUnsigned + Copy + core::fmt::Debug,
{
    /// The least fee the offer takes for a job locking `collateral`.
    pub fn ask(&self, collateral: Balance) -> Balance {
        self.base_fee
            .saturating_add(self.collateral_rate.mul_ceil(collateral))
    }

    /// Whether the offer serves `model`.
    pub fn serves(&self, model: &ModelId) -> bool {
        self.models.as_ref().is_none_or(|m| m.contains(model))
    }
}

/// A registered watcher's stake.
#[derive(
    Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct WatcherInfo<Balance, BlockNumber> {
    /// The stake held from the watcher ([`crate::HoldReason::WatcherStake`]).
    pub stake: Balance,
    /// Audits assigned to the watcher and not yet settled.
    pub open_audits: u32,
    /// Set by `unregister_watcher`: the block from which the stake can be withdrawn.
    pub unbonding_at: Option<BlockNumber>,
}

/// An audit of a claim: `watcher` must show, by the end of the window, the activation of `layer`
/// that the claim's trace commits to.
#[derive(
    Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Audit<AccountId> {
    /// The watcher drawn to audit the claim.
    pub watcher: AccountId,
    /// The layer whose output the watcher must show.
    pub layer: u32,
    /// Whether the watcher showed it.
    pub attested: bool,
}

/// Where a job is in its lifecycle.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Encode,
    Decode,
    DecodeWithMemTracking,
    TypeInfo,
    MaxEncodedLen,
)]
pub enum JobStatus {
    /// Waiting for the assigned executor's claim until `Job::deadline`.
    Assigned,
    /// A claim is posted; challengeable until `Job::deadline`.
    Claimed,
    /// The window closed without a successful challenge: the executor was paid.
    Finalized,
    /// A challenge proved the claim false: the executor was slashed, the requester refunded.
    Refuted,
    /// No executor answered in time: the requester was refunded.
    TimedOut,
}

impl JobStatus {
    /// Whether the job still holds a fee and an executor's collateral.
    pub fn is_open(self) -> bool {
        matches!(self, JobStatus::Assigned | JobStatus::Claimed)
    }
}

/// An inference job.
#[derive(
    Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxInput))]
pub struct Job<AccountId, Balance, BlockNumber, MaxInput: Get<u32>> {
    /// The model to run.
    pub model_id: ModelId,
    /// Who pays.
    pub requester: AccountId,
    /// The executor assigned by the chain.
    pub executor: AccountId,
    /// The fee held from the requester ([`crate::HoldReason::JobFee`]).
    pub fee: Balance,
    /// The collateral the requester asked for, locked from the executor's bond while the job is
    /// open and slashed if the executor lies or stays silent.
    pub collateral: Balance,
    /// The storage deposit held from the requester ([`crate::HoldReason::StorageDeposit`]) for
    /// every byte the job and its claim keep on chain, released when they are removed.
    pub deposit: Balance,
    /// The input tensor, raw row-major int8 bytes.
    pub input: BoundedVec<u8, MaxInput>,
    /// Where the job is.
    pub status: JobStatus,
    /// `Assigned`: the last block at which the claim is accepted. `Claimed`: the last block at
    /// which a challenge is accepted.
    pub deadline: BlockNumber,
    /// Open job: the block whose settlement queue holds it (after `deadline`). Settled job: the
    /// block at which it and its claim are removed (see `SettledRetention`).
    pub settle_at: BlockNumber,
    /// How many times the job was reassigned after a silent executor.
    pub reassignments: u32,
}

/// An executor's answer to a job.
#[derive(
    Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxOutput, MaxLayers))]
pub struct Claim<BlockNumber, MaxOutput: Get<u32>, MaxLayers: Get<u32>> {
    /// The output tensor, raw row-major int8 bytes.
    pub output: BoundedVec<u8, MaxOutput>,
    /// One hash per layer: `hash_activation` of the layer's output. The last is the output's.
    pub trace: BoundedVec<[u8; 32], MaxLayers>,
    /// When the claim was posted.
    pub posted_at: BlockNumber,
}

/// Why funds were slashed.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Encode,
    Decode,
    DecodeWithMemTracking,
    TypeInfo,
    MaxEncodedLen,
)]
pub enum SlashReason {
    /// The executor posted no claim before its deadline.
    MissedDeadline,
    /// A challenge proved the executor's claim false.
    FalseClaim,
    /// The challenged layer was computed correctly: the challenger's bond.
    FalseChallenge,
    /// A commitment to something that refuted nothing: its deposit.
    UnmatchedCommitment,
    /// A watcher did not attest an audited claim within its window: part of its stake.
    MissedAudit,
}

/// A challenger's commitment to a refutation it will reveal with `challenge`
/// ([`vigil_engine::challenge_commitment`] of its account, the job, the layer and the inputs).
#[derive(
    Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Commitment<AccountId, BlockNumber> {
    /// Who committed; its `CommitmentDeposit` is held.
    pub challenger: AccountId,
    /// The commitment.
    pub hash: [u8; 32],
    /// The block that included it: only commitments from earlier blocks than a reveal count.
    pub at: BlockNumber,
}
