//! Commitments to activations: the entries of a trace.
//!
//! The canonical encoding of an activation is its raw bytes, row-major, one byte per int8
//! value and two (four) little-endian bytes per int16 (int32) value, exactly what
//! `vigil model run --dump-layers` writes and what numpy's `tobytes()` gives on a little-endian
//! machine. Its shape is not included: it is
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

/// The commitment a challenger posts before it reveals a dispute: blake2-256 of the challenger's
/// account (its SCALE encoding), the job id and the layer (little-endian), and
/// [`inputs_hash`] of the layer inputs. It binds the refutation to the account that found it, so
/// nobody can claim it as their own, and hides the layer and the inputs until the reveal, so
/// nobody can copy them from a pending commitment.
pub fn challenge_commitment(account: &[u8], job_id: u64, layer: u32, inputs: &[&[u8]]) -> [u8; 32] {
    let mut preimage = alloc::vec::Vec::with_capacity(account.len() + 8 + 4 + 32);
    preimage.extend_from_slice(account);
    preimage.extend_from_slice(&job_id.to_le_bytes());
    preimage.extend_from_slice(&layer.to_le_bytes());
    preimage.extend_from_slice(&inputs_hash(inputs));
    sp_crypto_hashing::blake2_256(&preimage)
}

/// blake2-256 of a dispute's layer inputs: each input's length (little-endian `u32`), then its
/// bytes, in order.
pub fn inputs_hash(inputs: &[&[u8]]) -> [u8; 32] {
    let total: usize = inputs.iter().map(|i| 4 + i.len()).sum();
    let mut preimage = alloc::vec::Vec::with_capacity(total);
    for input in inputs {
        preimage.extend_from_slice(&(input.len() as u32).to_le_bytes());
        preimage.extend_from_slice(input);
    }
    sp_crypto_hashing::blake2_256(&preimage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commitment_binds_account_job_layer_and_inputs() {
        let base = challenge_commitment(&[1; 32], 7, 3, &[&[1, 2], &[3]]);
        assert_ne!(base, challenge_commitment(&[2; 32], 7, 3, &[&[1, 2], &[3]]));
        assert_ne!(base, challenge_commitment(&[1; 32], 8, 3, &[&[1, 2], &[3]]));
        assert_ne!(base, challenge_commitment(&[1; 32], 7, 4, &[&[1, 2], &[3]]));
        // The same bytes split differently are different inputs.
        assert_ne!(base, challenge_commitment(&[1; 32], 7, 3, &[&[1], &[2, 3]]));
        assert_eq!(base, challenge_commitment(&[1; 32], 7, 3, &[&[1, 2], &[3]]));
    }
}
