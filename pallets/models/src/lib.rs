//! # Models pallet
//!
//! The registry of the models Vigil can run. A model is stored on chain as its canonical bytes
//! (the `vigil-engine` format); nothing about it is taken on trust: when it is registered the
//! runtime decodes and validates it with the engine and computes, itself, its id, its layer count,
//! the length of its input and output tensors and the cost of every layer.
//!
//! ## Glossary
//!
//! - *Model id* ([`ModelId`]): `blake2-256` of the model's canonical bytes
//!   ([`vigil_engine::model_id`]). Registering the same bytes twice is refused.
//! - *Model info* ([`ModelInfo`]): what the runtime computed about a model; read by clients and
//!   by the inference pallet without decoding the model again.
//! - *Layer cost* ([`LayerCostInfo`]): multiply-accumulates and bytes touched by one layer. A
//!   layer costlier than [`Config::MaxLayerCost`] is refused, so that re-executing any one layer
//!   in a dispute fits in a block.
//! - *Limits* ([`ModelLimits`]): everything a model may ask of the chain. They are this pallet's
//!   constants and nowhere else: the pallets that run models read them through
//!   [`ModelRegistry::limits`], and check in their `integrity_test` that their own storage bounds
//!   hold whatever the registry accepts.
//!
//! ## What the registry refuses, and why
//!
//! A model is registered by anyone, so a model may be hostile: built so that an honest executor
//! cannot answer it, or so that a lie about it cannot be disputed. The registry refuses, each with
//! a named error and with nothing stored or held:
//!
//! - a model longer than [`Config::MaxModelBytes`] ([`Error::ModelTooLarge`]), malformed
//!   ([`Error::ModelMalformed`]) or deeper than [`Config::MaxLayers`] ([`Error::TooManyLayers`]);
//! - an input larger than a job may carry, [`Config::MaxInputBytes`]
//!   ([`Error::InputTooLarge`]);
//! - an output larger than a claim may carry, [`Config::MaxOutputBytes`]
//!   ([`Error::OutputTooLarge`]): otherwise the executor's claim could never be posted and the
//!   executor would be slashed for missing its deadline;
//! - a layer that reads more activations than a challenge carries, [`Config::MaxLayerInputs`]
//!   ([`Error::TooManyLayerInputs`]), or an activation read by a layer that is larger than a
//!   challenge input, [`Config::MaxActivationBytes`] ([`Error::ActivationTooLarge`]): otherwise a
//!   lie on that layer could not be challenged and would stand;
//! - a layer whose re-execution in a dispute would not fit the weight a challenge may use,
//!   [`Config::MaxLayerCost`] ([`Error::LayerTooHeavy`]).
//! - *Deposit*: `ModelDepositBase + ModelDepositPerByte × len`, held from the owner with the hold
//!   reason [`HoldReason::ModelDeposit`] for as long as the model is stored.
//!
//! ## Calls
//!
//! - [`Pallet::register_model`]: validate, measure, store, hold the deposit, emit
//!   [`Event::ModelRegistered`]. A malformed, oversized, too deep, too heavy or duplicate model is
//!   refused with a named error and nothing is stored or held.
//! - [`Pallet::remove_model`]: by the owner, only when no open job uses the model
//!   ([`ModelUsage`]); deletes the model and releases the deposit.
//!
//! ## Storage (readable by clients)
//!
//! - [`Models`]: `ModelId → ModelInfo` (owner, deposit, byte length, layer count, input and output
//!   lengths, per-layer costs).
//! - [`ModelBytes`]: `ModelId → bytes`, the canonical encoding, for executors and challengers
//!   to download.
//!
//! Invariants (checked by `try_state`): every [`Models`] entry has a [`ModelBytes`] entry and
//! vice versa; the owner's held deposit is at least the deposit recorded for its models, and the
//! sum of deposits of each owner equals its balance on hold for [`HoldReason::ModelDeposit`].

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use pallet::*;
pub use weights::WeightInfo;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{pallet_prelude::*, traits::fungible};
use scale_info::TypeInfo;

/// A model's id: blake2-256 of its canonical bytes.
pub type ModelId = [u8; 32];

/// The balance type of the pallet's currency.
pub type BalanceOf<T> =
    <<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// The cost of one layer, as computed by the engine.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Encode,
    Decode,
    DecodeWithMemTracking,
    TypeInfo,
    MaxEncodedLen,
)]
pub struct LayerCostInfo {
    /// Multiply-accumulate operations.
    pub macs: u64,
    /// Bytes read and written (inputs, constants, output).
    pub bytes: u64,
}

