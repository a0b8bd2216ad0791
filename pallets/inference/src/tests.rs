//! Unit tests of the inference pallet, grouped by call.

use crate::{
    mock::*, Claims, Error, Event, ExecutorList, Executors, HoldReason, JobStatus, Jobs,
    SettlementQueue, SlashReason,
};
use frame_support::{
    assert_noop, assert_ok,
    traits::{
        fungible::{Inspect, InspectHold},
        Hooks,
    },
};
use pallet_models::ModelId;
use vigil_engine::{as_i8, as_u8, decode_model, hash_activation, testing::tiny_mlp};

const SEED: u64 = 5;
const FEE: Balance = 500;

fn held(reason: HoldReason, who: AccountId) -> Balance {
    Balances::balance_on_hold(&RuntimeHoldReason::Inference(reason), &who)
}

/// (free, held) of an account.
fn balances(who: AccountId) -> (Balance, Balance) {
    (
        Balances::balance(&who),
        Balances::total_balance_on_hold(&who),
    )
}

fn input() -> Vec<u8> {
    (0..16u8).map(|i| i.wrapping_mul(37)).collect()
}

/// The honest output, trace and per-layer activations of the test model on `input`.
fn honest(input: &[u8]) -> (Vec<u8>, Vec<[u8; 32]>, Vec<Vec<u8>>) {
    let model = decode_model(&codec::Encode::encode(&tiny_mlp(SEED))).unwrap();
    let mut acts = vec![input.to_vec()];
    let exec = model
        .run_with(as_i8(input), |_, out| acts.push(as_u8(out).to_vec()))
        .unwrap();
    (as_u8(&exec.output).to_vec(), exec.trace, acts)
}

fn register(who: AccountId, bond: Balance) {
    assert_ok!(Inference::register_executor(
        RuntimeOrigin::signed(who),
        bond
    ));
}

/// A model and one executor (EXEC1); returns the model id.
fn setup() -> ModelId {
    let model = register_tiny_model(SEED);
    register(EXEC1, MIN_BOND);
    model
}

fn submit(model: ModelId) -> u64 {
    let id = crate::NextJobId::<Test>::get();
    assert_ok!(Inference::submit_job(
        RuntimeOrigin::signed(REQUESTER),
        model,
        input(),
        FEE,
        COLLATERAL
    ));
    id
}

fn claim_honestly(job: u64) {
    let executor = Jobs::<Test>::get(job).unwrap().executor;
    let (output, trace, _) = honest(&input());
    assert_ok!(Inference::post_claim(
        RuntimeOrigin::signed(executor),
        job,
        output,
        trace
    ));
}

/// A claim whose layer 1 output (and so the output) is false.
fn claim_falsely(job: u64) {
    let executor = Jobs::<Test>::get(job).unwrap().executor;
    let (_, mut trace, _) = honest(&input());
    let output = vec![0u8; 4];
    trace[1] = [7; 32];
    trace[2] = hash_activation(as_i8(&output));
    assert_ok!(Inference::post_claim(
        RuntimeOrigin::signed(executor),
        job,
        output,
        trace
    ));
}

fn inputs_of(data: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    data
}

mod register_executor {
    use super::*;

    #[test]
    fn register_executor_works() {
        build_and_execute(|| {
            register(EXEC1, 2_000);
            assert_eq!(held(HoldReason::ExecutorBond, EXEC1), 2_000);
            assert_eq!(ExecutorList::<Test>::get().into_inner(), vec![EXEC1]);
            System::assert_last_event(
                Event::ExecutorRegistered {
                    executor: EXEC1,
                    bond: 2_000,
                }
                .into(),
            );
        });
    }

    #[test]
    fn register_executor_fails_if_already_registered() {
        build_and_execute(|| {
            register(EXEC1, MIN_BOND);
            assert_noop!(
                Inference::register_executor(RuntimeOrigin::signed(EXEC1), MIN_BOND),
                Error::<Test>::AlreadyExecutor
            );
        });
    }

    #[test]
    fn register_executor_fails_if_bond_too_low() {
        build_and_execute(|| {
            assert_noop!(
                Inference::register_executor(RuntimeOrigin::signed(EXEC1), MIN_BOND - 1),
                Error::<Test>::BondTooLow
            );
        });
    }

    #[test]
    fn register_executor_fails_if_too_many() {
        build_and_execute(|| {
            for who in [EXEC1, EXEC2, EXEC3, REQUESTER] {
                register(who, MIN_BOND);
            }
            assert_noop!(
                Inference::register_executor(RuntimeOrigin::signed(CHALLENGER), MIN_BOND),
                Error::<Test>::TooManyExecutors
            );
        });
    }

    #[test]
    fn register_executor_fails_without_funds() {
        build_and_execute(|| {
            assert_noop!(
                Inference::register_executor(RuntimeOrigin::signed(POOR), MIN_BOND),
                Error::<Test>::InsufficientBalance
            );
        });
    }
}

mod unregister_and_withdraw {
    use super::*;

    #[test]
    fn unregister_then_withdraw_works() {
        build_and_execute(|| {
            register(EXEC1, MIN_BOND);
            assert_ok!(Inference::unregister_executor(RuntimeOrigin::signed(EXEC1)));
            assert!(ExecutorList::<Test>::get().is_empty());
            System::assert_last_event(
                Event::ExecutorUnbonding {
                    executor: EXEC1,
                    withdrawable_at: 1 + UNBONDING,
                }
                .into(),
            );
            roll_to(1 + UNBONDING);
            assert_ok!(Inference::withdraw_bond(RuntimeOrigin::signed(EXEC1)));
            assert!(Executors::<Test>::get(EXEC1).is_none());
            assert_eq!(balances(EXEC1), (INITIAL, 0));
            System::assert_last_event(
                Event::ExecutorWithdrew {
                    executor: EXEC1,
                    amount: MIN_BOND,
                }
                .into(),
            );
        });
    }

    #[test]
    fn unregister_fails_if_not_executor() {
        build_and_execute(|| {
            assert_noop!(
                Inference::unregister_executor(RuntimeOrigin::signed(EXEC1)),
                Error::<Test>::NotExecutor
            );
        });
    }

    #[test]
    fn unregister_fails_if_already_unbonding() {
        build_and_execute(|| {
            register(EXEC1, MIN_BOND);
            assert_ok!(Inference::unregister_executor(RuntimeOrigin::signed(EXEC1)));
            assert_noop!(
                Inference::unregister_executor(RuntimeOrigin::signed(EXEC1)),
                Error::<Test>::AlreadyUnbonding
            );
        });
    }

    #[test]
    fn withdraw_fails_if_not_executor_or_not_unbonding() {
        build_and_execute(|| {
            assert_noop!(
                Inference::withdraw_bond(RuntimeOrigin::signed(EXEC1)),
                Error::<Test>::NotExecutor
            );
            register(EXEC1, MIN_BOND);
            assert_noop!(
                Inference::withdraw_bond(RuntimeOrigin::signed(EXEC1)),
                Error::<Test>::NotUnbonding
            );
        });
    }

    #[test]
    fn withdraw_fails_before_the_delay() {
        build_and_execute(|| {
            register(EXEC1, MIN_BOND);
            assert_ok!(Inference::unregister_executor(RuntimeOrigin::signed(EXEC1)));
            roll_to(UNBONDING);
            assert_noop!(
                Inference::withdraw_bond(RuntimeOrigin::signed(EXEC1)),
                Error::<Test>::UnbondingNotOver
            );
        });
    }

    #[test]
    fn withdraw_fails_with_open_jobs() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            assert_ok!(Inference::unregister_executor(RuntimeOrigin::signed(EXEC1)));
            // Pretend the job is still open at the end of the delay.
            Jobs::<Test>::mutate(job, |j| {
                let j = j.as_mut().unwrap();
                j.deadline = 1_000;
                SettlementQueue::<Test>::mutate(j.settle_at, |b| b.retain(|x| *x != job));
                j.settle_at = 1_001;
                SettlementQueue::<Test>::mutate(1_001, |b| b.try_push(job).unwrap());
            });
            roll_to(1 + UNBONDING);
            assert_noop!(
                Inference::withdraw_bond(RuntimeOrigin::signed(EXEC1)),
                Error::<Test>::ExecutorHasOpenJobs
            );
        });
    }
}

mod submit_job {
    use super::*;

    #[test]
    fn submit_job_works_and_assigns_round_robin() {
        build_and_execute(|| {
            let model = setup();
            register(EXEC2, MIN_BOND);
            let (j0, j1, j2) = (submit(model), submit(model), submit(model));
            let executors: Vec<_> = [j0, j1, j2]
                .iter()
                .map(|j| Jobs::<Test>::get(j).unwrap().executor)
                .collect();
            assert_eq!(executors, vec![EXEC1, EXEC2, EXEC1]);
            let job = Jobs::<Test>::get(j2).unwrap();
            assert_eq!(job.status, JobStatus::Assigned);
            assert_eq!(job.deadline, 1 + CLAIM_TIMEOUT);
            assert_eq!(held(HoldReason::JobFee, REQUESTER), 3 * FEE);
            assert_eq!(
                Executors::<Test>::get(EXEC1).unwrap().locked,
                2 * COLLATERAL
            );
            assert_eq!(crate::OpenJobsPerModel::<Test>::get(model), 3);
            System::assert_last_event(
                Event::JobSubmitted {
                    job_id: j2,
                    model_id: model,
                    requester: REQUESTER,
                    executor: EXEC1,
                    fee: FEE,
                    collateral: COLLATERAL,
                    claim_deadline: 1 + CLAIM_TIMEOUT,
                }
                .into(),
            );
        });
    }

