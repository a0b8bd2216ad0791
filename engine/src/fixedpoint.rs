//! Q-format fixed-point functions used by the int8 softmax: `exp` of a non-positive number and
//! the reciprocal of a sum.
//!
//! A value is an `i32` raw `r` read as `r / 2^(31 − integer_bits)`. The functions below follow
//! gemmlowp's `fixedpoint.h` (which TFLite's softmax uses) operation for operation, because the
//! result must be bit-identical to it, not merely close: the polynomial, the constants, the
//! order of roundings are all part of the specification.
//!
//! Arithmetic conventions, as in gemmlowp for 32-bit raws:
//! - `mul` of a Qa and a Qb value gives a Q(a+b) value:
//!   [`saturating_rounding_doubling_high_mul`] of the raws.
//! - addition and subtraction are on raws; they wrap on overflow (the inputs used here never
//!   come near it: every intermediate is bounded by a small constant times one).
//! - `rescale` from Qa to Qb is [`saturating_rounding_multiply_by_pot`] by `a − b`.

use crate::quant::{
    rounding_divide_by_pot, saturating_rounding_doubling_high_mul,
    saturating_rounding_multiply_by_pot,
};

/// Raw of one in Q0.31: the largest value, one being unrepresentable.
const ONE_Q0: i32 = i32::MAX;

#[inline]
fn mul(a: i32, b: i32) -> i32 {
    saturating_rounding_doubling_high_mul(a, b)
}

/// `exp(a)` for `a` in `[-1/4, 0)`, Q0.31 in and out.
///
/// A Taylor expansion around `-1/8` to the fourth order: with `x = a + 1/8`,
/// `exp(a) = exp(-1/8) · (1 + x + x²/2 + x³/6 + x⁴/24)`.
fn exp_on_interval_between_negative_one_quarter_and_0_excl(a: i32) -> i32 {
    // exp(-1/8) and 1/3 in Q0.31.
    const EXP_MINUS_ONE_EIGHTH: i32 = 1_895_147_668;
    const ONE_THIRD: i32 = 715_827_883;
    let x = a.wrapping_add(1 << 28);
    let x2 = mul(x, x);
    let x3 = mul(x2, x);
    let x4 = mul(x2, x2);
    let x4_over_4 = rounding_divide_by_pot(x4, 2);
    let poly = rounding_divide_by_pot(
        mul(x4_over_4.wrapping_add(x3), ONE_THIRD).wrapping_add(x2),
        1,
    );
    EXP_MINUS_ONE_EIGHTH.wrapping_add(mul(EXP_MINUS_ONE_EIGHTH, x.wrapping_add(poly)))
}

/// `exp(a)` for `a ≤ 0` given in Q`integer_bits`, returned in Q0.31 (one saturates to the
/// largest raw).
///
/// The argument is split into its remainder modulo 1/4, whose exponential comes from the
/// polynomial above, and a multiple of 1/4 whose bits select constant factors
/// `exp(-2^k)` for `k = -2 ..= 4` (a barrel shifter). Arguments below `-32` give zero.
pub fn exp_on_negative_values(a: i32, integer_bits: u32) -> i32 {
    let fractional_bits = 31 - integer_bits;
    let one_quarter: i32 = 1 << (fractional_bits - 2);
    let mask = one_quarter - 1;
    let a_mod_quarter_minus_one_quarter = (a & mask).wrapping_sub(one_quarter);
    let mut result = exp_on_interval_between_negative_one_quarter_and_0_excl(
        saturating_rounding_multiply_by_pot(a_mod_quarter_minus_one_quarter, integer_bits as i32),
    );
    let remainder = a_mod_quarter_minus_one_quarter.wrapping_sub(a);

    // exp(-2^k) in Q0.31 for k = -2, -1, 0, 1, 2, 3, 4.
    const BARREL: [(i32, i32); 7] = [
        (-2, 1_672_461_947),
        (-1, 1_302_514_674),
        (0, 790_015_084),
        (1, 290_630_308),
        (2, 39_332_535),
        (3, 720_401),
        (4, 242),
    ];
    for (exponent, factor) in BARREL {
        if integer_bits as i32 > exponent {
            let bit = fractional_bits as i32 + exponent;
            if remainder & (1i32 << bit) != 0 {
                result = mul(result, factor);
            }
        }
    }
    if integer_bits > 5 {
        let clamp = -(1i32 << (36 - integer_bits));
        // The clamp is -32 in Q`integer_bits`.
        if a < clamp {
            result = 0;
        }
    }
    if a == 0 {
        result = ONE_Q0;
    }
    result
}

