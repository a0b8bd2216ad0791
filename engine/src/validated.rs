//! A model that has passed validation, and its execution.

use alloc::vec;
use alloc::vec::Vec;
use codec::{Decode, Encode};

use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::limits::{
    MAX_ELEMENTS, MAX_LAYERS, MAX_LAYER_INPUTS, MAX_LAYER_MACS, MAX_MODEL_BYTES, MAX_RANK,
    MAX_TOTAL_ACTIVATION_ELEMENTS,
};
use crate::model::{Model, Op, TensorInfo, FORMAT_VERSION};
use crate::ops::{self, Activation};
use crate::trace::hash_activation;

/// A model every layer of which has been checked: shapes agree, constants are in range, no
/// accumulator can overflow, costs are within bounds. Only a validated model can be run.
#[derive(Clone, Debug)]
pub struct ValidatedModel {
    model: Model,
    costs: Vec<LayerCost>,
    /// For each activation, the index of the last layer that reads it (for freeing it early).
    last_use: Vec<usize>,
    /// Per layer, what its fast kernel precomputes from the constants.
    prepared: Vec<ops::fast::Prepared>,
}

/// The result of running a whole model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Execution {
    /// The model's output (the last layer's output), as bytes (see [`crate::model`] for the
    /// encoding of int16 and int32 elements).
    pub output: Vec<i8>,
    /// blake2-256 of each layer's output, in layer order.
    pub trace: Vec<[u8; 32]>,
    /// Each layer's cost, in layer order.
    pub costs: Vec<LayerCost>,
}

/// Decodes a model from its canonical bytes and validates it.
///
/// Work and memory are bounded by the size of `bytes` (which must not exceed
/// [`MAX_MODEL_BYTES`]): decoding allocates no more than the bytes describe, and validation reads
/// each constant a bounded number of times.
pub fn decode_model(bytes: &[u8]) -> Result<ValidatedModel, EngineError> {
    if bytes.len() > MAX_MODEL_BYTES {
        return Err(EngineError::ModelTooLarge);
    }
    // The version comes first, so that a model of another format version is refused as such
    // rather than as bytes that do not decode.
    if let [low, high, ..] = *bytes {
        let found = u16::from_le_bytes([low, high]);
        if found != FORMAT_VERSION {
            return Err(EngineError::UnsupportedVersion { found });
        }
    }
    let mut input = bytes;
    let model = Model::decode(&mut input).map_err(|_| EngineError::Malformed)?;
    if !input.is_empty() {
        return Err(EngineError::NotCanonical);
    }
    if model.encoded_size() != bytes.len() || model.encode() != bytes {
        return Err(EngineError::NotCanonical);
    }
    ValidatedModel::new(model)
}

/// The model's identifier: blake2-256 of its canonical bytes.
pub fn model_id(bytes: &[u8]) -> [u8; 32] {
    sp_crypto_hashing::blake2_256(bytes)
}

fn check_tensor(info: &TensorInfo, layer: Option<u32>) -> Result<(), EngineError> {
    let bounded = !info.shape.is_empty()
        && info.shape.len() <= MAX_RANK
        && info.shape.iter().all(|&d| d >= 1)
        && info.element_count().is_some_and(|n| n <= MAX_ELEMENTS);
    if bounded {
        Ok(())
    } else {
        Err(EngineError::TensorOutOfBounds { layer })
    }
}

