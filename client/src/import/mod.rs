//! `vigil model import`: from a TFLite flatbuffer to a Vigil model.
//!
//! The importer walks the operators of the first subgraph in order and turns each into an
//! engine layer, deriving every integer constant exactly as TFLite Micro's kernels derive them
//! when they prepare (see [`quantization`]). Operators that only compute shapes (`SHAPE`,
//! `STRIDED_SLICE`, `PACK` and friends feeding a `RESHAPE`) are evaluated here, at import,
//! when everything they read is static: they become no layer at all ([`fold`]). Any other
//! operator the engine does not implement is refused, by name. Each operator the engine has is
//! imported by its own module under `ops`, chosen by the typed operator code.

pub mod fold;
mod ops;
pub mod quantization;

use std::collections::HashMap;
use std::fmt;

use vigil_engine::model::{ElementType, InputPart, Layer, Model, Op, TensorInfo, FORMAT_VERSION};

use crate::tflite::{self, BuiltinOp, Tensor, TensorType, TfliteModel};
use fold::Folded;

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
    /// `(source operator index, operator name)` of each float edge (a QUANTIZE from a float
    /// input, a DEQUANTIZE to a float output) left to the caller.
    pub float_edges: Vec<(u32, String)>,
}

/// What a TFLite tensor is, as far as the engine is concerned.
#[derive(Clone, Debug)]
enum Value {
    /// An activation (int8, int16, or the int32 output of a QUANTIZE): the model input (0) or
    /// a layer's output (k).
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
    /// Element type of activation 0 (the model's input, or all its inputs as bytes).
    input_element: ElementType,
}

/// Imports a `.tflite` file's bytes.
pub fn import_tflite(bytes: &[u8]) -> Result<Imported, ImportError> {
    let tfl = tflite::parse(bytes).map_err(ImportError::Parse)?;
    import_model(&tfl)
}