/// `2 / (1 + a)` in Q2.29 for `a` in `[0, 1)` given in Q0.31.
///
/// Three Newton–Raphson steps on the half denominator `d = (1 + a) / 2`, starting from the
/// minimax linear estimate `48/17 − 32/17 · d`.
fn inverse_of_half_denominator(a: i32) -> i32 {
    const FORTY_EIGHT_OVER_SEVENTEEN_Q2: i32 = 1_515_870_810;
    const MINUS_THIRTY_TWO_OVER_SEVENTEEN_Q2: i32 = -1_010_580_540;
    let half_denominator = rounding_half_sum(a, ONE_Q0);
    let mut x = FORTY_EIGHT_OVER_SEVENTEEN_Q2
        .wrapping_add(mul(half_denominator, MINUS_THIRTY_TWO_OVER_SEVENTEEN_Q2));
    for _ in 0..3 {
        let half_denominator_times_x = mul(half_denominator, x);
        let one_minus_half_denominator_times_x = ONE_Q2.wrapping_sub(half_denominator_times_x);
        // Q2 · Q2 = Q4, rescaled to Q2.
        x = x.wrapping_add(saturating_rounding_multiply_by_pot(
            mul(x, one_minus_half_denominator_times_x),
            2,
        ));
    }
    x
}

/// One in Q2.29.
const ONE_Q2: i32 = 1 << 29;

/// `1 / (1 + a)` for `a` in `[0, 1)`, Q0.31 in and out.
fn one_over_one_plus_x_for_x_in_0_1(a: i32) -> i32 {
    let x = inverse_of_half_denominator(a);
    // x is 1/d in Q2; 1/(1 + a) = (1/d) / 2, i.e. the same raw read as Q1, rescaled to Q0.
    saturating_rounding_multiply_by_pot(x, 1)
}

/// `(1 − a) / (1 + a)` for `a` in `[0, 1)`, Q0.31 in and out.
fn one_minus_x_over_one_plus_x_for_x_in_0_1(a: i32) -> i32 {
    let x = inverse_of_half_denominator(a);
    // (1 − a)/(1 + a) = 1/d − 1, computed in Q2 and rescaled to Q0.
    saturating_rounding_multiply_by_pot(x.wrapping_sub(ONE_Q2), 2)
}

/// The logistic function `1 / (1 + exp(−a))` of `a` in Q4.27, in Q0.31 (gemmlowp's `logistic`).
pub fn logistic(a: i32) -> i32 {
    if a == 0 {
        return 1 << 30;
    }
    let magnitude = a.wrapping_abs();
    let on_positive =
        one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(magnitude.wrapping_neg(), 4));
    if a > 0 {
        on_positive
    } else {
        ONE_Q0.wrapping_sub(on_positive)
    }
}

/// `tanh(a)` of `a` in Q4.27, in Q0.31 (gemmlowp's `tanh`): `(1 − exp(−2|a|)) / (1 + exp(−2|a|))`
/// with the sign of `a`; reading the Q4.27 raw as Q5.26 doubles it for free.
pub fn tanh(a: i32) -> i32 {
    if a == 0 {
        return 0;
    }
    let magnitude = a.wrapping_abs();
    let t = one_minus_x_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(
        magnitude.wrapping_neg(),
        5,
    ));
    if a < 0 {
        t.wrapping_neg()
    } else {
        t
    }
}

/// `(a + b) / 2` rounded half away from zero, without overflow.
fn rounding_half_sum(a: i32, b: i32) -> i32 {
    let sum = a as i64 + b as i64;
    let sign = if sum >= 0 { 1 } else { -1 };
    ((sum + sign) / 2) as i32
}

/// The reciprocal of a positive Q`integer_bits` value `x`, as TFLite's `GetReciprocal`.
///
/// Returns `(r, n)` where `r` is Q0.31 and `1/x = r / 2^n`: `x` is normalised to `1 + f` with
/// `f` in `[0, 1)` by a shift of its leading one, and `r = 1 / (1 + f)`.
/// `x` must be positive; for `x ≤ 0` the result is `(0, 0)`, which callers never reach (the sum of
/// exponentials always includes `exp(0)`).
pub fn reciprocal(x: i32, integer_bits: u32) -> (i32, i32) {
    if x <= 0 {
        return (0, 0);
    }
    let headroom_plus_one = (x as u32).leading_zeros();
    let num_bits_over_unit = integer_bits as i32 - headroom_plus_one as i32;
    let shifted_sum_minus_one = ((x as u32) << headroom_plus_one).wrapping_sub(1u32 << 31) as i32;
    (
        one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one),
        num_bits_over_unit,
    )
}

#[cfg(test)]
#[allow(clippy::float_arithmetic)]
mod tests {
    use super::*;

    /// Real value of a raw in Q`bits`, for tests only.
    fn real(raw: i32, bits: u32) -> f64 {
        raw as f64 / (1u64 << (31 - bits)) as f64
    }

    #[test]
    fn exp_is_close_to_the_real_function() {
        for step in 0..=640 {
            let value = -(step as f64) / 20.0; // 0 down to -32
            let raw = (value * (1u64 << 26) as f64) as i32;
            let got = real(exp_on_negative_values(raw, 5), 0);
            assert!((got - value.exp()).abs() < 2e-6, "exp({value}) = {got}");
        }
    }

    #[test]
    fn reciprocal_is_close_to_the_real_function() {
        for raw in [1 << 19, 3 << 19, 1 << 25, 12_345_678, i32::MAX / 2] {
            let (r, n) = reciprocal(raw, 12);
            let got = real(r, 0) / 2f64.powi(n);
            let want = 1.0 / real(raw, 12);
            assert!(
                (got - want).abs() / want < 1e-6,
                "1/{} = {got}",
                real(raw, 12)
            );
        }
    }
}