impl LayerCostInfo {
    /// `macs + bytes`, the one number weights are linear in.
    pub fn total(&self) -> u64 {
        self.macs.saturating_add(self.bytes)
    }
}

/// What the runtime computed about a registered model.
#[derive(
    Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxLayers))]
pub struct ModelInfo<AccountId, Balance, MaxLayers: Get<u32>> {
    /// Who registered the model and whose deposit is held.
    pub owner: AccountId,
    /// The deposit held from `owner`.
    pub deposit: Balance,
    /// Length of the model's canonical bytes.
    pub byte_len: u32,
    /// Number of layers; a claim's trace has this many hashes.
    pub layer_count: u32,
    /// Bytes of the model's input tensor.
    pub input_len: u32,
    /// Bytes of the model's output tensor.
    pub output_len: u32,
    /// The cost of every layer, in order.
    pub layer_costs: BoundedVec<LayerCostInfo, MaxLayers>,
}

/// The [`ModelInfo`] of a runtime.
pub type ModelInfoOf<T> =
    ModelInfo<<T as frame_system::Config>::AccountId, BalanceOf<T>, <T as Config>::MaxLayers>;

/// Everything a registered model may ask of the chain: the registry refuses any model beyond these,
/// and the pallets that run models size their storage and calls from them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelLimits {
    /// Longest canonical encoding of a model.
    pub max_model_bytes: u32,
    /// Most layers of a model (the length of a claim's trace).
    pub max_layers: u32,
    /// Most cost units (`macs + bytes`) of one layer.
    pub max_layer_cost: u64,
    /// Largest input tensor, in bytes (what a job carries).
    pub max_input_bytes: u32,
    /// Largest output tensor, in bytes (what a claim carries).
    pub max_output_bytes: u32,
    /// Most activations one layer reads (what a challenge carries).
    pub max_layer_inputs: u32,
    /// Largest activation a layer reads, in bytes (one input of a challenge).
    pub max_activation_bytes: u32,
}

/// Tells the registry whether a model is in use, so that it is not removed under an open job.
pub trait ModelUsage {
    /// Number of jobs not yet settled that use `model`.
    fn open_jobs(model: &ModelId) -> u32;
}

impl ModelUsage for () {
    fn open_jobs(_: &ModelId) -> u32 {
        0
    }
}

