//! A stateful fuzz of both pallets on the mock runtime.
//!
//! Random sequences of every call of `Models` and `Inference`, from several accounts, with valid,
//! random and malformed arguments (wrong lengths, unknown ids, other accounts' jobs, late and
//! early calls, too many or too large challenge inputs), interleaved with blocks. After every
//! block both pallets' `try_state` run, and total issuance must have fallen by exactly what was
//! burned. A call may fail, but a failed call must change nothing (it is checked like
//! `assert_noop!`: the storage root is the same before and after).
//!
//! `cargo test -p pallet-inference fuzz` runs a short fuzz (part of `scripts/test`). A long run:
//!
//! ```sh
//! VIGIL_FUZZ_SEQUENCES=2000 VIGIL_FUZZ_SEED=1 cargo test --release -p pallet-inference \
//!     fuzz -- --nocapture
//! ```
//!
//! prints how many sequences, calls and blocks it ran and how the calls ended.

use crate::{mock::*, Audits, Claims, Executors, JobStatus, Jobs, NextJobId};
use alloc::collections::BTreeMap;
use codec::Encode;
use frame_support::{dispatch::DispatchResult, traits::fungible::Inspect};
use pallet_models::ModelId;
use sp_runtime::Perbill;
use vigil_engine::{as_i8, as_u8, hash_activation, testing::TestRng};

const ACCOUNTS: [AccountId; 9] = [
    OWNER, EXEC1, EXEC2, EXEC3, REQUESTER, CHALLENGER, POOR, WATCHER1, WATCHER2,
];

/// What the fuzz saw, for its report and its own checks.
#[derive(Default, Debug)]
struct Report {
    sequences: u64,
    calls: u64,
    blocks: u64,
    outcomes: BTreeMap<String, u64>,
    finalized: u64,
    refuted: u64,
    timed_out: u64,
}

impl Report {
    fn count(&mut self, call: &str, result: &DispatchResult) {
        self.calls += 1;
        let key = match result {
            Ok(()) => format!("{call}: ok"),
            Err(e) => format!("{call}: {}", error_name(e)),
        };
        *self.outcomes.entry(key).or_default() += 1;
    }
}

fn error_name(e: &sp_runtime::DispatchError) -> String {
    match e {
        sp_runtime::DispatchError::Module(m) => m.message.unwrap_or("module error").to_string(),
        other => format!("{other:?}"),
    }
}

fn pick<T: Copy>(rng: &mut TestRng, items: &[T]) -> T {
    items[rng.range(0, items.len() as i64) as usize]
}

/// The activations of `model` on `input`: `acts[0]` the input, `acts[k]` layer `k - 1`'s output.
fn activations(model: &vigil_engine::ValidatedModel, input: &[u8]) -> Vec<Vec<u8>> {
    let mut acts = vec![input.to_vec()];
    model
        .run_with(as_i8(input), |_, out| acts.push(as_u8(out).to_vec()))
        .expect("registered models run");
    acts
}