    #[test]
    fn submit_job_skips_executors_without_free_collateral() {
        build_and_execute(|| {
            let model = setup();
            // EXEC1's bond covers 10 jobs.
            for _ in 0..10 {
                submit(model);
            }
            register(EXEC2, MIN_BOND);
            crate::NextExecutor::<Test>::put(0);
            let job = submit(model);
            assert_eq!(Jobs::<Test>::get(job).unwrap().executor, EXEC2);
        });
    }

    #[test]
    fn submit_job_fails_without_free_executor() {
        build_and_execute(|| {
            let model = register_tiny_model(SEED);
            assert_noop!(
                Inference::submit_job(
                    RuntimeOrigin::signed(REQUESTER),
                    model,
                    input(),
                    FEE,
                    COLLATERAL
                ),
                Error::<Test>::NoExecutorAvailable
            );
            register(EXEC1, MIN_BOND);
            for _ in 0..10 {
                submit(model);
            }
            assert_noop!(
                Inference::submit_job(
                    RuntimeOrigin::signed(REQUESTER),
                    model,
                    input(),
                    FEE,
                    COLLATERAL
                ),
                Error::<Test>::NoExecutorAvailable
            );
        });
    }

    #[test]
    fn submit_job_fails_for_bad_requests() {
        build_and_execute(|| {
            let model = setup();
            let signed = || RuntimeOrigin::signed(REQUESTER);
            assert_noop!(
                Inference::submit_job(signed(), [9; 32], input(), FEE, COLLATERAL),
                Error::<Test>::UnknownModel
            );
            assert_noop!(
                Inference::submit_job(signed(), model, vec![0; (1 << 16) + 1], FEE, COLLATERAL),
                Error::<Test>::InputTooLarge
            );
            assert_noop!(
                Inference::submit_job(signed(), model, vec![0; 15], FEE, COLLATERAL),
                Error::<Test>::WrongInputLength
            );
            assert_noop!(
                Inference::submit_job(signed(), model, input(), 0, COLLATERAL),
                Error::<Test>::FeeTooLow
            );
            assert_noop!(
                Inference::submit_job(RuntimeOrigin::signed(POOR), model, input(), FEE, COLLATERAL),
                Error::<Test>::InsufficientBalance
            );
        });
    }

    #[test]
    fn submit_job_fails_if_settlement_queue_full() {
        build_and_execute(|| {
            SettlementsPerBucket::set(1);
            let model = register_tiny_model(SEED);
            register(EXEC1, 20 * COLLATERAL);
            // One bucket and the 15 after it take one job each.
            for _ in 0..16 {
                submit(model);
            }
            assert_noop!(
                Inference::submit_job(
                    RuntimeOrigin::signed(REQUESTER),
                    model,
                    input(),
                    FEE,
                    COLLATERAL
                ),
                Error::<Test>::SettlementQueueFull
            );
            // The backlog drains, one job per bucket, nothing skipped.
            roll_to(1 + CLAIM_TIMEOUT + 16 + 1);
            assert!(Jobs::<Test>::iter_values().all(|j| j.status == JobStatus::TimedOut));
        });
    }

    #[test]
    fn a_model_in_use_cannot_be_removed() {
        build_and_execute(|| {
            let model = setup();
            submit(model);
            assert_noop!(
                Models::remove_model(RuntimeOrigin::signed(OWNER), model),
                pallet_models::Error::<Test>::ModelInUse
            );
        });
    }
}

mod post_claim {
    use super::*;

    #[test]
    fn post_claim_works() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            roll_to(3);
            claim_honestly(job);
            let j = Jobs::<Test>::get(job).unwrap();
            assert_eq!(j.status, JobStatus::Claimed);
            assert_eq!(j.deadline, 3 + WINDOW);
            assert_eq!(Claims::<Test>::get(job).unwrap().trace.len(), 3);
            System::assert_last_event(
                Event::ClaimPosted {
                    job_id: job,
                    executor: EXEC1,
                    challenge_deadline: 3 + WINDOW,
                }
                .into(),
            );
        });
    }

    #[test]
    fn the_genesis_challenge_window_is_used() {
        let mut t = new_test_ext();
        t.execute_with(|| {
            frame_support::traits::BuildGenesisConfig::build(&crate::GenesisConfig::<Test> {
                challenge_window: Some(3),
            });
            let model = setup();
            let job = submit(model);
            claim_honestly(job);
            assert_eq!(Jobs::<Test>::get(job).unwrap().deadline, 1 + 3);
            roll_to(5);
            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Finalized);
        });
    }

    #[test]
    #[should_panic(expected = "0 < challenge_window <= Config::ChallengeWindow")]
    fn a_genesis_window_above_the_maximum_is_refused() {
        new_test_ext().execute_with(|| {
            frame_support::traits::BuildGenesisConfig::build(&crate::GenesisConfig::<Test> {
                challenge_window: Some(WINDOW + 1),
            });
        });
    }

    #[test]
    fn post_claim_fails_for_bad_claims() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            let (output, trace, _) = honest(&input());
            let by = |who| RuntimeOrigin::signed(who);
            assert_noop!(
                Inference::post_claim(by(EXEC1), 99, output.clone(), trace.clone()),
                Error::<Test>::UnknownJob
            );
            assert_noop!(
                Inference::post_claim(by(EXEC2), job, output.clone(), trace.clone()),
                Error::<Test>::NotAssignedExecutor
            );
            assert_noop!(
                Inference::post_claim(by(EXEC1), job, vec![0; 5], trace.clone()),
                Error::<Test>::WrongOutputLength
            );
            assert_noop!(
                Inference::post_claim(by(EXEC1), job, output.clone(), trace[..2].to_vec()),
                Error::<Test>::WrongTraceLength
            );
            let mut bad = trace.clone();
            bad[2] = [0; 32];
            assert_noop!(
                Inference::post_claim(by(EXEC1), job, output.clone(), bad),
                Error::<Test>::OutputHashMismatch
            );
            assert_ok!(Inference::post_claim(
                by(EXEC1),
                job,
                output.clone(),
                trace.clone()
            ));
            assert_noop!(
                Inference::post_claim(by(EXEC1), job, output, trace),
                Error::<Test>::ClaimAlreadyPosted
            );
        });
    }

    #[test]
    fn post_claim_fails_after_the_deadline() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            // The settlement of the timeout is late (budget 0 would stall it): set the clock only.
            System::set_block_number(2 + CLAIM_TIMEOUT);
            let (output, trace, _) = honest(&input());
            assert_noop!(
                Inference::post_claim(RuntimeOrigin::signed(EXEC1), job, output, trace),
                Error::<Test>::ClaimDeadlinePassed
            );
        });
    }
}

mod finalization {
    use super::*;

    #[test]
    fn unchallenged_claims_finalize_automatically() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            claim_honestly(job);
            roll_to(1 + WINDOW);
            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Claimed);
            roll_to(2 + WINDOW);
            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Finalized);
            assert_eq!(balances(EXEC1), (INITIAL - MIN_BOND + FEE, MIN_BOND));
            assert_eq!(balances(REQUESTER), (INITIAL - FEE, 0));
            assert_eq!(Executors::<Test>::get(EXEC1).unwrap().locked, 0);
            System::assert_last_event(
                Event::ClaimFinalized {
                    job_id: job,
                    executor: EXEC1,
                    fee: FEE,
                }
                .into(),
            );
        });
    }

    #[test]
    fn finalize_claim_works_for_anyone_after_the_window() {
        build_and_execute(|| {
            SettlementsPerBlock::set(0);
            let model = setup();
            let job = submit(model);
            claim_honestly(job);
            System::set_block_number(2 + WINDOW);
            assert_ok!(Inference::finalize_claim(
                RuntimeOrigin::signed(CHALLENGER),
                job
            ));
            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Finalized);
            SettlementsPerBlock::set(4);
            // The queued entry is now stale and is dropped without paying twice.
            roll_to(3 + WINDOW);
            assert_eq!(balances(EXEC1).0, INITIAL - MIN_BOND + FEE);
        });
    }

    #[test]
    fn finalize_claim_fails_if_not_due() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            let by = RuntimeOrigin::signed(CHALLENGER);
            assert_noop!(
                Inference::finalize_claim(by.clone(), 99),
                Error::<Test>::UnknownJob
            );
            assert_noop!(
                Inference::finalize_claim(by.clone(), job),
                Error::<Test>::NotClaimed
            );
            claim_honestly(job);
            System::set_block_number(1 + WINDOW);
            assert_noop!(
                Inference::finalize_claim(by, job),
                Error::<Test>::ChallengeWindowOpen
            );
        });
    }

    #[test]
    fn many_windows_closing_together_all_finalize_in_order() {
        build_and_execute(|| {
            SettlementsPerBlock::set(2);
            let model = register_tiny_model(SEED);
            register(EXEC1, 10 * COLLATERAL);
            let jobs: Vec<u64> = (0..4).map(|_| submit(model)).collect();
            for &j in &jobs {
                claim_honestly(j);
            }
            // All four windows close at block 1 + WINDOW; two are settled per block.
            roll_to(2 + WINDOW);
            let done = |j: &u64| Jobs::<Test>::get(j).unwrap().status == JobStatus::Finalized;
            assert_eq!(jobs.iter().filter(|j| done(j)).count(), 2);
            assert!(done(&jobs[0]) && done(&jobs[1]));
            roll_to(3 + WINDOW);
            assert!(jobs.iter().all(done));
            assert_eq!(balances(EXEC1).0, INITIAL - 10 * COLLATERAL + 4 * FEE);
        });
    }
}

