//! Fixed-point primitives shared by every operator.
//!
//! These are the integer building blocks of TFLite's int8 kernels, defined here once with their
//! rounding and overflow behaviour written down. Every operator that rescales an `i32`
//! accumulator to the output's scale goes through [`requantize`]; nothing else rounds.
//!
//! All functions are total: for every input they return a defined value, never panic and never
//! depend on a build flag. Where TFLite's C++ would overflow (undefined behaviour there), the
//! model validator rules the case out before execution; the functions here still define a result
//! (wrapping or saturating, as documented) so that a bug can never become a divergence between
//! machines.

/// A real multiplier `M` in `[0, 1) ∪ [1, 2^30]`, stored as `multiplier · 2^(shift − 31)`.
///
/// `multiplier` is a non-negative Q0.31 significand and `shift` the binary exponent, in
/// `[MIN_SHIFT, MAX_SHIFT]`. TFLite's `QuantizeMultiplier` produces significands in
/// `[2^30, 2^31)` (or `0`); some kernels (MEAN) derive smaller ones from them, so any
/// non-negative significand is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, codec::Encode, codec::Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Multiplier {
    /// Significand, Q0.31, non-negative.
    pub multiplier: i32,
    /// Binary exponent: positive shifts left before the multiplication, negative rounds right
    /// after it.
    pub shift: i32,
}

/// Smallest exponent a [`Multiplier`] may carry.
pub const MIN_SHIFT: i32 = -31;
/// Largest exponent a [`Multiplier`] may carry.
pub const MAX_SHIFT: i32 = 30;

impl Multiplier {
    /// Whether the pair is in the form [`requantize`] is specified for.
    pub fn is_well_formed(&self) -> bool {
        self.multiplier >= 0 && (MIN_SHIFT..=MAX_SHIFT).contains(&self.shift)
    }

    /// How many bits [`requantize`] shifts its argument left before multiplying.
    pub fn left_shift(&self) -> u32 {
        self.shift.max(0) as u32
    }
}

/// `a · b / 2^31` rounded to nearest, ties toward positive infinity, saturating the one
/// overflowing case.
///
/// gemmlowp's `SaturatingRoundingDoublingHighMul`: the high 32 bits of the doubled 64-bit
/// product, nudged by `2^30` (or `1 − 2^30` for a negative product) before a division that
/// truncates toward zero. For a positive tie the nudge carries it up; for a negative tie it
/// stops one short, so the tie also goes up (toward zero). The only product that does not fit
/// is `i32::MIN · i32::MIN`, which saturates to `i32::MAX`.
#[inline]
pub fn saturating_rounding_doubling_high_mul(a: i32, b: i32) -> i32 {
    if a == i32::MIN && b == i32::MIN {
        return i32::MAX;
    }
    let product = a as i64 * b as i64;
    let nudge: i64 = if product >= 0 { 1 << 30 } else { 1 - (1 << 30) };
    // |product + nudge| < 2^62, and the quotient by 2^31 fits in i32 because the only
    // product of magnitude 2^62 was handled above; qed.
    ((product + nudge) / (1i64 << 31)) as i32
}

/// `x / 2^exponent`, rounding to nearest with ties away from zero.
///
/// gemmlowp's `RoundingDivideByPOT`. `exponent` is clamped to `[0, 31]`, the range for which
/// the gemmlowp function is defined; an arithmetic shift followed by a correction of one when
/// the discarded bits exceed half (or equal half for a negative `x`, whose shift rounds down).
#[inline]
pub fn rounding_divide_by_pot(x: i32, exponent: u32) -> i32 {
    let exponent = exponent.min(31);
    let mask: i32 = ((1i64 << exponent) - 1) as i32;
    let remainder = x & mask;
    let threshold = (mask >> 1) + i32::from(x < 0);
    (x >> exponent) + i32::from(remainder > threshold)
}

