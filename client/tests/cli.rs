//! The `vigil model` commands as a user runs them: real files, real processes, exit codes and
//! messages.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn vigil(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(args)
        .output()
        .expect("vigil runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn import_digits(dir: &Path) -> PathBuf {
    let vgm = dir.join("digits.vgm");
    let tflite = repo().join("models/digits.tflite");
    let o = vigil(&[
        "model",
        "import",
        tflite.to_str().unwrap(),
        "-o",
        vgm.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("11 layers"), "{}", stdout(&o));
    vgm
}

#[test]
fn run_dumps_every_layer_as_the_reference_computed_it() {
    let dir = scratch("run_dumps");
    let vgm = import_digits(&dir);
    let seed = repo().join("tests/goldens/digits/seed_1");
    let dump = dir.join("layers");
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input",
        seed.join("input.bin").to_str().unwrap(),
        "--dump-layers",
        dump.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("output ["), "{out}");
    // One trace line per layer, each a 32-byte hash in hex.
    let hashes: Vec<&str> = out.lines().filter_map(|l| l.split("0x").nth(1)).collect();
    assert_eq!(hashes.len(), 11);
    assert!(hashes.iter().all(|h| h.len() == 64));
    for i in 0..11 {
        let name = format!("layer_{i}.bin");
        let ours = fs::read(dump.join(&name)).unwrap();
        let reference = fs::read(seed.join(&name)).unwrap();
        assert_eq!(ours, reference, "{name}");
    }
    // The last trace entry is the hash of the last layer's dump.
    let last = fs::read(dump.join("layer_10.bin")).unwrap();
    assert_eq!(
        hashes[10],
        hex::encode(sp_crypto_hashing::blake2_256(&last))
    );
}