mod timeouts {
    use super::*;

    #[test]
    fn silent_executor_is_slashed_and_the_job_reassigned() {
        build_and_execute(|| {
            let model = setup();
            register(EXEC2, MIN_BOND);
            let job = submit(model);
            assert_eq!(Jobs::<Test>::get(job).unwrap().executor, EXEC1);
            roll_to(2 + CLAIM_TIMEOUT);
            let j = Jobs::<Test>::get(job).unwrap();
            assert_eq!(
                (j.executor, j.status, j.reassignments),
                (EXEC2, JobStatus::Assigned, 1)
            );
            assert_eq!(j.deadline, 2 + 2 * CLAIM_TIMEOUT);
            assert_eq!(
                Executors::<Test>::get(EXEC1).unwrap().bond,
                MIN_BOND - COLLATERAL
            );
            assert_eq!(Burned::get(), COLLATERAL);
            System::assert_has_event(
                Event::Slashed {
                    who: EXEC1,
                    amount: COLLATERAL,
                    reason: SlashReason::MissedDeadline,
                    beneficiary: None,
                    rewarded: 0,
                }
                .into(),
            );
            System::assert_has_event(Event::ExecutorSuspended { executor: EXEC1 }.into());
            assert_eq!(ExecutorList::<Test>::get().into_inner(), vec![EXEC2]);
            System::assert_last_event(
                Event::JobReassigned {
                    job_id: job,
                    from: EXEC1,
                    to: EXEC2,
                    claim_deadline: 2 + 2 * CLAIM_TIMEOUT,
                }
                .into(),
            );
            // The new executor answers and is paid.
            claim_honestly(job);
            roll_to(3 + 2 * CLAIM_TIMEOUT + WINDOW);
            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Finalized);
            assert_eq!(balances(EXEC2).0, INITIAL - MIN_BOND + FEE);
        });
    }

    /// A job never comes back to an executor that let it time out: A → B → refunded, not
    /// A → B → A.
    #[test]
    fn a_job_never_returns_to_an_executor_that_let_it_time_out() {
        build_and_execute(|| {
            let model = setup();
            register(EXEC2, MIN_BOND);
            let job = submit(model);
            roll_to(2 + CLAIM_TIMEOUT);
            assert_eq!(Jobs::<Test>::get(job).unwrap().executor, EXEC2);
            roll_to(3 + 2 * CLAIM_TIMEOUT);
            let j = Jobs::<Test>::get(job).unwrap();
            assert_eq!(
                (j.status, j.executor, j.reassignments),
                (JobStatus::TimedOut, EXEC2, 1)
            );
            assert!(ExecutorList::<Test>::get().is_empty());
            assert_eq!(Burned::get(), 2 * COLLATERAL);
        });
    }

    /// A suspended executor gets no new job until it registers again, topping its bond up to
    /// `MinExecutorBond`.
    #[test]
    fn a_suspended_executor_gets_no_job_until_it_registers_again() {
        build_and_execute(|| {
            let model = setup();
            register(EXEC2, MIN_BOND);
            submit(model);
            roll_to(2 + CLAIM_TIMEOUT);
            // EXEC1 missed its deadline: every new job goes to EXEC2.
            for _ in 0..3 {
                let job = submit(model);
                assert_eq!(Jobs::<Test>::get(job).unwrap().executor, EXEC2);
            }
            // Its bond is now below the minimum: registering again needs a top-up.
            assert_noop!(
                Inference::register_executor(RuntimeOrigin::signed(EXEC1), 0),
                Error::<Test>::BondTooLow
            );
            assert_ok!(Inference::register_executor(
                RuntimeOrigin::signed(EXEC1),
                COLLATERAL
            ));
            assert_eq!(Executors::<Test>::get(EXEC1).unwrap().bond, MIN_BOND);
            assert_eq!(held(HoldReason::ExecutorBond, EXEC1), MIN_BOND);
            System::assert_last_event(
                Event::ExecutorRegistered {
                    executor: EXEC1,
                    bond: MIN_BOND,
                }
                .into(),
            );
            assert_noop!(
                Inference::register_executor(RuntimeOrigin::signed(EXEC1), 0),
                Error::<Test>::AlreadyExecutor
            );
            let assigned: Vec<AccountId> = (0..2)
                .map(|_| Jobs::<Test>::get(submit(model)).unwrap().executor)
                .collect();
            assert!(assigned.contains(&EXEC1), "EXEC1 takes jobs again");
        });
    }

    #[test]
    fn job_is_refunded_when_nobody_answers() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            roll_to(2 + CLAIM_TIMEOUT);
            let j = Jobs::<Test>::get(job).unwrap();
            assert_eq!(j.status, JobStatus::TimedOut);
            assert_eq!(balances(REQUESTER), (INITIAL, 0));
            System::assert_last_event(
                Event::JobTimedOut {
                    job_id: job,
                    requester: REQUESTER,
                    refunded: FEE,
                }
                .into(),
            );
        });
    }
}

mod challenge {
    use super::*;

    fn challenge(
        who: AccountId,
        job: u64,
        layer: u32,
        data: Vec<Vec<u8>>,
    ) -> frame_support::dispatch::DispatchResultWithPostInfo {
        Inference::challenge(RuntimeOrigin::signed(who), job, layer, inputs_of(data))
    }

    /// `who`'s commitment to disputing `layer` of `job` with `data`.
    fn commitment(who: AccountId, job: u64, layer: u32, data: &[Vec<u8>]) -> [u8; 32] {
        let inputs: Vec<&[u8]> = data.iter().map(|d| &d[..]).collect();
        vigil_engine::challenge_commitment(&codec::Encode::encode(&who), job, layer, &inputs)
    }

    fn commit(who: AccountId, job: u64, layer: u32, data: &[Vec<u8>]) {
        assert_ok!(Inference::commit_challenge(
            RuntimeOrigin::signed(who),
            job,
            commitment(who, job, layer, data)
        ));
    }

    /// The refutation of `claim_falsely`: layer 1, fed by layer 0's output, which the false claim
    /// committed honestly.
    fn refutation() -> (u32, Vec<Vec<u8>>) {
        let (_, _, acts) = honest(&input());
        (1, vec![acts[1].clone()])
    }