/// `x · 2^exponent` for `exponent` in `[-31, 31]`, saturating when shifting left and rounding to
/// nearest (ties away from zero) when shifting right.
///
/// gemmlowp's `SaturatingRoundingMultiplyByPOT`.
#[inline]
pub fn saturating_rounding_multiply_by_pot(x: i32, exponent: i32) -> i32 {
    if exponent > 0 {
        let exponent = exponent.min(31) as u32;
        let threshold: i32 = ((1i64 << (31 - exponent)) - 1) as i32;
        if x > threshold {
            i32::MAX
        } else if x < -threshold {
            i32::MIN
        } else {
            x << exponent
        }
    } else {
        rounding_divide_by_pot(x, exponent.unsigned_abs())
    }
}

/// Rescales an `i32` accumulator by a real multiplier: `x · M`, rounded.
///
/// This is TFLite's `MultiplyByQuantizedMultiplier` in its default, double-rounding form, the
/// one the reference kernels of TFLite Micro are built with:
///
/// ```text
/// requantize(x, (m, s)) = rounding_divide_by_pot(srdhm(x · 2^max(s, 0), m), max(−s, 0))
/// ```
///
/// Contract:
/// - `m` is a non-negative Q0.31 value; `s` in `[-31, 30]` ([`Multiplier::is_well_formed`]).
/// - `x · 2^max(s, 0)` must fit in `i32`. The validator proves this for every layer from the
///   bound on its accumulator; should it not hold, the left shift wraps (two's complement), as
///   the C++ does on every machine it runs on, so the result is still defined.
/// - The product is rounded twice: once to the high 32 bits (ties up, see
///   [`saturating_rounding_doubling_high_mul`]), once by the right shift (half away from zero, see
///   [`rounding_divide_by_pot`]). Double rounding can differ by one from rounding the exact
///   product once; it is kept because the reference kernels do it.
#[inline]
pub fn requantize(x: i32, m: Multiplier) -> i32 {
    let shifted = x.wrapping_shl(m.left_shift());
    let high = saturating_rounding_doubling_high_mul(shifted, m.multiplier);
    rounding_divide_by_pot(high, (-m.shift).max(0) as u32)
}

/// Largest exponent [`requantize_wide`] accepts.
pub const MAX_WIDE_SHIFT: i32 = 7;

/// Bound on the magnitude of the argument of [`requantize_wide`]: `|x| < 2^47`.
pub const WIDE_INPUT_BITS: u32 = 47;

/// Rescales an `i64` accumulator by a real multiplier, the 16x8 kernels' form: `x · M` rounded
/// once.
///
/// TFLite's `MultiplyByQuantizedMultiplier(int64_t x, ...)`: the Q0.31 significand is first
/// reduced to Q0.15 (`(m + 2^15) >> 16`, or `0x7FFF` from `0x7FFF0000` up, so that rounding it
/// cannot overflow), then
///
/// ```text
/// requantize_wide(x, (m, s)) = (x · m15 + 2^(14 − s)) >> (15 − s)      (arithmetic shift)
/// ```
///
/// which rounds to nearest with ties toward positive infinity.
///
/// Contract: `m` non-negative, `s` in `[-31, 7]`, `|x| < 2^47` (so `x · m15` fits in `i64`), and
/// the result fits in `i32`; the validator proves the last two from the layer's accumulator
/// bound. Outside the contract the arithmetic wraps, so the result is still defined.
#[inline]
pub fn requantize_wide(x: i64, m: Multiplier) -> i32 {
    let reduced: i64 = if m.multiplier < 0x7FFF_0000 {
        ((m.multiplier as i64) + (1 << 15)) >> 16
    } else {
        0x7FFF
    };
    let total_shift = (15 - m.shift).clamp(1, 63) as u32;
    let round = 1i64 << (total_shift - 1);
    (x.wrapping_mul(reduced).wrapping_add(round) >> total_shift) as i32
}

/// The output range of an int8 tensor after a fused activation (ReLU, ReLU6, none).
#[derive(Clone, Copy, Debug, PartialEq, Eq, codec::Encode, codec::Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct Clamp {
    /// Smallest value written.
    pub min: i8,
    /// Largest value written.
    pub max: i8,
}

