//! The incentives of the runtime's parameters, worked out and simulated.
//!
//! Everything here reads the runtime's own constants ([`Parameters::runtime`]) and its own fee
//! functions ([`tx_fee`]), so that `docs/economics.md`, its plots (made from what
//! `cargo run -p vigil-runtime --example economics` writes) and the tests below describe the chain
//! that is built, not a copy of it.
//!
//! ## The lie
//!
//! An executor that lies on a job gains the job's value `V` to it (what rides on the wrong answer)
//! if the lie stands. The lie is caught with probability `q`: an audit drawn (probability `p`)
//! with an honest watcher (a share `h` of the watchers), or a challenger watching (probability
//! `w`, independent of audits): `q = 1 - (1 - p h)(1 - w)`. A caught liar loses the job's
//! collateral `c` and the fee `f` it would have earned. It can also *challenge itself*: commit in
//! advance, from a second account, to the refutation of its own lie, so that when the lie is
//! caught the challenger's reward `R` comes back to it; the commitment's deposit `d` is lost when
//! the lie stands. Against being honest (paid `f`), the lie's expected profit is
//!
//! ```text
//! without self-challenge:  (1 - q) V - q (c + f)
//! with self-challenge:     (1 - q) (V - d) - q (c - R + f)
//! ```
//!
//! For `V <= c` (the requester asks for collateral at least what rides on the answer), the
//! worst case is `V = c`, and with self-challenge it is negative exactly when
//! `q > (c - d) / (2c - R - d + f)`, about one half.
//!
//! ## The watcher
//!
//! An honest watcher answers each audit drawn for it with one inference (cost `C`) and one
//! `attest` extrinsic; when the claim finalizes it is paid `s f` (`AuditFeeShare`). At a lie rate
//! of zero its income per audit is `s f - C - fee(attest)`.
//!
//! ## Cornering the executors
//!
//! To leave no executor for others for one claim timeout and challenge window, an attacker must
//! fill every executor's capacity (or free collateral), each job paying at least that executor's
//! ask `base + rate × collateral`: the cost is the sum of the asks ([`cornering_cost`]).

use crate::{Balance, Runtime, UNIT};
use frame_support::{dispatch::DispatchClass, traits::Get, weights::Weight};
use pallet_inference::WeightInfo;
use sp_runtime::Perbill;

/// The runtime's economic parameters.
#[derive(Clone, Debug)]
pub struct Parameters {
    pub min_job_collateral: Balance,
    pub min_job_fee: Balance,
    pub challenger_bond: Balance,
    pub challenger_reward: Balance,
    pub requester_compensation: Perbill,
    pub commitment_deposit: Balance,
    pub audit_probability: Perbill,
    pub audit_fee_share: Perbill,
    pub watcher_penalty: Balance,
    pub min_watcher_stake: Balance,
    pub min_executor_bond: Balance,
    pub max_executors: u32,
    pub claim_timeout: u32,
    pub challenge_window: u32,
}

impl Parameters {
    /// The parameters of this runtime.
    pub fn runtime() -> Parameters {
        type I = Runtime;
        Parameters {
            min_job_collateral: <I as pallet_inference::Config>::MinJobCollateral::get(),
            min_job_fee: <I as pallet_inference::Config>::MinJobFee::get(),
            challenger_bond: <I as pallet_inference::Config>::ChallengerBond::get(),
            challenger_reward: <I as pallet_inference::Config>::ChallengerReward::get(),
            requester_compensation: <I as pallet_inference::Config>::RequesterCompensation::get(),
            commitment_deposit: <I as pallet_inference::Config>::CommitmentDeposit::get(),
            audit_probability: <I as pallet_inference::Config>::AuditProbability::get(),
            audit_fee_share: <I as pallet_inference::Config>::AuditFeeShare::get(),
            watcher_penalty: <I as pallet_inference::Config>::WatcherPenalty::get(),
            min_watcher_stake: <I as pallet_inference::Config>::MinWatcherStake::get(),
            min_executor_bond: <I as pallet_inference::Config>::MinExecutorBond::get(),
            max_executors: <I as pallet_inference::Config>::MaxExecutors::get(),
            claim_timeout: <I as pallet_inference::Config>::ClaimTimeout::get(),
            challenge_window: <I as pallet_inference::Config>::ChallengeWindow::get(),
        }
    }
}

/// The fee the runtime charges for an extrinsic of `weight` and `len` bytes (fee multiplier 1,
/// no tip): the base extrinsic weight plus the call's, and the length, through the runtime's
/// `WeightToFee` and `LengthToFee`.
pub fn tx_fee(weight: Weight, len: u32) -> Balance {
    let base = crate::RuntimeBlockWeights::get()
        .get(DispatchClass::Normal)
        .base_extrinsic;
    type Payment = pallet_transaction_payment::Pallet<Runtime>;
    Payment::weight_to_fee(base.saturating_add(weight)).saturating_add(Payment::length_to_fee(len))
}

