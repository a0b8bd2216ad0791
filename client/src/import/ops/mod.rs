//! One module per operator, as in the engine's `ops`: each turns a TFLite operator into an
//! engine [`Op`], deriving its integer constants as TFLite Micro's kernel does when it
//! prepares. [`import`] dispatches on the typed [`BuiltinOp`] code, so an operator the table
//! does not name cannot be matched by mistake.

pub mod activation;
pub mod add;
pub mod batch_matmul;
pub mod binary;
pub mod concatenation;
pub mod conv;
pub mod depthwise_conv;
pub mod fully_connected;
pub mod gather;
pub mod gelu;
pub mod hard_swish;
pub mod lstm;
pub mod mean;
pub mod pad;
pub mod pool;
pub mod requantize;
pub mod reshape;
pub mod rsqrt;
pub mod select;
pub mod softmax;
pub mod squared_difference;
pub mod strided_slice;
pub mod svdf;
pub mod transpose;

use vigil_engine::model::{Clamp, ElementType, Multiplier, Op, TensorInfo, Window};

use super::quantization::{activation_range, out_size, padding_before, quantize_multiplier};
use super::{scale_and_zero_point, ImportError, Importer};
use crate::tflite::{self, BuiltinOp, BuiltinOptions, Padding};

/// What every operator's import starts from: the operator, its tensors, and the quantization of
/// its first input and of its output.
pub struct Ctx<'o> {
    /// Index of the operator in the source subgraph.
    pub source: u32,
    /// The operator code.
    pub op: BuiltinOp,
    /// Its schema name, for messages.
    pub name: String,
    /// Its options table.
    pub options: &'o BuiltinOptions,
    /// Tensor indices of its inputs (`None` for an omitted optional input).
    pub inputs: Vec<Option<usize>>,
    /// The output activation.
    pub out_info: TensorInfo,
    /// The output's real scale.
    pub out_scale: f32,
    /// The output's zero point.
    pub out_zp: i32,
    /// Tensor index of the first input, an activation.
    pub x: usize,
    /// The first input's real scale.
    pub x_scale: f32,
    /// The first input's zero point.
    pub x_zp: i32,
    /// Activation ids of the layer's inputs; starts with the first input's.
    pub layer_inputs: Vec<u32>,
}

/// Imports one operator whose first input is an activation.
pub(super) fn import(imp: &Importer<'_>, cx: &mut Ctx<'_>) -> Result<Op, ImportError> {
    match cx.op {
        BuiltinOp::FULLY_CONNECTED => fully_connected::import(imp, cx),
        BuiltinOp::CONV_2D => conv::import(imp, cx),
        BuiltinOp::DEPTHWISE_CONV_2D => depthwise_conv::import(imp, cx),
        BuiltinOp::AVERAGE_POOL_2D | BuiltinOp::MAX_POOL_2D => pool::import(imp, cx),
        BuiltinOp::ADD | BuiltinOp::SUB => add::import(imp, cx),
        BuiltinOp::RESHAPE | BuiltinOp::SQUEEZE | BuiltinOp::EXPAND_DIMS => reshape::import(cx),
        BuiltinOp::SOFTMAX => softmax::import(imp, cx),
        BuiltinOp::QUANTIZE => requantize::import(imp, cx),
        BuiltinOp::RELU => activation::import_relu(cx),
        BuiltinOp::RELU6 => activation::import_relu6(cx),
        BuiltinOp::LEAKY_RELU => activation::import_leaky_relu(cx),
        BuiltinOp::LOGISTIC | BuiltinOp::TANH => activation::import_smooth(cx),
        BuiltinOp::MEAN => mean::import(imp, cx),
        BuiltinOp::MUL => binary::import_mul(imp, cx),
        BuiltinOp::MAXIMUM | BuiltinOp::MINIMUM => binary::import_extremum(imp, cx),
        BuiltinOp::HARD_SWISH => hard_swish::import(cx),
        BuiltinOp::CONCATENATION => concatenation::import(imp, cx),
        BuiltinOp::PAD | BuiltinOp::PADV2 => pad::import(imp, cx),
        BuiltinOp::TRANSPOSE => transpose::import(imp, cx),
        BuiltinOp::STRIDED_SLICE => strided_slice::import(imp, cx),
        BuiltinOp::GATHER => gather::import(imp, cx),
        // Its inputs arrive as (table, ids): the GATHER of rows along axis 0.
        BuiltinOp::EMBEDDING_LOOKUP => gather::import(imp, cx),
        BuiltinOp::BATCH_MATMUL => batch_matmul::import(imp, cx),
        BuiltinOp::RSQRT => rsqrt::import(cx),
        BuiltinOp::SQUARED_DIFFERENCE => squared_difference::import(imp, cx),
        BuiltinOp::GELU => gelu::import(cx),
        BuiltinOp::UNIDIRECTIONAL_SEQUENCE_LSTM => lstm::import(imp, cx),
        BuiltinOp::SVDF => svdf::import(imp, cx),
        BuiltinOp::SELECT_V2 => select::import(imp, cx),
        _ => Err(cx.not_implemented()),
    }
}

