//! The operators: for each, a shape-and-range check run once when a model is validated, and a
//! kernel run on every execution.
//!
//! Every kernel follows the skeleton of TFLite's int8 reference kernels: name the offsets and
//! multipliers, loop over the output, accumulate in `i32`, add the bias, [`requantize`], add the
//! output zero point, [`Clamp`]. The checks guarantee that the kernels' indexing stays in bounds
//! and that no accumulator overflows, so the kernels themselves carry no error paths.
//!
//! [`requantize`]: crate::quant::requantize
//! [`Clamp`]: crate::quant::Clamp

pub mod activation;
pub mod add;
pub mod batch_matmul;
pub mod binary;
pub mod broadcast;
pub mod concatenation;
pub mod constant;
pub mod conv;
pub mod conv16;
pub mod depthwise_conv;
pub mod element;
pub mod fast;
pub mod fully_connected;
pub mod fully_connected16;
pub mod gather;
pub mod hard_swish;
pub mod input;
pub mod lstm;
pub mod mean;
pub mod output;
pub mod pad;
pub mod pool;
pub mod requantize;
pub mod reshape;
pub mod rsqrt;
pub mod select;
pub mod softmax;
pub mod softmax16;
pub mod squared_difference;
pub mod strided_slice;
pub mod svdf;
pub mod table;
pub mod transpose;

use crate::cost::LayerCost;
use crate::error::EngineError;
use crate::model::{ElementType, Layer, Op, TensorInfo};
use crate::quant::Multiplier;

/// An activation as a kernel sees it: its shape, element type and zero point, and its bytes.
#[derive(Clone, Copy)]
pub struct Activation<'a> {
    /// Shape and quantization.
    pub info: &'a TensorInfo,
    /// Row-major values.
    pub data: &'a [i8],
}

/// Whether an operator reads or writes anything but int8 activations; such operators check the
/// element types themselves. Every other operator takes int8 only.
fn checks_element_types(op: &Op) -> bool {
    matches!(
        op,
        Op::Requantize(_)
            | Op::Softmax(_)
            | Op::Reshape
            | Op::Input(_)
            | Op::Svdf(_)
            | Op::FullyConnected16(_)
            | Op::Output
            | Op::Select
            | Op::Constant(_)
            | Op::Softmax16(_)
            | Op::Conv2d16(_)
            | Op::DepthwiseConv2d16(_)
            | Op::AveragePool2d16(_)
            | Op::MaxPool2d16(_)
            | Op::Add16(_)
            | Op::Sub16(_)
            | Op::Mul16(_)
            | Op::Concatenation(_)
    )
}

