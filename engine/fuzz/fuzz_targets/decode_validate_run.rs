//! Any bytes: decode and validate as a model; if valid, run it on an input taken from the
//! bytes' tail, and run each layer alone on the activations the full run produced. Nothing may
//! panic, allocate without bound or loop forever; a valid model must give the same trace twice.

#![no_main]

use libfuzzer_sys::fuzz_target;
use vigil_engine::{decode_model, hash_activation};

fuzz_target!(|data: &[u8]| {
    let Ok(model) = decode_model(data) else { return };
    // Keep each execution short: the fuzzer is after crashes, not slow models.
    if model.total_cost().macs > 1 << 22 {
        return;
    }
    let input: Vec<i8> = (0..model.input_len()).map(|i| data[i % data.len()] as i8).collect();
    let mut activations = vec![input.clone()];
    let execution = model
        .run_with(&input, |_, out| activations.push(out.to_vec()))
        .expect("a validated model runs on an input of the right length");
    assert_eq!(execution.trace.len(), model.layer_count());
    for layer in 0..model.layer_count() {
        let inputs: Vec<&[i8]> =
            model.layer_inputs(layer).iter().map(|&id| activations[id as usize].as_slice()).collect();
        let out = model.run_layer(layer, &inputs).expect("one layer runs on its recorded inputs");
        assert_eq!(hash_activation(&out), execution.trace[layer], "a layer alone gives its trace entry");
    }
});