impl ValidatedModel {
    /// Validates a decoded model.
    pub fn new(model: Model) -> Result<Self, EngineError> {
        if model.version != FORMAT_VERSION {
            return Err(EngineError::UnsupportedVersion {
                found: model.version,
            });
        }
        if model.layers.is_empty() || model.layers.len() > MAX_LAYERS {
            return Err(EngineError::LayerCountOutOfRange);
        }
        check_tensor(&model.input, None)?;
        // Each tensor is bounded by MAX_ELEMENTS elements of at most 4 bytes, so this sum
        // cannot overflow; qed.
        let mut total_bytes = model.input.byte_len().unwrap_or(u64::MAX);
        let parts = model
            .layers
            .iter()
            .take_while(|l| matches!(l.op, Op::Input(_)))
            .count();
        let has_parts = parts > 0;
        let mut costs = Vec::with_capacity(model.layers.len());
        let mut last_use = vec![0usize; model.layers.len() + 1];
        for (i, layer) in model.layers.iter().enumerate() {
            let index = i as u32;
            check_tensor(&layer.output, Some(index))?;
            total_bytes += layer.output.byte_len().unwrap_or(u64::MAX);
            if total_bytes > MAX_TOTAL_ACTIVATION_ELEMENTS {
                return Err(EngineError::ActivationsTooLarge);
            }
            let constant = matches!(layer.op, Op::Constant(_));
            if layer.inputs.is_empty() != constant || layer.inputs.len() > MAX_LAYER_INPUTS {
                return Err(EngineError::BadInputs { layer: index });
            }
            let mut infos = Vec::with_capacity(layer.inputs.len());
            for &id in &layer.inputs {
                // Layer i may read the input (0) and the outputs of layers 0..i (ids 1..=i).
                if id as usize > i {
                    return Err(EngineError::BadInputs { layer: index });
                }
                infos.push(activation_info(&model, id));
                last_use[id as usize] = i;
            }
            // The inputs of a model with several: a prefix of layers reading activation 0 and
            // covering it in order; no other layer reads activation 0.
            let reads_input = layer.inputs.contains(&0);
            match &layer.op {
                Op::Input(part) => {
                    let expected_offset = model.layers[..i]
                        .iter()
                        .map(|l| l.output.byte_len().unwrap_or(u64::MAX))
                        .sum::<u64>();
                    let prefix = model.layers[..i]
                        .iter()
                        .all(|l| matches!(l.op, Op::Input(_)));
                    if !prefix || layer.inputs != [0] || part.offset as u64 != expected_offset {
                        return Err(EngineError::BadInputs { layer: index });
                    }
                }
                _ if reads_input && has_parts => {
                    return Err(EngineError::BadInputs { layer: index });
                }
                // The outputs of a model with several: only as its last layer.
                Op::Output if i + 1 != model.layers.len() => {
                    return Err(EngineError::BadInputs { layer: index });
                }
                _ => {}
            }
            if has_parts && i + 1 == parts && covered(&model, parts) != model.input.byte_len() {
                return Err(EngineError::BadInputs { layer: index });
            }
            let cost = ops::check(index, layer, &infos)?;
            if cost.macs > MAX_LAYER_MACS {
                return Err(EngineError::LayerTooCostly { layer: index });
            }
            costs.push(cost);
        }
        let prepared = model
            .layers
            .iter()
            .map(|l| ops::fast::prepare(&l.op))
            .collect();
        Ok(ValidatedModel {
            model,
            costs,
            last_use,
            prepared,
        })
    }

    /// The model itself.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Number of layers (and of trace entries).
    pub fn layer_count(&self) -> usize {
        self.model.layers.len()
    }

    /// Cost of one layer; zero for an index past the end.
    pub fn layer_cost(&self, layer: usize) -> LayerCost {
        self.costs.get(layer).copied().unwrap_or_default()
    }

    /// Cost of every layer, in order.
    pub fn layer_costs(&self) -> &[LayerCost] {
        &self.costs
    }

    /// Cost of running the whole model.
    pub fn total_cost(&self) -> LayerCost {
        self.costs
            .iter()
            .fold(LayerCost::default(), |a, &c| a.saturating_add(c))
    }

    /// Shape and quantization of an activation (0 = input, k = output of layer k − 1).
    pub fn activation(&self, id: u32) -> Option<&TensorInfo> {
        (id as usize <= self.model.layers.len()).then(|| activation_info(&self.model, id))
    }

    /// Shape and quantization of each of the model's inputs, in order: the outputs of its
    /// [`Op::Input`] layers, or activation 0 for a model with one input. A job's input is
    /// their bytes concatenated in this order ([`Self::input_len`] in all).
    pub fn inputs(&self) -> Vec<&TensorInfo> {
        let parts: Vec<&TensorInfo> = self
            .model
            .layers
            .iter()
            .take_while(|l| matches!(l.op, Op::Input(_)))
            .map(|l| &l.output)
            .collect();
        if parts.is_empty() {
            alloc::vec![&self.model.input]
        } else {
            parts
        }
    }

    /// Shape and quantization of each of the model's outputs, in order: the activations its
    /// [`Op::Output`] layer reads, or the last layer's output for a model with one output. A
    /// claim's output is their bytes concatenated in this order ([`Self::output_len`] in all).
    pub fn outputs(&self) -> Vec<&TensorInfo> {
        let layers = &self.model.layers;
        match layers.last() {
            Some(last) if matches!(last.op, Op::Output) => last
                .inputs
                .iter()
                .map(|&id| activation_info(&self.model, id))
                .collect(),
            Some(last) => alloc::vec![&last.output],
            None => Vec::new(),
        }
    }

