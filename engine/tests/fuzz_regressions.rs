//! Inputs the fuzzer (`engine/fuzz`) once crashed the engine with, and its seeds, replayed
//! through the same steps as the fuzz target: decode, validate, run, run each layer alone.

use std::fs;
use std::path::Path;

use vigil_engine::decode_model;
use vigil_engine::testing::assert_layers_rerun_alone;

#[test]
fn past_fuzzer_crashes_are_handled() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    assert!(replay(&dir, false) > 0);
}

/// The seeds (`engine/fuzz/seeds`) are valid models, and run as the fuzz target runs them.
#[test]
fn fuzz_seeds_are_valid_models() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    assert!(replay(&dir, true) >= 5);
}

fn replay(dir: &Path, must_decode: bool) -> usize {
    let mut replayed = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let data = fs::read(entry.unwrap().path()).unwrap();
        replayed += 1;
        let model = match decode_model(&data) {
            Ok(model) => model,
            Err(e) => {
                assert!(!must_decode, "a seed is refused: {e}");
                continue;
            }
        };
        assert_layers_rerun_alone(&model, &data);
    }
    replayed
}
