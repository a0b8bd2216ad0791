//! `vigil model …`: model tools. `import`, `inspect`, `run` and `bench` work offline; `register`
//! puts a model on chain.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use codec::Encode;
use vigil_engine::model::{ElementType, Model, Op, TensorInfo};
use vigil_engine::{decode_model, model_id, ValidatedModel};

use crate::chain::{self, api, ChainArgs};
use crate::import::{import_tflite, NO_SOURCE_OPERATOR};

/// Model tools: offline import, inspection, runs and benchmarks; registration on chain.
#[derive(Subcommand, Debug)]
pub enum ModelCommand {
    /// Convert a full-integer TFLite model (.tflite; int8, or int16 activations with int8
    /// weights) into a Vigil model (.vgm).
    Import {
        /// The .tflite file.
        model: PathBuf,
        /// Where to write the Vigil model.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Show a Vigil model's id, layers, shapes, quantization and cost.
    Inspect {
        /// The .vgm file.
        model: PathBuf,
    },
    /// Run a Vigil model on an input; print the output and the trace (each layer's hash).
    Run {
        /// The .vgm file.
        model: PathBuf,
        /// An input tensor: its raw bytes, row-major (one per int8 element, two little-endian
        /// per int16 element). Give one per model input, in order.
        #[arg(
            long,
            required_unless_present = "input_f32",
            conflicts_with = "input_f32"
        )]
        input: Vec<PathBuf>,
        /// An input tensor as real numbers: little-endian f32, row-major, quantized with the
        /// input's scale and zero point as TFLite's QUANTIZE does. One per model input, in
        /// order. The output is then printed as real numbers too.
        #[arg(long, value_name = "FILE")]
        input_f32: Vec<PathBuf>,
        /// Write each layer's output to DIR/layer_<i>.bin, i the operator's index in the source
        /// model.
        #[arg(long, value_name = "DIR")]
        dump_layers: Option<PathBuf>,
    },
    /// Time the engine on a model: median time per inference and multiply-accumulates per second.
    Bench {
        /// The .vgm file.
        model: PathBuf,
        /// Timed runs (after a few warm-up runs).
        #[arg(long, default_value_t = 200)]
        runs: usize,
        /// Seed of the random int8 input.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Register a Vigil model on chain (the chain stores and validates its bytes); print its id.
    Register {
        /// The .vgm file.
        model: PathBuf,
        #[command(flatten)]
        chain: ChainArgs,
    },
}

impl ModelCommand {
    /// Runs the command.
    pub fn execute(self) -> Result<()> {
        match self {
            ModelCommand::Import { model, output } => import(&model, &output),
            ModelCommand::Inspect { model } => inspect(&model),
            ModelCommand::Run {
                model,
                input,
                input_f32,
                dump_layers,
            } => run(&model, &input, &input_f32, dump_layers.as_deref()),
            ModelCommand::Bench {
                model,
                runs,
                seed,
                json,
            } => bench(&model, runs, seed, json),
            ModelCommand::Register { model, chain } => super::block_on(register(model, chain)),
        }
    }
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("cannot read {what} {}", path.display()))
}

/// Reads and validates a Vigil model file.
pub fn load_model(path: &Path) -> Result<ValidatedModel> {
    let bytes = read(path, "model")?;
    decode_model(&bytes).with_context(|| format!("{} is not a valid Vigil model", path.display()))
}