/// Checks a layer against the tensors feeding it and returns its cost.
pub fn check(index: u32, layer: &Layer, inputs: &[&TensorInfo]) -> Result<LayerCost, EngineError> {
    let out = &layer.output;
    let all_int8 =
        out.element == ElementType::Int8 && inputs.iter().all(|t| t.element == ElementType::Int8);
    if !checks_element_types(&layer.op) && !all_int8 {
        return Err(EngineError::BadElementType { layer: index });
    }
    match &layer.op {
        Op::FullyConnected(fc) => fully_connected::check(index, fc, inputs, out),
        Op::Conv2d(conv) => conv::check(index, conv, inputs, out),
        Op::DepthwiseConv2d(dw) => depthwise_conv::check(index, dw, inputs, out),
        Op::AveragePool2d(pool) => pool::check(index, pool, inputs, out),
        Op::MaxPool2d(pool) => pool::check(index, pool, inputs, out),
        Op::Add(add) => add::check(index, add, inputs, out),
        Op::Reshape => reshape::check(index, inputs, out),
        Op::Softmax(softmax) => softmax::check(index, softmax, inputs, out),
        Op::Requantize(requantize) => requantize::check(index, requantize, inputs, out),
        Op::Concatenation(concat) => concatenation::check(index, concat, inputs, out),
        Op::Pad(pad) => pad::check(index, pad, inputs, out),
        Op::Mean(mean) => mean::check(index, mean, inputs, out),
        Op::Logistic(op) => activation::check_smooth(index, op, -128, inputs, out),
        Op::Tanh(op) => activation::check_smooth(index, op, 0, inputs, out),
        Op::Mul(mul) => binary::check_mul(index, mul, inputs, out),
        Op::Sub(sub) => add::check(index, sub, inputs, out),
        Op::Maximum | Op::Minimum => binary::check_extremum(index, inputs, out),
        Op::LeakyRelu(op) => activation::check_leaky_relu(index, op, inputs, out),
        Op::Clamp(clamp) => activation::check_clamp(index, clamp, inputs, out),
        Op::HardSwish(op) => hard_swish::check(index, op, inputs, out),
        Op::Transpose(op) => transpose::check(index, op, inputs, out),
        Op::StridedSlice(op) => strided_slice::check(index, op, inputs, out),
        Op::Gather(op) => gather::check(index, op, inputs, out),
        Op::BatchMatMul(op) => batch_matmul::check(index, op, inputs, out),
        Op::Rsqrt(op) => rsqrt::check(index, op, inputs, out),
        Op::SquaredDifference(op) => squared_difference::check(index, op, inputs, out),
        Op::Input(op) => input::check(index, op, inputs, out),
        Op::Constant(values) => constant::check(index, values, inputs, out),
        Op::Lookup(op) => gather::check_lookup(index, op, inputs, out),
        Op::Gelu(op) => table::check(index, op, inputs, out),
        Op::Lstm(op) => lstm::check(index, op, inputs, out),
        Op::Svdf(op) => svdf::check(index, op, inputs, out),
        Op::FullyConnected16(op) => fully_connected16::check(index, op, inputs, out),
        Op::Output => output::check(index, inputs, out),
        Op::Select => select::check(index, inputs, out),
        Op::Softmax16(op) => softmax16::check(index, op, inputs, out),
        Op::Conv2d16(op) => conv16::check_conv(index, op, inputs, out),
        Op::DepthwiseConv2d16(op) => conv16::check_depthwise(index, op, inputs, out),
        Op::AveragePool2d16(op) | Op::MaxPool2d16(op) => pool::check16(index, op, inputs, out),
        Op::Add16(op) | Op::Sub16(op) => add::check16(index, op, inputs, out),
        Op::Mul16(op) => binary::check_mul16(index, op, inputs, out),
    }
}