    /// Bytes of the model's input (all its inputs together).
    pub fn input_len(&self) -> usize {
        self.activation_len(0)
    }

    /// Bytes of the model's output (all its outputs together).
    pub fn output_len(&self) -> usize {
        self.activation_len(self.model.layers.len() as u32)
    }

    /// Bytes of a layer's output; zero for an index past the end.
    pub fn layer_output_len(&self, layer: usize) -> usize {
        if layer < self.model.layers.len() {
            self.activation_len(layer as u32 + 1)
        } else {
            0
        }
    }

    /// Activation ids a layer reads, in order; empty for an index past the end.
    pub fn layer_inputs(&self, layer: usize) -> &[u32] {
        self.model
            .layers
            .get(layer)
            .map(|l| l.inputs.as_slice())
            .unwrap_or(&[])
    }

    /// Bytes of an activation (its elements times their size); zero for an id past the end.
    /// Every length a job, a claim or a dispute carries is one of these.
    pub fn activation_len(&self, id: u32) -> usize {
        // Bounded by MAX_ELEMENTS elements of at most 4 bytes, checked in `new`; qed.
        self.activation(id)
            .and_then(TensorInfo::byte_len)
            .unwrap_or(0) as usize
    }

    /// Runs one layer on given inputs (in the order of [`Self::layer_inputs`]) and returns its
    /// output. This is the whole of what a dispute re-executes.
    pub fn run_layer(&self, layer: usize, inputs: &[&[i8]]) -> Result<Vec<i8>, EngineError> {
        let spec = self
            .model
            .layers
            .get(layer)
            .ok_or(EngineError::NoSuchLayer {
                layer: layer as u32,
            })?;
        if inputs.len() != spec.inputs.len() {
            return Err(EngineError::BadInputs {
                layer: layer as u32,
            });
        }
        let mut activations = Vec::with_capacity(inputs.len());
        for (&id, data) in spec.inputs.iter().zip(inputs) {
            let expected = self.activation_len(id);
            if data.len() != expected {
                return Err(EngineError::WrongInputLength {
                    expected: expected as u64,
                    found: data.len() as u64,
                });
            }
            activations.push(Activation {
                info: activation_info(&self.model, id),
                data,
            });
        }
        let mut out = vec![0i8; self.layer_output_len(layer)];
        ops::run(spec, &self.prepared[layer], &activations, &mut out);
        Ok(out)
    }

    /// Runs the whole model, calling `on_layer(index, output)` after each layer.
    pub fn run_with(
        &self,
        input: &[i8],
        mut on_layer: impl FnMut(usize, &[i8]),
    ) -> Result<Execution, EngineError> {
        if input.len() != self.input_len() {
            return Err(EngineError::WrongInputLength {
                expected: self.input_len() as u64,
                found: input.len() as u64,
            });
        }
        let layers = &self.model.layers;
        let mut values: Vec<Vec<i8>> = vec![Vec::new(); layers.len() + 1];
        values[0] = input.to_vec();
        let mut trace = Vec::with_capacity(layers.len());
        for (i, layer) in layers.iter().enumerate() {
            let mut out = vec![0i8; self.layer_output_len(i)];
            {
                let activations: Vec<Activation<'_>> = layer
                    .inputs
                    .iter()
                    .map(|&id| Activation {
                        info: activation_info(&self.model, id),
                        data: &values[id as usize],
                    })
                    .collect();
                ops::run(layer, &self.prepared[i], &activations, &mut out);
            }
            trace.push(hash_activation(&out));
            on_layer(i, &out);
            values[i + 1] = out;
            // Free what no later layer reads (the last activation is the output: kept).
            for &id in &layer.inputs {
                if self.last_use[id as usize] == i {
                    values[id as usize] = Vec::new();
                }
            }
        }
        let output = core::mem::take(&mut values[layers.len()]);
        Ok(Execution {
            output,
            trace,
            costs: self.costs.clone(),
        })
    }

    /// Runs the whole model.
    pub fn run(&self, input: &[i8]) -> Result<Execution, EngineError> {
        self.run_with(input, |_, _| {})
    }
}

fn activation_info(model: &Model, id: u32) -> &TensorInfo {
    if id == 0 {
        &model.input
    } else {
        &model.layers[id as usize - 1].output
    }
}

/// Bytes of the first `parts` layers' outputs together (the inputs of a model with several).
fn covered(model: &Model, parts: usize) -> Option<u64> {
    model.layers[..parts]
        .iter()
        .try_fold(0u64, |acc, l| acc.checked_add(l.output.byte_len()?))
}