async fn register(path: PathBuf, args: ChainArgs) -> Result<()> {
    let bytes = read(&path, "model")?;
    // Check the model here first: the chain would refuse it, but with fewer words.
    let model = decode_model(&bytes)
        .with_context(|| format!("{} is not a valid Vigil model", path.display()))?;
    let id = model_id(&bytes);
    let key = args.signer()?;
    let api = args.connect().await?;

    // Registering is idempotent from the command line: an existing model is reported, not an error.
    let at = api
        .at_current_block()
        .await
        .context("cannot read the chain")?;
    let existing = at
        .storage()
        .try_fetch(api::storage().models().models(), (id,))
        .await
        .context("cannot read Models.Models")?;
    if existing.is_some() {
        println!("model {} is already registered", chain::hex32(&id));
        println!("model id {}", chain::hex32(&id));
        return Ok(());
    }

    eprintln!(
        "registering {} ({} layers, {} bytes) as {} ...",
        path.display(),
        model.layer_count(),
        bytes.len(),
        chain::account_of(&key)
    );
    let events = chain::submit(
        &api,
        &api::transactions().models().register_model(bytes),
        &key,
    )
    .await
    .context("cannot register the model")?;
    match events.find_first::<api::models::events::ModelRegistered>() {
        Some(Ok(event)) => println!(
            "registered: {} layers, {} bytes, deposit {}",
            event.layer_count,
            event.byte_len,
            chain::format_balance(event.deposit)
        ),
        _ => println!("registered"),
    }
    println!("model id {}", chain::hex32(&id));
    Ok(())
}

fn import(source: &Path, output: &Path) -> Result<()> {
    let bytes = read(source, "TFLite model")?;
    let imported =
        import_tflite(&bytes).with_context(|| format!("cannot import {}", source.display()))?;
    let encoded = imported.model.encode();
    fs::write(output, &encoded).with_context(|| format!("cannot write {}", output.display()))?;
    println!(
        "imported {} → {} ({} layers, {} bytes)",
        source.display(),
        output.display(),
        imported.model.layers.len(),
        encoded.len()
    );
    for (index, name) in &imported.folded {
        println!("  folded operator {index} ({name}): static shape arithmetic");
    }
    for (index, name) in &imported.float_edges {
        println!("  operator {index} ({name}): float edge, left to the caller (see --input-f32)");
    }
    println!("model id 0x{}", hex::encode(model_id(&encoded)));
    Ok(())
}

fn describe_tensor(t: &TensorInfo) -> String {
    let dims: Vec<String> = t.shape.iter().map(u32::to_string).collect();
    format!(
        "{}[{}] scale {:.6e} zp {}",
        t.element.name(),
        dims.join("x"),
        f32::from_bits(t.scale_bits),
        t.zero_point
    )
}

