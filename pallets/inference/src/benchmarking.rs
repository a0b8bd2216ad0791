//! Benchmarks of `pallet_inference`.
//!
//! The dispute is measured on a one-layer dense model of 512 inputs and `k` units, whose cost
//! (`macs + bytes`) grows linearly with `k`; the pallet charges `challenge(cost / 1024)`, which
//! over-estimates dense layers (about 1.5 × 1024 cost units per unit of `k`).

use super::*;
use crate::Pallet as Inference;
use alloc::{vec, vec::Vec};
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get, Hooks};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::{One, Saturating, Zero};
use vigil_engine::{as_i8, as_u8, hash_activation, testing};

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
    let who: T::AccountId = account(name, index, 0);
    let amount = T::MinExecutorBond::get()
        .saturating_mul(100u32.into())
        .saturating_add(T::MinJobCollateral::get().saturating_mul(100u32.into()));
    T::Currency::set_balance(&who, amount);
    who
}

fn executor<T: Config>(index: u32) -> T::AccountId {
    let who = funded::<T>("executor", index);
    Inference::<T>::register_executor(
        RawOrigin::Signed(who.clone()).into(),
        T::MinExecutorBond::get(),
    )
    .expect("a funded account can register");
    who
}

fn watcher<T: Config>(index: u32) -> T::AccountId {
    let who = funded::<T>("watcher", index);
    Inference::<T>::register_watcher(
        RawOrigin::Signed(who.clone()).into(),
        T::MinWatcherStake::get(),
    )
    .expect("a funded account can register");
    who
}

/// A registered one-layer dense model of `depth` inputs and `units` outputs.
fn dense_model<T: Config>(depth: u32, units: u32) -> (ModelId, vigil_engine::ValidatedModel) {
    let bytes =
        testing::single_dense(u64::from(depth) << 32 | u64::from(units), depth, units).encode();
    let model = vigil_engine::decode_model(&bytes).expect("a valid model");
    (T::Models::register_for_benchmark(bytes), model)
}

fn input_for(model: &vigil_engine::ValidatedModel) -> Vec<u8> {
    (0..model.input_len())
        .map(|i| (i as u8).wrapping_mul(31))
        .collect()
}

fn submit<T: Config>(model: ModelId, input: Vec<u8>) -> JobId {
    let requester = funded::<T>("requester", 0);
    Inference::<T>::do_submit_job(
        requester,
        model,
        input,
        T::MinJobFee::get(),
        T::MinJobCollateral::get(),
    )
    .expect("an executor is available")
    .0
}

