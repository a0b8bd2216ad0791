//! The engine compiled to `wasm32v1-none`, the target of a chain's runtime:
//! - its code contains no floating-point instruction, type or local;
//! - run inside a Wasm interpreter it computes the same traces and outputs as natively.
//!
//! The module is `engine/wasm-probe`, the engine behind a two-function interface, built here
//! with cargo (needs the `wasm32v1-none` target: `scripts/setup` installs it).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use codec::Encode;
use vigil_engine::testing::{tiny_mlp, TestRng};
use vigil_engine::{as_u8, decode_model};
use wasmparser::{Operator, Parser, Payload, ValType};

fn probe_wasm() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("wasm-probe/Cargo.toml");
        let target_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wasm-probe");
        // Where rustup cannot install the target, scripts/setup links Debian's toolchain and
        // names it in WASM_BUILD_TOOLCHAIN, as for the runtime's Wasm.
        let mut cargo = match std::env::var("WASM_BUILD_TOOLCHAIN") {
            Ok(toolchain) if !toolchain.is_empty() => {
                let mut c = Command::new("rustup");
                c.args(["run", &toolchain, "cargo"]);
                c
            }
            _ => Command::new(env!("CARGO")),
        };
        let status = cargo
            .args(["build", "--release", "--target", "wasm32v1-none", "--manifest-path"])
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", &target_dir)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the wasm probe failed (is the wasm32v1-none target installed? run scripts/setup)");
        std::fs::read(target_dir.join("wasm32v1-none/release/vigil_wasm_probe.wasm")).unwrap()
    })
}

fn is_float(ty: ValType) -> bool {
    matches!(ty, ValType::F32 | ValType::F64)
}

#[test]
fn compiled_engine_has_no_floating_point() {
    let wasm = probe_wasm();
    let mut operators = 0usize;
    let mut float_ops = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.unwrap() {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for ty in group.unwrap().into_types() {
                        if let wasmparser::CompositeInnerType::Func(f) = ty.composite_type.inner {
                            assert!(
                                !f.params().iter().chain(f.results()).copied().any(is_float),
                                "a function type uses a float: {f:?}"
                            );
                        }
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                for local in body.get_locals_reader().unwrap() {
                    let (_, ty) = local.unwrap();
                    assert!(!is_float(ty), "a function has a float local");
                }
                let mut reader = body.get_operators_reader().unwrap();
                while !reader.eof() {
                    let op = reader.read().unwrap();
                    operators += 1;
                    let name = format!("{op:?}");
                    if name.starts_with("F32")
                        || name.starts_with("F64")
                        || matches!(op, Operator::F32Const { .. } | Operator::F64Const { .. })
                    {
                        float_ops.push(name);
                    }
                }
            }
            _ => {}
        }
    }
    // A real module was scanned, not an empty one.
    assert!(operators > 10_000, "only {operators} instructions scanned");
    assert!(
        float_ops.is_empty(),
        "float instructions in the engine: {:?}",
        &float_ops[..float_ops.len().min(10)]
    );
}

/// Runs the model in the probe inside wasmi and returns (trace, output).
fn run_in_wasm(model: &[u8], input: &[u8]) -> (Vec<[u8; 32]>, Vec<u8>) {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, probe_wasm()).unwrap();
    let mut store = wasmi::Store::new(&engine, ());
    let linker = wasmi::Linker::<()>::new(&engine);
    let instance = linker
        .instantiate(&mut store, &module)
        .unwrap()
        .start(&mut store)
        .unwrap();
    let memory = instance.get_memory(&store, "memory").unwrap();
    let alloc = instance
        .get_typed_func::<i32, i32>(&store, "alloc")
        .unwrap();
    let run = instance
        .get_typed_func::<(i32, i32, i32, i32), i32>(&store, "run")
        .unwrap();
    let put = |store: &mut wasmi::Store<()>, bytes: &[u8]| {
        let ptr = alloc.call(&mut *store, bytes.len() as i32).unwrap();
        memory.write(&mut *store, ptr as usize, bytes).unwrap();
        ptr
    };
    let model_ptr = put(&mut store, model);
    let input_ptr = put(&mut store, input);
    let result = run
        .call(
            &mut store,
            (model_ptr, model.len() as i32, input_ptr, input.len() as i32),
        )
        .unwrap() as usize;
    let data = memory.data(&store);
    let word = |at: usize| u32::from_le_bytes(data[at..at + 4].try_into().unwrap()) as usize;
    assert_eq!(
        word(result),
        0,
        "the engine in wasm returned error code {}",
        word(result)
    );
    let layers = word(result + 4);
    let trace = (0..layers)
        .map(|i| {
            data[result + 8 + 32 * i..result + 40 + 32 * i]
                .try_into()
                .unwrap()
        })
        .collect();
    let at = result + 8 + 32 * layers;
    let output = data[at + 4..at + 4 + word(at)].to_vec();
    (trace, output)
}

fn assert_same_natively_and_in_wasm(model_bytes: &[u8], input: &[u8]) {
    let native = decode_model(model_bytes)
        .unwrap()
        .run(vigil_engine::as_i8(input))
        .unwrap();
    let (trace, output) = run_in_wasm(model_bytes, input);
    assert_eq!(trace, native.trace);
    assert_eq!(output, as_u8(&native.output));
}

#[test]
fn digits_model_gives_identical_traces_natively_and_in_wasm() {
    let model =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/digits.vgm")).unwrap();
    for seed in 0..3 {
        let input: Vec<u8> = as_u8(&TestRng::new(seed).i8s(64)).to_vec();
        assert_same_natively_and_in_wasm(&model, &input);
    }
}