/// The fees of the calls an actor of the protocol makes, from the benchmarked weights (with
/// about 200 bytes of signature and call around the payload).
pub struct CallFees {
    pub submit_job: Balance,
    pub post_claim: Balance,
    pub commit_challenge: Balance,
    pub attest: Balance,
}

impl CallFees {
    /// The fees for a model whose input, output and attested activation are `bytes` long.
    pub fn for_bytes(bytes: u32) -> CallFees {
        type W = pallet_inference::weights::SubstrateWeight<Runtime>;
        let kib = bytes.div_ceil(1024);
        let executors = <Runtime as pallet_inference::Config>::MaxExecutors::get();
        CallFees {
            submit_job: tx_fee(W::submit_job(executors), bytes + 200),
            post_claim: tx_fee(W::post_claim(kib), bytes + 200),
            commit_challenge: tx_fee(W::commit_challenge(), 200),
            attest: tx_fee(W::attest(kib), bytes + 200),
        }
    }
}

/// `amount` in UNIT.
pub fn units(amount: Balance) -> f64 {
    amount as f64 / UNIT as f64
}

/// The chance that a lie is caught: by an audit with an honest watcher (`p × honest_watchers`)
/// or by a challenger watching (`challenger`).
pub fn catch_probability(p: &Parameters, honest_watchers: f64, challenger: f64) -> f64 {
    let audit = ratio(p.audit_probability) * honest_watchers;
    1.0 - (1.0 - audit) * (1.0 - challenger)
}

/// The expected profit (UNIT) of lying rather than answering honestly, on a job of `value` to the
/// liar, with `collateral` and `fee`, caught with probability `q`; with `self_challenge`, the
/// liar commits in advance to refuting itself, to keep the challenger's reward.
pub fn lie_profit(
    p: &Parameters,
    value: Balance,
    collateral: Balance,
    fee: Balance,
    q: f64,
    self_challenge: bool,
) -> f64 {
    let (v, c, f) = (units(value), units(collateral), units(fee));
    if self_challenge {
        let (r, d) = (units(p.challenger_reward), units(p.commitment_deposit));
        (1.0 - q) * (v - d) - q * (c - r + f)
    } else {
        (1.0 - q) * v - q * (c + f)
    }
}

/// The least catch probability above which no lie on a job worth at most its `collateral` pays,
/// self-challenge included.
pub fn catch_threshold(p: &Parameters, collateral: Balance, fee: Balance) -> f64 {
    let (c, f) = (units(collateral), units(fee));
    let (r, d) = (units(p.challenger_reward), units(p.commitment_deposit));
    (c - d) / (2.0 * c - r - d + f)
}

/// An executor's terms, for [`cornering_cost`]: its bond and its offer, priced by the pallet's
/// own [`pallet_inference::Offer::ask`].
#[derive(Clone, Debug)]
pub struct ExecutorTerms {
    pub bond: Balance,
    pub offer: pallet_inference::OfferOf<Runtime>,
}

impl ExecutorTerms {
    /// The terms `vigil executor run` offers by default (0.01 UNIT plus 0.1 % of the
    /// collateral, every model, no limit but the bond), with the least bond.
    pub fn client_default(p: &Parameters) -> ExecutorTerms {
        ExecutorTerms {
            bond: p.min_executor_bond,
            offer: pallet_inference::Offer {
                base_fee: UNIT / 100,
                collateral_rate: Perbill::from_parts(1_000_000),
                capacity: u32::MAX,
                models: None,
            },
        }
    }

    /// How many jobs of `collateral` the executor takes at once.
    pub fn jobs(&self, collateral: Balance) -> u64 {
        let by_bond = (self.bond / collateral.max(1)) as u64;
        by_bond.min(u64::from(self.offer.capacity))
    }

    /// The least fee it takes for a job of `collateral`.
    pub fn ask(&self, collateral: Balance) -> Balance {
        self.offer.ask(collateral)
    }
}

/// What it costs to occupy every executor for one claim timeout and challenge window with jobs
/// of `collateral`: each executor's jobs at its ask, plus the fee of each `submit_job`.
pub fn cornering_cost(
    executors: &[ExecutorTerms],
    collateral: Balance,
    submit_fee: Balance,
) -> Balance {
    executors
        .iter()
        .map(|e| {
            Balance::from(e.jobs(collateral))
                .saturating_mul(e.ask(collateral).saturating_add(submit_fee))
        })
        .sum()
}