/// One random call; returns its name and result. Failed calls are checked to change nothing.
fn random_call(
    rng: &mut TestRng,
    models: &mut Vec<(ModelId, u64)>,
) -> (&'static str, DispatchResult) {
    let who = pick(rng, &ACCOUNTS);
    let origin = RuntimeOrigin::signed(who);
    let next_job = NextJobId::<Test>::get();
    // Mostly an open job, sometimes any job ever submitted, sometimes one that does not exist.
    let open: Vec<u64> = Jobs::<Test>::iter()
        .filter(|(_, job)| job.status.is_open())
        .map(|(id, _)| id)
        .collect();
    let job_id = match rng.range(0, 10) {
        0..=6 if !open.is_empty() => pick(rng, &open),
        0..=8 if next_job > 0 => rng.range(0, next_job as i64) as u64,
        _ => next_job + rng.range(0, 3) as u64,
    };
    let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
    let (name, result): (&'static str, DispatchResult) = match rng.range(0, 120) {
        0..=4 => {
            let seed = pick(rng, &[1u64, 2, 3, 4]);
            let bytes = if rng.range(0, 4) == 0 {
                // Malformed bytes.
                let len = rng.range(0, 64) as usize;
                rng.i8s(len).iter().map(|&b| b as u8).collect()
            } else {
                vigil_engine::testing::tiny_mlp(seed).encode()
            };
            let result = Models::register_model(origin, bytes.clone());
            if result.is_ok() {
                models.push((vigil_engine::model_id(&bytes), seed));
            }
            ("register_model", result)
        }
        5..=6 => {
            let id = match models.is_empty() {
                false => models[rng.range(0, models.len() as i64) as usize].0,
                true => [9; 32],
            };
            let result = Models::remove_model(origin, id);
            if result.is_ok() {
                models.retain(|(m, _)| m != &id);
            }
            ("remove_model", result)
        }
        7..=12 => {
            let bond = pick(rng, &[0, MIN_BOND - 1, MIN_BOND, 5 * MIN_BOND, COLLATERAL]);
            (
                "register_executor",
                Inference::register_executor(origin, bond),
            )
        }
        13..=14 => (
            "unregister_executor",
            Inference::unregister_executor(origin),
        ),
        15..=16 => ("withdraw_bond", Inference::withdraw_bond(origin)),
        17..=40 => {
            let model = match models.is_empty() || rng.range(0, 20) == 0 {
                true => [7; 32],
                false => models[rng.range(0, models.len() as i64) as usize].0,
            };
            let len = pick(rng, &[16usize, 16, 16, 16, 16, 16, 0, 15, 17, 1 << 17]);
            let input = rng.i8s(len).iter().map(|&b| b as u8).collect();
            let fee = pick(rng, &[0, 1, 50, 500, INITIAL * 2]);
            let collateral = pick(
                rng,
                &[
                    COLLATERAL,
                    COLLATERAL,
                    3 * COLLATERAL,
                    COLLATERAL - 1,
                    2 * MIN_BOND,
                ],
            );
            let result = Inference::submit_job(origin, model, input, fee, collateral)
                .map(|_| ())
                .map_err(|e| e.error);
            ("submit_job", result)
        }
        41..=65 => {
            // Mostly the assigned executor, answering honestly or not.
            let origin = match Jobs::<Test>::get(job_id) {
                Some(job) if rng.range(0, 4) > 0 => RuntimeOrigin::signed(job.executor),
                _ => origin,
            };
            let (output, trace) = claim_for(rng, job_id);
            (
                "post_claim",
                Inference::post_claim(origin, job_id, output, trace)
                    .map(|_| ())
                    .map_err(|e| e.error),
            )
        }
        66..=79 => {
            let (layer, inputs) = challenge_for(rng, job_id);
            let result = Inference::challenge(origin, job_id, layer, inputs)
                .map(|_| ())
                .map_err(|e| e.error);
            ("challenge", result)
        }
        80..=87 => {
            // A commitment to what `challenge_for` would reveal, or noise.
            let (layer, inputs) = challenge_for(rng, job_id);
            let refs: Vec<&[u8]> = inputs.iter().map(|i| &i[..]).collect();
            let hash = if rng.range(0, 4) == 0 {
                [rng.range(0, 255) as u8; 32]
            } else {
                vigil_engine::challenge_commitment(&who.encode(), job_id, layer, &refs)
            };
            (
                "commit_challenge",
                Inference::commit_challenge(origin, job_id, hash),
            )
        }
        100..=104 => {
            let known: Vec<ModelId> = models.iter().map(|(id, _)| *id).collect();
            let listed = match rng.range(0, 4) {
                0 => None,
                1 => Some(known),
                2 => Some(vec![[8; 32]]),
                _ => Some(vec![known.first().copied().unwrap_or([8; 32]); 3]),
            };
            (
                "set_offer",
                Inference::set_offer(
                    origin,
                    pick(rng, &[0, 1, 500, 1000]),
                    pick(
                        rng,
                        &[Perbill::zero(), Perbill::from_percent(10), Perbill::one()],
                    ),
                    pick(rng, &[0, 1, 3, u32::MAX]),
                    listed,
                ),
            )
        }
        105..=108 => {
            let stake = pick(rng, &[0, MIN_WATCHER_STAKE - 1, MIN_WATCHER_STAKE, 1000]);
            (
                "register_watcher",
                Inference::register_watcher(origin, stake),
            )
        }
        109..=110 => ("unregister_watcher", Inference::unregister_watcher(origin)),
        111..=112 => (
            "withdraw_watcher_stake",
            Inference::withdraw_watcher_stake(origin),
        ),
        113..=119 => attest_for(rng, job_id, origin),
        _ => ("finalize_claim", Inference::finalize_claim(origin, job_id)),
    };
    if result.is_err() {
        let after = sp_io::storage::root(sp_runtime::StateVersion::V1);
        assert_eq!(before, after, "a failed {name} changed storage: {result:?}");
    }
    (name, result)
}