#[test]
fn tiny_mlp_gives_identical_traces_natively_and_in_wasm() {
    for seed in 0..3 {
        let model = tiny_mlp(seed).encode();
        let input: Vec<u8> = as_u8(&TestRng::new(seed + 100).i8s(16)).to_vec();
        assert_same_natively_and_in_wasm(&model, &input);
    }
}

/// Runs one layer in the probe inside wasmi (the computation a dispute makes) and returns its
/// output.
fn run_layer_in_wasm(model: &[u8], layer: usize, inputs: &[u8]) -> Vec<u8> {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, probe_wasm()).unwrap();
    let mut store = wasmi::Store::new(&engine, ());
    let linker = wasmi::Linker::<()>::new(&engine);
    let instance = linker
        .instantiate(&mut store, &module)
        .unwrap()
        .start(&mut store)
        .unwrap();
    let memory = instance.get_memory(&store, "memory").unwrap();
    let alloc = instance
        .get_typed_func::<i32, i32>(&store, "alloc")
        .unwrap();
    let run_layer = instance
        .get_typed_func::<(i32, i32, i32, i32, i32), i32>(&store, "run_layer")
        .unwrap();
    let put = |store: &mut wasmi::Store<()>, bytes: &[u8]| {
        let ptr = alloc.call(&mut *store, bytes.len().max(1) as i32).unwrap();
        memory.write(&mut *store, ptr as usize, bytes).unwrap();
        ptr
    };
    let model_ptr = put(&mut store, model);
    let inputs_ptr = put(&mut store, inputs);
    let result = run_layer
        .call(
            &mut store,
            (
                model_ptr,
                model.len() as i32,
                layer as i32,
                inputs_ptr,
                inputs.len() as i32,
            ),
        )
        .unwrap() as usize;
    let data = memory.data(&store);
    let word = |at: usize| u32::from_le_bytes(data[at..at + 4].try_into().unwrap()) as usize;
    assert_eq!(
        word(result),
        0,
        "run_layer in wasm returned error code {}",
        word(result)
    );
    data[result + 8..result + 8 + word(result + 4)].to_vec()
}

/// Runs the model natively and in Wasm, then each layer alone through `run_layer` in both, as a
/// dispute does; all must agree. Returns the activations.
fn assert_each_layer_same_in_wasm(bytes: &[u8], input: &[u8]) -> Vec<Vec<i8>> {
    assert_same_natively_and_in_wasm(bytes, input);
    let model = decode_model(bytes).unwrap();
    let mut activations = vec![vigil_engine::as_i8(input).to_vec()];
    model
        .run_with(vigil_engine::as_i8(input), |_, out| {
            activations.push(out.to_vec())
        })
        .unwrap();
    for layer in 0..model.layer_count() {
        let ids = model.layer_inputs(layer);
        let parts: Vec<&[i8]> = ids
            .iter()
            .map(|&i| activations[i as usize].as_slice())
            .collect();
        let native = model.run_layer(layer, &parts).unwrap();
        assert_eq!(native, activations[layer + 1]);
        let joined: Vec<u8> = parts.iter().flat_map(|p| as_u8(p).to_vec()).collect();
        let in_wasm = run_layer_in_wasm(bytes, layer, &joined);
        assert_eq!(in_wasm, as_u8(&native), "layer {layer}");
    }
    activations
}

/// The sequence operators (TRANSPOSE, BATCH_MATMUL, STRIDED_SLICE, GATHER,
/// SQUARED_DIFFERENCE, RSQRT) give the same trace in Wasm as natively, and each layer re-run
/// alone through `run_layer`, as a dispute does, gives the same bytes in both.
#[test]
fn sequence_ops_give_identical_traces_and_layers_natively_and_in_wasm() {
    use vigil_engine::testing::sequence_ops;
    for seed in 0..3 {
        let bytes = sequence_ops(seed).encode();
        let input: Vec<u8> = as_u8(&TestRng::new(seed + 200).i8s(48)).to_vec();
        let activations = assert_each_layer_same_in_wasm(&bytes, &input);
        // The outputs are not constant: the layers computed something.
        let distinct = |a: &[i8]| a.iter().collect::<std::collections::BTreeSet<_>>().len();
        assert!(
            activations.iter().skip(1).all(|a| distinct(a) > 1),
            "seed {seed}"
        );
    }
}

/// A model with two inputs: its INPUT layers and the layers after them agree natively and in
/// Wasm, whole and one by one.
#[test]
fn two_inputs_give_identical_traces_and_layers_natively_and_in_wasm() {
    let bytes = vigil_engine::testing::two_inputs().encode();
    for seed in 0..3 {
        let input: Vec<u8> = as_u8(&TestRng::new(seed + 300).i8s(12)).to_vec();
        assert_each_layer_same_in_wasm(&bytes, &input);
    }
}

/// Imported models (`engine/fuzz/seeds`: the trained character-level transformer, a transformer
/// block with CONSTANT layers, GELU tables, a model with two inputs, slices, gathers, transposes,
/// float edges, stacked and time-major LSTMs) agree natively and in Wasm, whole and layer by
/// layer.
#[test]
fn imported_zoo_models_give_identical_traces_and_layers_natively_and_in_wasm() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let len = decode_model(&bytes).unwrap().input_len();
        let input: Vec<u8> = as_u8(&TestRng::new(checked).i8s(len)).to_vec();
        assert_each_layer_same_in_wasm(&bytes, &input);
        checked += 1;
    }
    assert!(checked >= 5);
}
