//! One-step adjudication, as pure functions: no storage, no balances.
//!
//! A dispute names a layer `i` of a claim and supplies the activations that feed it. Two checks
//! decide it:
//!
//! 1. [`check_inputs_committed`]: every supplied activation hashes to what the claim committed
//!    for it: activation `0` to the hash of the job's input, activation `k > 0` to the claim's
//!    trace entry `k - 1` (the output of layer `k - 1`). A challenge whose inputs are not the
//!    committed ones is rejected: it proves nothing about the claim.
//! 2. [`verdict`]: the runtime runs layer `i` on those inputs and compares the hash of the result
//!    with the claimed hash of layer `i`'s output. Equal: the claim stands on that layer. Different:
//!    the claim is false.

use alloc::vec::Vec;
use vigil_engine::{as_i8, hash_activation, ValidatedModel};

/// The outcome of re-executing a disputed layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The layer's output on the committed inputs does not hash to the claimed hash.
    ClaimFalse,
    /// The layer's output on the committed inputs hashes to the claimed hash.
    ClaimUpheld,
}

impl Verdict {
    /// Whether the executor lied.
    pub fn executor_was_wrong(self) -> bool {
        self == Verdict::ClaimFalse
    }
}

/// Why a challenge cannot be adjudicated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// The model has no such layer.
    NoSuchLayer,
    /// The number of supplied inputs differs from the layer's number of inputs.
    WrongInputCount,
    /// The supplied input at this position does not hash to its commitment.
    InputNotCommitted(u32),
    /// The engine refused the inputs (e.g. wrong length); the engine's error code.
    Engine(u8),
}

/// Check that the `inputs` of `layer` are the activations the claim committed to.
pub fn check_inputs_committed(
    model: &ValidatedModel,
    layer: usize,
    inputs: &[&[u8]],
    job_input_hash: &[u8; 32],
    trace: &[[u8; 32]],
) -> Result<(), Rejection> {
    if layer >= model.layer_count() {
        return Err(Rejection::NoSuchLayer);
    }
    let ids = model.layer_inputs(layer);
    if ids.len() != inputs.len() {
        return Err(Rejection::WrongInputCount);
    }
    for (position, (&id, data)) in ids.iter().zip(inputs).enumerate() {
        let committed = if id == 0 {
            Some(job_input_hash)
        } else {
            trace.get(id as usize - 1)
        };
        if committed != Some(&hash_activation(as_i8(data))) {
            return Err(Rejection::InputNotCommitted(position as u32));
        }
    }
    Ok(())
}