/// An attestation of `job_id`: mostly of an audited job, by its watcher, with the honest
/// activation of the audited layer; otherwise from `origin`, or with noise.
fn attest_for(
    rng: &mut TestRng,
    job_id: u64,
    origin: RuntimeOrigin,
) -> (&'static str, DispatchResult) {
    let audited: Vec<u64> = Audits::<Test>::iter_keys().collect();
    let job_id = match audited.is_empty() || rng.range(0, 4) == 0 {
        true => job_id,
        false => pick(rng, &audited),
    };
    let audit = Audits::<Test>::get(job_id);
    let origin = match &audit {
        Some(a) if rng.range(0, 4) > 0 => RuntimeOrigin::signed(a.watcher),
        _ => origin,
    };
    let activation = match (audit, Jobs::<Test>::get(job_id)) {
        (Some(a), Some(job)) if rng.range(0, 4) > 0 => {
            match pallet_models::Pallet::<Test>::load(&job.model_id) {
                Some(model) => activations(&model, &job.input)[a.layer as usize + 1].clone(),
                None => vec![0; 4],
            }
        }
        _ => rng.i8s(8).iter().map(|&b| b as u8).collect(),
    };
    (
        "attest",
        Inference::attest(origin, job_id, activation)
            .map(|_| ())
            .map_err(|e| e.error),
    )
}

/// An output and a trace for `job_id`: honest, false at a random layer, or malformed.
fn claim_for(rng: &mut TestRng, job_id: u64) -> (Vec<u8>, Vec<[u8; 32]>) {
    let Some(job) = Jobs::<Test>::get(job_id) else {
        return (vec![0; 4], vec![[0; 32]; 3]);
    };
    let Some(model) = pallet_models::Pallet::<Test>::load(&job.model_id) else {
        return (vec![0; 4], vec![[0; 32]; 3]);
    };
    let acts = activations(&model, &job.input);
    let mut trace: Vec<[u8; 32]> = acts[1..]
        .iter()
        .map(|a| hash_activation(as_i8(a)))
        .collect();
    let mut output = acts.last().unwrap().clone();
    match rng.range(0, 8) {
        0..=3 => {}
        4 | 5 => {
            // A lie from a random layer on.
            let layer = rng.range(0, trace.len() as i64) as usize;
            for entry in trace.iter_mut().skip(layer) {
                entry[0] ^= 1;
            }
            output[0] ^= 1;
            *trace.last_mut().unwrap() = hash_activation(as_i8(&output));
        }
        6 => {
            trace.pop();
        }
        _ => {
            output.push(0);
        }
    }
    (output, trace)
}

/// A challenge of `job_id`: the right inputs for a random layer, wrong ones, or malformed ones.
fn challenge_for(rng: &mut TestRng, job_id: u64) -> (u32, Vec<Vec<u8>>) {
    let layer = rng.range(0, 4) as u32;
    let Some(job) = Jobs::<Test>::get(job_id) else {
        return (layer, vec![vec![0; 16]]);
    };
    let Some(model) = pallet_models::Pallet::<Test>::load(&job.model_id) else {
        return (layer, vec![vec![0; 16]]);
    };
    let acts = activations(&model, &job.input);
    let honest = |layer: u32| -> Vec<Vec<u8>> {
        model
            .layer_inputs(layer as usize)
            .iter()
            .map(|&id| acts[id as usize].clone())
            .collect()
    };
    match rng.range(0, 10) {
        // The first layer whose claimed hash differs from the honest one: what a challenger does.
        0..=5 => {
            let claimed = Claims::<Test>::get(job_id).map(|c| c.trace.into_inner());
            let first_wrong = claimed.and_then(|trace| {
                (0..trace.len()).find(|&k| trace[k] != hash_activation(as_i8(&acts[k + 1])))
            });
            let layer = first_wrong.unwrap_or(layer as usize) as u32;
            if (layer as usize) < model.layer_count() {
                (layer, honest(layer))
            } else {
                (layer, vec![])
            }
        }
        6 => (layer, vec![acts[0].clone(); MAX_LAYER_INPUTS as usize + 1]),
        7 => (layer, vec![vec![1u8; (1 << 16) + 1]]),
        8 => (layer, vec![]),
        _ => (layer, vec![rng.i8s(16).iter().map(|&b| b as u8).collect()]),
    }
}

