//! Bit-exactness against TFLite Micro's reference interpreter, layer by layer.
//!
//! `tests/goldens/<model>/seed_<s>/` holds a seeded random input and every operator's output as
//! the reference interpreter computed it (written by `scripts/goldens.py`). Each test imports the
//! `.tflite` file with the importer `vigil model import` uses, runs it with the engine, and
//! compares every layer's bytes. The digits model is in the repository; the public models are
//! fetched by `scripts/fetch-public-models` into `$VIGIL_MODELS` (default
//! `~/.cache/vigil/models`). Without them those tests say so and pass, unless
//! `VIGIL_REQUIRE_PUBLIC_MODELS=1` (which `.ci/run` sets) makes their absence a failure.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use vigil_client::import::{import_tflite, NO_SOURCE_OPERATOR};
use vigil_engine::{as_i8, ValidatedModel};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn public_models_dir() -> PathBuf {
    std::env::var_os("VIGIL_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
                .join(".cache/vigil/models")
        })
}

/// `output.json`: one list of integers per model output, in the model's order.
fn golden_outputs(text: &str) -> Vec<Vec<i64>> {
    text.split('[')
        .skip(2)
        .map(|list| {
            let list = &list[..list.find(']').unwrap()];
            list.split(',')
                .filter(|v| !v.trim().is_empty())
                .map(|v| v.trim().parse().unwrap())
                .collect()
        })
        .collect()
}

/// The engine's output (the outputs' bytes in order) equals the reference's outputs
/// (`output.json`), each read in its element type. Not for float edges, whose reference outputs
/// are real numbers.
fn check_outputs(name: &str, model: &ValidatedModel, output: &[i8], seed_dir: &Path) {
    let text = fs::read_to_string(seed_dir.join("output.json")).unwrap();
    let want = golden_outputs(&text);
    let outputs = model.outputs();
    assert_eq!(want.len(), outputs.len(), "{name}: outputs");
    let mut at = 0;
    for (k, (info, want)) in outputs.iter().zip(&want).enumerate() {
        let len = info.byte_len().unwrap() as usize;
        let got: Vec<i64> =
            vigil_client::commands::model::element_values(&output[at..at + len], info.element)
                .into_iter()
                .map(i64::from)
                .collect();
        assert_eq!(&got, want, "{name} {}: output {k}", seed_dir.display());
        at += len;
    }
    assert_eq!(at, output.len());
}

/// Runs the model on every golden seed and compares every layer; returns the seeds checked.
fn check_goldens(name: &str, model_path: &Path) -> usize {
    let golden_dir = repo().join("tests/goldens").join(name);
    let bytes = fs::read(model_path).unwrap();
    let imported = import_tflite(&bytes).unwrap_or_else(|e| panic!("{name}: import failed: {e}"));
    let imported_float_edges = imported.float_edges.len();
    let model = ValidatedModel::new(imported.model).unwrap();
    let mut seeds = 0;
    for entry in fs::read_dir(&golden_dir).unwrap() {
        let seed_dir = entry.unwrap().path();
        if !seed_dir.is_dir() {
            continue;
        }
        let input = fs::read(seed_dir.join("input.bin")).unwrap();
        let mut ours = BTreeMap::new();
        let layers = &model.model().layers;
        // The layers that split several inputs out of the job input are no source operator.
        let splits = layers
            .iter()
            .filter(|l| l.source_index == NO_SOURCE_OPERATOR)
            .count();
        let execution = model
            .run_with(as_i8(&input), |i, out| {
                ours.insert(layers[i].source_index, out.to_vec());
            })
            .unwrap();
        let mut compared = 0;
        for file in fs::read_dir(&seed_dir).unwrap() {
            let file = file.unwrap().path();
            let stem = file.file_stem().unwrap().to_str().unwrap().to_owned();
            let Some(index) = stem.strip_prefix("layer_") else {
                continue;
            };
            let index: u32 = index.parse().unwrap();
            let want = fs::read(&file).unwrap();
            let got = ours.get(&index).unwrap_or_else(|| {
                panic!(
                    "{name} {}: no layer for operator {index}",
                    seed_dir.display()
                )
            });
            let got = vigil_engine::as_u8(got);
            let differing = got.iter().zip(&want).filter(|(a, b)| a != b).count();
            assert!(
                got.len() == want.len() && differing == 0,
                "{name} {}: operator {index} differs in {differing} of {} bytes",
                seed_dir.display(),
                want.len()
            );
            compared += 1;
        }
        assert_eq!(
            compared + splits,
            layers.len(),
            "{name}: every layer has a golden"
        );
        assert_eq!(execution.trace.len(), layers.len());
        if imported_float_edges == 0 {
            check_outputs(name, &model, &execution.output, &seed_dir);
        }
        seeds += 1;
    }
    assert!(seeds > 0, "{name}: no golden seeds found");
    seeds
}