    #[test]
    fn a_false_claim_is_refuted_and_pays_the_challenger() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            claim_falsely(job);
            let (layer, data) = refutation();
            commit(CHALLENGER, job, layer, &data);
            assert_eq!(
                held(HoldReason::ChallengeCommitment, CHALLENGER),
                COMMITMENT_DEPOSIT
            );
            roll_to(2);
            assert_ok!(challenge(CHALLENGER, job, layer, data));

            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Refuted);
            assert_eq!(balances(CHALLENGER), (INITIAL + CHALLENGER_REWARD, 0));
            // The requester is refunded and compensated out of the liar's collateral.
            assert_eq!(balances(REQUESTER), (INITIAL + REQUESTER_COMPENSATION, 0));
            assert_eq!(balances(EXEC1), (INITIAL - MIN_BOND, MIN_BOND - COLLATERAL));
            assert_eq!(
                Burned::get(),
                COLLATERAL - CHALLENGER_REWARD - REQUESTER_COMPENSATION
            );
            System::assert_has_event(
                Event::RequesterCompensated {
                    job_id: job,
                    requester: REQUESTER,
                    amount: REQUESTER_COMPENSATION,
                }
                .into(),
            );
            System::assert_has_event(
                Event::Slashed {
                    who: EXEC1,
                    amount: COLLATERAL,
                    reason: SlashReason::FalseClaim,
                    beneficiary: Some(CHALLENGER),
                    rewarded: CHALLENGER_REWARD,
                }
                .into(),
            );
            System::assert_last_event(
                Event::DisputeResolved {
                    job_id: job,
                    layer: 1,
                    challenger: CHALLENGER,
                    executor_was_wrong: true,
                }
                .into(),
            );
            // Settled: nothing more happens when the window would have closed.
            roll_to(3 + WINDOW);
            assert_eq!(balances(EXEC1).0, INITIAL - MIN_BOND);
        });
    }

    /// Whoever reveals a refutation, the reward goes to the first account that committed to it
    /// in an earlier block. A copier who posts the same challenge without committing, or who
    /// commits in the block of the reveal, earns nothing; the lie is refuted all the same.
    #[test]
    fn a_copied_challenge_earns_its_copier_nothing() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            claim_falsely(job);
            let (layer, data) = refutation();
            commit(CHALLENGER, job, layer, &data);
            roll_to(2);
            // The copier saw the reveal in the pool: it commits and is included first.
            commit(EXEC2, job, layer, &data);
            assert_ok!(challenge(EXEC2, job, layer, data.clone()));
            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Refuted);
            assert_eq!(balances(CHALLENGER), (INITIAL + CHALLENGER_REWARD, 0));
            assert_eq!(balances(EXEC2), (INITIAL, 0), "the copier earned nothing");
            System::assert_has_event(
                Event::Slashed {
                    who: EXEC1,
                    amount: COLLATERAL,
                    reason: SlashReason::FalseClaim,
                    beneficiary: Some(CHALLENGER),
                    rewarded: CHALLENGER_REWARD,
                }
                .into(),
            );
        });
    }

    #[test]
    fn an_uncommitted_refutation_refutes_but_rewards_nobody() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            claim_falsely(job);
            let (layer, data) = refutation();
            assert_ok!(challenge(CHALLENGER, job, layer, data));
            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Refuted);
            assert_eq!(balances(CHALLENGER), (INITIAL, 0));
            assert_eq!(balances(REQUESTER), (INITIAL + REQUESTER_COMPENSATION, 0));
            assert_eq!(Burned::get(), COLLATERAL - REQUESTER_COMPENSATION);
        });
    }

    /// A liar that refutes itself from a second account keeps only the reward: it still loses
    /// most of its collateral.
    #[test]
    fn a_liar_that_challenges_itself_still_loses_most_of_its_collateral() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            claim_falsely(job);
            let (layer, data) = refutation();
            // EXEC2 is the liar's second account.
            let total = |who| Balances::total_balance(&who);
            let pair_before = total(EXEC1) + total(EXEC2);
            commit(EXEC2, job, layer, &data);
            roll_to(2);
            assert_ok!(challenge(EXEC2, job, layer, data));
            assert_eq!(balances(EXEC2), (INITIAL + CHALLENGER_REWARD, 0));
            let pair_loss = pair_before - (total(EXEC1) + total(EXEC2));
            assert_eq!(pair_loss, COLLATERAL - CHALLENGER_REWARD);
            assert!(
                pair_loss * 10 >= COLLATERAL * 9,
                "the pair loses at least 90 % of the collateral"
            );
        });
    }

    /// A commitment that does not match the refutation (noise, or a wrong guess) loses its
    /// deposit, as do all commitments to a claim that stands; matching ones get theirs back.
    #[test]
    fn commitments_that_refute_nothing_lose_their_deposit() {
        build_and_execute(|| {
            let model = setup();
            let refuted = submit(model);
            let stands = submit(model);
            claim_falsely(refuted);
            claim_honestly(stands);
            let (layer, data) = refutation();
            commit(CHALLENGER, refuted, layer, &data);
            assert_ok!(Inference::commit_challenge(
                RuntimeOrigin::signed(EXEC2),
                refuted,
                [9; 32]
            ));
            assert_ok!(Inference::commit_challenge(
                RuntimeOrigin::signed(EXEC3),
                stands,
                [8; 32]
            ));
            roll_to(2);
            assert_ok!(challenge(CHALLENGER, refuted, layer, data));
            assert_eq!(held(HoldReason::ChallengeCommitment, CHALLENGER), 0);
            assert_eq!(balances(EXEC2), (INITIAL - COMMITMENT_DEPOSIT, 0));
            assert_eq!(
                held(HoldReason::ChallengeCommitment, EXEC3),
                COMMITMENT_DEPOSIT
            );
            roll_to(2 + WINDOW);
            assert_eq!(
                Jobs::<Test>::get(stands).unwrap().status,
                JobStatus::Finalized
            );
            assert_eq!(balances(EXEC3), (INITIAL - COMMITMENT_DEPOSIT, 0));
            assert!(crate::Commitments::<Test>::iter().next().is_none());
        });
    }

    #[test]
    fn commit_challenge_fails_for_bad_commitments() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            assert_noop!(
                Inference::commit_challenge(RuntimeOrigin::signed(CHALLENGER), 99, [0; 32]),
                Error::<Test>::UnknownJob
            );
            assert_noop!(
                Inference::commit_challenge(RuntimeOrigin::signed(CHALLENGER), job, [0; 32]),
                Error::<Test>::NotClaimed
            );
            claim_falsely(job);
            assert_noop!(
                Inference::commit_challenge(RuntimeOrigin::signed(EXEC1), job, [0; 32]),
                Error::<Test>::SelfChallenge
            );
            // An account with nothing to hold.
            assert_noop!(
                Inference::commit_challenge(RuntimeOrigin::signed(99), job, [0; 32]),
                Error::<Test>::InsufficientBalance
            );
            for who in [CHALLENGER, EXEC2, EXEC3] {
                assert_ok!(Inference::commit_challenge(
                    RuntimeOrigin::signed(who),
                    job,
                    [1; 32]
                ));
            }
            assert_noop!(
                Inference::commit_challenge(RuntimeOrigin::signed(CHALLENGER), job, [2; 32]),
                Error::<Test>::AlreadyCommitted
            );
            assert_noop!(
                Inference::commit_challenge(RuntimeOrigin::signed(REQUESTER), job, [2; 32]),
                Error::<Test>::TooManyCommitments
            );
            let deadline = Jobs::<Test>::get(job).unwrap().deadline;
            System::set_block_number(deadline);
            crate::Commitments::<Test>::remove(job);
            for who in [CHALLENGER, EXEC2, EXEC3] {
                use frame_support::traits::{fungible::MutateHold, tokens::Precision};
                Balances::release(
                    &RuntimeHoldReason::Inference(HoldReason::ChallengeCommitment),
                    &who,
                    COMMITMENT_DEPOSIT,
                    Precision::Exact,
                )
                .unwrap();
            }
            assert_noop!(
                Inference::commit_challenge(RuntimeOrigin::signed(CHALLENGER), job, [2; 32]),
                Error::<Test>::CommitmentTooLate
            );
            System::set_block_number(deadline + 1);
            assert_noop!(
                Inference::commit_challenge(RuntimeOrigin::signed(CHALLENGER), job, [2; 32]),
                Error::<Test>::ChallengeWindowClosed
            );
        });
    }

    #[test]
    fn a_false_challenge_costs_the_challenger_its_bond() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            claim_honestly(job);
            let (_, _, acts) = honest(&input());
            assert_ok!(challenge(CHALLENGER, job, 0, vec![acts[0].clone()]));

            let compensation = CHALLENGER_BOND / 2;
            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Claimed);
            assert_eq!(balances(CHALLENGER), (INITIAL - CHALLENGER_BOND, 0));
            assert_eq!(balances(EXEC1).0, INITIAL - MIN_BOND + compensation);
            assert_eq!(Burned::get(), CHALLENGER_BOND - compensation);
            System::assert_has_event(
                Event::Slashed {
                    who: CHALLENGER,
                    amount: CHALLENGER_BOND,
                    reason: SlashReason::FalseChallenge,
                    beneficiary: Some(EXEC1),
                    rewarded: compensation,
                }
                .into(),
            );
            System::assert_last_event(
                Event::DisputeResolved {
                    job_id: job,
                    layer: 0,
                    challenger: CHALLENGER,
                    executor_was_wrong: false,
                }
                .into(),
            );
            // The claim still finalizes.
            roll_to(2 + WINDOW);
            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Finalized);
        });
    }

    #[test]
    fn challenge_fails_for_bad_disputes() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            let (_, _, acts) = honest(&input());
            assert_noop!(
                challenge(CHALLENGER, 99, 0, vec![acts[0].clone()]),
                Error::<Test>::UnknownJob
            );
            assert_noop!(
                challenge(CHALLENGER, job, 0, vec![acts[0].clone()]),
                Error::<Test>::NotClaimed
            );
            claim_falsely(job);
            assert_noop!(
                challenge(EXEC1, job, 1, vec![acts[1].clone()]),
                Error::<Test>::SelfChallenge
            );
            assert_noop!(
                challenge(CHALLENGER, job, 3, vec![acts[2].clone()]),
                Error::<Test>::NoSuchLayer
            );
            assert_noop!(
                challenge(CHALLENGER, job, 1, vec![]),
                Error::<Test>::WrongLayerInputCount
            );
            assert_noop!(
                challenge(CHALLENGER, job, 1, vec![acts[0].clone()]),
                Error::<Test>::LayerInputNotCommitted
            );
            // Layer 2's input is layer 1's output, falsely committed as [7; 32]: no preimage.
            assert_noop!(
                challenge(CHALLENGER, job, 2, vec![acts[2].clone()]),
                Error::<Test>::LayerInputNotCommitted
            );
            assert_noop!(
                challenge(POOR, job, 1, vec![acts[1].clone()]),
                Error::<Test>::InsufficientChallengerBond
            );
            System::set_block_number(2 + WINDOW);
            assert_noop!(
                challenge(CHALLENGER, job, 1, vec![acts[1].clone()]),
                Error::<Test>::ChallengeWindowClosed
            );
        });
    }

    /// An over-long challenge decodes and is refused by name, with nothing changed: it must not
    /// fail to decode (which, in a transaction pool, would trap the runtime).
    #[test]
    fn challenge_fails_for_too_many_or_too_large_inputs() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            claim_falsely(job);
            let (_, _, acts) = honest(&input());
            assert_noop!(
                challenge(
                    CHALLENGER,
                    job,
                    1,
                    vec![acts[1].clone(); MAX_LAYER_INPUTS as usize + 1]
                ),
                Error::<Test>::TooManyLayerInputs
            );
            assert_noop!(
                challenge(CHALLENGER, job, 1, vec![vec![0u8; (1 << 16) + 1]]),
                Error::<Test>::LayerInputTooLarge
            );
            // The call's encoding is an unbounded vector: what an attacker sends decodes.
            let call = crate::Call::<Test>::challenge {
                job_id: job,
                layer: 1,
                layer_inputs: vec![vec![1u8; 3]; 9],
            };
            let bytes = codec::Encode::encode(&call);
            assert!(<crate::Call<Test> as codec::Decode>::decode(&mut &bytes[..]).is_ok());
            // The honest challenge still wins.
            assert_ok!(challenge(CHALLENGER, job, 1, vec![acts[1].clone()]));
        });
    }

    /// The bond is held before anything is hashed or run: an account without it is refused for
    /// the bond, whatever else is wrong with its challenge.
    #[test]
    fn a_challenger_without_the_bond_is_refused_before_any_work() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            claim_falsely(job);
            assert_noop!(
                challenge(POOR, job, 1, vec![vec![9u8; 16]]),
                Error::<Test>::InsufficientChallengerBond
            );
        });
    }

    #[test]
    fn challenge_fails_if_committed_input_is_invalid() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            // A claim committing layer 0's output to a 3-byte blob.
            let (_, mut trace, _) = honest(&input());
            let blob = vec![1u8, 2, 3];
            trace[0] = hash_activation(as_i8(&blob));
            let output = vec![0u8; 4];
            trace[2] = hash_activation(as_i8(&output));
            assert_ok!(Inference::post_claim(
                RuntimeOrigin::signed(EXEC1),
                job,
                output,
                trace
            ));
            assert_noop!(
                challenge(CHALLENGER, job, 1, vec![blob]),
                Error::<Test>::LayerInputInvalid
            );
            // Disputing layer 0 instead catches the lie.
            assert_ok!(challenge(CHALLENGER, job, 0, vec![input()]));
            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Refuted);
        });
    }

    #[test]
    fn challenge_weight_grows_with_the_layer_cost() {
        let small = Inference::challenge_weight(1_000, 1_000);
        let large = Inference::challenge_weight(100_000, 1_000);
        assert!(large.ref_time() > small.ref_time());
    }
}