fn run(sequences: u64, steps: u64, seed: u64) -> Report {
    let mut report = Report::default();
    for sequence in 0..sequences {
        let mut rng = TestRng::new(seed.wrapping_mul(1_000_003).wrapping_add(sequence));
        new_test_ext().execute_with(|| {
            Burned::set(0);
            SettlementsPerBlock::set(pick(&mut rng, &[1, 2, 4, 8]));
            JobDepositBase::set(pick(&mut rng, &[0, 5]));
            JobDepositPerByte::set(pick(&mut rng, &[0, 1]));
            AuditChance::set(pick(
                &mut rng,
                &[Perbill::zero(), Perbill::from_percent(50), Perbill::one()],
            ));
            let issuance = Balances::total_issuance();
            // A model, two executors and a watcher to start with, so that jobs flow from the first call.
            let mut models = vec![(register_tiny_model(1), 1u64)];
            for executor in [EXEC1, EXEC2] {
                Inference::register_executor(RuntimeOrigin::signed(executor), 5 * MIN_BOND)
                    .expect("funded executors register");
            }
            Inference::register_watcher(RuntimeOrigin::signed(WATCHER1), MIN_WATCHER_STAKE)
                .expect("a funded watcher registers");
            for _ in 0..steps {
                if rng.range(0, 4) == 0 {
                    let blocks = pick(&mut rng, &[1u64, 1, 2, 5, 12]);
                    roll_to(System::block_number() + blocks);
                    report.blocks += blocks;
                    Models::do_try_state().expect("models invariants hold after every block");
                    assert_eq!(
                        Balances::total_issuance(),
                        issuance - Burned::get(),
                        "total issuance fell by exactly what was burned"
                    );
                } else if rng.range(0, 8) == 0 && Audits::<Test>::iter_keys().next().is_some() {
                    // A watcher answering one of its audits.
                    let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
                    let (name, result) = attest_for(&mut rng, 0, RuntimeOrigin::signed(WATCHER2));
                    if result.is_err() {
                        let after = sp_io::storage::root(sp_runtime::StateVersion::V1);
                        assert_eq!(before, after, "a failed attest changed storage: {result:?}");
                    }
                    report.count(name, &result);
                } else {
                    let (name, result) = random_call(&mut rng, &mut models);
                    report.count(name, &result);
                }
            }
            // Let every open job settle.
            let end = System::block_number() + 4 * (CLAIM_TIMEOUT + WINDOW);
            report.blocks += end - System::block_number();
            roll_to(end);
            Inference::do_try_state().expect("inference invariants hold at the end");
            Models::do_try_state().expect("models invariants hold at the end");
            assert_eq!(Balances::total_issuance(), issuance - Burned::get());
            for (_, job) in Jobs::<Test>::iter() {
                match job.status {
                    JobStatus::Finalized => report.finalized += 1,
                    JobStatus::Refuted => report.refuted += 1,
                    JobStatus::TimedOut => report.timed_out += 1,
                    open => panic!("a job still {open:?} after every deadline passed"),
                }
            }
            for (who, info) in Executors::<Test>::iter() {
                assert!(info.bond <= Balances::total_balance(&who));
            }
        });
        report.sequences += 1;
    }
    report
}

#[test]
fn fuzz_calls_and_blocks_keep_every_invariant() {
    let sequences = std::env::var("VIGIL_FUZZ_SEQUENCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let seed = std::env::var("VIGIL_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let start = std::time::Instant::now();
    let report = run(sequences, 120, seed);
    println!(
        "fuzz: {} sequences, {} calls, {} blocks in {:.1} s; jobs finalized {}, refuted {}, timed out {}",
        report.sequences,
        report.calls,
        report.blocks,
        start.elapsed().as_secs_f64(),
        report.finalized,
        report.refuted,
        report.timed_out
    );
    for (outcome, n) in &report.outcomes {
        println!("  {n:>7}  {outcome}");
    }
    // The generator reaches every ending of a job and both verdicts of a dispute, or it is not
    // exercising the pallet.
    assert!(
        report.finalized > 0 && report.refuted > 0 && report.timed_out > 0,
        "{report:?}"
    );
    for needed in [
        "challenge: ok",
        "post_claim: ok",
        "submit_job: ok",
        "register_executor: ok",
        "challenge: TooManyLayerInputs",
        "commit_challenge: ok",
        "challenge: LayerInputTooLarge",
        "post_claim: NotAssignedExecutor",
        "submit_job: WrongInputLength",
        "set_offer: ok",
        "register_watcher: ok",
        "attest: ok",
        "attest: NotAssignedWatcher",
    ] {
        assert!(
            report.outcomes.contains_key(needed),
            "the fuzz never saw `{needed}`: {:?}",
            report.outcomes
        );
    }
}