/// Runs a checked layer, writing its output into `out` (of the output's length). Uses the fast
/// kernels ([`fast`]) where there are some; they give the reference kernels' bytes exactly.
///
/// `prepared` is [`fast::prepare`] of the layer; a layer prepared otherwise (e.g. default)
/// runs on the reference kernel.
pub fn run(layer: &Layer, prepared: &fast::Prepared, inputs: &[Activation<'_>], out: &mut [i8]) {
    let info = &layer.output;
    let weights = prepared.weights.as_slice();
    match &layer.op {
        Op::FullyConnected(fc)
            if weights.len() == fc.weights.len() && fc.weights_zero_point == 0 =>
        {
            fast::fully_connected(fc, weights, inputs[0], info, out)
        }
        Op::Conv2d(conv) if weights.len() == conv.filter.len() => {
            fast::conv(conv, weights, inputs[0], info, out)
        }
        Op::DepthwiseConv2d(dw) => fast::depthwise(dw, inputs[0], info, out),
        _ => run_reference(layer, inputs, out),
    }
}

/// Runs a checked layer with the reference kernels only: the specification the fast kernels
/// are tested against.
pub fn run_reference(layer: &Layer, inputs: &[Activation<'_>], out: &mut [i8]) {
    let info = &layer.output;
    match &layer.op {
        Op::FullyConnected(fc) => fully_connected::run(fc, inputs[0], info, out),
        Op::Conv2d(conv) => conv::run(conv, inputs[0], info, out),
        Op::DepthwiseConv2d(dw) => depthwise_conv::run(dw, inputs[0], info, out),
        Op::AveragePool2d(pool) => pool::run_average(pool, inputs[0], info, out),
        Op::MaxPool2d(pool) => pool::run_max(pool, inputs[0], info, out),
        Op::Add(add) => add::run(add, false, inputs[0], inputs[1], info, out),
        Op::Reshape => reshape::run(inputs[0], out),
        Op::Softmax(softmax) => softmax::run(softmax, inputs[0], info, out),
        Op::Requantize(requantize) => requantize::run(requantize, inputs[0], info, out),
        Op::Concatenation(concat) => concatenation::run(concat, inputs, info, out),
        Op::Pad(pad) => pad::run(pad, inputs[0], info, out),
        Op::Mean(mean) => mean::run(mean, inputs[0], info, out),
        Op::Logistic(op) => activation::run_logistic(op, inputs[0], out),
        Op::Tanh(op) => activation::run_tanh(op, inputs[0], out),
        Op::Mul(mul) => binary::run_mul(mul, inputs[0], inputs[1], info, out),
        Op::Sub(sub) => add::run(sub, true, inputs[0], inputs[1], info, out),
        Op::Maximum => binary::run_extremum(true, inputs[0], inputs[1], info, out),
        Op::Minimum => binary::run_extremum(false, inputs[0], inputs[1], info, out),
        Op::LeakyRelu(op) => activation::run_leaky_relu(op, inputs[0], info, out),
        Op::Clamp(clamp) => activation::run_clamp(clamp, inputs[0], out),
        Op::HardSwish(op) => hard_swish::run(op, inputs[0], info, out),
        Op::Transpose(op) => transpose::run(op, inputs[0], info, out),
        Op::StridedSlice(op) => strided_slice::run(op, inputs[0], out),
        Op::Gather(op) => gather::run(op, inputs[0], out),
        Op::BatchMatMul(op) => batch_matmul::run(op, inputs[0], inputs[1], info, out),
        Op::Rsqrt(op) => rsqrt::run(op, inputs[0], info, out),
        Op::SquaredDifference(op) => squared_difference::run(op, inputs[0], inputs[1], info, out),
        Op::Input(op) => input::run(op, inputs[0], out),
        Op::Constant(values) => out.copy_from_slice(values),
        Op::Lookup(op) => gather::run_lookup(op, inputs[0], inputs[1], out),
        Op::Gelu(op) => table::run(op, inputs[0], out),
        Op::Lstm(op) => lstm::run(op, inputs[0], info, out),
        Op::Svdf(op) => svdf::run(op, inputs[0], info, out),
        Op::FullyConnected16(op) => fully_connected16::run(op, inputs[0], info, out),
        Op::Output => output::run(inputs, out),
        Op::Select => select::run(inputs, info, out),
        Op::Softmax16(op) => softmax16::run(op, inputs[0], out),
        Op::Conv2d16(op) => conv16::run_conv(op, inputs[0], info, out),
        Op::DepthwiseConv2d16(op) => conv16::run_depthwise(op, inputs[0], info, out),
        Op::AveragePool2d16(op) => pool::run_average16(op, inputs[0], info, out),
        Op::MaxPool2d16(op) => pool::run_max16(op, inputs[0], info, out),
        Op::Add16(op) => add::run16(op, false, inputs[0], inputs[1], info, out),
        Op::Sub16(op) => add::run16(op, true, inputs[0], inputs[1], info, out),
        Op::Mul16(op) => binary::run_mul16(op, inputs[0], inputs[1], info, out),
    }
}

/// Requires exactly `n` inputs.
pub(crate) fn expect_inputs(
    index: u32,
    inputs: &[&TensorInfo],
    n: usize,
) -> Result<(), EngineError> {
    if inputs.len() == n {
        Ok(())
    } else {
        Err(EngineError::BadInputs { layer: index })
    }
}

/// Requires a shape of the given rank and returns its dimensions as `u64`.
pub(crate) fn dims<const R: usize>(index: u32, info: &TensorInfo) -> Result<[u64; R], EngineError> {
    if info.shape.len() != R {
        return Err(EngineError::ShapeMismatch { layer: index });
    }
    let mut out = [0u64; R];
    for (o, d) in out.iter_mut().zip(&info.shape) {
        *o = *d as u64;
    }
    Ok(out)
}

/// The product of untrusted sizes, or `None` if it overflows.
pub(crate) fn checked_product(factors: &[u64]) -> Option<u64> {
    factors.iter().try_fold(1u64, |acc, &f| acc.checked_mul(f))
}

/// Element count of a tensor already bounded by the validator.
pub(crate) fn elements(info: &TensorInfo) -> u64 {
    info.element_count().unwrap_or(u64::MAX)
}

/// Largest `|q − zero_point|` over int8 values `q`: the magnitude of an offset input.
pub(crate) fn max_offset_magnitude(zero_point: i32) -> u64 {
    let low = (i8::MIN as i64 - zero_point as i64).unsigned_abs();
    let high = (i8::MAX as i64 - zero_point as i64).unsigned_abs();
    low.max(high)
}

/// Requires an int8 zero point.
pub(crate) fn check_zero_point(index: u32, zero_point: i32) -> Result<(), EngineError> {
    if (i8::MIN as i32..=i8::MAX as i32).contains(&zero_point) {
        Ok(())
    } else {
        Err(EngineError::BadQuantization { layer: index })
    }
}

/// Requires one multiplier per channel, or one for all, each well formed.
pub(crate) fn check_multipliers(
    index: u32,
    multipliers: &[Multiplier],
    channels: u64,
) -> Result<(), EngineError> {
    let count_ok = multipliers.len() == 1 || multipliers.len() as u64 == channels;
    if !count_ok || !multipliers.iter().all(Multiplier::is_well_formed) {
        return Err(EngineError::BadQuantization { layer: index });
    }
    Ok(())
}

/// The multiplier of output channel `c`: per-channel or shared.
#[inline]
pub(crate) fn multiplier_for(multipliers: &[Multiplier], c: usize) -> Multiplier {
    if multipliers.len() == 1 {
        multipliers[0]
    } else {
        multipliers[c]
    }
}

/// Proves that an accumulator of magnitude at most `bound` survives requantization's left shift:
/// `bound · 2^left_shift ≤ i32::MAX`.
pub(crate) fn check_accumulator(
    index: u32,
    bound: u64,
    multiplier: Multiplier,
) -> Result<(), EngineError> {
    let shifted = (bound as u128) << multiplier.left_shift();
    if shifted <= i32::MAX as u128 {
        Ok(())
    } else {
        Err(EngineError::AccumulatorOverflow { layer: index })
    }
}

/// Requires the bias to be absent or one per channel.
pub(crate) fn check_bias(index: u32, bias: &[i32], channels: u64) -> Result<(), EngineError> {
    if bias.is_empty() || bias.len() as u64 == channels {
        Ok(())
    } else {
        Err(EngineError::ShapeMismatch { layer: index })
    }
}

/// The common end of the weighted layers (dense, convolutions): add channel `c`'s bias,
/// rescale by its multiplier, add the output zero point, clamp.
pub(crate) struct ChannelOutput<'a> {
    pub bias: &'a [i32],
    pub multipliers: &'a [Multiplier],
    pub clamp: crate::quant::Clamp,
    pub zero_point: i32,
}

impl ChannelOutput<'_> {
    /// The int8 output of channel `c` for accumulator `acc`.
    #[inline]
    pub fn finish(&self, acc: i32, c: usize) -> i8 {
        let acc = acc.wrapping_add(bias_for(self.bias, c));
        let scaled = crate::quant::requantize(acc, multiplier_for(self.multipliers, c));
        self.clamp.apply(scaled.wrapping_add(self.zero_point))
    }
}