#[test]
fn digits_matches_reference_layer_by_layer() {
    assert_eq!(
        check_goldens("digits", &repo().join("models/digits.tflite")),
        3
    );
}

fn public_model(name: &str) {
    let path = public_models_dir().join(format!("{name}.tflite"));
    if !path.exists() {
        let required = std::env::var("VIGIL_REQUIRE_PUBLIC_MODELS").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "{} is missing: run scripts/fetch-public-models",
            path.display()
        );
        eprintln!(
            "skipping {name}: {} not present (run scripts/fetch-public-models)",
            path.display()
        );
        return;
    }
    assert_eq!(check_goldens(name, &path), 2);
}

#[test]
fn person_detect_matches_reference_layer_by_layer() {
    public_model("person_detect");
}

#[test]
fn speech_matches_reference_layer_by_layer() {
    public_model("speech");
}

#[test]
fn sine_matches_reference_layer_by_layer() {
    public_model("sine");
}

/// The int8 digits classifier's accuracy on the test split, computed by the engine, equals the
/// figure the reference interpreter gave (models/digits.md): 442 of 450.
#[test]
fn digits_int8_accuracy_matches_reference() {
    let bytes = fs::read(repo().join("models/digits.tflite")).unwrap();
    let model = ValidatedModel::new(import_tflite(&bytes).unwrap().model).unwrap();
    let inputs = fs::read(repo().join("models/digits_test_inputs.bin")).unwrap();
    let labels = fs::read(repo().join("models/digits_test_labels.bin")).unwrap();
    assert_eq!(inputs.len(), labels.len() * 64);
    let mut correct = 0;
    for (image, &label) in inputs.chunks_exact(64).zip(&labels) {
        let out = model.run(as_i8(image)).unwrap().output;
        // First maximum on ties.
        let best = out
            .iter()
            .enumerate()
            .fold(0, |b, (i, &v)| if v > out[b] { i } else { b });
        correct += usize::from(best == label as usize);
    }
    assert_eq!((correct, labels.len()), (442, 450));
}

/// `models/digits.vgm`, used by the engine's Wasm tests and the chain's demo, is exactly what
/// importing `models/digits.tflite` gives.
#[test]
fn committed_digits_vgm_is_the_import_of_digits_tflite() {
    use codec::Encode;
    let bytes = fs::read(repo().join("models/digits.tflite")).unwrap();
    let imported = import_tflite(&bytes).unwrap().model.encode();
    assert_eq!(
        imported,
        fs::read(repo().join("models/digits.vgm")).unwrap()
    );
}

/// `models/charlm.tflite`, the two-block character-level transformer trained by
/// `scripts/train_transformer.py` (token ids through an embedding, layer norms, attention, GELU):
/// every layer equals the reference (TFLite Micro operator by operator, LiteRT's reference
/// kernels for GELU) on three seeded inputs.
#[test]
fn charlm_matches_reference_layer_by_layer() {
    assert_eq!(
        check_goldens("charlm", &repo().join("models/charlm.tflite")),
        3
    );
}

