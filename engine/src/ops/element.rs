//! Reading and writing elements of any [`ElementType`] in an activation's bytes.
//!
//! An activation is held as bytes (see [`crate::model`]): an int8 element is one byte, an int16
//! element two and an int32 element four, little-endian. Kernels of the operators that take
//! int16 or int32 tensors read and write them through these functions; the validator has
//! checked every length, so the indices are in bounds.

use crate::model::ElementType;

/// Element `i` of `data`, an activation of type `ty`, widened to `i32`.
#[inline]
pub fn get(data: &[i8], ty: ElementType, i: usize) -> i32 {
    match ty {
        ElementType::Int8 => data[i] as i32,
        ElementType::Bool => i32::from(data[i] != 0),
        ElementType::Int16 => i16::from_le_bytes([data[2 * i] as u8, data[2 * i + 1] as u8]) as i32,
        ElementType::Int32 => i32::from_le_bytes([
            data[4 * i] as u8,
            data[4 * i + 1] as u8,
            data[4 * i + 2] as u8,
            data[4 * i + 3] as u8,
        ]),
    }
}

/// Writes `value` as element `i` of `out`, an activation of type `ty`, keeping its low bits (the
/// callers clamp to the type's range first, so nothing is lost).
#[inline]
pub fn put(out: &mut [i8], ty: ElementType, i: usize, value: i32) {
    let size = ty.size() as usize;
    let bytes = value.to_le_bytes();
    for (o, &b) in out[size * i..size * (i + 1)].iter_mut().zip(&bytes) {
        *o = b as i8;
    }
}

/// `value` clamped to the range of `ty`.
#[inline]
pub fn saturate(value: i32, ty: ElementType) -> i32 {
    value.clamp(ty.min(), ty.max())
}

/// Largest `|q − zero_point|` over the values `q` of `ty`.
pub fn max_offset(ty: ElementType, zero_point: i32) -> u64 {
    let low = (ty.min() as i64 - zero_point as i64).unsigned_abs();
    let high = (ty.max() as i64 - zero_point as i64).unsigned_abs();
    low.max(high)
}

/// Whether a zero point is a value of `ty`.
pub fn zero_point_fits(ty: ElementType, zero_point: i32) -> bool {
    (ty.min()..=ty.max()).contains(&zero_point)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_round_trip_little_endian() {
        let mut out = [0i8; 8];
        put(&mut out, ElementType::Int16, 1, -2);
        assert_eq!(out[2..4], [-2, -1]);
        assert_eq!(get(&out, ElementType::Int16, 1), -2);
        put(&mut out, ElementType::Int32, 1, 0x0102_0304);
        assert_eq!(out[4..8], [4, 3, 2, 1]);
        assert_eq!(get(&out, ElementType::Int32, 1), 0x0102_0304);
        assert_eq!(saturate(40_000, ElementType::Int16), 32767);
        assert_eq!(max_offset(ElementType::Int16, 0), 32768);
    }
}