/// The bias of channel `c`, zero when the layer has none.
#[inline]
pub(crate) fn bias_for(bias: &[i32], c: usize) -> i32 {
    if bias.is_empty() {
        0
    } else {
        bias[c]
    }
}

/// Requires a window with positive size, stride and dilation.
pub(crate) fn check_window(index: u32, window: &crate::model::Window) -> Result<(), EngineError> {
    let positive = [
        window.size.0,
        window.size.1,
        window.stride.0,
        window.stride.1,
        window.dilation.0,
        window.dilation.1,
    ]
    .iter()
    .all(|&v| v >= 1);
    let sane = window.padding.0 <= 1 << 16 && window.padding.1 <= 1 << 16;
    let small = [
        window.stride.0,
        window.stride.1,
        window.dilation.0,
        window.dilation.1,
    ]
    .iter()
    .all(|&v| v <= 1 << 16);
    if positive && sane && small {
        Ok(())
    } else {
        Err(EngineError::ShapeMismatch { layer: index })
    }
}

/// Byte length of a tensor already bounded by the validator.
pub(crate) fn byte_len(info: &TensorInfo) -> u64 {
    info.byte_len().unwrap_or(u64::MAX)
}

/// Bytes a layer reads and writes: inputs, constants and output.
pub(crate) fn bytes_touched(inputs: &[&TensorInfo], constants: u64, output: &TensorInfo) -> u64 {
    inputs.iter().map(|i| byte_len(i)).sum::<u64>() + constants + byte_len(output)
}
