//! The incentives of the runtime's parameters: prints them and writes the tables that
//! `scripts/plot_economics.py` draws for `docs/economics.md`.
//!
//! ```sh
//! cargo run -p vigil-runtime --example economics -- [OUT_DIR]    # default: docs/economics
//! ```

use std::fmt::Write as _;
use std::path::PathBuf;

use vigil_runtime::economics::{
    catch_probability, catch_threshold, cornering_cost, lie_profit, simulate, units, CallFees,
    ExecutorTerms, Parameters, Scenario,
};
use vigil_runtime::UNIT;

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "docs/economics".into()),
    );
    std::fs::create_dir_all(&out)?;
    let p = Parameters::runtime();
    let fees = CallFees::for_bytes(1024);
    let percent = |x: sp_runtime::Perbill| x.deconstruct() as f64 / 1e7;

    println!("parameters (from the runtime)");
    println!(
        "  MinJobCollateral       {} UNIT",
        units(p.min_job_collateral)
    );
    println!("  MinJobFee              {} UNIT", units(p.min_job_fee));
    println!("  ChallengerBond         {} UNIT", units(p.challenger_bond));
    println!(
        "  ChallengerReward       {} UNIT",
        units(p.challenger_reward)
    );
    println!(
        "  RequesterCompensation  {} %",
        percent(p.requester_compensation)
    );
    println!(
        "  CommitmentDeposit      {} UNIT",
        units(p.commitment_deposit)
    );
    println!(
        "  AuditProbability       {} %",
        percent(p.audit_probability)
    );
    println!("  AuditFeeShare          {} %", percent(p.audit_fee_share));
    println!("  WatcherPenalty         {} UNIT", units(p.watcher_penalty));
    println!(
        "  MinWatcherStake        {} UNIT",
        units(p.min_watcher_stake)
    );
    println!(
        "  MinExecutorBond        {} UNIT",
        units(p.min_executor_bond)
    );
    println!("  MaxExecutors           {}", p.max_executors);
    println!(
        "  ClaimTimeout + ChallengeWindow  {} + {} blocks",
        p.claim_timeout, p.challenge_window
    );
    println!("transaction fees (1 KiB payload)");
    println!("  submit_job        {:.6} UNIT", units(fees.submit_job));
    println!("  post_claim        {:.6} UNIT", units(fees.post_claim));
    println!(
        "  commit_challenge  {:.6} UNIT",
        units(fees.commit_challenge)
    );
    println!("  attest            {:.6} UNIT", units(fees.attest));

    // 1. The expected profit of a lie against the job's value, for several catch probabilities.
    let fee = UNIT;
    let collateral = p.min_job_collateral;
    let audit_only = catch_probability(&p, 1.0, 0.0);
    let mut csv =
        String::from("value_share,audits_only,audits_half_honest,no_watchers,challenger_always\n");
    for i in 0..=20 {
        let share = i as f64 / 20.0;
        let value = (collateral as f64 * share) as u128;
        let row = [
            catch_probability(&p, 1.0, 0.0),
            catch_probability(&p, 0.5, 0.0),
            catch_probability(&p, 0.0, 0.0),
            catch_probability(&p, 1.0, 1.0),
        ]
        .map(|q| lie_profit(&p, value, collateral, fee, q, true));
        writeln!(csv, "{share},{},{},{},{}", row[0], row[1], row[2], row[3]).unwrap();
    }
    std::fs::write(out.join("lie_profit.csv"), csv)?;
    println!("a lie (self-challenge included), job worth its whole collateral, fee 1 UNIT");
    for collateral in [
        p.min_job_collateral,
        10 * p.min_job_collateral,
        100 * p.min_job_collateral,
    ] {
        println!(
            "  collateral {:>6} UNIT: profit {:>9.2} UNIT with audits alone (caught {:.0} %, \
             needs > {:.1} %), {:>9.2} UNIT with a challenger",
            units(collateral),
            lie_profit(&p, collateral, collateral, fee, audit_only, true),
            100.0 * audit_only,
            100.0 * catch_threshold(&p, collateral, fee),
            lie_profit(&p, collateral, collateral, fee, 1.0, true),
        );
    }

    // 2. The simulation: lie rate against the liar's mean profit and the watcher's income.
    let mut csv =
        String::from("lie_rate,mean_lie_profit,watcher_net_per_audit,requester_cost_per_job\n");
    println!("simulated (100 000 jobs each; values uniform up to the collateral; no challenger)");
    for rate in [0.0, 0.01, 0.05, 0.1, 0.2, 0.5, 1.0] {
        let o = simulate(
            &p,
            &Scenario {
                jobs: 100_000,
                lie_rate: rate,
                max_value_share: 1.0,
                collateral: p.min_job_collateral,
                fee,
                honest_watchers: 1.0,
                challenger: 0.0,
                self_challenge: true,
                compute_cost: UNIT / 10,
                seed: 1,
            },
        );
        println!(
            "  lie rate {:>4.2}: a lie's mean profit {:>8.2} UNIT; a watcher nets {:>6.3} UNIT per \
             audit; a requester pays {:.3} UNIT per job",
            rate, o.mean_lie_profit, o.watcher_net_per_audit, o.requester_cost_per_job
        );
        writeln!(
            csv,
            "{rate},{},{},{}",
            o.mean_lie_profit, o.watcher_net_per_audit, o.requester_cost_per_job
        )
        .unwrap();
    }
    std::fs::write(out.join("simulation.csv"), csv)?;

    // 3. A watcher's income at a lie rate of zero, against the fee.
    let mut csv = String::from("fee,watcher_net_per_audit\n");
    for i in 1..=40 {
        let fee = UNIT * i / 20;
        let o = simulate(
            &p,
            &Scenario {
                jobs: 10_000,
                lie_rate: 0.0,
                max_value_share: 0.0,
                collateral: p.min_job_collateral,
                fee,
                honest_watchers: 1.0,
                challenger: 0.0,
                self_challenge: false,
                compute_cost: UNIT / 10,
                seed: 2,
            },
        );
        writeln!(csv, "{},{}", units(fee), o.watcher_net_per_audit).unwrap();
    }
    std::fs::write(out.join("watcher_income.csv"), csv)?;

    // 4. The cost of cornering every executor for one window, against the collateral asked.
    let executors = vec![ExecutorTerms::client_default(&p); p.max_executors as usize];
    let mut csv = String::from("collateral,cornering_cost\n");
    for multiple in [1u128, 2, 5, 10] {
        let collateral = p.min_job_collateral * multiple;
        let cost = cornering_cost(&executors, collateral, fees.submit_job);
        writeln!(csv, "{},{}", units(collateral), units(cost)).unwrap();
    }
    std::fs::write(out.join("cornering.csv"), csv)?;
    let cost = cornering_cost(&executors, p.min_job_collateral, fees.submit_job);
    let before = p.max_executors as u128
        * (p.min_executor_bond / p.min_job_collateral)
        * (p.min_job_fee + fees.submit_job);
    println!(
        "cornering {} executors (default offers, least bond) for one window: {:.2} UNIT \
         (at the chain's least fee, without offers: {:.2} UNIT)",
        p.max_executors,
        units(cost),
        units(before)
    );
    println!("tables written to {}", out.display());
    Ok(())
}