/// Imports a parsed TFLite model.
pub fn import_model(tfl: &TfliteModel) -> Result<Imported, ImportError> {
    let subgraph = tfl
        .subgraphs
        .first()
        .ok_or_else(|| ImportError::Invalid("the file has no subgraph".into()))?;
    if subgraph.outputs.is_empty() {
        return Err(ImportError::Invalid("the model has no output".into()));
    }
    if subgraph.outputs.len() > vigil_engine::limits::MAX_LAYER_INPUTS {
        return Err(ImportError::Unsupported(format!(
            "models with {} outputs (at most {})",
            subgraph.outputs.len(),
            vigil_engine::limits::MAX_LAYER_INPUTS
        )));
    }
    if subgraph.inputs.is_empty() {
        return Err(ImportError::Invalid("the model has no input".into()));
    }
    let mut importer = Importer {
        tfl,
        tensors: &subgraph.tensors,
        values: HashMap::new(),
        layers: Vec::new(),
        folded: Vec::new(),
        input_element: ElementType::Int8,
    };
    let edges = float_edges(&importer, subgraph)?;
    let mut edge_ops = Vec::new();
    let mut inputs = Vec::with_capacity(subgraph.inputs.len());
    for (k, &tensor) in subgraph.inputs.iter().enumerate() {
        let index = importer.tensor_index(tensor)?;
        // A float input quantized by its one consumer: the quantized tensor is the input.
        let index = edges
            .inputs
            .iter()
            .find(|e| e.outer == index)
            .map_or(index, |e| e.inner);
        let what = if subgraph.inputs.len() == 1 {
            "the model input".to_string()
        } else {
            format!("model input {k}")
        };
        let info = if is_index_input(&importer, subgraph, index) {
            importer.index_input_info(index, &what)?
        } else {
            importer.activation_info(index, &what)?
        };
        inputs.push((index, info));
    }
    let input = if let [(index, info)] = inputs.as_slice() {
        importer.values.insert(*index, Value::Activation(0));
        importer.input_element = info.element;
        info.clone()
    } else {
        // Several inputs: activation 0 holds them concatenated; one INPUT layer each.
        let mut offset = 0u64;
        for (index, info) in &inputs {
            importer.layers.push(Layer {
                source_index: NO_SOURCE_OPERATOR,
                inputs: vec![0],
                output: info.clone(),
                op: Op::Input(InputPart {
                    offset: u32::try_from(offset).map_err(|_| {
                        ImportError::Unsupported("the inputs are too large together".into())
                    })?,
                }),
            });
            importer
                .values
                .insert(*index, Value::Activation(importer.layers.len() as u32));
            offset += info.byte_len().unwrap_or(u64::MAX);
        }
        // The inputs' bytes, whatever their element types.
        TensorInfo::int8(
            vec![u32::try_from(offset).map_err(|_| {
                ImportError::Unsupported("the inputs are too large together".into())
            })?],
            0,
            0,
        )
    };
    for (i, op) in subgraph.operators.iter().enumerate() {
        if let Some(edge) = edges.all().find(|e| e.operator == i) {
            edge_ops.push((i as u32, edge.name.to_string()));
            continue;
        }
        importer.operator(i as u32, op)?;
    }
    // The outputs, through their float edges to the int8 tensors inside.
    let mut output_ids = Vec::with_capacity(subgraph.outputs.len());
    let one_output = subgraph.outputs.len() == 1;
    // Activations up to this id are the model's inputs, not computed.
    let inputs_end = if inputs.len() > 1 {
        inputs.len() as u32
    } else {
        0
    };
    for (k, &tensor) in subgraph.outputs.iter().enumerate() {
        let index = importer.tensor_index(tensor)?;
        let index = edges
            .outputs
            .iter()
            .find(|e| e.outer == index)
            .map_or(index, |e| e.inner);
        match importer.values.get(&index) {
            Some(Value::Activation(id)) if one_output || *id > inputs_end => output_ids.push(*id),
            _ if one_output => {
                return Err(ImportError::Unsupported(
                    "the model's output must be the output of its last computing operator".into(),
                ))
            }
            _ => {
                return Err(ImportError::Unsupported(format!(
                    "model output {k} (tensor {}) is not computed by an operator",
                    importer.tensor_name(index)
                )))
            }
        }
    }
    let last = importer.layers.len() as u32;
    if let [id] = output_ids.as_slice() {
        let computed = importer.layers.len() > inputs.len() || inputs.len() == 1;
        if *id != last || last == 0 || !computed {
            return Err(ImportError::Unsupported(
                "the model's output must be the output of its last computing operator".into(),
            ));
        }
    } else {
        // Several outputs: one OUTPUT layer writes their bytes concatenated, in order.
        // Every id is a layer's (above the inputs'), so at least 1.
        let total: u64 = output_ids
            .iter()
            .map(|&id| {
                importer.layers[id as usize - 1]
                    .output
                    .byte_len()
                    .unwrap_or(u64::MAX)
            })
            .fold(0u64, u64::saturating_add);
        let total = u32::try_from(total)
            .map_err(|_| ImportError::Unsupported("the outputs are too large together".into()))?;
        importer.layers.push(Layer {
            source_index: NO_SOURCE_OPERATOR,
            inputs: output_ids,
            output: TensorInfo::int8(vec![total], 0, 0),
            op: Op::Output,
        });
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
        float_edges: edge_ops,
    })
}

/// The `source_index` of layers that are no operator of the source model: those that split
/// several inputs out of activation 0, and constant operands.
pub const NO_SOURCE_OPERATOR: u32 = u32::MAX;

/// Operators whose activation inputs may be constants of the file (an int8 tensor with data):
/// such a constant becomes a `CONSTANT` layer.
const CONSTANT_OPERANDS: &[BuiltinOp] = &[
    BuiltinOp::ADD,
    BuiltinOp::SUB,
    BuiltinOp::MUL,
    BuiltinOp::SQUARED_DIFFERENCE,
    BuiltinOp::MAXIMUM,
    BuiltinOp::MINIMUM,
    BuiltinOp::CONCATENATION,
    BuiltinOp::BATCH_MATMUL,
    BuiltinOp::GATHER,
    BuiltinOp::EMBEDDING_LOOKUP,
    BuiltinOp::SELECT_V2,
];