mod expiry {
    use super::*;
    use crate::{Claims, ExpiryQueue};

    #[test]
    fn a_finalized_job_and_its_claim_are_removed_after_the_retention() {
        build_and_execute(|| {
            let model = setup();
            let job = submit(model);
            claim_honestly(job);
            let settled_at = 2 + WINDOW;
            roll_to(settled_at);
            let j = Jobs::<Test>::get(job).unwrap();
            assert_eq!(j.status, JobStatus::Finalized);
            assert_eq!(j.settle_at, settled_at + RETENTION);
            assert!(ExpiryQueue::<Test>::get(j.settle_at).contains(&job));
            roll_to(settled_at + RETENTION - 1);
            assert!(Jobs::<Test>::contains_key(job) && Claims::<Test>::contains_key(job));
            roll_to(settled_at + RETENTION);
            assert!(!Jobs::<Test>::contains_key(job), "the job is removed");
            assert!(!Claims::<Test>::contains_key(job), "and its claim");
            assert!(
                ExpiryQueue::<Test>::iter().next().is_none(),
                "nothing left queued"
            );
            // Removal moves no money: the fee was paid at finalization.
            assert_eq!(balances(EXEC1), (INITIAL - MIN_BOND + FEE, MIN_BOND));
        });
    }

    #[test]
    fn refuted_timed_out_and_hand_finalized_jobs_are_removed_too() {
        build_and_execute(|| {
            let model = setup();
            // Refuted at block 1.
            let refuted = submit(model);
            claim_falsely(refuted);
            let (_, _, acts) = honest(&input());
            assert_ok!(Inference::challenge(
                RuntimeOrigin::signed(CHALLENGER),
                refuted,
                1,
                inputs_of(vec![acts[1].clone()])
            ));
            // Finalized by hand, with automatic settlement switched off.
            let by_hand = submit(model);
            claim_honestly(by_hand);
            // Timed out: nobody else can take it (MaxReassignments reached with one executor).
            let silent = submit(model);
            SettlementsPerBlock::set(0);
            System::set_block_number(2 + WINDOW);
            assert_ok!(Inference::finalize_claim(
                RuntimeOrigin::signed(CHALLENGER),
                by_hand
            ));
            SettlementsPerBlock::set(4);
            roll_to(40);
            assert_eq!(
                Jobs::<Test>::get(silent).unwrap().status,
                JobStatus::TimedOut
            );
            let last = [refuted, by_hand, silent]
                .map(|j| Jobs::<Test>::get(j).unwrap().settle_at)
                .into_iter()
                .max()
                .unwrap();
            roll_to(last);
            for j in [refuted, by_hand, silent] {
                assert!(!Jobs::<Test>::contains_key(j), "job {j} removed");
                assert!(!Claims::<Test>::contains_key(j), "claim of {j} removed");
            }
        });
    }

    /// The requester pays for every byte its job and the job's claim keep, held from submission
    /// until both are removed.
    #[test]
    fn the_storage_deposit_is_held_until_the_job_is_removed() {
        build_and_execute(|| {
            JobDepositBase::set(3);
            JobDepositPerByte::set(2);
            let model = setup();
            // 16 input bytes, 4 output bytes, 3 layers of 32-byte hashes.
            let deposit = 3 + 2 * (16 + 4 + 3 * 32);
            let job = submit(model);
            assert_eq!(Jobs::<Test>::get(job).unwrap().deposit, deposit);
            assert_eq!(held(HoldReason::StorageDeposit, REQUESTER), deposit);
            claim_honestly(job);
            roll_to(2 + WINDOW);
            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Finalized);
            assert_eq!(held(HoldReason::StorageDeposit, REQUESTER), deposit);
            let removal = Jobs::<Test>::get(job).unwrap().settle_at;
            roll_to(removal);
            assert!(!Jobs::<Test>::contains_key(job));
            assert_eq!(held(HoldReason::StorageDeposit, REQUESTER), 0);
            assert_eq!(balances(REQUESTER), (INITIAL - FEE, 0));
        });
    }

    #[test]
    fn a_requester_who_cannot_pay_the_deposit_is_refused() {
        build_and_execute(|| {
            JobDepositBase::set(INITIAL);
            let model = setup();
            assert_noop!(
                Inference::submit_job(
                    RuntimeOrigin::signed(REQUESTER),
                    model,
                    input(),
                    FEE,
                    COLLATERAL
                ),
                Error::<Test>::InsufficientBalance
            );
        });
    }

    #[test]
    fn removals_beyond_the_budget_wait_for_the_next_block() {
        build_and_execute(|| {
            SettlementsPerBlock::set(2);
            let model = register_tiny_model(SEED);
            register(EXEC1, 10 * COLLATERAL);
            let jobs: Vec<u64> = (0..4).map(|_| submit(model)).collect();
            for &j in &jobs {
                claim_honestly(j);
            }
            // Two settle at 2 + WINDOW, two at 3 + WINDOW; they expire RETENTION later, two a
            // block.
            roll_to(2 + WINDOW + RETENTION);
            let left = || {
                jobs.iter()
                    .filter(|j| Jobs::<Test>::contains_key(j))
                    .count()
            };
            assert_eq!(left(), 2);
            roll_to(3 + WINDOW + RETENTION);
            assert_eq!(left(), 0);
        });
    }
}

mod hooks {
    use super::*;
    use crate::{SettlementCursor, SettlementQueue};