fn describe_op(op: &Op) -> String {
    let window = |w: &vigil_engine::model::Window| {
        format!(
            "{}x{} stride {}x{} dilation {}x{} pad {}x{}",
            w.size.0,
            w.size.1,
            w.stride.0,
            w.stride.1,
            w.dilation.0,
            w.dilation.1,
            w.padding.0,
            w.padding.1
        )
    };
    let clamp = |c: &vigil_engine::model::Clamp| format!("clamp [{}, {}]", c.min, c.max);
    match op {
        Op::FullyConnected(fc) => format!(
            "{}x{} weights, {} multiplier(s), {}",
            fc.units,
            fc.depth,
            fc.output_multipliers.len(),
            clamp(&fc.clamp)
        ),
        Op::Conv2d(c) => format!(
            "{}, {} multiplier(s), {}",
            window(&c.window),
            c.output_multipliers.len(),
            clamp(&c.clamp)
        ),
        Op::DepthwiseConv2d(d) => format!(
            "{}, multiplier {}, {}",
            window(&d.window),
            d.depth_multiplier,
            clamp(&d.clamp)
        ),
        Op::AveragePool2d(p) | Op::MaxPool2d(p) => {
            format!("{}, {}", window(&p.window), clamp(&p.clamp))
        }
        Op::Add(a) => format!("left shift {}, {}", a.left_shift, clamp(&a.clamp)),
        Op::Softmax(s) => format!("diff_min {}", s.diff_min),
        Op::Concatenation(c) => format!("axis {}", c.axis),
        Op::Pad(p) => format!("paddings {:?} value {}", p.paddings, p.value),
        Op::Mean(m) => format!("axes {:?}", m.axes),
        Op::Mul(m) => clamp(&m.clamp),
        Op::Sub(a) => format!("left shift {}, {}", a.left_shift, clamp(&a.clamp)),
        Op::Requantize(r) => clamp(&r.clamp),
        Op::Clamp(c) => clamp(c),
        Op::Logistic(s) | Op::Tanh(s) => format!("input radius {}", s.input_radius),
        Op::Transpose(t) => format!("perm {:?}", t.perm),
        Op::Input(p) => format!("bytes from {}", p.offset),
        Op::Constant(v) => format!("{} values", v.len()),
        Op::Lookup(l) => format!("axis {}, indices at run time", l.axis),
        Op::Gelu(t) => format!("table of {} values", t.values.len()),
        Op::Lstm(l) => {
            let units = l.gates.first().map_or(0, |g| g.bias.len());
            let depth = l
                .gates
                .first()
                .map_or(0, |g| g.input_weights.len().checked_div(units).unwrap_or(0));
            format!(
                "{units} units over {depth}-vectors, {}, hidden zp {}, cell clip {}",
                if l.time_major {
                    "time major"
                } else {
                    "batch major"
                },
                l.hidden_zero_point,
                l.cell_clip.map_or("none".to_string(), |c| format!("±{c}"))
            )
        }
        Op::StridedSlice(s) => {
            let dims: Vec<String> = s
                .dims
                .iter()
                .map(|d| format!("{}+{}x{}", d.start, d.stride, d.count))
                .collect();
            format!("start+stride x count {}", dims.join(" "))
        }
        Op::Gather(g) => format!("axis {}, {} indices", g.axis, g.indices.len()),
        Op::BatchMatMul(b) => format!("adj_x {}, adj_y {}", b.adj_x, b.adj_y),
        Op::SquaredDifference(a) => format!("left shift {}", a.left_shift),
        Op::Svdf(s) => format!(
            "rank {}, {} filters, memory {}, {} state",
            s.rank,
            s.filters,
            s.memory,
            s.state_element.name()
        ),
        Op::FullyConnected16(fc) => format!(
            "16x8, {}x{} weights, {} multiplier(s), clamp [{}, {}]",
            fc.units,
            fc.depth,
            fc.output_multipliers.len(),
            fc.min,
            fc.max
        ),
        Op::Reshape
        | Op::Maximum
        | Op::Minimum
        | Op::LeakyRelu(_)
        | Op::HardSwish(_)
        | Op::Rsqrt(_) => String::new(),
        Op::Output => "the outputs' bytes in order".into(),
        Op::Select => "x where the condition holds, else y".into(),
        Op::Softmax16(s) => format!("int16, tables of {} entries", s.exp_lut.len()),
        Op::Conv2d16(c) => format!(
            "16x8, {}, {} multiplier(s), clamp [{}, {}]",
            window(&c.window),
            c.output_multipliers.len(),
            c.min,
            c.max
        ),
        Op::AveragePool2d16(p) | Op::MaxPool2d16(p) => {
            format!("{}, clamp [{}, {}]", window(&p.window), p.min, p.max)
        }
        Op::Add16(a) | Op::Sub16(a) => {
            format!("left shift {}, clamp [{}, {}]", a.left_shift, a.min, a.max)
        }
        Op::Mul16(m) => format!("clamp [{}, {}]", m.min, m.max),
        Op::DepthwiseConv2d16(d) => format!(
            "16x8, {}, multiplier {}, clamp [{}, {}]",
            window(&d.window),
            d.depth_multiplier,
            d.min,
            d.max
        ),
    }
}

/// A layer's source operator index, or `-` for the layers that split several inputs.
fn source(index: u32) -> String {
    if index == NO_SOURCE_OPERATOR {
        "-".into()
    } else {
        index.to_string()
    }
}