/// Re-execute `layer` of `model` on `inputs` and compare with `claimed`, the claimed hash of the
/// layer's output.
pub fn verdict(
    model: &ValidatedModel,
    layer: usize,
    inputs: &[&[u8]],
    claimed: &[u8; 32],
) -> Result<Verdict, Rejection> {
    if layer >= model.layer_count() {
        return Err(Rejection::NoSuchLayer);
    }
    let inputs: Vec<&[i8]> = inputs.iter().map(|d| as_i8(d)).collect();
    let output = model
        .run_layer(layer, &inputs)
        .map_err(|e| Rejection::Engine(e.code()))?;
    Ok(if &hash_activation(&output) == claimed {
        Verdict::ClaimUpheld
    } else {
        Verdict::ClaimFalse
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use codec::Encode;
    use vigil_engine::{as_u8, decode_model, testing::tiny_mlp};

    fn setup() -> (ValidatedModel, Vec<i8>, vigil_engine::Execution) {
        let model = decode_model(&tiny_mlp(3).encode()).unwrap();
        let input: Vec<i8> = (0..16).map(|i| (i * 7 - 50) as i8).collect();
        let exec = model.run(&input).unwrap();
        (model, input, exec)
    }

    #[test]
    fn honest_layers_are_upheld() {
        let (model, input, exec) = setup();
        let mut acts: Vec<Vec<i8>> = vec![input.clone()];
        model
            .run_with(&input, |_, out| acts.push(out.to_vec()))
            .unwrap();
        for layer in 0..model.layer_count() {
            let data = as_u8(&acts[model.layer_inputs(layer)[0] as usize]);
            let v = verdict(&model, layer, &[data], &exec.trace[layer]).unwrap();
            assert_eq!(v, Verdict::ClaimUpheld, "layer {layer}");
            assert!(check_inputs_committed(
                &model,
                layer,
                &[data],
                &hash_activation(&input),
                &exec.trace
            )
            .is_ok());
        }
    }

    #[test]
    fn a_wrong_hash_is_caught() {
        let (model, input, exec) = setup();
        let mut claimed = exec.trace[0];
        claimed[0] ^= 1;
        assert_eq!(
            verdict(&model, 0, &[as_u8(&input)], &claimed),
            Ok(Verdict::ClaimFalse)
        );
        assert!(Verdict::ClaimFalse.executor_was_wrong());
    }

    #[test]
    fn uncommitted_inputs_are_rejected() {
        let (model, input, exec) = setup();
        let mut other = input.clone();
        other[0] = other[0].wrapping_add(1);
        assert_eq!(
            check_inputs_committed(
                &model,
                0,
                &[as_u8(&other)],
                &hash_activation(&input),
                &exec.trace
            ),
            Err(Rejection::InputNotCommitted(0))
        );
        assert_eq!(
            check_inputs_committed(
                &model,
                1,
                &[as_u8(&input)],
                &hash_activation(&input),
                &exec.trace
            ),
            Err(Rejection::InputNotCommitted(0))
        );
    }

    /// A lie in an LSTM layer (the zoo's two stacked LSTMs, imported): the layer is the whole
    /// sequence, re-run from its committed input alone, and the lie is refuted there; the next
    /// layer, run honestly on the lie, is upheld, so the first differing layer is the one to
    /// dispute.
    #[test]
    fn a_lie_in_an_lstm_layer_is_refuted_by_re_running_it() {
        let bytes = include_bytes!("../../../engine/fuzz/seeds/rnn_lstm.vgm");
        let model = decode_model(bytes).unwrap();
        assert_eq!(
            model.model().layers[0].op.name(),
            "UNIDIRECTIONAL_SEQUENCE_LSTM"
        );
        let input: Vec<i8> = (0..model.input_len())
            .map(|i| (i * 29 % 256) as u8 as i8)
            .collect();
        let honest = model.run(&input).unwrap();
        // The executor changes one hidden state of the first LSTM's last step and computes the
        // second LSTM honestly from it.
        let mut lie = model.run_layer(0, &[&input]).unwrap();
        let last = lie.len() - 1;
        lie[last] = lie[last].wrapping_add(1);
        let next = model.run_layer(1, &[&lie]).unwrap();
        let trace = [hash_activation(&lie), hash_activation(&next)];
        assert_ne!(trace[0], honest.trace[0]);
        let job_input = hash_activation(&input);
        assert!(check_inputs_committed(&model, 0, &[as_u8(&input)], &job_input, &trace).is_ok());
        assert_eq!(
            verdict(&model, 0, &[as_u8(&input)], &trace[0]),
            Ok(Verdict::ClaimFalse)
        );
        assert!(check_inputs_committed(&model, 1, &[as_u8(&lie)], &job_input, &trace).is_ok());
        assert_eq!(
            verdict(&model, 1, &[as_u8(&lie)], &trace[1]),
            Ok(Verdict::ClaimUpheld)
        );
        assert_eq!(
            verdict(&model, 0, &[as_u8(&input)], &honest.trace[0]),
            Ok(Verdict::ClaimUpheld)
        );
    }

    #[test]
    fn malformed_challenges_are_rejected() {
        let (model, input, exec) = setup();
        let h = hash_activation(&input);
        assert_eq!(
            check_inputs_committed(&model, 9, &[as_u8(&input)], &h, &exec.trace),
            Err(Rejection::NoSuchLayer)
        );
        assert_eq!(
            check_inputs_committed(&model, 0, &[], &h, &exec.trace),
            Err(Rejection::WrongInputCount)
        );
        assert_eq!(
            verdict(&model, 9, &[as_u8(&input)], &exec.trace[0]),
            Err(Rejection::NoSuchLayer)
        );
        assert!(matches!(
            verdict(&model, 0, &[&[1u8, 2, 3][..]], &exec.trace[0]),
            Err(Rejection::Engine(_))
        ));
    }
}
