//! The rounding primitives against exact big-integer arithmetic, on their edge cases (ties,
//! negatives, saturation, extreme shifts) and on many pseudo-random values.

use num_bigint::BigInt;
use vigil_engine::quant::{
    requantize, rounding_divide_by_pot, saturating_rounding_doubling_high_mul,
    saturating_rounding_multiply_by_pot, Multiplier,
};
use vigil_engine::testing::TestRng;

/// `n / 2^k` rounded to nearest, ties away from zero, exactly.
fn round_half_away(n: &BigInt, k: u32) -> BigInt {
    let d = BigInt::from(1) << k;
    let twice = n * 2;
    let sign = if n.sign() == num_bigint::Sign::Minus {
        -1
    } else {
        1
    };
    // (2n + sign·d) / (2d), truncated toward zero.
    (twice + &d * sign) / (&d * 2)
}

fn clamp_i32(n: BigInt) -> i32 {
    let max = BigInt::from(i32::MAX);
    let min = BigInt::from(i32::MIN);
    if n > max {
        i32::MAX
    } else if n < min {
        i32::MIN
    } else {
        i32::try_from(n).unwrap()
    }
}

/// `n / 2^k` rounded to nearest, ties toward positive infinity: `floor(n / 2^k + 1/2)`.
fn round_half_up(n: &BigInt, k: u32) -> BigInt {
    let d = BigInt::from(1) << k;
    let numerator = n * 2 + &d;
    let denominator = &d * 2;
    // Floor division for a positive denominator.
    let q = &numerator / &denominator;
    if (&numerator % &denominator) < BigInt::from(0) {
        q - 1
    } else {
        q
    }
}

fn exact_high_mul(a: i32, b: i32) -> i32 {
    clamp_i32(round_half_up(&(BigInt::from(a) * BigInt::from(b)), 31))
}

fn exact_divide(x: i32, e: u32) -> i32 {
    clamp_i32(round_half_away(&BigInt::from(x), e))
}

/// Exact value of the double-rounding requantization, for arguments whose left shift fits.
fn exact_requantize(x: i32, m: Multiplier) -> i32 {
    let shifted = i32::try_from(BigInt::from(x) << m.left_shift()).expect("fits");
    exact_divide(
        exact_high_mul(shifted, m.multiplier),
        (-m.shift).max(0) as u32,
    )
}

const EDGES: [i32; 13] = [
    0,
    1,
    -1,
    2,
    -2,
    3,
    -3,
    1 << 30,
    -(1 << 30),
    i32::MAX,
    i32::MIN,
    i32::MAX - 1,
    i32::MIN + 1,
];

#[test]
fn high_mul_matches_exact_on_edges() {
    for &a in &EDGES {
        for &b in &EDGES {
            assert_eq!(
                saturating_rounding_doubling_high_mul(a, b),
                exact_high_mul(a, b),
                "{a} {b}"
            );
        }
    }
}

#[test]
fn high_mul_matches_exact_on_ties() {
    // a · b = ±2^30 · odd: exactly half-way between two results.
    for odd in [1i32, 3, 5, 1001, 32767] {
        for sign in [1, -1] {
            let a = sign * odd;
            let b = 1 << 30;
            assert_eq!(
                saturating_rounding_doubling_high_mul(a, b),
                exact_high_mul(a, b),
                "{a}"
            );
        }
    }
}

#[test]
fn divide_by_pot_matches_exact_on_ties_and_extreme_shifts() {
    for &x in EDGES
        .iter()
        .chain(&[5, -5, 6, -6, 7, -7, 1 << 15, -(1 << 15) - 1])
    {
        for e in 0..=31 {
            assert_eq!(
                rounding_divide_by_pot(x, e),
                exact_divide(x, e),
                "{x} >> {e}"
            );
        }
    }
}

#[test]
fn multiply_by_pot_saturates_exactly() {
    for &x in &EDGES {
        for e in -31..=31i32 {
            let want = if e >= 0 {
                clamp_i32(BigInt::from(x) << e as u32)
            } else {
                exact_divide(x, e.unsigned_abs())
            };
            assert_eq!(
                saturating_rounding_multiply_by_pot(x, e),
                want,
                "{x} * 2^{e}"
            );
        }
    }
}

#[test]
fn requantize_matches_exact_on_random_values() {
    let mut rng = TestRng::new(7);
    for _ in 0..200_000 {
        let shift = rng.range(-31, 31) as i32;
        let multiplier = if rng.range(0, 50) == 0 {
            0
        } else {
            rng.range(1 << 30, 1 << 31) as i32
        };
        let m = Multiplier { multiplier, shift };
        assert!(m.is_well_formed());
        // Pick x so that x · 2^left_shift fits, as the validator guarantees.
        let limit = (i32::MAX as i64) >> m.left_shift();
        let x = rng.range(-limit, limit + 1) as i32;
        assert_eq!(requantize(x, m), exact_requantize(x, m), "{x} {m:?}");
    }
}

#[test]
fn requantize_extreme_arguments() {
    for &x in &EDGES {
        for shift in [-31, -30, -1, 0] {
            for multiplier in [0, 1 << 30, i32::MAX] {
                let m = Multiplier { multiplier, shift };
                assert_eq!(requantize(x, m), exact_requantize(x, m), "{x} {m:?}");
            }
        }
    }
}