/// The human-readable description `vigil model inspect` prints.
pub fn describe(model: &ValidatedModel, bytes: &[u8]) -> String {
    let m: &Model = model.model();
    let mut s = String::new();
    let total = model.total_cost();
    let _ = writeln!(s, "model id   0x{}", hex::encode(model_id(bytes)));
    let _ = writeln!(
        s,
        "format     version {} , {} bytes",
        m.version,
        bytes.len()
    );
    for (k, input) in model.inputs().iter().enumerate() {
        let _ = writeln!(s, "input {k:<4} {}", describe_tensor(input));
    }
    let outputs = model.outputs();
    for (k, output) in outputs.iter().enumerate() {
        let label = if outputs.len() == 1 {
            "output    ".to_string()
        } else {
            format!("output {k:<3}")
        };
        let _ = writeln!(s, "{label} {}", describe_tensor(output));
    }
    let _ = writeln!(
        s,
        "cost       {} multiply-accumulates, {} bytes touched",
        total.macs, total.bytes
    );
    let _ = writeln!(s, "layers     {}", m.layers.len());
    let width = name_width(&m.layers);
    for (i, layer) in m.layers.iter().enumerate() {
        let cost = model.layer_cost(i);
        let inputs: Vec<String> = layer.inputs.iter().map(|id| format!("a{id}")).collect();
        let _ = writeln!(
            s,
            "  [{i:>3}] op {:>3} {:<width$} ({}) → a{}  {}",
            source(layer.source_index),
            layer.op.name(),
            inputs.join(", "),
            i + 1,
            describe_tensor(&layer.output)
        );
        let _ = writeln!(
            s,
            "        {} MACs, {} bytes; {}",
            cost.macs,
            cost.bytes,
            describe_op(&layer.op)
        );
    }
    s
}

fn inspect(path: &Path) -> Result<()> {
    let bytes = read(path, "model")?;
    let model = decode_model(&bytes)
        .with_context(|| format!("{} is not a valid Vigil model", path.display()))?;
    print!("{}", describe(&model, &bytes));
    Ok(())
}

/// TFLite's `AffineQuantize` of one real value: `round(x / scale) + zero_point`, clamped to
/// the tensor's element type (the division in `f32`, rounding half away from zero).
pub fn quantize_f32(x: f32, info: &TensorInfo) -> i32 {
    let scale = f32::from_bits(info.scale_bits);
    let q = (x / scale).round() as i64 + info.zero_point as i64;
    q.clamp(info.element.min() as i64, info.element.max() as i64) as i32
}

/// TFLite's `Dequantize` of one value: `scale · (q − zero_point)` in `f32`.
pub fn dequantize(q: i32, info: &TensorInfo) -> f32 {
    f32::from_bits(info.scale_bits) * (q as i64 - info.zero_point as i64) as f32
}

/// The values of an activation's bytes (little-endian for int16 and int32 elements).
pub fn element_values(bytes: &[i8], element: ElementType) -> Vec<i32> {
    let raw = vigil_engine::as_u8(bytes);
    match element {
        ElementType::Int8 => bytes.iter().map(|&v| v as i32).collect(),
        ElementType::Bool => bytes.iter().map(|&v| i32::from(v != 0)).collect(),
        ElementType::Int16 => raw
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]) as i32)
            .collect(),
        ElementType::Int32 => raw
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    }
}

/// The job input for a model: each input file checked against its tensor, concatenated in
/// order. Float inputs are quantized at the edge.
pub fn read_inputs(model: &ValidatedModel, int8: &[PathBuf], float: &[PathBuf]) -> Result<Vec<u8>> {
    let tensors = model.inputs();
    let (files, is_float) = if float.is_empty() {
        (int8, false)
    } else {
        (float, true)
    };
    if files.len() != tensors.len() {
        bail!(
            "the model has {} input(s), {} given (one --input{} per input, in order)",
            tensors.len(),
            files.len(),
            if is_float { "-f32" } else { "" }
        );
    }
    let mut all = Vec::with_capacity(model.input_len());
    for (k, (file, tensor)) in files.iter().zip(&tensors).enumerate() {
        let bytes = read(file, "input")?;
        let elements = tensor.element_count().unwrap_or(0) as usize;
        let size = if is_float {
            4
        } else {
            tensor.element.size() as usize
        };
        if bytes.len() != elements * size {
            bail!(
                "{}: the input holds {} bytes, but the model's input {k} {} needs {}",
                file.display(),
                bytes.len(),
                describe_tensor(tensor),
                elements * size
            );
        }
        if is_float {
            if tensor.scale_bits == 0 || !f32::from_bits(tensor.scale_bits).is_normal() {
                bail!("the model's input {k} has no real scale to quantize with");
            }
            let width = tensor.element.size() as usize;
            for c in bytes.chunks_exact(4) {
                let q = quantize_f32(f32::from_le_bytes([c[0], c[1], c[2], c[3]]), tensor);
                all.extend_from_slice(&q.to_le_bytes()[..width]);
            }
        } else {
            all.extend_from_slice(&bytes);
        }
    }
    Ok(all)
}