    /// Entries of jobs that are gone or moved count against the hook's bound: a backlog of them
    /// drains over several blocks instead of in one long block.
    #[test]
    fn stale_queue_entries_count_against_the_per_block_bound() {
        build_and_execute(|| {
            SettlementsPerBlock::set(2);
            // Three buckets of four entries for jobs that do not exist.
            for block in 1..=3u64 {
                SettlementQueue::<Test>::insert(
                    block,
                    frame_support::BoundedVec::try_from(vec![900u64, 901, 902, 903]).unwrap(),
                );
            }
            SettlementCursor::<Test>::put(1);
            System::set_block_number(3);
            Inference::on_initialize(3);
            let left: usize = (1..=3u64)
                .map(|b| SettlementQueue::<Test>::get(b).len())
                .sum();
            // At most 2 × budget = 4 entries looked at.
            assert_eq!(left, 8);
            for n in 4..=5 {
                System::set_block_number(n);
                Inference::on_initialize(n);
            }
            let left: usize = (1..=3u64)
                .map(|b| SettlementQueue::<Test>::get(b).len())
                .sum();
            assert_eq!(left, 0);
            assert_eq!(SettlementCursor::<Test>::get(), Some(6));
        });
    }
}

mod invariants {
    use super::*;
    use crate::{NextJobId, SettlementCursor, SettlementQueue};

    fn broken(expected: &'static str) {
        let error = Inference::do_try_state().expect_err("the corrupted state is caught");
        assert_eq!(error, sp_runtime::TryRuntimeError::Other(expected));
    }

    /// A chain with one claimed job, for each test to corrupt one way.
    fn with_claimed_job(corrupt: impl FnOnce(u64), expected: &'static str) {
        new_test_ext().execute_with(|| {
            let model = setup();
            let job = submit(model);
            claim_honestly(job);
            Inference::do_try_state().expect("consistent before the corruption");
            corrupt(job);
            broken(expected);
        });
    }

    #[test]
    fn locked_above_bond_is_caught() {
        with_claimed_job(
            |_| {
                use frame_support::traits::{fungible::MutateHold, tokens::Precision};
                // The bond (and its hold) fall below the one job's locked collateral.
                let keep = COLLATERAL / 2;
                Balances::release(
                    &RuntimeHoldReason::Inference(HoldReason::ExecutorBond),
                    &EXEC1,
                    MIN_BOND - keep,
                    Precision::Exact,
                )
                .unwrap();
                Executors::<Test>::mutate(EXEC1, |i| i.as_mut().unwrap().bond = keep);
            },
            "an executor's locked collateral is within its bond",
        );
    }

    #[test]
    fn wrong_locked_collateral_is_caught() {
        with_claimed_job(
            |_| Executors::<Test>::mutate(EXEC1, |i| i.as_mut().unwrap().locked += 1),
            "an executor's locked collateral is the sum of its open jobs' collaterals",
        );
    }

    #[test]
    fn a_duplicate_executor_is_caught() {
        with_claimed_job(
            |_| ExecutorList::<Test>::mutate(|l| l.try_push(EXEC1).unwrap()),
            "the executor list has no duplicates",
        );
    }

    #[test]
    fn a_claim_without_its_job_is_caught() {
        with_claimed_job(
            |job| {
                let claim = Claims::<Test>::get(job).unwrap();
                Claims::<Test>::insert(job + 100, claim);
            },
            "every claim has its job",
        );
    }

    #[test]
    fn a_claim_whose_output_does_not_match_its_trace_is_caught() {
        with_claimed_job(
            |job| {
                Claims::<Test>::mutate(job, |c| c.as_mut().unwrap().output[0] ^= 1);
            },
            "a claim's last trace entry is the hash of its output",
        );
    }

    #[test]
    fn a_next_job_id_below_a_job_is_caught() {
        with_claimed_job(
            |_| NextJobId::<Test>::put(0),
            "NextJobId is above every job id",
        );
    }

    #[test]
    fn a_bucket_behind_the_cursor_is_caught() {
        with_claimed_job(
            |_| {
                let cursor = SettlementCursor::<Test>::get().unwrap();
                SettlementQueue::<Test>::insert(
                    cursor - 1,
                    frame_support::BoundedVec::try_from(vec![77u64]).unwrap(),
                );
            },
            "no settlement bucket sits behind the settlement cursor",
        );
    }

    #[test]
    fn a_stray_challenger_hold_is_caught() {
        with_claimed_job(
            |_| {
                use frame_support::traits::fungible::MutateHold;
                Balances::hold(
                    &RuntimeHoldReason::Inference(HoldReason::ChallengerBond),
                    &CHALLENGER,
                    1,
                )
                .unwrap();
            },
            "no challenger bond is held between blocks",
        );
    }

    #[test]
    fn a_stray_fee_hold_is_caught() {
        with_claimed_job(
            |_| {
                use frame_support::traits::fungible::MutateHold;
                Balances::hold(
                    &RuntimeHoldReason::Inference(HoldReason::JobFee),
                    &CHALLENGER,
                    1,
                )
                .unwrap();
            },
            "only requesters with open jobs have a JobFee hold",
        );
    }
}

mod market {
    use super::*;
    use sp_runtime::Perbill;

    fn offer(
        who: AccountId,
        base_fee: Balance,
        rate: Perbill,
        capacity: u32,
        models: Option<Vec<ModelId>>,
    ) -> frame_support::dispatch::DispatchResult {
        Inference::set_offer(RuntimeOrigin::signed(who), base_fee, rate, capacity, models)
    }

    fn submit_with(
        model: ModelId,
        fee: Balance,
        collateral: Balance,
    ) -> frame_support::dispatch::DispatchResultWithPostInfo {
        Inference::submit_job(
            RuntimeOrigin::signed(REQUESTER),
            model,
            input(),
            fee,
            collateral,
        )
    }

    #[test]
    fn set_offer_works_and_refuses_bad_offers() {
        build_and_execute(|| {
            let model = setup();
            assert_eq!(
                Executors::<Test>::get(EXEC1).unwrap().offer,
                Inference::default_offer()
            );
            assert_ok!(offer(
                EXEC1,
                7,
                Perbill::from_percent(5),
                3,
                Some(vec![model])
            ));
            let set = Executors::<Test>::get(EXEC1).unwrap().offer;
            assert_eq!((set.base_fee, set.capacity), (7, 3));
            assert_eq!(set.ask(100), 12);
            System::assert_last_event(
                Event::OfferSet {
                    executor: EXEC1,
                    offer: set,
                }
                .into(),
            );
            assert_noop!(
                offer(CHALLENGER, 0, Perbill::zero(), 1, None),
                Error::<Test>::NotExecutor
            );
            assert_noop!(
                offer(EXEC1, 0, Perbill::zero(), 0, None),
                Error::<Test>::ZeroCapacity
            );
            assert_noop!(
                offer(
                    EXEC1,
                    0,
                    Perbill::zero(),
                    1,
                    Some(vec![model; MAX_OFFER_MODELS as usize + 1])
                ),
                Error::<Test>::TooManyOfferModels
            );
            assert_noop!(
                offer(EXEC1, 0, Perbill::zero(), 1, Some(vec![[9; 32]])),
                Error::<Test>::UnknownModel
            );
        });
    }

    #[test]
    fn jobs_go_only_to_executors_whose_offer_matches() {
        build_and_execute(|| {
            let model = setup();
            let other = register_tiny_model(SEED + 1);
            register(EXEC2, MIN_BOND);
            register(EXEC3, MIN_BOND);
            // EXEC1 asks more than the fee, EXEC2 serves another model, EXEC3 takes one job.
            assert_ok!(offer(EXEC1, FEE + 1, Perbill::zero(), 10, None));
            assert_ok!(offer(EXEC2, 0, Perbill::zero(), 10, Some(vec![other])));
            assert_ok!(offer(EXEC3, FEE, Perbill::zero(), 1, None));
            let job = submit(model);
            assert_eq!(Jobs::<Test>::get(job).unwrap().executor, EXEC3);
            assert_noop!(
                submit_with(model, FEE, COLLATERAL),
                Error::<Test>::NoExecutorAvailable
            );
            // A fee that meets EXEC1's ask finds it.
            assert_ok!(submit_with(model, FEE + 1, COLLATERAL));
            assert_eq!(Jobs::<Test>::get(job + 1).unwrap().executor, EXEC1);
        });
    }

    #[test]
    fn the_ask_grows_with_the_collateral_and_the_collateral_must_be_free() {
        build_and_execute(|| {
            let model = register_tiny_model(SEED);
            register(EXEC1, 10 * MIN_BOND);
            assert_ok!(offer(EXEC1, 0, Perbill::from_percent(10), 10, None));
            // Collateral 4000 asks 400 <= 500; 6000 asks 600 > 500.
            assert_ok!(submit_with(model, FEE, 40 * COLLATERAL));
            assert_eq!(
                Executors::<Test>::get(EXEC1).unwrap().locked,
                40 * COLLATERAL
            );
            assert_noop!(
                submit_with(model, FEE, 60 * COLLATERAL),
                Error::<Test>::NoExecutorAvailable
            );
            // 10 000 bonded, 4 000 locked: 7 000 is not free, whatever the fee.
            assert_noop!(
                submit_with(model, 10 * FEE, 70 * COLLATERAL),
                Error::<Test>::NoExecutorAvailable
            );
            assert_ok!(submit_with(model, 10 * FEE, 60 * COLLATERAL));
            assert_eq!(
                Executors::<Test>::get(EXEC1).unwrap().locked,
                100 * COLLATERAL
            );
            assert_noop!(
                submit_with(model, FEE, COLLATERAL - 1),
                Error::<Test>::CollateralTooLow
            );
        });
    }