/// Whether a model input is int32 indices read only as the indices of `GATHER`s or
/// `EMBEDDING_LOOKUP`s (token ids looking up an embedding): such an input is kept as four
/// little-endian bytes per index.
fn is_index_input(importer: &Importer<'_>, subgraph: &tflite::Subgraph, index: usize) -> bool {
    if importer.tensors[index].tensor_type != TensorType::Int32 {
        return false;
    }
    let mut readers = subgraph
        .operators
        .iter()
        .filter(|op| op.inputs.iter().any(|&t| t as i64 == index as i64))
        .peekable();
    readers.peek().is_some()
        && readers.all(|op| {
            let code = importer
                .tfl
                .operator_codes
                .get(op.opcode_index as usize)
                .map(|c| c.builtin);
            // GATHER reads (table, ids); EMBEDDING_LOOKUP reads (ids, table).
            let (ids, table) = match code {
                Some(BuiltinOp::GATHER) => (1, 0),
                Some(BuiltinOp::EMBEDDING_LOOKUP) => (0, 1),
                _ => return false,
            };
            let is = |k: usize| op.inputs.get(k).is_some_and(|&t| t as i64 == index as i64);
            is(ids) && !is(table)
        })
}

/// A float edge of the model: a `QUANTIZE` from a float input, or a `DEQUANTIZE` to a float
/// output, which the engine leaves to its caller (the edge's scale and zero point are those of
/// the int8 tensor on the inside).
struct Edge {
    /// The operator's index.
    operator: usize,
    /// `QUANTIZE` or `DEQUANTIZE`.
    name: &'static str,
    /// The float tensor (the model's input or output).
    outer: usize,
    /// The int8 tensor.
    inner: usize,
}

/// The float edges of a model.
struct Edges {
    inputs: Vec<Edge>,
    outputs: Vec<Edge>,
}

impl Edges {
    fn all(&self) -> impl Iterator<Item = &Edge> {
        self.inputs.iter().chain(&self.outputs)
    }
}

