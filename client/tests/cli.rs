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