#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use alloc::vec::Vec;
    use frame_support::traits::{fungible::MutateHold, tokens::Precision};
    use frame_system::pallet_prelude::*;
    use sp_runtime::traits::Saturating;

    #[pallet::pallet]
    pub struct Pallet<T>(_);

    /// Reasons for which this pallet holds funds.
    #[pallet::composite_enum]
    pub enum HoldReason {
        /// The deposit for a stored model.
        ModelDeposit,
    }

    #[pallet::config]
    pub trait Config: frame_system::Config {
        /// The overarching event type.
        #[allow(deprecated)]
        type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

        /// The currency deposits are held in.
        type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

        /// The overarching hold reason.
        type RuntimeHoldReason: From<HoldReason>;

        /// The largest model, in bytes of its canonical encoding.
        #[pallet::constant]
        type MaxModelBytes: Get<u32>;

        /// The most layers a model may have.
        #[pallet::constant]
        type MaxLayers: Get<u32>;

        /// The most a layer may cost (`macs + bytes`), so that a dispute fits in a block.
        #[pallet::constant]
        type MaxLayerCost: Get<u64>;

        /// The largest input tensor of a model, in bytes: what a job may carry.
        #[pallet::constant]
        type MaxInputBytes: Get<u32>;

        /// The largest output tensor of a model, in bytes: what a claim may carry.
        #[pallet::constant]
        type MaxOutputBytes: Get<u32>;

        /// The most activations one layer may read: what a challenge may carry.
        #[pallet::constant]
        type MaxLayerInputs: Get<u32>;

        /// The largest activation a layer may read, in bytes: one input of a challenge.
        #[pallet::constant]
        type MaxActivationBytes: Get<u32>;

        /// The fixed part of a model's deposit.
        #[pallet::constant]
        type ModelDepositBase: Get<BalanceOf<Self>>;

        /// The deposit per byte of model.
        #[pallet::constant]
        type ModelDepositPerByte: Get<BalanceOf<Self>>;

        /// Who tells whether a model is used by open jobs.
        type ModelUsage: ModelUsage;

        /// Weights of this pallet's calls.
        type WeightInfo: WeightInfo;
    }

    /// What the runtime computed about every registered model.
    #[pallet::storage]
    pub type Models<T: Config> = StorageMap<_, Identity, ModelId, ModelInfoOf<T>, OptionQuery>;

    /// The canonical bytes of every registered model.
    #[pallet::storage]
    pub type ModelBytes<T: Config> =
        StorageMap<_, Identity, ModelId, BoundedVec<u8, T::MaxModelBytes>, OptionQuery>;

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A model was validated, measured and stored.
        ModelRegistered {
            model_id: ModelId,
            owner: T::AccountId,
            layer_count: u32,
            byte_len: u32,
            deposit: BalanceOf<T>,
        },
        /// A model was removed and its deposit released.
        ModelRemoved {
            model_id: ModelId,
            owner: T::AccountId,
            deposit: BalanceOf<T>,
        },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The model is longer than `MaxModelBytes`.
        ModelTooLarge,
        /// The engine could not decode or validate the model (not canonical, bad shapes, ...).
        ModelMalformed,
        /// The model has more than `MaxLayers` layers.
        TooManyLayers,
        /// A layer costs more than `MaxLayerCost`: a dispute over it would not fit in a block.
        LayerTooHeavy,
        /// The model's input is larger than `MaxInputBytes`: no job could carry it.
        InputTooLarge,
        /// The model's output is larger than `MaxOutputBytes`: no claim could carry it.
        OutputTooLarge,
        /// A layer reads more than `MaxLayerInputs` activations: no challenge could carry them.
        TooManyLayerInputs,
        /// A layer reads an activation larger than `MaxActivationBytes`: no challenge could carry
        /// it.
        ActivationTooLarge,
        /// A model with the same id is already registered.
        ModelAlreadyRegistered,
        /// The owner cannot afford the deposit.
        InsufficientDeposit,
        /// No model with this id is registered.
        UnknownModel,
        /// Only the model's owner can remove it.
        NotModelOwner,
        /// Open jobs still use the model.
        ModelInUse,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn integrity_test() {
            assert!(T::MaxLayers::get() > 0, "MaxLayers must be positive");
            assert!(
                T::MaxModelBytes::get() > 0,
                "MaxModelBytes must be positive"
            );
            assert!(
                T::MaxLayerInputs::get() > 0,
                "MaxLayerInputs must be positive"
            );
            assert!(
                T::MaxActivationBytes::get() >= T::MaxInputBytes::get(),
                "MaxActivationBytes >= MaxInputBytes: the model's input is a challenge input"
            );
        }

        #[cfg(feature = "try-runtime")]
        fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
            Self::do_try_state()
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Register a model from its canonical bytes, holding a deposit per byte. The weight is
        /// linear in the model's size in KiB (benchmark `register_model(n)`).
        ///
        /// Emits [`Event::ModelRegistered`].
        #[pallet::call_index(0)]
        #[pallet::weight(T::WeightInfo::register_model((bytes.len() as u32).div_ceil(1024)))]
        pub fn register_model(origin: OriginFor<T>, bytes: Vec<u8>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_register_model(who, bytes).map(|_| ())
        }

        /// Remove a model nobody uses and release its deposit. Only the owner may.
        ///
        /// Emits [`Event::ModelRemoved`].
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::remove_model())]
        pub fn remove_model(origin: OriginFor<T>, model_id: ModelId) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::do_remove_model(who, model_id)
        }
    }

    impl<T: Config> Pallet<T> {
        /// The deposit for a model of `len` bytes.
        pub fn deposit_for(len: u32) -> BalanceOf<T> {
            T::ModelDepositPerByte::get()
                .saturating_mul(len.into())
                .saturating_add(T::ModelDepositBase::get())
        }

        /// Validate, measure and store a model; hold its deposit from `who`.
        pub fn do_register_model(
            who: T::AccountId,
            bytes: Vec<u8>,
        ) -> Result<ModelId, DispatchError> {
            // Guards: size, validity, shape limits, novelty, funds.
            let bytes: BoundedVec<u8, T::MaxModelBytes> =
                bytes.try_into().map_err(|_| Error::<T>::ModelTooLarge)?;
            let model =
                vigil_engine::decode_model(&bytes).map_err(|_| Error::<T>::ModelMalformed)?;
            let layer_count = model.layer_count();
            ensure!(
                layer_count <= T::MaxLayers::get() as usize,
                Error::<T>::TooManyLayers
            );
            Self::ensure_servable(&model)?;
            let layer_costs: Vec<LayerCostInfo> = (0..layer_count)
                .map(|i| {
                    let c = model.layer_cost(i);
                    LayerCostInfo {
                        macs: c.macs,
                        bytes: c.bytes,
                    }
                })
                .collect();
            ensure!(
                layer_costs
                    .iter()
                    .all(|c| c.total() <= T::MaxLayerCost::get()),
                Error::<T>::LayerTooHeavy
            );
            let model_id = vigil_engine::model_id(&bytes);
            ensure!(
                !Models::<T>::contains_key(model_id),
                Error::<T>::ModelAlreadyRegistered
            );
            let byte_len = bytes.len() as u32;
            let deposit = Self::deposit_for(byte_len);

            // Effects.
            T::Currency::hold(&HoldReason::ModelDeposit.into(), &who, deposit)
                .map_err(|_| Error::<T>::InsufficientDeposit)?;
            let info = ModelInfo {
                owner: who.clone(),
                deposit,
                byte_len,
                layer_count: layer_count as u32,
                input_len: model.input_len() as u32,
                output_len: model.output_len() as u32,
                layer_costs: layer_costs
                    .try_into()
                    .expect("layer_count <= MaxLayers was checked above; qed"),
            };
            Models::<T>::insert(model_id, info);
            ModelBytes::<T>::insert(model_id, bytes);

            Self::deposit_event(Event::ModelRegistered {
                model_id,
                owner: who,
                layer_count: layer_count as u32,
                byte_len,
                deposit,
            });
            Ok(model_id)
        }

        /// The limits every registered model is within.
        pub fn limits() -> ModelLimits {
            ModelLimits {
                max_model_bytes: T::MaxModelBytes::get(),
                max_layers: T::MaxLayers::get(),
                max_layer_cost: T::MaxLayerCost::get(),
                max_input_bytes: T::MaxInputBytes::get(),
                max_output_bytes: T::MaxOutputBytes::get(),
                max_layer_inputs: T::MaxLayerInputs::get(),
                max_activation_bytes: T::MaxActivationBytes::get(),
            }
        }

        /// Refuse a model that could not be served or disputed within the chain's limits: its
        /// input must fit a job, its output a claim, and what every layer reads a challenge.
        pub fn ensure_servable(model: &vigil_engine::ValidatedModel) -> DispatchResult {
            let input_len = model.input_len() as u64;
            ensure!(
                input_len <= T::MaxInputBytes::get() as u64,
                Error::<T>::InputTooLarge
            );
            ensure!(
                model.output_len() as u64 <= T::MaxOutputBytes::get() as u64,
                Error::<T>::OutputTooLarge
            );
            for layer in 0..model.layer_count() {
                let reads = model.layer_inputs(layer);
                ensure!(
                    reads.len() as u64 <= T::MaxLayerInputs::get() as u64,
                    Error::<T>::TooManyLayerInputs
                );
                for &id in reads {
                    // Bytes, as a challenge carries them (two per int16 element).
                    let len = model.activation_len(id) as u64;
                    ensure!(
                        len <= T::MaxActivationBytes::get() as u64,
                        Error::<T>::ActivationTooLarge
                    );
                }
            }
            Ok(())
        }

        /// Remove an unused model of `who` and release its deposit.
        pub fn do_remove_model(who: T::AccountId, model_id: ModelId) -> DispatchResult {
            let info = Models::<T>::get(model_id).ok_or(Error::<T>::UnknownModel)?;
            ensure!(info.owner == who, Error::<T>::NotModelOwner);
            ensure!(
                T::ModelUsage::open_jobs(&model_id) == 0,
                Error::<T>::ModelInUse
            );

            let released = T::Currency::release(
                &HoldReason::ModelDeposit.into(),
                &who,
                info.deposit,
                Precision::BestEffort,
            )?;
            frame_support::defensive_assert!(
                released == info.deposit,
                "the deposit was held in full"
            );
            Models::<T>::remove(model_id);
            ModelBytes::<T>::remove(model_id);

            Self::deposit_event(Event::ModelRemoved {
                model_id,
                owner: who,
                deposit: info.deposit,
            });
            Ok(())
        }

        /// The info of a registered model.
        pub fn model_info(model_id: &ModelId) -> Option<ModelInfoOf<T>> {
            Models::<T>::get(model_id)
        }

        /// Decode a registered model for execution. Registered bytes were validated when they
        /// were stored and the engine is deterministic, so this only fails for unknown ids.
        pub fn load(model_id: &ModelId) -> Option<vigil_engine::ValidatedModel> {
            let bytes = ModelBytes::<T>::get(model_id)?;
            vigil_engine::decode_model(&bytes).ok()
        }

        /// Check the pallet's invariants.
        #[cfg(any(feature = "try-runtime", feature = "std"))]
        pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
            use alloc::collections::btree_map::BTreeMap;
            use frame_support::traits::fungible::InspectHold;
            use sp_runtime::traits::Zero;
            let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
            for (id, info) in Models::<T>::iter() {
                ensure!(
                    ModelBytes::<T>::contains_key(id),
                    "every registered model has its bytes stored"
                );
                ensure!(
                    info.layer_costs.len() as u32 == info.layer_count,
                    "a model records one cost per layer"
                );
                let entry = deposits
                    .entry(info.owner.clone())
                    .or_insert_with(Zero::zero);
                *entry = entry.saturating_add(info.deposit);
            }
            for id in ModelBytes::<T>::iter_keys() {
                ensure!(
                    Models::<T>::contains_key(id),
                    "stored model bytes belong to a registered model"
                );
            }
            for (who, total) in deposits {
                ensure!(
                    T::Currency::balance_on_hold(&HoldReason::ModelDeposit.into(), &who) == total,
                    "an owner's ModelDeposit hold equals the sum of its models' deposits"
                );
            }
            Ok(())
        }
    }
}