/// Finds the float edges: each float32 model input read only by a `QUANTIZE` to int8, and a
/// float32 model output written by a `DEQUANTIZE` from int8.
fn float_edges(importer: &Importer<'_>, subgraph: &tflite::Subgraph) -> Result<Edges, ImportError> {
    let code = |op: &tflite::Operator| {
        importer
            .tfl
            .operator_codes
            .get(op.opcode_index as usize)
            .map(|c| c.builtin)
    };
    let is_type = |t: i32, ty: TensorType| {
        usize::try_from(t)
            .ok()
            .and_then(|t| importer.tensors.get(t))
            .is_some_and(|t| t.tensor_type == ty)
    };
    let mut edges = Edges {
        inputs: Vec::new(),
        outputs: Vec::new(),
    };
    for &input in &subgraph.inputs {
        if !is_type(input, TensorType::Float32) {
            continue;
        }
        let readers: Vec<(usize, &tflite::Operator)> = subgraph
            .operators
            .iter()
            .enumerate()
            .filter(|(_, op)| op.inputs.contains(&input))
            .collect();
        match readers.as_slice() {
            [(i, op)]
                if code(op) == Some(BuiltinOp::QUANTIZE)
                    && op.outputs.len() == 1
                    && is_type(op.outputs[0], TensorType::Int8) =>
            {
                edges.inputs.push(Edge {
                    operator: *i,
                    name: "QUANTIZE",
                    outer: importer.tensor_index(input)?,
                    inner: importer.tensor_index(op.outputs[0])?,
                })
            }
            _ => {
                return Err(ImportError::Unsupported(
                    "a float input must be read by one QUANTIZE to int8 and nothing else".into(),
                ))
            }
        }
    }
    for &output in &subgraph.outputs {
        if !is_type(output, TensorType::Float32) {
            continue;
        }
        let writer = subgraph
            .operators
            .iter()
            .enumerate()
            .find(|(_, op)| op.outputs.contains(&output));
        match writer {
            Some((i, op))
                if code(op) == Some(BuiltinOp::DEQUANTIZE)
                    && op.inputs.len() == 1
                    && is_type(op.inputs[0], TensorType::Int8) =>
            {
                edges.outputs.push(Edge {
                    operator: i,
                    name: "DEQUANTIZE",
                    outer: importer.tensor_index(output)?,
                    inner: importer.tensor_index(op.inputs[0])?,
                })
            }
            _ => {
                return Err(ImportError::Unsupported(
                    "a float output must be written by a DEQUANTIZE from int8".into(),
                ))
            }
        }
    }
    Ok(edges)
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

    /// An int32 index input as the engine holds it: four bytes per index (a last dimension of 4),
    /// no quantization.
    fn index_input_info(&self, index: usize, what: &str) -> Result<TensorInfo, ImportError> {
        let mut shape = self.static_shape(index, what)?;
        shape.push(4);
        Ok(TensorInfo::int8(shape, 0, 0))
    }

    /// Shape, element type and quantization of an int8 or int16 activation tensor.
    fn activation_info(&self, index: usize, what: &str) -> Result<TensorInfo, ImportError> {
        self.typed_activation_info(index, what, false)
    }

    /// Shape, element type and quantization of an activation tensor: int8, int16, or (where
    /// `int32` allows it: the output of a QUANTIZE) int32.
    fn typed_activation_info(
        &self,
        index: usize,
        what: &str,
        int32: bool,
    ) -> Result<TensorInfo, ImportError> {
        let tensor = &self.tensors[index];
        let element = match tensor.tensor_type {
            // A condition (of SELECT_V2): no quantization.
            TensorType::Bool => {
                return Ok(TensorInfo {
                    shape: self.static_shape(index, what)?,
                    zero_point: 0,
                    scale_bits: 0,
                    element: ElementType::Bool,
                })
            }
            TensorType::Int8 => ElementType::Int8,
            TensorType::Int16 => ElementType::Int16,
            TensorType::Int32 if int32 => ElementType::Int32,
            other => {
                return Err(ImportError::Unsupported(format!(
                    "{what} (tensor {}) is {other:?}; only int8 and int16 activations (and bool \
                     conditions) are supported",
                    self.tensor_name(index),
                )))
            }
        };
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
            element,
        })
    }

    /// Element type of an activation id.
    fn activation_element(&self, id: u32) -> ElementType {
        match id.checked_sub(1) {
            None => self.input_element,
            Some(k) => self.layers[k as usize].output.element,
        }
    }

    /// Makes an int8 constant of the file an activation (a `CONSTANT` layer), once; leaves
    /// anything else alone.
    fn constant_operand(&mut self, t: usize) -> Result<(), ImportError> {
        let tensor = &self.tensors[t];
        let typed = matches!(tensor.tensor_type, TensorType::Int8 | TensorType::Bool);
        if self.values.contains_key(&t) || !typed || self.constant_bytes(t).is_none() {
            return Ok(());
        }
        let mut output = self.activation_info(t, "a constant operand")?;
        if output.shape.is_empty() {
            // A scalar broadcasts as a one-element vector does.
            output.shape = vec![1];
        }
        let values = if tensor.tensor_type == TensorType::Bool {
            // TFLite's bool: one byte, 0 or 1.
            let bytes = self.typed_constant(t, "a constant condition", TensorType::Bool, 1)?;
            if bytes.iter().any(|&b| b > 1) {
                return Err(ImportError::Invalid(format!(
                    "the bool constant {} holds a byte other than 0 and 1",
                    self.tensor_name(t)
                )));
            }
            vigil_engine::as_i8(bytes).to_vec()
        } else {
            self.int8_constant(t, "a constant operand")?
        };
        self.layers.push(Layer {
            source_index: NO_SOURCE_OPERATOR,
            inputs: Vec::new(),
            output,
            op: Op::Constant(values),
        });
        self.values
            .insert(t, Value::Activation(self.layers.len() as u32));
        Ok(())
    }

    /// The bytes of a constant tensor stored in the file, if it is one.
    fn constant_bytes(&self, index: usize) -> Option<&[u8]> {
        let buffer = self.tfl.buffers.get(self.tensors[index].buffer as usize)?;
        (!buffer.data.is_empty()).then_some(buffer.data.as_slice())
    }

    /// Whether a tensor is an activation (the model's input or a layer's output).
    fn is_activation(&self, index: usize) -> bool {
        matches!(self.values.get(&index), Some(Value::Activation(_)))
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

    fn int16_constant(&self, index: usize, what: &str) -> Result<Vec<i16>, ImportError> {
        let bytes = self.typed_constant(index, what, TensorType::Int16, 2)?;
        Ok(bytes
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect())
    }

    fn int64_constant(&self, index: usize, what: &str) -> Result<Vec<i64>, ImportError> {
        let bytes = self.typed_constant(index, what, TensorType::Int64, 8)?;
        Ok(bytes
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect())
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
        let builtin = code.builtin;
        let name = builtin.to_string();
        let mut inputs: Vec<Option<usize>> = op
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
        if builtin == BuiltinOp::EMBEDDING_LOOKUP && inputs.len() == 2 {
            // (ids, table): the GATHER of the table's rows at the ids, whose inputs are
            // (table, ids).
            inputs.swap(0, 1);
        }
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

        // Shape arithmetic on static values is evaluated now and leaves no layer.
        if let Some(folded) = fold::try_fold(self, builtin, &op.options, &inputs, output)? {
            self.values.insert(output, Value::Folded(folded));
            self.folded.push((source, name));
            return Ok(());
        }

        let out_what = format!("operator {source} ({name}) output");
        let out_info =
            self.typed_activation_info(output, &out_what, builtin == BuiltinOp::QUANTIZE)?;
        if CONSTANT_OPERANDS.contains(&builtin) {
            for &t in inputs.iter().flatten() {
                self.constant_operand(t)?;
            }
        }
        let x = inputs.first().copied().flatten().ok_or_else(|| {
            ImportError::Invalid(format!("operator {source} ({name}) lacks input 0"))
        })?;
        let x_id = self.activation_id(x, &name, source)?;
        let (x_scale, x_zp) = if self.tensors[x].tensor_type == TensorType::Bool {
            // A condition, not a number.
            (0.0, 0)
        } else {
            scale_and_zero_point(&self.tensors[x]).ok_or_else(|| {
                ImportError::Invalid(format!("operator {source} ({name}): input not quantized"))
            })?
        };
        let mut cx = ops::Ctx {
            source,
            op: builtin,
            name,
            options: &op.options,
            inputs,
            out_scale: f32::from_bits(out_info.scale_bits),
            out_zp: out_info.zero_point,
            out_info,
            x,
            x_scale,
            x_zp,
            layer_inputs: vec![x_id],
        };
        let layer_op = ops::import(self, &mut cx)?;
        // Operators other than these take int8 only.
        let typed = matches!(
            layer_op,
            Op::Requantize(_)
                | Op::Softmax(_)
                | Op::Reshape
                | Op::Svdf(_)
                | Op::FullyConnected16(_)
                | Op::Select
                | Op::Softmax16(_)
                | Op::Conv2d16(_)
                | Op::DepthwiseConv2d16(_)
                | Op::AveragePool2d16(_)
                | Op::MaxPool2d16(_)
                | Op::Add16(_)
                | Op::Sub16(_)
                | Op::Mul16(_)
                | Op::Concatenation(_)
        );
        let other = cx
            .layer_inputs
            .iter()
            .map(|&id| self.activation_element(id))
            .chain([cx.out_info.element])
            .find(|&e| e != ElementType::Int8);
        if let (false, Some(e)) = (typed, other) {
            return Err(cx.unsupported(format!(
                "{} activations (the engine takes int16 in QUANTIZE, SOFTMAX, FULLY_CONNECTED, \
                 CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D, ADD, SUB, MUL, \
                 CONCATENATION, SVDF, SELECT_V2 and RESHAPE only, bool as a condition of \
                 SELECT_V2)",
                e.name()
            )));
        }
        self.layers.push(Layer {
            source_index: source,
            inputs: cx.layer_inputs,
            output: cx.out_info,
            op: layer_op,
        });
        self.values
            .insert(output, Value::Activation(self.layers.len() as u32));
        Ok(())
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_int16;
