//! The importer never panics, whatever the bytes: thousands of deterministic corruptions of real
//! models either import (and then validate) or are refused with an error.

use std::path::Path;

use vigil_client::import::import_tflite;
use vigil_engine::testing::TestRng;

#[test]
fn corrupted_models_are_refused_or_valid_never_a_panic() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut rng = TestRng::new(99);
    let (mut imported, mut refused) = (0, 0);
    for name in [
        "models/digits.tflite",
        "models/zoo/ds_cnn_kws.tflite",
        "models/zoo/concat_pad.tflite",
        "models/zoo/act_conv_mix.tflite",
        "models/zoo/tr_block.tflite",
        "models/zoo/tr_slice_gather.tflite",
        "models/zoo/tr_transpose.tflite",
        "models/zoo/two_inputs.tflite",
        "models/zoo/float_io.tflite",
        "models/zoo/tr_gelu.tflite",
        "models/zoo/rnn_lstm.tflite",
    ] {
        let original = std::fs::read(repo.join(name)).unwrap();
        for _ in 0..1000 {
            let mut bytes = original.clone();
            for _ in 0..rng.range(1, 8) {
                let at = rng.range(0, bytes.len() as i64) as usize;
                bytes[at] = rng.next_u64() as u8;
            }
            match import_tflite(&bytes) {
                Ok(result) => {
                    vigil_engine::ValidatedModel::new(result.model)
                        .expect("an imported model validates");
                    imported += 1;
                }
                Err(e) => {
                    assert!(!e.to_string().is_empty());
                    refused += 1;
                }
            }
        }
    }
    // Both outcomes occur: the corruptions reach past the header checks.
    assert!(
        imported > 100 && refused > 100,
        "imported {imported}, refused {refused}"
    );
}