/// The engine on every window of the character model's test text gives the logits the reference
/// gives (TFLite Micro operator by operator, LiteRT's reference kernels for GELU), as
/// `scripts/train_transformer.py --reference-only` recorded them in
/// `models/charlm_test_reference.txt`: their blake2b-256, every prediction, and so the accuracy.
#[test]
fn charlm_int8_predictions_match_reference() {
    const CONTEXT: usize = 24;
    let bytes = fs::read(repo().join("models/charlm.tflite")).unwrap();
    let model = ValidatedModel::new(import_tflite(&bytes).unwrap().model).unwrap();
    let ids = fs::read(repo().join("models/charlm_test_ids.bin")).unwrap();
    let reference = fs::read_to_string(repo().join("models/charlm_test_reference.txt")).unwrap();
    let lines: Vec<&str> = reference.lines().collect();
    let windows = ids.len() - CONTEXT;
    assert_eq!(lines[1].parse::<usize>().unwrap(), windows);
    let predictions = hex::decode(lines[3]).unwrap();
    assert_eq!(predictions.len(), windows);
    let mut all = Vec::with_capacity(windows * 48);
    let (mut correct, mut differing) = (0, Vec::new());
    for i in 0..windows {
        // The token ids as int32, four little-endian bytes each.
        let input: Vec<u8> = ids[i..i + CONTEXT]
            .iter()
            .flat_map(|&t| (t as i32).to_le_bytes())
            .collect();
        let out = model.run(as_i8(&input)).unwrap().output;
        let best = out
            .iter()
            .enumerate()
            .fold(0, |b, (k, &v)| if v > out[b] { k } else { b });
        correct += usize::from(best == ids[i + CONTEXT] as usize);
        if best != predictions[i] as usize {
            differing.push(i);
        }
        all.extend_from_slice(&out);
    }
    assert!(
        differing.is_empty(),
        "predictions differ on windows {differing:?}"
    );
    assert_eq!(correct, lines[2].parse::<usize>().unwrap());
    assert_eq!(hex::encode(vigil_engine::hash_activation(&all)), lines[0]);
}

/// `models/charlm.vgm` is exactly what importing `models/charlm.tflite` gives.
#[test]
fn committed_charlm_vgm_is_the_import_of_charlm_tflite() {
    use codec::Encode;
    let bytes = fs::read(repo().join("models/charlm.tflite")).unwrap();
    let imported = import_tflite(&bytes).unwrap().model.encode();
    assert_eq!(
        imported,
        fs::read(repo().join("models/charlm.vgm")).unwrap()
    );
}

/// Small models built by `scripts/make_zoo.py` to cover every operator and its variants
/// (MobileNet v2, keyword spotting, strides, dilation, groups, broadcasting, activations as
/// layers, MEAN, PAD, CONCATENATION, ...): each matches the reference on every layer.
#[test]
fn zoo_models_match_reference_layer_by_layer() {
    let mut checked = Vec::new();
    for entry in fs::read_dir(repo().join("tests/goldens/zoo")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let model = repo().join("models/zoo").join(format!("{name}.tflite"));
        assert_eq!(check_goldens(&format!("zoo/{name}"), &model), 2, "{name}");
        checked.push(name);
    }
    assert!(checked.len() >= 20, "only {checked:?}");
}

/// The directory of the tflite-micro example models (`../shared/models/tflm` beside the
/// repository, or `$VIGIL_TFLM_MODELS`).
fn tflm_models_dir() -> PathBuf {
    std::env::var_os("VIGIL_TFLM_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/models/tflm"))
}