    /// The requester chooses what a lie costs: the whole chosen collateral is slashed, and its
    /// compensation is a share of it.
    #[test]
    fn a_lie_costs_the_collateral_the_requester_chose() {
        build_and_execute(|| {
            let model = setup();
            let collateral = 3 * COLLATERAL;
            assert_ok!(submit_with(model, FEE, collateral));
            claim_falsely(0);
            let (_, _, acts) = honest(&input());
            assert_ok!(Inference::challenge(
                RuntimeOrigin::signed(CHALLENGER),
                0,
                1,
                vec![acts[1].clone()]
            ));
            let compensation = RequesterShare::get() * collateral;
            assert_eq!(balances(EXEC1), (INITIAL - MIN_BOND, MIN_BOND - collateral));
            assert_eq!(balances(REQUESTER), (INITIAL + compensation, 0));
            // Nobody committed: no reward, the rest burned.
            assert_eq!(Burned::get(), collateral - compensation);
            assert_eq!(Executors::<Test>::get(EXEC1).unwrap().locked, 0);
        });
    }

    /// Locking every executor costs what they asked: each job pays an executor's ask, and
    /// the executors take no more than their capacity.
    #[test]
    fn cornering_every_executor_pays_every_ask() {
        build_and_execute(|| {
            let model = setup();
            register(EXEC2, MIN_BOND);
            let asks = [(EXEC1, 300), (EXEC2, 450)];
            for (who, ask) in asks {
                assert_ok!(offer(who, ask, Perbill::zero(), 2, None));
            }
            let before = balances(REQUESTER).0;
            let mut jobs = 0;
            while submit_with(model, 450, COLLATERAL).is_ok() {
                jobs += 1;
            }
            assert_eq!(jobs, 4, "two executors of capacity two");
            for job in 0..jobs {
                claim_honestly(job);
            }
            roll_to(2 + WINDOW);
            let paid = before - balances(REQUESTER).0;
            assert_eq!(paid, 4 * 450);
            assert!(paid >= 2 * asks.iter().map(|(_, a)| a).sum::<Balance>());
        });
    }
}

mod audits {
    use super::*;
    use crate::{audit::draw, Audits, WatcherList, Watchers};
    use sp_runtime::Perbill;

    fn watch(who: AccountId, stake: Balance) -> frame_support::dispatch::DispatchResult {
        Inference::register_watcher(RuntimeOrigin::signed(who), stake)
    }

    fn attest(
        who: AccountId,
        job: u64,
        activation: Vec<u8>,
    ) -> frame_support::dispatch::DispatchResultWithPostInfo {
        Inference::attest(RuntimeOrigin::signed(who), job, activation)
    }

    /// A job claimed (honestly unless `lie`) in block 1 and drawn for audit in block 2.
    fn audited_job(lie: bool) -> (u64, crate::Audit<AccountId>) {
        AuditChance::set(Perbill::one());
        let model = setup();
        assert_ok!(watch(WATCHER1, MIN_WATCHER_STAKE));
        let job = submit(model);
        if lie {
            claim_falsely(job);
        } else {
            claim_honestly(job);
        }
        assert!(
            Audits::<Test>::get(job).is_none(),
            "drawn in the next block"
        );
        roll_to(2);
        let audit = Audits::<Test>::get(job).expect("drawn with probability one");
        assert_eq!(audit.watcher, WATCHER1);
        System::assert_has_event(
            Event::AuditAssigned {
                job_id: job,
                watcher: WATCHER1,
                layer: audit.layer,
                deadline: 1 + WINDOW,
            }
            .into(),
        );
        (job, audit)
    }

    #[test]
    fn watchers_register_leave_and_withdraw() {
        build_and_execute(|| {
            assert_noop!(
                watch(WATCHER1, MIN_WATCHER_STAKE - 1),
                Error::<Test>::StakeTooLow
            );
            assert_noop!(
                watch(POOR, MIN_WATCHER_STAKE),
                Error::<Test>::InsufficientBalance
            );
            assert_ok!(watch(WATCHER1, MIN_WATCHER_STAKE));
            assert_eq!(held(HoldReason::WatcherStake, WATCHER1), MIN_WATCHER_STAKE);
            assert_noop!(watch(WATCHER1, 0), Error::<Test>::AlreadyWatcher);
            for who in [WATCHER2, CHALLENGER] {
                assert_ok!(watch(who, MIN_WATCHER_STAKE));
            }
            assert_noop!(
                watch(REQUESTER, MIN_WATCHER_STAKE),
                Error::<Test>::TooManyWatchers
            );
            let origin = RuntimeOrigin::signed(WATCHER1);
            assert_noop!(
                Inference::withdraw_watcher_stake(origin.clone()),
                Error::<Test>::NotUnbonding
            );
            assert_noop!(
                Inference::unregister_watcher(RuntimeOrigin::signed(REQUESTER)),
                Error::<Test>::NotWatcher
            );
            assert_ok!(Inference::unregister_watcher(origin.clone()));
            assert!(!WatcherList::<Test>::get().contains(&WATCHER1));
            assert_noop!(
                Inference::unregister_watcher(origin.clone()),
                Error::<Test>::AlreadyUnbonding
            );
            assert_noop!(watch(WATCHER1, 0), Error::<Test>::AlreadyUnbonding);
            assert_noop!(
                Inference::withdraw_watcher_stake(origin.clone()),
                Error::<Test>::UnbondingNotOver
            );
            roll_to(1 + UNBONDING);
            assert_ok!(Inference::withdraw_watcher_stake(origin));
            assert_eq!(balances(WATCHER1), (INITIAL, 0));
            assert!(Watchers::<Test>::get(WATCHER1).is_none());
        });
    }

    /// At a lie rate of zero the watcher earns: the attested audit pays it its share of the
    /// fee, the executor the rest.
    #[test]
    fn an_attested_audit_pays_the_watcher_its_share_of_the_fee() {
        build_and_execute(|| {
            let (job, audit) = audited_job(false);
            let (_, _, acts) = honest(&input());
            assert_ok!(attest(
                WATCHER1,
                job,
                acts[audit.layer as usize + 1].clone()
            ));
            System::assert_last_event(
                Event::AuditAttested {
                    job_id: job,
                    watcher: WATCHER1,
                }
                .into(),
            );
            roll_to(2 + WINDOW);
            let share = WatcherShare::get() * FEE;
            assert_eq!(
                balances(WATCHER1),
                (INITIAL - MIN_WATCHER_STAKE + share, MIN_WATCHER_STAKE)
            );
            assert_eq!(balances(EXEC1).0, INITIAL - MIN_BOND + FEE - share);
            assert_eq!(balances(REQUESTER), (INITIAL - FEE, 0));
            System::assert_has_event(
                Event::WatcherPaid {
                    job_id: job,
                    watcher: WATCHER1,
                    amount: share,
                }
                .into(),
            );
            assert_eq!(Watchers::<Test>::get(WATCHER1).unwrap().open_audits, 0);
        });
    }

    #[test]
    fn a_silent_watcher_loses_its_penalty_and_is_drawn_no_more() {
        build_and_execute(|| {
            let (_job, _) = audited_job(false);
            roll_to(2 + WINDOW);
            assert_eq!(
                balances(WATCHER1),
                (
                    INITIAL - MIN_WATCHER_STAKE,
                    MIN_WATCHER_STAKE - WATCHER_PENALTY
                )
            );
            assert_eq!(Burned::get(), WATCHER_PENALTY);
            assert_eq!(balances(EXEC1).0, INITIAL - MIN_BOND + FEE);
            assert!(!WatcherList::<Test>::get().contains(&WATCHER1));
            System::assert_has_event(Event::WatcherSuspended { watcher: WATCHER1 }.into());
            // The next claim finds no watcher; rejoining takes a top-up to the minimum.
            let job = submit(Jobs::<Test>::get(0).unwrap().model_id);
            claim_honestly(job);
            roll_to(3 + WINDOW);
            assert!(Audits::<Test>::get(job).is_none());
            assert_noop!(watch(WATCHER1, 0), Error::<Test>::StakeTooLow);
            assert_ok!(watch(WATCHER1, WATCHER_PENALTY));
        });
    }

    #[test]
    fn attest_refuses_what_proves_nothing() {
        build_and_execute(|| {
            let (job, audit) = audited_job(false);
            let (_, _, acts) = honest(&input());
            let right = acts[audit.layer as usize + 1].clone();
            let mut wrong = right.clone();
            wrong[0] ^= 1;
            assert_noop!(
                attest(WATCHER1, job, wrong),
                Error::<Test>::ActivationNotCommitted
            );
            assert_noop!(
                attest(CHALLENGER, job, right.clone()),
                Error::<Test>::NotAssignedWatcher
            );
            assert_noop!(
                attest(WATCHER1, job + 1, right.clone()),
                Error::<Test>::UnknownJob
            );
            assert_noop!(
                attest(WATCHER1, job, vec![0; (1 << 16) + 1]),
                Error::<Test>::LayerInputTooLarge
            );
            assert_ok!(attest(WATCHER1, job, right.clone()));
            assert_noop!(
                attest(WATCHER1, job, right.clone()),
                Error::<Test>::AlreadyAttested
            );
            roll_to(2 + WINDOW);
            assert_noop!(attest(WATCHER1, job, right), Error::<Test>::NotClaimed);
        });
    }