impl Ctx<'_> {
    /// The refusal of an operator (or of an options table) the engine has no layer for.
    pub fn not_implemented(&self) -> ImportError {
        ImportError::Unsupported(format!(
            "operator {} is {}, which the engine does not implement",
            self.source, self.name
        ))
    }

    /// `unsupported: operator <i> (<NAME>): <what>`.
    pub fn unsupported(&self, what: impl std::fmt::Display) -> ImportError {
        ImportError::Unsupported(format!("operator {} ({}): {what}", self.source, self.name))
    }

    /// `invalid model: operator <i> (<NAME>): <what>`.
    pub fn invalid(&self, what: impl std::fmt::Display) -> ImportError {
        ImportError::Invalid(format!("operator {} ({}): {what}", self.source, self.name))
    }

    /// A name for one of the operator's tensors, for messages: `operator <i> (<NAME>) <what>`.
    pub fn what(&self, what: &str) -> String {
        format!("operator {} ({}) {what}", self.source, self.name)
    }

    /// The tensor index of input `k`, which must be present.
    pub fn input(&self, k: usize) -> Result<usize, ImportError> {
        self.inputs.get(k).copied().flatten().ok_or_else(|| {
            ImportError::Invalid(format!(
                "operator {} ({}) lacks input {k}",
                self.source, self.name
            ))
        })
    }

    /// The tensor index of input `k`, if present.
    pub fn optional_input(&self, k: usize) -> Option<usize> {
        self.inputs.get(k).copied().flatten()
    }

    /// Makes input `k` (an activation) an input of the layer; returns its tensor index.
    pub fn push_activation(&mut self, imp: &Importer<'_>, k: usize) -> Result<usize, ImportError> {
        let t = self.input(k)?;
        let id = imp.activation_id(t, &self.name, self.source)?;
        self.layer_inputs.push(id);
        Ok(t)
    }

    /// Real scale and zero point of a quantized input tensor.
    pub fn quantization_of(&self, imp: &Importer<'_>, t: usize) -> Result<(f32, i32), ImportError> {
        scale_and_zero_point(&imp.tensors[t]).ok_or_else(|| self.invalid("input not quantized"))
    }

    /// The output clamp of a fused activation.
    pub fn clamp_for(&self, activation: tflite::Activation) -> Result<Clamp, ImportError> {
        activation_range(activation, self.out_scale, self.out_zp)
            .ok_or_else(|| self.unsupported(format!("fused activation {activation:?}")))
    }

    /// The int32 bias at input `k`: empty when absent, else one per channel.
    pub fn bias(
        &self,
        imp: &Importer<'_>,
        k: usize,
        channels: usize,
    ) -> Result<Vec<i32>, ImportError> {
        match self.optional_input(k) {
            None => Ok(Vec::new()),
            Some(b) => {
                let v = imp.int32_constant(b, &self.what("bias"))?;
                if v.len() != channels {
                    return Err(self.invalid(format!("{} biases for {channels} channels", v.len())));
                }
                Ok(v)
            }
        }
    }

    /// The int64 bias at input `k` of a 16x8 layer: empty when absent, else one per channel.
    pub fn bias64(
        &self,
        imp: &Importer<'_>,
        k: usize,
        channels: usize,
    ) -> Result<Vec<i64>, ImportError> {
        match self.optional_input(k) {
            None => Ok(Vec::new()),
            Some(b) if imp.tensors[b].tensor_type == tflite::TensorType::Int64 => {
                let v = imp.int64_constant(b, &self.what("bias"))?;
                if v.len() != channels {
                    return Err(self.invalid(format!("{} biases for {channels} channels", v.len())));
                }
                Ok(v)
            }
            Some(b) => Err(self.unsupported(format!(
                "a {:?} bias with an int16 input (int64 only)",
                imp.tensors[b].tensor_type
            ))),
        }
    }

    /// The int16 output range of a fused activation (16x8 layers).
    pub fn range16(&self, activation: tflite::Activation) -> Result<(i16, i16), ImportError> {
        let (min, max) = super::quantization::activation_bounds(
            activation,
            self.out_scale,
            self.out_zp,
            i16::MIN.into(),
            i16::MAX.into(),
        )
        .ok_or_else(|| self.unsupported(format!("fused activation {activation:?}")))?;
        Ok((min as i16, max as i16))
    }

    /// Requires a 16x8 layer: an int16 input and output of zero point 0.
    pub fn symmetric16(&self) -> Result<(), ImportError> {
        if self.out_info.element != ElementType::Int16 {
            return Err(self.unsupported("an int16 input with a non-int16 output"));
        }
        if self.x_zp != 0 || self.out_zp != 0 {
            return Err(self.unsupported("16x8 activations with a non-zero zero point"));
        }
        Ok(())
    }

    /// Whether the layer's first input is int16 (TFLite's 16x8 mode).
    pub fn int16_input(&self, imp: &Importer<'_>) -> bool {
        imp.activation_element(self.layer_inputs[0]) == ElementType::Int16
    }

    /// `input_scale · weight_scale / output_scale` for each weight scale.
    pub fn per_channel(&self, scales: &[f32]) -> Vec<Multiplier> {
        scales
            .iter()
            .map(|&s| quantize_multiplier(self.x_scale as f64 * s as f64 / self.out_scale as f64))
            .collect()
    }

    /// Whether the padding is `SAME` (else `VALID`).
    pub fn same(&self, p: Padding) -> Result<bool, ImportError> {
        match p {
            Padding::Same => Ok(true),
            Padding::Valid => Ok(false),
            other => Err(self.unsupported(format!("padding {other:?}"))),
        }
    }

    /// Whether the first input and the output share scale and zero point.
    pub fn keeps_quantization(&self) -> bool {
        self.x_scale == self.out_scale && self.x_zp == self.out_zp
    }

    /// The engine's window for a TFLite padding rule, checking the output size it implies.
    pub fn window(
        &self,
        same: bool,
        input: &[u32],
        size: (u32, u32),
        stride: (i32, i32),
        dilation: (i32, i32),
    ) -> Result<Window, ImportError> {
        let output = &self.out_info.shape;
        let stride = (self.positive(stride.0)?, self.positive(stride.1)?);
        let dilation = (self.positive(dilation.0)?, self.positive(dilation.1)?);
        let mut padding = [0u32; 2];
        for (axis, pad) in padding.iter_mut().enumerate() {
            let (image, filter, s, d) = match axis {
                0 => (input[1], size.0, stride.0, dilation.0),
                _ => (input[2], size.1, stride.1, dilation.1),
            };
            let out = out_size(same, image as i64, filter as i64, s as i64, d as i64);
            if out != output[axis + 1] as i64 {
                return Err(self.invalid(format!(
                    "output size {} does not follow from the input size {image}, filter \
                     {filter}, stride {s} and dilation {d} (expected {out})",
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

    /// A parameter that must be positive.
    pub fn positive(&self, v: i32) -> Result<u32, ImportError> {
        u32::try_from(v)
            .ok()
            .filter(|&v| v > 0)
            .ok_or_else(|| self.invalid(format!("parameter {v} must be positive")))
    }
}