/// For models too large to keep every activation: `tests/goldens/tflm/<name>/seed_<s>/` holds
/// the input and the blake2b-256 of every operator's output as TFLite Micro computed it
/// (`scripts/goldens.py --hashes`), which must equal the engine's trace entry for that layer.
fn check_hashed_goldens(name: &str, model_path: &Path) -> usize {
    let golden_dir = repo().join("tests/goldens/tflm").join(name);
    let bytes = fs::read(model_path).unwrap();
    let imported = import_tflite(&bytes).unwrap_or_else(|e| panic!("{name}: import failed: {e}"));
    let model = ValidatedModel::new(imported.model).unwrap();
    let layers = &model.model().layers;
    let mut seeds = 0;
    for entry in fs::read_dir(&golden_dir).unwrap() {
        let seed_dir = entry.unwrap().path();
        if !seed_dir.is_dir() {
            continue;
        }
        let input = fs::read(seed_dir.join("input.bin")).unwrap();
        let execution = model.run(as_i8(&input)).unwrap();
        check_outputs(name, &model, &execution.output, &seed_dir);
        let ours: BTreeMap<u32, String> = layers
            .iter()
            .zip(&execution.trace)
            .map(|(l, h)| (l.source_index, hex::encode(h)))
            .collect();
        // `{ "index": "hex", ... }`, one entry a line.
        let text = fs::read_to_string(seed_dir.join("layer_hashes.json")).unwrap();
        let mut compared = 0;
        for line in text.lines() {
            let parts: Vec<&str> = line.split('"').collect();
            if parts.len() < 4 {
                continue;
            }
            let index: u32 = parts[1].parse().unwrap();
            assert_eq!(
                ours.get(&index).map(String::as_str),
                Some(parts[3]),
                "{name} {}: operator {index} differs",
                seed_dir.display()
            );
            compared += 1;
        }
        assert_eq!(compared, layers.len(), "{name}: every layer has a golden");
        seeds += 1;
    }
    seeds
}

/// The PyTorch-exported MobileNet v2 of the tflite-micro repository (NCHW input, a TRANSPOSE,
/// 84 operators, about 300 M MACs): every layer equals TFLite Micro on two seeded inputs.
#[test]
fn tflm_mobilenet_v2_pytorch_matches_reference_layer_by_layer() {
    let name = "mobilenet_v2_quantized_1x3x224x224";
    let path = tflm_models_dir().join(format!("{name}.tflite"));
    if !path.exists() {
        let required = std::env::var("VIGIL_REQUIRE_TFLM_MODELS").is_ok_and(|v| v == "1");
        assert!(!required, "{} is missing", path.display());
        eprintln!("skipping {name}: {} not present", path.display());
        return;
    }
    assert_eq!(check_hashed_goldens(name, &path), 2);
}

/// tflite-micro's keyword-spotting model (`keyword_scrambled.tflite`: an int16 input, QUANTIZE
/// to int8, six SVDFs with int16 state, FULLY_CONNECTED, SOFTMAX to int16, QUANTIZE to int32):
/// every layer equals TFLite Micro on two seeded int16 inputs, each run from a freshly reset
/// interpreter.
#[test]
fn tflm_keyword_svdf_int16_matches_reference_layer_by_layer() {
    let name = "keyword_scrambled";
    let path = tflm_models_dir().join(format!("{name}.tflite"));
    if !path.exists() {
        let required = std::env::var("VIGIL_REQUIRE_TFLM_MODELS").is_ok_and(|v| v == "1");
        assert!(!required, "{} is missing", path.display());
        eprintln!("skipping {name}: {} not present", path.display());
        return;
    }
    assert_eq!(check_hashed_goldens(name, &path), 2);
}

/// The int8 LSTM of tflite-micro's `mnist_lstm` example (28 rows of an MNIST image as a
/// sequence through 20 units, a dense layer, softmax): every layer equals TFLite Micro on two
/// seeded inputs.
#[test]
fn tflm_mnist_lstm_matches_reference_layer_by_layer() {
    let name = "trained_lstm_int8";
    let path = tflm_models_dir().join(format!("{name}.tflite"));
    if !path.exists() {
        let required = std::env::var("VIGIL_REQUIRE_TFLM_MODELS").is_ok_and(|v| v == "1");
        assert!(!required, "{} is missing", path.display());
        eprintln!("skipping {name}: {} not present", path.display());
        return;
    }
    assert_eq!(check_hashed_goldens(name, &path), 2);
}