    #[test]
    fn attest_after_the_window_is_refused() {
        build_and_execute(|| {
            let (job, audit) = audited_job(false);
            let (_, _, acts) = honest(&input());
            // The window's last block has passed but the settlement has not run yet.
            System::set_block_number(2 + WINDOW);
            assert_noop!(
                attest(WATCHER1, job, acts[audit.layer as usize + 1].clone()),
                Error::<Test>::ChallengeWindowClosed
            );
        });
    }

    /// An audit's watcher that finds a lie challenges it: the claim is refuted, the watcher is
    /// rewarded as the committed challenger and not penalised.
    #[test]
    fn a_lie_is_refuted_by_its_auditor() {
        build_and_execute(|| {
            let (job, _) = audited_job(true);
            let (_, _, acts) = honest(&input());
            let data = vec![acts[1].clone()];
            let inputs: Vec<&[u8]> = data.iter().map(|d| &d[..]).collect();
            let commitment = vigil_engine::challenge_commitment(
                &codec::Encode::encode(&WATCHER1),
                job,
                1,
                &inputs,
            );
            assert_ok!(Inference::commit_challenge(
                RuntimeOrigin::signed(WATCHER1),
                job,
                commitment
            ));
            roll_to(3);
            assert_ok!(Inference::challenge(
                RuntimeOrigin::signed(WATCHER1),
                job,
                1,
                data
            ));
            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Refuted);
            assert!(Audits::<Test>::get(job).is_none());
            assert_eq!(
                balances(WATCHER1),
                (
                    INITIAL - MIN_WATCHER_STAKE + CHALLENGER_REWARD,
                    MIN_WATCHER_STAKE
                )
            );
            assert_eq!(Watchers::<Test>::get(WATCHER1).unwrap().open_audits, 0);
            roll_to(3 + WINDOW);
            assert!(WatcherList::<Test>::get().contains(&WATCHER1));
        });
    }

    #[test]
    fn an_executor_is_never_drawn_to_audit_its_own_claim() {
        build_and_execute(|| {
            AuditChance::set(Perbill::one());
            let model = setup();
            assert_ok!(watch(EXEC1, MIN_WATCHER_STAKE));
            let job = submit(model);
            claim_honestly(job);
            roll_to(2);
            assert!(Audits::<Test>::get(job).is_none());
            assert_ok!(watch(WATCHER1, MIN_WATCHER_STAKE));
            let job = submit(model);
            claim_honestly(job);
            roll_to(3);
            assert_eq!(Audits::<Test>::get(job).unwrap().watcher, WATCHER1);
        });
    }

    /// The draw follows the audit probability, spreads over the watchers and never picks the
    /// output layer of a model with more.
    #[test]
    fn the_draw_follows_the_probability() {
        let p = Perbill::from_percent(30);
        let mut audited = 0;
        let mut per_watcher = [0u32; 3];
        for n in 0..20_000u64 {
            let seed = sp_io::hashing::blake2_256(&n.to_le_bytes());
            if let Some((w, layer)) = draw(&seed, n, p, 3, 4) {
                audited += 1;
                per_watcher[w as usize] += 1;
                assert!(layer < 3, "the output layer is never drawn");
            }
        }
        assert!(
            (5_700..=6_300).contains(&audited),
            "{audited} of 20000 at 30 %"
        );
        assert!(per_watcher.iter().all(|&n| n > 1_800), "{per_watcher:?}");
        assert_eq!(draw(&[0; 32], 1, Perbill::one(), 0, 4), None, "no watcher");
        assert_eq!(
            draw(&[0; 32], 1, Perbill::zero(), 3, 4),
            None,
            "probability zero"
        );
        assert_eq!(
            draw(&[0; 32], 1, Perbill::one(), 3, 1).map(|d| d.1),
            Some(0)
        );
    }

    #[test]
    fn a_watcher_with_open_audits_cannot_withdraw() {
        build_and_execute(|| {
            let (job, _) = audited_job(false);
            assert_ok!(Inference::unregister_watcher(RuntimeOrigin::signed(
                WATCHER1
            )));
            assert_noop!(
                Inference::withdraw_watcher_stake(RuntimeOrigin::signed(WATCHER1)),
                Error::<Test>::UnbondingNotOver
            );
            let audits = Watchers::<Test>::get(WATCHER1).unwrap().open_audits;
            assert_eq!(
                audits, 1,
                "the audit stays the watcher's after it unregisters"
            );
            // The delay is over but the audit's claim has not been settled yet (the hooks of
            // the blocks in between have not run, as under a settlement backlog).
            System::set_block_number(2 + UNBONDING);
            assert_noop!(
                Inference::withdraw_watcher_stake(RuntimeOrigin::signed(WATCHER1)),
                Error::<Test>::WatcherHasOpenAudits
            );
            System::set_block_number(2);
            roll_to(2 + UNBONDING);
            // The window (10) is shorter than the unbonding delay (30): the audit settled.
            assert!(Audits::<Test>::get(job).is_none());
            assert_ok!(Inference::withdraw_watcher_stake(RuntimeOrigin::signed(
                WATCHER1
            )));
        });
    }
}

/// A model with int16 activations on chain: every length (the job's input, the claim's output,
/// a challenge's layer inputs) is in bytes, two per int16 element, and a lie in an int16 layer is
/// refuted by re-running that layer.
mod int16_model {
    use super::*;
    use vigil_engine::model::ElementType;

    fn model_bytes() -> Vec<u8> {
        codec::Encode::encode(&vigil_engine::testing::int16_svdf(ElementType::Int16, 0))
    }

    /// 8 int16 elements: 16 bytes.
    fn input16() -> Vec<u8> {
        (0..16u8).map(|i| i.wrapping_mul(53)).collect()
    }

    fn honest16() -> (Vec<u8>, Vec<[u8; 32]>, Vec<Vec<u8>>) {
        let model = decode_model(&model_bytes()).unwrap();
        let mut acts = vec![input16()];
        let exec = model
            .run_with(as_i8(&input16()), |_, out| acts.push(as_u8(out).to_vec()))
            .unwrap();
        (as_u8(&exec.output).to_vec(), exec.trace, acts)
    }

    #[test]
    fn an_int16_job_is_sized_in_bytes_and_a_lie_in_an_int16_layer_is_refuted() {
        build_and_execute(|| {
            let model = pallet_models::Pallet::<Test>::do_register_model(OWNER, model_bytes())
                .expect("a valid model");
            register(EXEC1, MIN_BOND);
            // One byte per element is half the input.
            assert_noop!(
                Inference::submit_job(
                    RuntimeOrigin::signed(REQUESTER),
                    model,
                    input16()[..8].to_vec(),
                    FEE,
                    COLLATERAL
                ),
                Error::<Test>::WrongInputLength
            );
            let job = crate::NextJobId::<Test>::get();
            assert_ok!(Inference::submit_job(
                RuntimeOrigin::signed(REQUESTER),
                model,
                input16(),
                FEE,
                COLLATERAL
            ));
            // A false int16 output (2 elements, 4 bytes) of the last layer.
            let (honest_output, mut trace, acts) = honest16();
            assert_eq!(honest_output.len(), 4);
            assert_noop!(
                Inference::post_claim(
                    RuntimeOrigin::signed(EXEC1),
                    job,
                    honest_output[..2].to_vec(),
                    trace.clone()
                ),
                Error::<Test>::WrongOutputLength
            );
            let output = vec![1u8, 0, 2, 0];
            trace[2] = hash_activation(as_i8(&output));
            assert_ok!(Inference::post_claim(
                RuntimeOrigin::signed(EXEC1),
                job,
                output,
                trace
            ));
            // Layer 2 reads the SVDF's int8 output, which the claim committed honestly.
            let data = vec![acts[2].clone()];
            let inputs: Vec<&[u8]> = data.iter().map(|d| &d[..]).collect();
            let commitment = vigil_engine::challenge_commitment(
                &codec::Encode::encode(&CHALLENGER),
                job,
                2,
                &inputs,
            );
            assert_ok!(Inference::commit_challenge(
                RuntimeOrigin::signed(CHALLENGER),
                job,
                commitment
            ));
            roll_to(2);
            assert_ok!(Inference::challenge(
                RuntimeOrigin::signed(CHALLENGER),
                job,
                2,
                data
            ));
            assert_eq!(Jobs::<Test>::get(job).unwrap().status, JobStatus::Refuted);
            System::assert_last_event(
                Event::DisputeResolved {
                    job_id: job,
                    layer: 2,
                    challenger: CHALLENGER,
                    executor_was_wrong: true,
                }
                .into(),
            );
        });
    }
}