#[test]
fn inspect_shows_id_layers_and_cost() {
    let dir = scratch("inspect");
    let vgm = import_digits(&dir);
    let o = vigil(&["model", "inspect", vgm.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let id = hex::encode(sp_crypto_hashing::blake2_256(&fs::read(&vgm).unwrap()));
    assert!(out.contains(&id), "{out}");
    for op in [
        "CONV_2D",
        "DEPTHWISE_CONV_2D",
        "ADD",
        "MAX_POOL_2D",
        "SOFTMAX",
        "FULLY_CONNECTED",
    ] {
        assert!(out.contains(op), "{op} missing from\n{out}");
    }
    assert!(out.contains("multiply-accumulates"), "{out}");
}

#[test]
fn wrong_input_size_is_refused_naming_the_file() {
    let dir = scratch("wrong_input");
    let vgm = import_digits(&dir);
    let input = dir.join("short.bin");
    fs::write(&input, [0u8; 63]).unwrap();
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("short.bin") && err.contains("63 bytes") && err.contains("64"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_tflite_is_refused_and_nothing_written() {
    let dir = scratch("not_tflite");
    let bogus = dir.join("bogus.tflite");
    fs::write(&bogus, b"definitely not a flatbuffer").unwrap();
    let out = dir.join("out.vgm");
    let o = vigil(&[
        "model",
        "import",
        bogus.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("bogus.tflite") && err.contains("TFL3"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn a_corrupted_model_file_is_refused() {
    let dir = scratch("corrupted");
    let vgm = import_digits(&dir);
    let mut bytes = fs::read(&vgm).unwrap();
    bytes.truncate(bytes.len() - 10);
    fs::write(&vgm, &bytes).unwrap();
    let input = repo().join("tests/goldens/digits/seed_0/input.bin");
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is not a valid Vigil model"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_files_are_named() {
    let o = vigil(&["model", "inspect", "/nonexistent/model.vgm"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("/nonexistent/model.vgm"),
        "{}",
        stderr(&o)
    );
}

fn import_zoo(dir: &Path, name: &str) -> PathBuf {
    let vgm = dir.join(format!("{name}.vgm"));
    let tflite = repo().join(format!("models/zoo/{name}.tflite"));
    let o = vigil(&[
        "model",
        "import",
        tflite.to_str().unwrap(),
        "-o",
        vgm.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    vgm
}

/// The int8 values of the `output [..]` line.
fn output_values(out: &str, prefix: &str) -> Vec<String> {
    let line = out
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in {out}"));
    line[prefix.len()..line.len() - 1]
        .split(", ")
        .map(str::to_owned)
        .collect()
}

#[test]
fn run_takes_one_input_per_model_input_in_order() {
    let dir = scratch("two_inputs");
    let vgm = import_zoo(&dir, "two_inputs");
    let golden = repo().join("tests/goldens/zoo/two_inputs/seed_1");
    let both = fs::read(golden.join("input.bin")).unwrap();
    // The model's inputs are [1, 8] and [1, 4, 8], in that order.
    let (a, b) = (dir.join("a.bin"), dir.join("b.bin"));
    fs::write(&a, &both[..8]).unwrap();
    fs::write(&b, &both[8..]).unwrap();
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input",
        a.to_str().unwrap(),
        "--input",
        b.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want: Vec<String> = fs::read(golden.join("layer_4.bin"))
        .unwrap()
        .iter()
        .map(|&v| (v as i8).to_string())
        .collect();
    assert_eq!(output_values(&stdout(&o), "output ["), want);

    // One input short.
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input",
        a.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the model has 2 input(s), 1 given"),
        "{}",
        stderr(&o)
    );
    // In the wrong order: the lengths do not fit.
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input",
        b.to_str().unwrap(),
        "--input",
        a.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the input holds 32 bytes, but the model's input 0"),
        "{}",
        stderr(&o)
    );
    // inspect lists both inputs.
    let o = vigil(&["model", "inspect", vgm.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.contains("input 0    int8[1x8]"), "{out}");
    assert!(out.contains("input 1    int8[1x4x8]"), "{out}");
}

#[test]
fn run_quantizes_float_inputs_and_prints_real_outputs() {
    use vigil_client::commands::model::{dequantize, quantize_f32};
    let dir = scratch("float_io");
    let vgm = import_zoo(&dir, "float_io");
    let model = vigil_engine::decode_model(&fs::read(&vgm).unwrap()).unwrap();
    let input_info = model.inputs()[0].clone();
    let golden = repo().join("tests/goldens/zoo/float_io/seed_0");
    let q: Vec<i8> = fs::read(golden.join("input.bin"))
        .unwrap()
        .iter()
        .map(|&v| v as i8)
        .collect();
    // The real values the int8 input stands for; the edge quantizes them back.
    let reals: Vec<f32> = q
        .iter()
        .map(|&v| dequantize(v as i32, &input_info))
        .collect();
    assert!(reals
        .iter()
        .zip(&q)
        .all(|(&x, &v)| quantize_f32(x, &input_info) == v as i32));
    let x = dir.join("x.f32");
    fs::write(
        &x,
        reals
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input-f32",
        x.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let golden_out: Vec<i8> = fs::read(golden.join("layer_2.bin"))
        .unwrap()
        .iter()
        .map(|&v| v as i8)
        .collect();
    let want: Vec<String> = golden_out.iter().map(i8::to_string).collect();
    assert_eq!(output_values(&out, "output ["), want);
    let output_info = &model.model().layers[model.layer_count() - 1].output;
    let want_real: Vec<String> = golden_out
        .iter()
        .map(|&v| dequantize(v as i32, output_info).to_string())
        .collect();
    assert_eq!(output_values(&out, "output (real) ["), want_real);

    // Out of range values saturate as TFLite's QUANTIZE does.
    assert_eq!(quantize_f32(1e9, &input_info), 127);
    assert_eq!(quantize_f32(-1e9, &input_info), -128);
    // A float file of the wrong length.
    fs::write(&x, [0u8; 6]).unwrap();
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input-f32",
        x.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the input holds 6 bytes, but the model's input 0"),
        "{}",
        stderr(&o)
    );
    // --input and --input-f32 together.
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input",
        x.to_str().unwrap(),
        "--input-f32",
        x.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
}

/// An int16 model (SVDF, SOFTMAX to int16): `--input` takes two little-endian bytes per element,
/// `run` prints the int16 output values, `--dump-layers` writes each layer's bytes (those
/// TFLite Micro's goldens hold), and an input of one byte per element is refused.
#[test]
fn run_takes_and_prints_int16_tensors() {
    let dir = scratch("svdf_int16_state");
    let vgm = import_zoo(&dir, "svdf_int16_state");
    let golden = repo().join("tests/goldens/zoo/svdf_int16_state/seed_0");
    let input = golden.join("input.bin");
    assert_eq!(fs::read(&input).unwrap().len(), 80);
    let layers = dir.join("layers");
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--dump-layers",
        layers.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let want: Vec<String> = fs::read(golden.join("layer_3.bin"))
        .unwrap()
        .chunks(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]).to_string())
        .collect();
    assert_eq!(output_values(&stdout(&o), "output ["), want);
    for k in 0..4 {
        let name = format!("layer_{k}.bin");
        assert_eq!(
            fs::read(layers.join(&name)).unwrap(),
            fs::read(golden.join(&name)).unwrap(),
            "{name}"
        );
    }
    // One byte per element is half the input.
    let short = dir.join("short.bin");
    fs::write(&short, [0u8; 40]).unwrap();
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input",
        short.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the input holds 40 bytes, but the model's input 0 int16[1x40]"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("needs 80"), "{}", stderr(&o));
    let o = vigil(&["model", "inspect", vgm.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.contains("input 0    int16[1x40]"), "{out}");
    assert!(
        out.contains("rank 2, 24 filters, memory 6, int16 state"),
        "{out}"
    );
}

/// A model with three outputs: `run` prints one line per output, in the model's order, each
/// equal to TFLite Micro's; the trace ends with the OUTPUT layer, the hash of the claim's output.
#[test]
fn run_prints_each_output_of_a_model_with_several() {
    let dir = scratch("three_outputs");
    let vgm = import_zoo(&dir, "three_outputs");
    let golden = repo().join("tests/goldens/zoo/three_outputs/seed_1");
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input",
        golden.join("input.bin").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // output.json: `[[..], [..], [..]]`, the reference's outputs in order.
    let json = fs::read_to_string(golden.join("output.json")).unwrap();
    let lists: Vec<Vec<String>> = json
        .split('[')
        .skip(2)
        .map(|l| {
            l[..l.find(']').unwrap()]
                .split(", ")
                .map(str::to_owned)
                .collect()
        })
        .collect();
    assert_eq!(lists.len(), 3);
    for (k, want) in lists.iter().enumerate() {
        assert_eq!(&output_values(&out, &format!("output {k} [")), want);
    }
    assert!(!out.contains("output ["), "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.contains("op   - OUTPUT"), "{out}");
    let o = vigil(&["model", "inspect", vgm.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(out.contains("output 0   int8[1x3]"), "{out}");
    assert!(out.contains("output 2   int8[1x12]"), "{out}");
}

/// The zoo's stacked LSTMs: `inspect` describes both layers, `run` prints the reference's output
/// and a trace whose hashes line up after the long operator name, and `--dump-layers` writes
/// each layer as the reference computed it; an input of the wrong length is refused.
#[test]
fn an_lstm_model_inspects_and_runs_as_the_reference_computed_it() {
    let dir = scratch("lstm");
    let vgm = import_zoo(&dir, "rnn_lstm");
    let o = vigil(&["model", "inspect", vgm.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("input 0    int8[2x6x6]"), "{out}");
    assert!(
        out.contains("9 units over 6-vectors, batch major, hidden zp -5, cell clip none"),
        "{out}"
    );
    assert!(
        out.contains("5 units over 9-vectors, batch major, hidden zp 3, cell clip none"),
        "{out}"
    );

    let golden = repo().join("tests/goldens/zoo/rnn_lstm/seed_1");
    let dump = dir.join("layers");
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input",
        golden.join("input.bin").to_str().unwrap(),
        "--dump-layers",
        dump.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let want: Vec<String> = fs::read(golden.join("layer_1.bin"))
        .unwrap()
        .iter()
        .map(|&v| (v as i8).to_string())
        .collect();
    assert_eq!(output_values(&out, "output ["), want);
    let trace: Vec<&str> = out.lines().filter(|l| l.contains(" 0x")).collect();
    assert_eq!(trace.len(), 2, "{out}");
    for (i, line) in trace.iter().enumerate() {
        assert!(
            line.contains(&format!("op   {i} UNIDIRECTIONAL_SEQUENCE_LSTM 0x")),
            "{line}"
        );
        let name = format!("layer_{i}.bin");
        let ours = fs::read(dump.join(&name)).unwrap();
        assert_eq!(ours, fs::read(golden.join(&name)).unwrap(), "{name}");
        assert!(line.ends_with(&hex::encode(sp_crypto_hashing::blake2_256(&ours))));
    }

    // One sequence of the batch of two is not an input of this model.
    let half = dir.join("half.bin");
    fs::write(&half, &fs::read(golden.join("input.bin")).unwrap()[..36]).unwrap();
    let o = vigil(&[
        "model",
        "run",
        vgm.to_str().unwrap(),
        "--input",
        half.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("holds 36 bytes"), "{}", stderr(&o));
}
