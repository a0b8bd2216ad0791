//! The trained character-level transformer (`models/charlm.vgm`, also a fuzz seed): a lie in an
//! attention layer is found by the first trace entry that differs and refuted by running that
//! one layer on the inputs both sides agree on, the whole of what a dispute re-executes.

use vigil_engine::model::Op;
use vigil_engine::{decode_model, hash_activation, ValidatedModel};

fn charlm() -> ValidatedModel {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/charlm.vgm");
    decode_model(&std::fs::read(path).unwrap()).unwrap()
}

/// Token ids (int32, four little-endian bytes each) of a line of text in the model's vocabulary.
fn ids() -> Vec<i8> {
    (0..24i32)
        .map(|i| (i * 7 + 3) % 47)
        .flat_map(|t| t.to_le_bytes().map(|b| b as i8))
        .collect()
}

/// Every activation of an execution (0 the input, k + 1 layer k's output), running each layer
/// on the given ones, with layer `lie` answered by `f` of its true output.
fn execute(model: &ValidatedModel, lie: usize, f: impl Fn(&mut Vec<i8>)) -> Vec<Vec<i8>> {
    let mut acts = vec![ids()];
    for layer in 0..model.layer_count() {
        let inputs: Vec<&[i8]> = model
            .layer_inputs(layer)
            .iter()
            .map(|&id| acts[id as usize].as_slice())
            .collect();
        let mut out = model.run_layer(layer, &inputs).unwrap();
        if layer == lie {
            f(&mut out);
        }
        acts.push(out);
    }
    acts
}

#[test]
fn a_lie_in_an_attention_layer_is_refuted_by_that_layer_alone() {
    let model = charlm();
    let honest = model.run(&ids()).unwrap();
    let softmaxes: Vec<usize> = (0..model.layer_count())
        .filter(|&k| matches!(model.model().layers[k].op, Op::Softmax(_)))
        .collect();
    assert_eq!(softmaxes.len(), 2, "one attention per block");
    for &lie in &softmaxes {
        // The liar moves attention weight from one key to another in the first query's row.
        let acts = execute(&model, lie, |out| {
            out[0] = out[0].wrapping_add(9);
            out[1] = out[1].wrapping_sub(9);
        });
        let claimed: Vec<[u8; 32]> = acts[1..].iter().map(|a| hash_activation(a)).collect();
        // Layer by layer the honest execution agrees with the claim up to the lie.
        let first = (0..claimed.len())
            .find(|&k| claimed[k] != honest.trace[k])
            .unwrap();
        assert_eq!(first, lie);
        // Re-executing that layer on the agreed inputs gives the honest entry, not the claim.
        let inputs: Vec<&[i8]> = model
            .layer_inputs(lie)
            .iter()
            .map(|&id| acts[id as usize].as_slice())
            .collect();
        let rerun = hash_activation(&model.run_layer(lie, &inputs).unwrap());
        assert_eq!(rerun, honest.trace[lie]);
        assert_ne!(rerun, claimed[lie]);
    }
}