/// What another pallet needs to know about a registered model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelSummary {
    /// Number of layers.
    pub layer_count: u32,
    /// Bytes of the input tensor.
    pub input_len: u32,
    /// Bytes of the output tensor.
    pub output_len: u32,
    /// Length of the model's canonical bytes.
    pub byte_len: u32,
    /// The cost of every layer.
    pub layer_costs: alloc::vec::Vec<LayerCostInfo>,
}

/// Read access to the model registry, for the pallets that run models.
pub trait ModelRegistry {
    /// What the runtime computed about `model`, if registered.
    fn summary(model: &ModelId) -> Option<ModelSummary>;
    /// The model, decoded and validated, if registered.
    fn load(model: &ModelId) -> Option<vigil_engine::ValidatedModel>;
    /// The limits every registered model is within.
    fn limits() -> ModelLimits;
    /// Register a model for a benchmark, without a deposit.
    #[cfg(feature = "runtime-benchmarks")]
    fn register_for_benchmark(bytes: alloc::vec::Vec<u8>) -> ModelId;
}

impl<T: Config> ModelRegistry for Pallet<T> {
    fn summary(model: &ModelId) -> Option<ModelSummary> {
        Models::<T>::get(model).map(|info| ModelSummary {
            layer_count: info.layer_count,
            input_len: info.input_len,
            output_len: info.output_len,
            byte_len: info.byte_len,
            layer_costs: info.layer_costs.into_inner(),
        })
    }

