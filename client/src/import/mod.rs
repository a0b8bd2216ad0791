//! `vigil model import`: from a TFLite flatbuffer to a Vigil model.
//!
//! The importer walks the operators of the first subgraph in order and turns each into an
//! engine layer, deriving every integer constant exactly as TFLite Micro's kernels derive them
//! when they prepare (see [`quantization`]). Operators that only compute shapes (`SHAPE`,
//! `STRIDED_SLICE`, `PACK` and friends feeding a `RESHAPE`) are evaluated here, at import,
//! when everything they read is static: they become no layer at all ([`fold`]). Any other
//! operator the engine does not implement is refused, by name.

pub mod fold;
pub mod quantization;

use std::collections::HashMap;
use std::fmt;

use vigil_engine::model::{
    Add, Concatenation, Conv2d, DepthwiseConv2d, FullyConnected, Layer, LeakyRelu, Mean, Model,
    Mul, Op, Pad, Pool2d, Requantize, Softmax, TensorInfo, Window, FORMAT_VERSION,
};

use crate::tflite::{self, BuiltinOptions, Padding, Tensor, TensorType, TfliteModel};
use fold::Folded;
use quantization::{
    activation_range, mean_multiplier, out_size, padding_before, quantize_multiplier,
    quantize_multiplier_int16, smooth_activation, softmax_scaling,
};

/// Why a TFLite model could not be imported. Messages name the operator and what is wrong.
#[derive(Debug)]
pub enum ImportError {
    /// The file is not a readable TFLite flatbuffer.
    Parse(tflite::TfliteError),
    /// The model uses something the engine does not implement.
    Unsupported(String),
    /// The model is inconsistent (shapes, quantization, references).
    Invalid(String),
    /// The converted model failed the engine's validation.
    Engine(vigil_engine::EngineError),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Parse(e) => write!(f, "{e}"),
            ImportError::Unsupported(m) => write!(f, "unsupported: {m}"),
            ImportError::Invalid(m) => write!(f, "invalid model: {m}"),
            ImportError::Engine(e) => write!(f, "the converted model is not valid: {e}"),
        }
    }
}

impl std::error::Error for ImportError {}

/// What an import produced: the model, and the source operators that became no layer.
#[derive(Debug)]
pub struct Imported {
    /// The engine model.
    pub model: Model,
    /// `(source operator index, operator name)` of each operator folded away at import.
    pub folded: Vec<(u32, String)>,
}

/// What a TFLite tensor is, as far as the engine is concerned.
#[derive(Clone, Debug)]
enum Value {
    /// An int8 activation: the model input (0) or a layer's output (k).
    Activation(u32),
    /// A constant known at import: raw bytes from the file, or a folded int32 vector.
    Folded(Folded),
}

struct Importer<'a> {
    tfl: &'a TfliteModel,
    tensors: &'a [Tensor],
    values: HashMap<usize, Value>,
    layers: Vec<Layer>,
    folded: Vec<(u32, String)>,
}

/// Imports a `.tflite` file's bytes.
pub fn import_tflite(bytes: &[u8]) -> Result<Imported, ImportError> {
    let tfl = tflite::parse(bytes).map_err(ImportError::Parse)?;
    let subgraph = tfl
        .subgraphs
        .first()
        .ok_or_else(|| ImportError::Invalid("the file has no subgraph".into()))?;
    if subgraph.inputs.len() != 1 || subgraph.outputs.len() != 1 {
        return Err(ImportError::Unsupported(format!(
            "models with {} inputs and {} outputs (exactly one of each is supported)",
            subgraph.inputs.len(),
            subgraph.outputs.len()
        )));
    }
    let mut importer = Importer {
        tfl: &tfl,
        tensors: &subgraph.tensors,
        values: HashMap::new(),
        layers: Vec::new(),
        folded: Vec::new(),
    };
    let input_index = importer.tensor_index(subgraph.inputs[0])?;
    let input = importer.activation_info(input_index, "the model input")?;
    importer.values.insert(input_index, Value::Activation(0));
    for (i, op) in subgraph.operators.iter().enumerate() {
        importer.operator(i as u32, op)?;
    }
    let output_index = importer.tensor_index(subgraph.outputs[0])?;
    let last = importer.layers.len() as u32;
    match importer.values.get(&output_index) {
        Some(Value::Activation(id)) if *id == last && last > 0 => {}
        _ => {
            return Err(ImportError::Unsupported(
                "the model's output must be the output of its last computing operator".into(),
            ))
        }
    }
    let model = Model {
        version: FORMAT_VERSION,
        input,
        layers: importer.layers,
    };
    // Refuse at import what the engine would refuse at load, with the engine's reason.
    vigil_engine::ValidatedModel::new(model.clone()).map_err(ImportError::Engine)?;
    Ok(Imported {
        model,
        folded: importer.folded,
    })
}