/// A simulated market.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Jobs simulated.
    pub jobs: u64,
    /// The chance that an executor lies on a job.
    pub lie_rate: f64,
    /// The value of a job to a liar, as a share of its collateral (drawn uniformly from 0 to
    /// this).
    pub max_value_share: f64,
    pub collateral: Balance,
    pub fee: Balance,
    /// The share of watchers that audit honestly.
    pub honest_watchers: f64,
    /// The chance that a challenger re-executes a given claim.
    pub challenger: f64,
    /// Whether a liar commits in advance to refuting itself.
    pub self_challenge: bool,
    /// An inference's cost to whoever runs it (UNIT of compute and electricity).
    pub compute_cost: Balance,
    pub seed: u64,
}

/// What a simulation measured, in UNIT.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Lies told, and their mean profit against answering honestly.
    pub lies: u64,
    pub mean_lie_profit: f64,
    /// The watchers' income per audit, net of the inference and the `attest` fee.
    pub watcher_net_per_audit: f64,
    pub audits: u64,
    /// The requester's cost per job: the fee and the `submit_job` fee, plus the value of the
    /// lies that stood, less the fees refunded and the compensation paid for the lies caught.
    pub requester_cost_per_job: f64,
    /// Caught lies.
    pub caught: u64,
}

/// Simulate `s` with parameters `p`: each job is audited with the runtime's probability, each lie
/// caught by an honest audit or a challenger, and every balance that moves is counted.
pub fn simulate(p: &Parameters, s: &Scenario) -> Outcome {
    let mut rng = SplitMix(s.seed);
    let fees = CallFees::for_bytes(1024);
    let (c, f) = (units(s.collateral), units(s.fee));
    let (r, d) = (units(p.challenger_reward), units(p.commitment_deposit));
    let share = ratio(p.audit_fee_share);
    let compensation = ratio(p.requester_compensation);
    let mut out = Outcome::default();
    let mut lie_profit_sum = 0.0;
    let mut watcher_net = 0.0;
    let mut requester_cost = 0.0;
    for _ in 0..s.jobs {
        let audited = rng.chance(ratio(p.audit_probability));
        let honest_watcher = rng.chance(s.honest_watchers);
        let challenged = rng.chance(s.challenger);
        requester_cost += f + units(fees.submit_job);
        if rng.chance(s.lie_rate) {
            out.lies += 1;
            let value = rng.unit() * s.max_value_share * c;
            let caught = (audited && honest_watcher) || challenged;
            // Against the honest alternative, which earns the fee (less an audit's share).
            let honest = if audited { f * (1.0 - share) } else { f };
            let lied = if caught {
                out.caught += 1;
                requester_cost -= f + compensation * c;
                -c + if s.self_challenge { r } else { 0.0 }
            } else {
                // The requester bears the lie it was not protected from.
                requester_cost += value;
                value + honest - if s.self_challenge { d } else { 0.0 }
            };
            lie_profit_sum += lied - honest;
            if audited && caught && honest_watcher {
                // The watcher challenged: its reward only if it committed first.
                out.audits += 1;
                watcher_net += if s.self_challenge { 0.0 } else { r } - units(s.compute_cost);
            }
        } else if audited {
            out.audits += 1;
            watcher_net += share * f - units(s.compute_cost) - units(fees.attest);
        }
    }
    out.mean_lie_profit = if out.lies > 0 {
        lie_profit_sum / out.lies as f64
    } else {
        0.0
    };
    out.watcher_net_per_audit = if out.audits > 0 {
        watcher_net / out.audits as f64
    } else {
        0.0
    };
    out.requester_cost_per_job = requester_cost / s.jobs.max(1) as f64;
    out
}

fn ratio(p: Perbill) -> f64 {
    p.deconstruct() as f64 / 1e9
}