impl Clamp {
    /// The whole int8 range: no activation.
    pub const FULL: Clamp = Clamp {
        min: i8::MIN,
        max: i8::MAX,
    };

    /// Clamps an already offset accumulator into the range and narrows it to `i8`.
    ///
    /// `min(max(value, min), max)`, in that order, as TFLite's `ActivationFunctionWithMinMax`:
    /// total even for a range with `min > max` (which then gives `max`).
    #[inline]
    pub fn apply(&self, value: i32) -> i8 {
        value.max(self.min as i32).min(self.max as i32) as i8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubling_high_mul_saturates_only_min_times_min() {
        assert_eq!(
            saturating_rounding_doubling_high_mul(i32::MIN, i32::MIN),
            i32::MAX
        );
        assert_eq!(
            saturating_rounding_doubling_high_mul(i32::MIN, i32::MAX),
            -i32::MAX
        );
        assert_eq!(
            saturating_rounding_doubling_high_mul(i32::MAX, i32::MAX),
            i32::MAX - 1
        );
    }

    #[test]
    fn rounding_divide_rounds_ties_away_from_zero() {
        assert_eq!(rounding_divide_by_pot(5, 1), 3);
        assert_eq!(rounding_divide_by_pot(-5, 1), -3);
        assert_eq!(rounding_divide_by_pot(4, 1), 2);
        assert_eq!(rounding_divide_by_pot(-4, 1), -2);
        assert_eq!(rounding_divide_by_pot(i32::MIN, 31), -1);
        assert_eq!(rounding_divide_by_pot(i32::MAX, 31), 1);
        assert_eq!(rounding_divide_by_pot(7, 0), 7);
    }

    #[test]
    fn multiply_by_pot_saturates_left_and_rounds_right() {
        assert_eq!(saturating_rounding_multiply_by_pot(1 << 29, 2), i32::MAX);
        assert_eq!(saturating_rounding_multiply_by_pot(-(1 << 29), 2), i32::MIN);
        assert_eq!(saturating_rounding_multiply_by_pot(3, 2), 12);
        assert_eq!(saturating_rounding_multiply_by_pot(6, -2), 2);
    }

    #[test]
    fn clamp_is_total_even_when_inverted() {
        let inverted = Clamp { min: 10, max: -10 };
        assert_eq!(inverted.apply(0), -10);
        assert_eq!(inverted.apply(100), -10);
        assert_eq!(Clamp::FULL.apply(1000), 127);
        assert_eq!(Clamp::FULL.apply(-1000), -128);
    }

    #[test]
    fn requantize_wide_rounds_once_ties_up() {
        // 1/2 as (2^30, 0): reduced to 2^14, total shift 15.
        let half = Multiplier {
            multiplier: 1 << 30,
            shift: 0,
        };
        assert_eq!(requantize_wide(101, half), 51);
        assert_eq!(requantize_wide(-101, half), -50);
        assert_eq!(requantize_wide(-102, half), -51);
        // A significand from 0x7FFF0000 up reduces to 0x7FFF rather than overflowing.
        let near_one = Multiplier {
            multiplier: i32::MAX,
            shift: 0,
        };
        assert_eq!(requantize_wide(1 << 20, near_one), (1 << 20) - 32);
        // Large accumulators, as 16x8 layers have.
        let eighth = Multiplier {
            multiplier: 1 << 30,
            shift: -2,
        };
        assert_eq!(requantize_wide(1 << 33, eighth), 1 << 30);
        assert_eq!(requantize_wide(-(1 << 33) - 4, eighth), -(1 << 30));
        assert_eq!(requantize_wide(-(1 << 33) - 5, eighth), -(1 << 30) - 1);
    }

    #[test]
    fn requantize_by_one_half() {
        let half = Multiplier {
            multiplier: 1 << 30,
            shift: 0,
        };
        assert_eq!(requantize(100, half), 50);
        assert_eq!(requantize(101, half), 51);
        // -50.5: the high multiplication rounds the tie up.
        assert_eq!(requantize(-101, half), -50);
    }
}