    fn load(model: &ModelId) -> Option<vigil_engine::ValidatedModel> {
        Pallet::<T>::load(model)
    }

    fn limits() -> ModelLimits {
        Pallet::<T>::limits()
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn register_for_benchmark(bytes: alloc::vec::Vec<u8>) -> ModelId {
        let model = vigil_engine::decode_model(&bytes).expect("benchmark models are valid");
        let id = vigil_engine::model_id(&bytes);
        let info = ModelInfo {
            owner: frame_benchmarking::account("model-owner", 0, 0),
            deposit: sp_runtime::traits::Zero::zero(),
            byte_len: bytes.len() as u32,
            layer_count: model.layer_count() as u32,
            input_len: model.input_len() as u32,
            output_len: model.output_len() as u32,
            layer_costs: (0..model.layer_count())
                .map(|i| {
                    let c = model.layer_cost(i);
                    LayerCostInfo {
                        macs: c.macs,
                        bytes: c.bytes,
                    }
                })
                .collect::<alloc::vec::Vec<_>>()
                .try_into()
                .expect("benchmark models fit MaxLayers"),
        };
        Models::<T>::insert(id, info);
        ModelBytes::<T>::insert(
            id,
            BoundedVec::try_from(bytes)
                .map_err(|_| ())
                .expect("benchmark models fit MaxModelBytes"),
        );
        id
    }
}