/// A small deterministic generator, so that a simulation is reproducible from its seed.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worst_case(collateral: Balance, fee: Balance) -> Scenario {
        Scenario {
            jobs: 200_000,
            lie_rate: 1.0,
            // Every lie worth its whole collateral: the worst the requester allows.
            max_value_share: 1.0,
            collateral,
            fee,
            honest_watchers: 1.0,
            // Nobody but the audit watches.
            challenger: 0.0,
            self_challenge: true,
            compute_cost: 0,
            seed: 7,
        }
    }

    /// The inequalities the pallet's `integrity_test` does not already check.
    #[test]
    fn the_runtime_constants_satisfy_the_inequalities() {
        let p = Parameters::runtime();
        // Catching a lie pays: the liar's collateral covers the challenger's bond and reward.
        assert!(p.min_job_collateral >= p.challenger_bond + p.challenger_reward);
        // A self-challenging liar still loses most of its collateral.
        assert!(p.challenger_reward * 2 < p.min_job_collateral);
        // Audits alone catch enough lies that none worth up to its collateral pays.
        for collateral in [
            p.min_job_collateral,
            10 * p.min_job_collateral,
            1000 * p.min_job_collateral,
        ] {
            let needed = catch_threshold(&p, collateral, p.min_job_fee);
            let q = catch_probability(&p, 1.0, 0.0);
            assert!(
                q > needed,
                "audits catch {q}, a lie needs {needed} to not pay"
            );
        }
        // A watcher's penalty for silence outweighs the inference it saved.
        assert!(p.watcher_penalty > 0 && p.min_watcher_stake >= p.watcher_penalty);
    }

    /// The simulation at its worst case (every lie worth its whole collateral, no challenger,
    /// the liar challenging itself): no lie pays, at the least collateral and far above it, and
    /// the simulation agrees with the closed form.
    #[test]
    fn no_lie_pays_in_the_worst_case() {
        let p = Parameters::runtime();
        for collateral in [
            p.min_job_collateral,
            10 * p.min_job_collateral,
            100 * p.min_job_collateral,
        ] {
            for fee in [p.min_job_fee, UNIT] {
                let out = simulate(&p, &worst_case(collateral, fee));
                assert!(out.mean_lie_profit < 0.0, "{collateral} {fee}: {out:?}");
                let q = catch_probability(&p, 1.0, 0.0);
                // Uniform values up to the collateral: the mean value is half of it.
                let expected = lie_profit(&p, collateral / 2, collateral, fee, q, true);
                let tolerance = 0.02 * units(collateral);
                assert!(
                    (out.mean_lie_profit - expected).abs() < tolerance,
                    "simulated {} vs closed form {expected}",
                    out.mean_lie_profit
                );
                let worst = lie_profit(&p, collateral, collateral, fee, q, true);
                assert!(worst < 0.0, "a lie worth its whole collateral: {worst}");
            }
        }
    }

    /// With challengers watching, a lie never pays whatever its value; without them and without
    /// audits it does: the simulation can tell.
    #[test]
    fn the_simulation_sees_a_lie_pay_when_nobody_watches() {
        let p = Parameters::runtime();
        let mut unwatched = worst_case(p.min_job_collateral, UNIT);
        unwatched.honest_watchers = 0.0;
        assert!(simulate(&p, &unwatched).mean_lie_profit > 0.0);
        let mut watched = unwatched.clone();
        watched.challenger = 1.0;
        let out = simulate(&p, &watched);
        assert_eq!(out.caught, out.lies);
        assert!(out.mean_lie_profit < -units(p.min_job_collateral) / 2.0);
    }

    /// At a lie rate of zero an honest watcher earns more than its audits cost it, for a fee of
    /// one UNIT and an inference that costs a tenth of it.
    #[test]
    fn a_watcher_earns_when_nobody_lies() {
        let p = Parameters::runtime();
        let scenario = Scenario {
            jobs: 50_000,
            lie_rate: 0.0,
            max_value_share: 0.0,
            collateral: p.min_job_collateral,
            fee: UNIT,
            honest_watchers: 1.0,
            challenger: 0.0,
            self_challenge: false,
            compute_cost: UNIT / 10,
            seed: 3,
        };
        let out = simulate(&p, &scenario);
        assert!(out.audits > 0);
        assert!(out.watcher_net_per_audit > 0.0, "{out:?}");
        let closed = ratio(p.audit_fee_share) - 0.1 - units(CallFees::for_bytes(1024).attest);
        assert!((out.watcher_net_per_audit - closed).abs() < 1e-9);
    }

    /// Occupying every executor costs at least every executor's ask for each job it takes.
    #[test]
    fn cornering_costs_at_least_the_asks() {
        let p = Parameters::runtime();
        let executors = vec![ExecutorTerms::client_default(&p); p.max_executors as usize];
        let submit = CallFees::for_bytes(1024).submit_job;
        let cost = cornering_cost(&executors, p.min_job_collateral, submit);
        let asks: Balance = executors
            .iter()
            .map(|e| Balance::from(e.jobs(p.min_job_collateral)) * e.ask(p.min_job_collateral))
            .sum();
        assert!(cost >= asks && asks > 0);
        // Before offers, every executor took any job at the chain's least fee.
        let at_min_fee = Balance::from(p.max_executors)
            * (p.min_executor_bond / p.min_job_collateral)
            * p.min_job_fee;
        assert!(asks > 10 * at_min_fee, "{asks} vs {at_min_fee}");
    }
}