fn run(path: &Path, int8: &[PathBuf], float: &[PathBuf], dump: Option<&Path>) -> Result<()> {
    let model = load_model(path)?;
    let input = read_inputs(&model, int8, float)?;
    if let Some(dir) = dump {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let layers = &model.model().layers;
    let mut write_error = None;
    let execution = model.run_with(vigil_engine::as_i8(&input), |i, out| {
        if let (Some(dir), None) = (dump, &write_error) {
            if layers[i].source_index == NO_SOURCE_OPERATOR {
                return;
            }
            let file = dir.join(format!("layer_{}.bin", layers[i].source_index));
            if let Err(e) = fs::write(&file, vigil_engine::as_u8(out)) {
                write_error =
                    Some(anyhow::Error::new(e).context(format!("cannot write {}", file.display())));
            }
        }
    })?;
    if let Some(e) = write_error {
        return Err(e);
    }
    // One line per output (the bytes of several lie one after the other, in order).
    let outputs = model.outputs();
    let mut at = 0;
    for (k, out_info) in outputs.iter().enumerate() {
        let len = out_info.byte_len().unwrap_or(0) as usize;
        let output = element_values(&execution.output[at..at + len], out_info.element);
        at += len;
        let label = if outputs.len() == 1 {
            "output".to_string()
        } else {
            format!("output {k}")
        };
        let values: Vec<String> = output.iter().map(i32::to_string).collect();
        println!("{label} [{}]", values.join(", "));
        if !float.is_empty() {
            let reals: Vec<String> = output
                .iter()
                .map(|&q| dequantize(q, out_info).to_string())
                .collect();
            println!("{label} (real) [{}]", reals.join(", "));
        }
    }
    println!("trace");
    let width = name_width(layers);
    for (i, hash) in execution.trace.iter().enumerate() {
        println!(
            "  {i:>3} op {:>3} {:<width$} 0x{}",
            source(layers[i].source_index),
            layers[i].op.name(),
            hex::encode(hash)
        );
    }
    Ok(())
}

/// The width of the operator-name column: the longest name among the layers (at least 18),
/// so that the column after it lines up (UNIDIRECTIONAL_SEQUENCE_LSTM is 28 characters).
fn name_width(layers: &[vigil_engine::model::Layer]) -> usize {
    layers
        .iter()
        .map(|l| l.op.name().len())
        .max()
        .unwrap_or(0)
        .max(18)
}

fn bench(path: &Path, runs: usize, seed: u64, json: bool) -> Result<()> {
    if runs == 0 {
        bail!("--runs must be at least 1");
    }
    let model = load_model(path)?;
    let input = vigil_engine::testing::TestRng::new(seed).i8s(model.input_len());
    let warmup = (runs / 10).clamp(1, 20);
    for _ in 0..warmup {
        model.run(&input)?;
    }
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = std::time::Instant::now();
        let execution = model.run(&input)?;
        samples.push(start.elapsed().as_secs_f64());
        std::hint::black_box(execution);
    }
    samples.sort_by(f64::total_cmp);
    let median = samples[samples.len() / 2];
    let macs = model.total_cost().macs;
    let macs_per_second = macs as f64 / median;
    if json {
        println!(
            "{{\"model\": \"{}\", \"macs\": {macs}, \"runs\": {runs}, \"median_s\": {median:e}, \"min_s\": {:e}, \"macs_per_s\": {macs_per_second:e}}}",
            path.display(),
            samples[0]
        );
    } else {
        println!("{}: {macs} MACs per inference", path.display());
        println!(
            "median {:.1} µs over {runs} runs (min {:.1} µs)",
            median * 1e6,
            samples[0] * 1e6
        );
        println!("{:.1} million MACs per second", macs_per_second / 1e6);
    }
    Ok(())
}
