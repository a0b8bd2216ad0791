//! Commitments to activations: the entries of a trace.
//!
//! The canonical encoding of an activation is its raw bytes, row-major, one byte per int8
//! value, exactly what `vigil model run --dump-layers` writes. Its shape is not included: it is
//! fixed by the model, which the trace is always read together with. So anyone can check a trace
//! entry with any blake2-256 tool over a dumped layer file.

/// blake2-256 of an activation's canonical encoding.
pub fn hash_activation(activation: &[i8]) -> [u8; 32] {
    sp_crypto_hashing::blake2_256(as_u8(activation))
}

/// Views int8 values as the bytes that store them.
pub fn as_u8(values: &[i8]) -> &[u8] {
    // SAFETY: i8 and u8 have the same size and alignment and every bit pattern is valid for both.
    unsafe { core::slice::from_raw_parts(values.as_ptr().cast::<u8>(), values.len()) }
}

/// Views bytes as the int8 values they store.
pub fn as_i8(bytes: &[u8]) -> &[i8] {
    // SAFETY: as in `as_u8`.
    unsafe { core::slice::from_raw_parts(bytes.as_ptr().cast::<i8>(), bytes.len()) }
}