/// A tensor's per-tensor scale and zero point (the first entries, for per-channel tensors).
fn scale_and_zero_point(tensor: &Tensor) -> Option<(f32, i32)> {
    let q = tensor.quantization.as_ref()?;
    let scale = *q.scale.first()?;
    let zero_point = q.zero_point.first().copied().unwrap_or(0);
    Some((scale, i32::try_from(zero_point).ok()?))
}

impl Importer<'_> {
    fn tensor_index(&self, index: i32) -> Result<usize, ImportError> {
        usize::try_from(index)
            .ok()
            .filter(|&i| i < self.tensors.len())
            .ok_or_else(|| ImportError::Invalid(format!("tensor index {index} out of range")))
    }

    fn tensor_name(&self, index: usize) -> String {
        self.tensors[index]
            .name
            .clone()
            .unwrap_or_else(|| format!("#{index}"))
    }

    /// Static dimensions of a tensor, all positive.
    fn static_shape(&self, index: usize, what: &str) -> Result<Vec<u32>, ImportError> {
        let tensor = &self.tensors[index];
        let dynamic = tensor
            .shape_signature
            .as_ref()
            .is_some_and(|s| s.iter().any(|&d| d < 0));
        if dynamic && tensor.shape.iter().any(|&d| d <= 0) {
            return Err(ImportError::Unsupported(format!(
                "{what} (tensor {}) has a dynamic shape",
                self.tensor_name(index)
            )));
        }
        tensor
            .shape
            .iter()
            .map(|&d| u32::try_from(d).ok().filter(|&d| d > 0))
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(|| {
                ImportError::Invalid(format!(
                    "{what} (tensor {}) has shape {:?}",
                    self.tensor_name(index),
                    tensor.shape
                ))
            })
    }

    /// Shape and quantization of an int8 activation tensor.
    fn activation_info(&self, index: usize, what: &str) -> Result<TensorInfo, ImportError> {
        let tensor = &self.tensors[index];
        if tensor.tensor_type != TensorType::Int8 {
            return Err(ImportError::Unsupported(format!(
                "{what} (tensor {}) is {:?}; only int8 activations are supported",
                self.tensor_name(index),
                tensor.tensor_type
            )));
        }
        let (scale, zero_point) = scale_and_zero_point(tensor).ok_or_else(|| {
            ImportError::Invalid(format!(
                "{what} (tensor {}) is not quantized",
                self.tensor_name(index)
            ))
        })?;
        Ok(TensorInfo {
            shape: self.static_shape(index, what)?,
            zero_point,
            scale_bits: scale.to_bits(),
        })
    }

    /// The bytes of a constant tensor stored in the file, if it is one.
    fn constant_bytes(&self, index: usize) -> Option<&[u8]> {
        let buffer = self.tfl.buffers.get(self.tensors[index].buffer as usize)?;
        (!buffer.data.is_empty()).then_some(buffer.data.as_slice())
    }

    fn activation_id(&self, index: usize, op: &str, source: u32) -> Result<u32, ImportError> {
        match self.values.get(&index) {
            Some(Value::Activation(id)) => Ok(*id),
            _ => Err(ImportError::Unsupported(format!(
                "operator {source} ({op}): input tensor {} is not an activation computed by an \
                 earlier operator (constant inputs are only supported as weights)",
                self.tensor_name(index)
            ))),
        }
    }

    /// The bytes of a constant tensor of the given type, checked to hold exactly its elements.
    fn typed_constant(
        &self,
        index: usize,
        what: &str,
        expected_type: TensorType,
        element_size: u64,
    ) -> Result<&[u8], ImportError> {
        let tensor = &self.tensors[index];
        if tensor.tensor_type != expected_type {
            return Err(ImportError::Unsupported(format!(
                "{what} is {:?}, not {expected_type:?}",
                tensor.tensor_type
            )));
        }
        let bytes = self
            .constant_bytes(index)
            .ok_or_else(|| ImportError::Unsupported(format!("{what} is not a constant")))?;
        let elements = self
            .static_shape(index, what)?
            .iter()
            .try_fold(1u64, |acc, &d| acc.checked_mul(d as u64))
            .ok_or_else(|| ImportError::Invalid(format!("{what} has too many elements")))?;
        if Some(bytes.len() as u64) != elements.checked_mul(element_size) {
            return Err(ImportError::Invalid(format!(
                "{what} holds {} bytes for {elements} elements",
                bytes.len()
            )));
        }
        Ok(bytes)
    }

    fn int8_constant(&self, index: usize, what: &str) -> Result<Vec<i8>, ImportError> {
        let bytes = self.typed_constant(index, what, TensorType::Int8, 1)?;
        Ok(vigil_engine::as_i8(bytes).to_vec())
    }

    fn int32_constant(&self, index: usize, what: &str) -> Result<Vec<i32>, ImportError> {
        if let Some(Value::Folded(Folded::Int32(v))) = self.values.get(&index) {
            return Ok(v.clone());
        }
        let bytes = self.typed_constant(index, what, TensorType::Int32, 4)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// Real scales of a weights tensor: one per channel along `axis`, or one.
    fn weight_scales(
        &self,
        index: usize,
        channels: usize,
        axis: usize,
        what: &str,
    ) -> Result<Vec<f32>, ImportError> {
        let q = self.tensors[index]
            .quantization
            .as_ref()
            .ok_or_else(|| ImportError::Invalid(format!("{what} is not quantized")))?;
        if q.zero_point.iter().any(|&z| z != 0) {
            return Err(ImportError::Unsupported(format!(
                "{what} has a non-zero zero point"
            )));
        }
        match q.scale.len() {
            1 => Ok(q.scale.clone()),
            n if n == channels && q.quantized_dimension as usize == axis => Ok(q.scale.clone()),
            n => Err(ImportError::Invalid(format!(
                "{what} has {n} scales along dimension {} for {channels} channels",
                q.quantized_dimension
            ))),
        }
    }

    fn operator(&mut self, source: u32, op: &tflite::Operator) -> Result<(), ImportError> {
        let code = self
            .tfl
            .operator_codes
            .get(op.opcode_index as usize)
            .ok_or_else(|| {
                ImportError::Invalid(format!(
                    "operator {source}: no operator code {}",
                    op.opcode_index
                ))
            })?;
        let name = code.builtin.to_string();
        let inputs: Vec<Option<usize>> = op
            .inputs
            .iter()
            .map(|&i| {
                if i < 0 {
                    Ok(None)
                } else {
                    self.tensor_index(i).map(Some)
                }
            })
            .collect::<Result<_, _>>()?;
        let outputs: Vec<usize> = op
            .outputs
            .iter()
            .map(|&i| self.tensor_index(i))
            .collect::<Result<_, _>>()?;
        if outputs.len() != 1 {
            return Err(ImportError::Unsupported(format!(
                "operator {source} ({name}) with {} outputs",
                outputs.len()
            )));
        }
        let output = outputs[0];
        let input = |k: usize| -> Result<usize, ImportError> {
            inputs.get(k).copied().flatten().ok_or_else(|| {
                ImportError::Invalid(format!("operator {source} ({name}) lacks input {k}"))
            })
        };

        // Shape arithmetic on static values is evaluated now and leaves no layer.
        if let Some(folded) = fold::try_fold(self, &name, &op.options, &inputs, output)? {
            self.values.insert(output, Value::Folded(folded));
            self.folded.push((source, name));
            return Ok(());
        }

        let out_what = format!("operator {source} ({name}) output");
        let out_info = self.activation_info(output, &out_what)?;
        let (out_scale, out_zp) = (f32::from_bits(out_info.scale_bits), out_info.zero_point);
        let clamp_for = |activation: tflite::Activation| {
            activation_range(activation, out_scale, out_zp).ok_or_else(|| {
                ImportError::Unsupported(format!(
                    "operator {source} ({name}): fused activation {activation:?}"
                ))
            })
        };
        let x = input(0)?;
        let x_id = self.activation_id(x, &name, source)?;
        let x_tensor = &self.tensors[x];
        let (x_scale, x_zp) = scale_and_zero_point(x_tensor).ok_or_else(|| {
            ImportError::Invalid(format!("operator {source} ({name}): input not quantized"))
        })?;
        let bias = |importer: &Self, k: usize, channels: usize| -> Result<Vec<i32>, ImportError> {
            match inputs.get(k).copied().flatten() {
                None => Ok(Vec::new()),
                Some(b) => {
                    let v =
                        importer.int32_constant(b, &format!("operator {source} ({name}) bias"))?;
                    if v.len() != channels {
                        return Err(ImportError::Invalid(format!(
                            "operator {source} ({name}): {} biases for {channels} channels",
                            v.len()
                        )));
                    }
                    Ok(v)
                }
            }
        };
        let per_channel = |scales: &[f32]| -> Vec<vigil_engine::model::Multiplier> {
            scales
                .iter()
                .map(|&s| quantize_multiplier(x_scale as f64 * s as f64 / out_scale as f64))
                .collect()
        };
        let same = |p: Padding| -> Result<bool, ImportError> {
            match p {
                Padding::Same => Ok(true),
                Padding::Valid => Ok(false),
                other => Err(ImportError::Unsupported(format!(
                    "operator {source} ({name}): padding {other:?}"
                ))),
            }
        };
        let mut layer_inputs = vec![x_id];

        let layer_op = match (name.as_str(), &op.options) {
            ("FULLY_CONNECTED", options) => {
                let activation = match options {
                    BuiltinOptions::FullyConnected(o) => {
                        if o.weights_format != tflite::WeightsFormat::Default {
                            return Err(ImportError::Unsupported(format!(
                                "operator {source} ({name}): shuffled weights"
                            )));
                        }
                        o.fused_activation
                    }
                    _ => tflite::Activation::None,
                };
                let w = input(1)?;
                let w_shape = self.static_shape(w, "fully connected weights")?;
                if w_shape.len() != 2 {
                    return Err(ImportError::Invalid(format!(
                        "operator {source} ({name}): weights of rank {}",
                        w_shape.len()
                    )));
                }
                let (units, depth) = (w_shape[0], w_shape[1]);
                let weights =
                    self.int8_constant(w, &format!("operator {source} ({name}) weights"))?;
                let q = self.tensors[w].quantization.as_ref();
                let scales = q.map(|q| q.scale.clone()).unwrap_or_default();
                let weights_zero_point =
                    q.and_then(|q| q.zero_point.first().copied()).unwrap_or(0) as i32;
                let output_multipliers = if scales.len() > 1 {
                    per_channel(&scales)
                } else {
                    let scale = *scales
                        .first()
                        .ok_or_else(|| ImportError::Invalid("unquantized weights".into()))?;
                    vec![quantize_multiplier(
                        x_scale as f64 * scale as f64 / out_scale as f64,
                    )]
                };
                Op::FullyConnected(FullyConnected {
                    units,
                    depth,
                    weights,
                    weights_zero_point,
                    bias: bias(self, 2, units as usize)?,
                    output_multipliers,
                    clamp: clamp_for(activation)?,
                })
            }
            ("CONV_2D", BuiltinOptions::Conv2D(o)) => {
                let w = input(1)?;
                let f_shape = self.static_shape(w, "conv filter")?;
                let x_shape = self.static_shape(x, "conv input")?;
                if f_shape.len() != 4 || x_shape.len() != 4 || out_info.shape.len() != 4 {
                    return Err(ImportError::Invalid(format!(
                        "operator {source} ({name}): tensors must be 4-D"
                    )));
                }
                let scales = self.weight_scales(w, f_shape[0] as usize, 0, "conv filter")?;
                let window = self.window(
                    source,
                    &name,
                    same(o.padding)?,
                    &x_shape,
                    &out_info.shape,
                    (f_shape[1], f_shape[2]),
                    (o.stride_h, o.stride_w),
                    (o.dilation_h, o.dilation_w),
                )?;
                Op::Conv2d(Conv2d {
                    window,
                    filter_input_channels: f_shape[3],
                    filter: self.int8_constant(w, &format!("operator {source} ({name}) filter"))?,
                    bias: bias(self, 2, f_shape[0] as usize)?,
                    output_multipliers: per_channel(&scales),
                    clamp: clamp_for(o.fused_activation)?,
                })
            }
            ("DEPTHWISE_CONV_2D", BuiltinOptions::DepthwiseConv2D(o)) => {
                let w = input(1)?;
                let f_shape = self.static_shape(w, "depthwise filter")?;
                let x_shape = self.static_shape(x, "depthwise input")?;
                if f_shape.len() != 4 || x_shape.len() != 4 || out_info.shape.len() != 4 {
                    return Err(ImportError::Invalid(format!(
                        "operator {source} ({name}): tensors must be 4-D"
                    )));
                }
                let channels = f_shape[3];
                let scales = self.weight_scales(w, channels as usize, 3, "depthwise filter")?;
                let window = self.window(
                    source,
                    &name,
                    same(o.padding)?,
                    &x_shape,
                    &out_info.shape,
                    (f_shape[1], f_shape[2]),
                    (o.stride_h, o.stride_w),
                    (o.dilation_h, o.dilation_w),
                )?;
                // TFLite derives the multiplier from the shapes, not from the stored option.
                let depth_multiplier = channels.checked_div(x_shape[3]).unwrap_or(0);
                Op::DepthwiseConv2d(DepthwiseConv2d {
                    window,
                    depth_multiplier,
                    filter: self.int8_constant(w, &format!("operator {source} ({name}) filter"))?,
                    bias: bias(self, 2, channels as usize)?,
                    output_multipliers: per_channel(&scales),
                    clamp: clamp_for(o.fused_activation)?,
                })
            }
            ("AVERAGE_POOL_2D" | "MAX_POOL_2D", BuiltinOptions::Pool2D(o)) => {
                let x_shape = self.static_shape(x, "pool input")?;
                if x_shape.len() != 4 || out_info.shape.len() != 4 {
                    return Err(ImportError::Invalid(format!(
                        "operator {source} ({name}): tensors must be 4-D"
                    )));
                }
                if x_scale != out_scale || x_zp != out_zp {
                    return Err(ImportError::Unsupported(format!(
                        "operator {source} ({name}): input and output quantization differ"
                    )));
                }
                let size = (
                    positive(o.filter_height, source, &name)?,
                    positive(o.filter_width, source, &name)?,
                );
                let window = self.window(
                    source,
                    &name,
                    same(o.padding)?,
                    &x_shape,
                    &out_info.shape,
                    size,
                    (o.stride_h, o.stride_w),
                    (1, 1),
                )?;
                let pool = Pool2d {
                    window,
                    clamp: clamp_for(o.fused_activation)?,
                };
                if name == "AVERAGE_POOL_2D" {
                    Op::AveragePool2d(pool)
                } else {
                    Op::MaxPool2d(pool)
                }
            }
            ("ADD" | "SUB", options) => {
                let activation = match options {
                    BuiltinOptions::Add(o) => o.fused_activation,
                    BuiltinOptions::Sub(o) => o.fused_activation,
                    _ => tflite::Activation::None,
                };
                let y = input(1)?;
                layer_inputs.push(self.activation_id(y, &name, source)?);
                let (y_scale, _) = scale_and_zero_point(&self.tensors[y]).ok_or_else(|| {
                    ImportError::Invalid(format!("operator {source} ({name}): input not quantized"))
                })?;
                const LEFT_SHIFT: u32 = 20;
                let twice_max = 2.0 * x_scale.max(y_scale) as f64;
                let below_one = |real: f64| {
                    let m = quantize_multiplier(real);
                    if real <= 0.0 || real >= 1.0 || m.shift > 0 {
                        Err(ImportError::Unsupported(format!(
                            "operator {source} ({name}): scale ratio {real} out of range"
                        )))
                    } else {
                        Ok(m)
                    }
                };
                let add = Add {
                    left_shift: LEFT_SHIFT,
                    input1_multiplier: below_one(x_scale as f64 / twice_max)?,
                    input2_multiplier: below_one(y_scale as f64 / twice_max)?,
                    output_multiplier: below_one(
                        twice_max / ((1i64 << LEFT_SHIFT) as f64 * out_scale as f64),
                    )?,
                    clamp: clamp_for(activation)?,
                };
                if name == "ADD" {
                    Op::Add(add)
                } else {
                    Op::Sub(add)
                }
            }
            ("RESHAPE" | "SQUEEZE" | "EXPAND_DIMS", _) => {
                if x_scale != out_scale || x_zp != out_zp {
                    return Err(ImportError::Invalid(format!(
                        "operator {source} ({name}) changes quantization"
                    )));
                }
                Op::Reshape
            }
            ("SOFTMAX", BuiltinOptions::Softmax(o)) => {
                if out_zp != -128 || out_scale != 1.0 / 256.0 {
                    return Err(ImportError::Unsupported(format!(
                        "operator {source} ({name}): int8 output must have scale 1/256 and zero point -128"
                    )));
                }
                let (input_multiplier, diff_min) = softmax_scaling(o.beta as f64, x_scale as f64);
                Op::Softmax(Softmax {
                    input_multiplier,
                    diff_min,
                })
            }
            ("QUANTIZE", _) => Op::Requantize(Requantize {
                multiplier: quantize_multiplier(x_scale as f64 / out_scale as f64),
                clamp: vigil_engine::model::Clamp::FULL,
            }),
            ("RELU", _) => Op::Requantize(Requantize {
                multiplier: quantize_multiplier(x_scale as f64 / out_scale as f64),
                clamp: vigil_engine::model::Clamp {
                    min: out_zp.max(-128) as i8,
                    max: 127,
                },
            }),
            ("RELU6", _) => {
                // TFLite Micro clamps the raw input in the input's own quantization.
                let six = (x_zp + (6.0f32 / x_scale).round() as i32).clamp(-128, 127);
                let min = x_zp.clamp(-128, 127);
                Op::Clamp(vigil_engine::model::Clamp {
                    min: min as i8,
                    max: six.max(min) as i8,
                })
            }
            ("LEAKY_RELU", options) => {
                let alpha = match options {
                    BuiltinOptions::LeakyRelu(o) => o.alpha,
                    _ => 0.0,
                };
                let alpha_real = (x_scale * alpha / out_scale) as f64;
                if alpha_real < 0.0 {
                    return Err(ImportError::Unsupported(format!(
                        "operator {source} ({name}): negative alpha"
                    )));
                }
                Op::LeakyRelu(LeakyRelu {
                    identity_multiplier: quantize_multiplier((x_scale / out_scale) as f64),
                    alpha_multiplier: quantize_multiplier(alpha_real),
                })
            }
            ("LOGISTIC" | "TANH", _) => {
                let (want_scale, want_zp) = if name == "LOGISTIC" {
                    (1.0 / 256.0, -128)
                } else {
                    (1.0 / 128.0, 0)
                };
                if out_scale != want_scale || out_zp != want_zp {
                    return Err(ImportError::Unsupported(format!(
                        "operator {source} ({name}): int8 output must have scale {want_scale} and zero point {want_zp}"
                    )));
                }
                let op = smooth_activation(x_scale).ok_or_else(|| {
                    ImportError::Unsupported(format!(
                        "operator {source} ({name}): input scale {x_scale} out of range"
                    ))
                })?;
                if name == "LOGISTIC" {
                    Op::Logistic(op)
                } else {
                    Op::Tanh(op)
                }
            }
            ("MEAN", _) => {
                let axes_raw =
                    self.int32_constant(input(1)?, &format!("operator {source} ({name}) axes"))?;
                let x_shape = self.static_shape(x, "mean input")?;
                let rank = x_shape.len() as i32;
                let mut axes = Vec::new();
                for a in axes_raw {
                    let a = if a < 0 { a + rank } else { a };
                    if !(0..rank).contains(&a) {
                        return Err(ImportError::Invalid(format!(
                            "operator {source} ({name}): axis out of range"
                        )));
                    }
                    axes.push(a as u32);
                }
                axes.sort_unstable();
                axes.dedup();
                let count: i64 = axes.iter().fold(1i64, |acc, &a| {
                    acc.saturating_mul(x_shape[a as usize] as i64)
                });
                let rescale = if x_scale == out_scale && x_zp == out_zp {
                    None
                } else {
                    Some(mean_multiplier(
                        quantize_multiplier(x_scale as f64 / out_scale as f64),
                        count,
                    ))
                };
                Op::Mean(Mean { axes, rescale })
            }
            ("MUL", options) => {
                let activation = match options {
                    BuiltinOptions::Mul(o) => o.fused_activation,
                    _ => tflite::Activation::None,
                };
                let y = input(1)?;
                layer_inputs.push(self.activation_id(y, &name, source)?);
                let (y_scale, _) = scale_and_zero_point(&self.tensors[y]).ok_or_else(|| {
                    ImportError::Invalid(format!("operator {source} ({name}): input not quantized"))
                })?;
                Op::Mul(Mul {
                    multiplier: quantize_multiplier(
                        x_scale as f64 * y_scale as f64 / out_scale as f64,
                    ),
                    clamp: clamp_for(activation)?,
                })
            }
            ("HARD_SWISH", _) => {
                let hires = (1.0f32 / 128.0f32) * x_scale;
                let (output_multiplier, output_exponent) =
                    quantize_multiplier_int16((hires / out_scale) as f64);
                let (reluish_multiplier, reluish_exponent) =
                    quantize_multiplier_int16((hires / (3.0f32 / 32768.0f32)) as f64);
                if output_exponent > 0 {
                    return Err(ImportError::Unsupported(format!(
                        "operator {source} ({name}): output scale too small for the input scale"
                    )));
                }
                Op::HardSwish(vigil_engine::model::HardSwish {
                    output_multiplier,
                    output_exponent,
                    reluish_multiplier,
                    reluish_exponent,
                })
            }
            ("MAXIMUM" | "MINIMUM", _) => {
                let y = input(1)?;
                layer_inputs.push(self.activation_id(y, &name, source)?);
                for t in [x, y] {
                    if scale_and_zero_point(&self.tensors[t]) != Some((out_scale, out_zp)) {
                        return Err(ImportError::Unsupported(format!(
                            "operator {source} ({name}): inputs must share the output's quantization"
                        )));
                    }
                }
                if name == "MAXIMUM" {
                    Op::Maximum
                } else {
                    Op::Minimum
                }
            }
            ("CONCATENATION", BuiltinOptions::Concatenation(o)) => {
                if o.fused_activation != tflite::Activation::None {
                    return Err(ImportError::Unsupported(format!(
                        "operator {source} ({name}): fused activation"
                    )));
                }
                for k in 1..inputs.len() {
                    let t = input(k)?;
                    layer_inputs.push(self.activation_id(t, &name, source)?);
                }
                for &t in inputs.iter().flatten() {
                    if scale_and_zero_point(&self.tensors[t]) != Some((out_scale, out_zp)) {
                        return Err(ImportError::Unsupported(format!(
                            "operator {source} ({name}): inputs must share the output's quantization"
                        )));
                    }
                }
                let rank = out_info.shape.len() as i32;
                let axis = if o.axis < 0 { o.axis + rank } else { o.axis };
                if !(0..rank).contains(&axis) {
                    return Err(ImportError::Invalid(format!(
                        "operator {source} ({name}): axis {}",
                        o.axis
                    )));
                }
                Op::Concatenation(Concatenation { axis: axis as u32 })
            }
            ("PAD" | "PADV2", _) => {
                let p = self
                    .int32_constant(input(1)?, &format!("operator {source} ({name}) paddings"))?;
                if p.len() % 2 != 0 || p.iter().any(|&v| v < 0) {
                    return Err(ImportError::Invalid(format!(
                        "operator {source} ({name}): paddings {p:?}"
                    )));
                }
                let value = match inputs.get(2).copied().flatten() {
                    Some(v) if name == "PADV2" => *self
                        .int8_constant(v, "pad value")?
                        .first()
                        .ok_or_else(|| ImportError::Invalid("empty pad value".into()))?,
                    _ => out_zp as i8,
                };
                if x_scale != out_scale || x_zp != out_zp {
                    return Err(ImportError::Unsupported(format!(
                        "operator {source} ({name}) changes quantization"
                    )));
                }
                Op::Pad(Pad {
                    paddings: p
                        .chunks_exact(2)
                        .map(|c| (c[0] as u32, c[1] as u32))
                        .collect(),
                    value,
                })
            }
            _ => {
                return Err(ImportError::Unsupported(format!(
                    "operator {source} is {name}, which the engine does not implement"
                )))
            }
        };
        self.layers.push(Layer {
            source_index: source,
            inputs: layer_inputs,
            output: out_info,
            op: layer_op,
        });
        self.values
            .insert(output, Value::Activation(self.layers.len() as u32));
        Ok(())
    }

    /// The engine's window for a TFLite padding rule, checking the output size it implies.
    #[allow(clippy::too_many_arguments)]
    fn window(
        &self,
        source: u32,
        name: &str,
        same: bool,
        input: &[u32],
        output: &[u32],
        size: (u32, u32),
        stride: (i32, i32),
        dilation: (i32, i32),
    ) -> Result<Window, ImportError> {
        let stride = (
            positive(stride.0, source, name)?,
            positive(stride.1, source, name)?,
        );
        let dilation = (
            positive(dilation.0, source, name)?,
            positive(dilation.1, source, name)?,
        );
        let mut padding = [0u32; 2];
        for (axis, pad) in padding.iter_mut().enumerate() {
            let (image, filter, s, d) = match axis {
                0 => (input[1], size.0, stride.0, dilation.0),
                _ => (input[2], size.1, stride.1, dilation.1),
            };
            let out = out_size(same, image as i64, filter as i64, s as i64, d as i64);
            if out != output[axis + 1] as i64 {
                return Err(ImportError::Invalid(format!(
                    "operator {source} ({name}): output size {} does not follow from the input \
                     size {image}, filter {filter}, stride {s} and dilation {d} (expected {out})",
                    output[axis + 1]
                )));
            }
            *pad = padding_before(s as i64, d as i64, image as i64, filter as i64, out) as u32;
        }
        Ok(Window {
            size,
            stride,
            dilation,
            padding: (padding[0], padding[1]),
        })
    }
}

fn positive(v: i32, source: u32, name: &str) -> Result<u32, ImportError> {
    u32::try_from(v).ok().filter(|&v| v > 0).ok_or_else(|| {
        ImportError::Invalid(format!(
            "operator {source} ({name}): parameter {v} must be positive"
        ))
    })
}