/// A job on the one-layer `model`, claimed falsely (every output byte zero) by a registered
/// executor; returns the job and its input (the input of layer 0).
fn false_claim_on<T: Config>(model: vigil_engine::Model) -> (JobId, Vec<u8>) {
    let who = executor::<T>(0);
    let bytes = model.encode();
    let model = vigil_engine::decode_model(&bytes).expect("a valid model");
    let model_id = T::Models::register_for_benchmark(bytes);
    let input = input_for(&model);
    let job = submit::<T>(model_id, input.clone());
    let output = vec![0u8; model.output_len()];
    let mut trace = model.run(as_i8(&input)).unwrap().trace;
    *trace.last_mut().unwrap() = hash_activation(as_i8(&output));
    Inference::<T>::do_post_claim(who, job, output, trace).unwrap();
    (job, input)
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn register_executor() {
        for i in 1..T::MaxExecutors::get() {
            executor::<T>(i);
        }
        let who = funded::<T>("executor", 0);

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), T::MinExecutorBond::get());

        assert!(Executors::<T>::contains_key(&who));
    }

    #[benchmark]
    fn unregister_executor() {
        for i in 1..T::MaxExecutors::get() {
            executor::<T>(i);
        }
        let who = executor::<T>(0);

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));

        assert!(Executors::<T>::get(&who).unwrap().unbonding_at.is_some());
    }

    #[benchmark]
    fn withdraw_bond() {
        let who = executor::<T>(0);
        Inference::<T>::unregister_executor(RawOrigin::Signed(who.clone()).into()).unwrap();
        let at = frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingDelay::get());
        frame_system::Pallet::<T>::set_block_number(at);

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));

        assert!(!Executors::<T>::contains_key(&who));
    }

    /// `e`: executors examined before one with free collateral is found.
    #[benchmark]
    fn submit_job(e: Linear<1, { T::MaxExecutors::get() }>) {
        let executors: Vec<T::AccountId> = (0..e).map(executor::<T>).collect();
        for busy in &executors[..executors.len() - 1] {
            Executors::<T>::mutate(busy, |i| {
                let i = i.as_mut().unwrap();
                i.locked = i.bond;
            });
        }
        NextExecutor::<T>::put(0);
        let (model_id, model) = dense_model::<T>(16, 16);
        let input = input_for(&model);
        let requester = funded::<T>("requester", 0);

        #[extrinsic_call]
        _(
            RawOrigin::Signed(requester),
            model_id,
            input,
            T::MinJobFee::get(),
            T::MinJobCollateral::get(),
        );

        let job = Jobs::<T>::get(0).expect("submitted");
        assert!(&job.executor == executors.last().unwrap());
    }

    /// `n`: KiB of the claimed output, which the call hashes (a `PAD` model whose output is `n`
    /// KiB).
    #[benchmark]
    fn post_claim(n: Linear<1, { T::MaxOutputBytes::get() / 1024 }>) {
        let who = executor::<T>(0);
        let bytes = testing::pad_to_width(n * 1024).encode();
        let model = vigil_engine::decode_model(&bytes).expect("a valid model");
        let model_id = T::Models::register_for_benchmark(bytes);
        let input = input_for(&model);
        let job = submit::<T>(model_id, input.clone());
        let exec = model.run(as_i8(&input)).unwrap();

        #[extrinsic_call]
        _(
            RawOrigin::Signed(who),
            job,
            as_u8(&exec.output).to_vec(),
            exec.trace,
        );

        assert!(Claims::<T>::contains_key(job));
    }

    #[benchmark]
    fn finalize_claim() {
        let who = executor::<T>(0);
        let (model_id, model) = dense_model::<T>(16, 16);
        let input = input_for(&model);
        let job = submit::<T>(model_id, input.clone());
        let exec = model.run(as_i8(&input)).unwrap();
        Inference::<T>::do_post_claim(who.clone(), job, as_u8(&exec.output).to_vec(), exec.trace)
            .unwrap();
        let deadline = Jobs::<T>::get(job).unwrap().deadline;
        frame_system::Pallet::<T>::set_block_number(deadline.saturating_add(One::one()));
        let caller = funded::<T>("caller", 0);

        #[extrinsic_call]
        _(RawOrigin::Signed(caller), job);

        assert!(Jobs::<T>::get(job).unwrap().status == JobStatus::Finalized);
    }

    /// `k`: units of the disputed dense layer (512 inputs); a false claim is refuted.
    #[benchmark]
    fn challenge(k: Linear<1, 256>) {
        let who = executor::<T>(0);
        let (model_id, model) = dense_model::<T>(512, k);
        let input = input_for(&model);
        let job = submit::<T>(model_id, input.clone());
        let output = vec![0u8; model.output_len()];
        let mut trace = model.run(as_i8(&input)).unwrap().trace;
        let false_hash = hash_activation(as_i8(&output));
        let lie = *trace.last().unwrap() != false_hash;
        *trace.last_mut().unwrap() = false_hash;
        Inference::<T>::do_post_claim(who, job, output, trace).unwrap();
        let challenger = funded::<T>("challenger", 0);
        let inputs: Vec<Vec<u8>> = vec![input];

        #[extrinsic_call]
        _(RawOrigin::Signed(challenger), job, 0, inputs);

        if lie {
            assert!(Jobs::<T>::get(job).unwrap().status == JobStatus::Refuted);
        }
    }

    /// `k`: rows of 256 of a disputed `SOFTMAX` layer (1024 cost units each); a false claim is
    /// refuted. Per cost unit, softmax does far more work than a dense layer.
    #[benchmark]
    fn challenge_softmax(k: Linear<1, 64>) {
        let (job, input) = false_claim_on::<T>(testing::single_softmax(k, 256));
        let challenger = funded::<T>("challenger", 0);

        #[extrinsic_call]
        challenge(RawOrigin::Signed(challenger), job, 0, vec![input]);

        assert!(Jobs::<T>::get(job).unwrap().status == JobStatus::Refuted);
    }

    /// `k`: about 1024 cost units of a disputed `LOGISTIC` layer; a false claim is refuted.
    #[benchmark]
    fn challenge_logistic(k: Linear<1, 64>) {
        let elements = (1024 * k).div_ceil(3);
        let (job, input) = false_claim_on::<T>(testing::single_smooth(elements, false));
        let challenger = funded::<T>("challenger", 0);

        #[extrinsic_call]
        challenge(RawOrigin::Signed(challenger), job, 0, vec![input]);

        assert!(Jobs::<T>::get(job).unwrap().status == JobStatus::Refuted);
    }

    /// `k`: about 1024 cost units of a disputed `TANH` layer; a false claim is refuted.
    #[benchmark]
    fn challenge_tanh(k: Linear<1, 64>) {
        let elements = (1024 * k).div_ceil(3);
        let (job, input) = false_claim_on::<T>(testing::single_smooth(elements, true));
        let challenger = funded::<T>("challenger", 0);

        #[extrinsic_call]
        challenge(RawOrigin::Signed(challenger), job, 0, vec![input]);

        assert!(Jobs::<T>::get(job).unwrap().status == JobStatus::Refuted);
    }

    /// A commitment to a claim that already has all but one of `MaxCommitments`.
    #[benchmark]
    fn commit_challenge() {
        let who = executor::<T>(0);
        let (model_id, model) = dense_model::<T>(16, 16);
        let input = input_for(&model);
        let job = submit::<T>(model_id, input.clone());
        let run = model.run(as_i8(&input)).unwrap();
        Inference::<T>::do_post_claim(who, job, as_u8(&run.output).to_vec(), run.trace).unwrap();
        for i in 1..T::MaxCommitments::get() {
            let other = funded::<T>("committer", i);
            Inference::<T>::do_commit_challenge(other, job, [i as u8; 32]).unwrap();
        }
        let challenger = funded::<T>("challenger", 0);

        #[extrinsic_call]
        _(RawOrigin::Signed(challenger), job, [0u8; 32]);

        assert_eq!(
            Commitments::<T>::get(job).len() as u32,
            T::MaxCommitments::get()
        );
    }

    /// `n`: KiB of the model decoded for a dispute (a dense layer of 1000 inputs and `n` units).
    #[benchmark]
    fn load_model(n: Linear<1, { T::MaxModelBytes::get() / 1024 - 1 }>) {
        let (model_id, _) = dense_model::<T>(1000, n);

        #[block]
        {
            assert!(T::Models::load(&model_id).is_some());
        }
    }

    /// The heavier of the automatic settlements: a timeout slashing and suspending one executor
    /// and reassigning the job to another, found after examining every other executor (all but
    /// the last have no free collateral).
    #[benchmark]
    fn settle_job() {
        let silent = executor::<T>(0);
        let others: Vec<T::AccountId> = (1..T::MaxExecutors::get()).map(executor::<T>).collect();
        NextExecutor::<T>::put(0);
        let (model_id, model) = dense_model::<T>(16, 16);
        let job = submit::<T>(model_id, input_for(&model));
        for busy in &others[..others.len().saturating_sub(1)] {
            Executors::<T>::mutate(busy, |i| {
                let i = i.as_mut().unwrap();
                i.locked = i.bond;
            });
        }
        let settle_at: BlockNumberFor<T> = Jobs::<T>::get(job).unwrap().settle_at;
        frame_system::Pallet::<T>::set_block_number(settle_at);

        #[block]
        {
            Inference::<T>::on_initialize(settle_at);
        }

        assert!(Jobs::<T>::get(job).unwrap().executor != silent);
        // Leave the state consistent for the checks that follow a benchmark.
        for busy in &others[..others.len().saturating_sub(1)] {
            Executors::<T>::mutate(busy, |i| i.as_mut().unwrap().locked = Zero::zero());
        }
    }

    /// Removing a settled job and its claim when its retention ends.
    #[benchmark]
    fn expire_job() {
        let who = executor::<T>(0);
        let (model_id, model) = dense_model::<T>(16, 16);
        let input = input_for(&model);
        let job = submit::<T>(model_id, input.clone());
        let run = model.run(as_i8(&input)).unwrap();
        Inference::<T>::do_post_claim(who, job, as_u8(&run.output).to_vec(), run.trace).unwrap();
        let settle_at: BlockNumberFor<T> = Jobs::<T>::get(job).unwrap().settle_at;
        frame_system::Pallet::<T>::set_block_number(settle_at);
        Inference::<T>::on_initialize(settle_at);
        let expire_at: BlockNumberFor<T> = Jobs::<T>::get(job).unwrap().settle_at;
        frame_system::Pallet::<T>::set_block_number(expire_at);

        #[block]
        {
            Inference::<T>::expire_due(expire_at);
        }

        assert!(Jobs::<T>::get(job).is_none() && Claims::<T>::get(job).is_none());
    }

    /// `m`: models listed in the offer, each checked to be registered.
    #[benchmark]
    fn set_offer(m: Linear<0, { T::MaxOfferModels::get() }>) {
        let who = executor::<T>(0);
        let models: Vec<ModelId> = (0..m).map(|i| dense_model::<T>(16, 1 + i).0).collect();

        #[extrinsic_call]
        _(
            RawOrigin::Signed(who.clone()),
            T::MinJobFee::get(),
            sp_runtime::Perbill::from_percent(1),
            10,
            Some(models),
        );

        assert_eq!(Executors::<T>::get(&who).unwrap().offer.capacity, 10);
    }

    #[benchmark]
    fn register_watcher() {
        for i in 1..T::MaxWatchers::get() {
            watcher::<T>(i);
        }
        let who = funded::<T>("watcher", 0);

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()), T::MinWatcherStake::get());

        assert!(Watchers::<T>::contains_key(&who));
    }

    #[benchmark]
    fn unregister_watcher() {
        for i in 1..T::MaxWatchers::get() {
            watcher::<T>(i);
        }
        let who = watcher::<T>(0);

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));

        assert!(Watchers::<T>::get(&who).unwrap().unbonding_at.is_some());
    }

    #[benchmark]
    fn withdraw_watcher_stake() {
        let who = watcher::<T>(0);
        Inference::<T>::unregister_watcher(RawOrigin::Signed(who.clone()).into()).unwrap();
        let at = frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingDelay::get());
        frame_system::Pallet::<T>::set_block_number(at);

        #[extrinsic_call]
        _(RawOrigin::Signed(who.clone()));

        assert!(!Watchers::<T>::contains_key(&who));
    }

    /// `n`: KiB of the attested activation, which the call hashes (the output of a `PAD` layer
    /// of `n` KiB, audited directly).
    #[benchmark]
    fn attest(n: Linear<1, { T::Models::limits().max_activation_bytes / 1024 }>) {
        let executor = executor::<T>(0);
        let who = watcher::<T>(0);
        let bytes = testing::pad_to_width(n * 1024).encode();
        let model = vigil_engine::decode_model(&bytes).expect("a valid model");
        let model_id = T::Models::register_for_benchmark(bytes);
        let input = input_for(&model);
        let job = submit::<T>(model_id, input.clone());
        let exec = model.run(as_i8(&input)).unwrap();
        let activation = as_u8(&exec.output).to_vec();
        Inference::<T>::do_post_claim(executor, job, activation.clone(), exec.trace).unwrap();
        Audits::<T>::insert(
            job,
            Audit {
                watcher: who.clone(),
                layer: 0,
                attested: false,
            },
        );
        Watchers::<T>::mutate(&who, |w| w.as_mut().unwrap().open_audits = 1);

        #[extrinsic_call]
        _(RawOrigin::Signed(who), job, activation);

        assert!(Audits::<T>::get(job).unwrap().attested);
    }

    /// Drawing one claim's audit, with a seed that draws it, over a full watcher list.
    #[benchmark]
    fn draw_audit() {
        let executor = executor::<T>(0);
        for i in 0..T::MaxWatchers::get() {
            watcher::<T>(i);
        }
        let (model_id, model) = dense_model::<T>(16, 16);
        let input = input_for(&model);
        let job = submit::<T>(model_id, input.clone());
        let run = model.run(as_i8(&input)).unwrap();
        Inference::<T>::do_post_claim(executor, job, as_u8(&run.output).to_vec(), run.trace)
            .unwrap();
        let seed = (0u32..)
            .map(|i| i.encode())
            .find(|seed| {
                crate::audit::draw(seed, job, T::AuditProbability::get(), 1, 1).is_some()
                    || T::AuditProbability::get().is_zero()
            })
            .expect("some seed draws an audit");

        #[block]
        {
            Inference::<T>::draw_one(job, &seed);
        }

        assert!(T::AuditProbability::get().is_zero() || Audits::<T>::contains_key(job));
    }

    impl_benchmark_test_suite!(Inference, crate::mock::new_test_ext(), crate::mock::Test);
}
