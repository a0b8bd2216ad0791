//! Small valid models built in code, for tests of the engine and of the chain.

use alloc::vec;
use alloc::vec::Vec;

use crate::model::{
    Clamp, Concatenation, ElementType, FullyConnected, Layer, Mean, Model, Multiplier, Op, Pad,
    SmoothActivation, Softmax, Svdf, TensorInfo, FORMAT_VERSION,
};
use crate::trace::hash_activation;
use crate::validated::{decode_model, ValidatedModel};

/// A deterministic stream of pseudo-random values (xorshift64*), for building test data.
#[derive(Clone, Debug)]
pub struct TestRng(u64);

impl TestRng {
    /// A stream for a seed.
    pub fn new(seed: u64) -> Self {
        TestRng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A uniformly random int8.
    pub fn next_i8(&mut self) -> i8 {
        (self.next_u64() >> 56) as u8 as i8
    }

    /// `n` uniformly random int8 values.
    pub fn i8s(&mut self, n: usize) -> Vec<i8> {
        (0..n).map(|_| self.next_i8()).collect()
    }

    /// A value in `[low, high)`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next_u64() % (high - low) as u64) as i64
    }
}

fn tensor(shape: &[u32], zero_point: i32) -> TensorInfo {
    TensorInfo::int8(shape.to_vec(), zero_point, 0)
}

fn dense(rng: &mut TestRng, depth: u32, units: u32, clamp: Clamp) -> Op {
    Op::FullyConnected(FullyConnected {
        units,
        depth,
        weights: rng.i8s((units * depth) as usize),
        weights_zero_point: 0,
        bias: (0..units).map(|_| rng.range(-2000, 2000) as i32).collect(),
        output_multipliers: (0..units)
            .map(|_| Multiplier {
                multiplier: rng.range(1 << 30, i32::MAX as i64) as i32,
                shift: -9,
            })
            .collect(),
        clamp,
    })
}

/// A three-layer classifier: `[1, 16]` → dense 16 (ReLU) → dense 4 → softmax.
///
/// Different seeds give different weights, hence different model ids.
pub fn tiny_mlp(seed: u64) -> Model {
    let mut rng = TestRng::new(seed);
    Model {
        version: FORMAT_VERSION,
        input: tensor(&[1, 16], -3),
        layers: alloc::vec![
            Layer {
                source_index: 0,
                inputs: alloc::vec![0],
                output: tensor(&[1, 16], -128),
                op: dense(
                    &mut rng,
                    16,
                    16,
                    Clamp {
                        min: -128,
                        max: 127
                    }
                ),
            },
            Layer {
                source_index: 1,
                inputs: alloc::vec![1],
                output: tensor(&[1, 4], 5),
                op: dense(&mut rng, 16, 4, Clamp::FULL),
            },
            Layer {
                source_index: 2,
                inputs: alloc::vec![2],
                output: tensor(&[1, 4], -128),
                op: Op::Softmax(Softmax {
                    input_multiplier: Multiplier {
                        multiplier: 1_518_500_250,
                        shift: 22
                    },
                    diff_min: -248,
                }),
            },
        ],
    }
}

/// A model whose one layer is a dense layer of `depth × units`: its cost grows with both, for
/// measuring how the cost of adjudicating a layer grows with its size.
pub fn single_dense(seed: u64, depth: u32, units: u32) -> Model {
    let mut rng = TestRng::new(seed);
    Model {
        version: FORMAT_VERSION,
        input: tensor(&[1, depth], 0),
        layers: alloc::vec![Layer {
            source_index: 0,
            inputs: alloc::vec![0],
            output: tensor(&[1, units], 0),
            op: dense(&mut rng, depth, units, Clamp::FULL),
        }],
    }
}

/// One `PAD` layer that turns an input of shape `[1, 1]` into `[1, width]`: a model of a few dozen
/// bytes whose output is as large as one likes. A registry must refuse it when `width` exceeds what
/// a claim may carry, or an honest executor could not post its claim.
pub fn pad_to_width(width: u32) -> Model {
    Model {
        version: FORMAT_VERSION,
        input: tensor(&[1, 1], 0),
        layers: alloc::vec![Layer {
            source_index: 0,
            inputs: alloc::vec![0],
            output: tensor(&[1, width], 0),
            op: Op::Pad(Pad {
                paddings: alloc::vec![(0, 0), (0, width.saturating_sub(1))],
                value: 7,
            }),
        }],
    }
}

/// `inputs - 1` reshapes of a `[1, width]` input, then one `CONCATENATION` of the input and all of
/// them: a last layer that takes `inputs` activations. A registry must refuse it when a challenge
/// cannot carry that many activations, or a lie on the last layer could not be disputed.
pub fn wide_concatenation(inputs: u32, width: u32) -> Model {
    let copies = inputs.saturating_sub(1);
    let mut layers: Vec<Layer> = (0..copies)
        .map(|i| Layer {
            source_index: i,
            inputs: alloc::vec![0],
            output: tensor(&[1, width], 0),
            op: Op::Reshape,
        })
        .collect();
    layers.push(Layer {
        source_index: copies,
        inputs: (0..inputs).collect(),
        output: tensor(&[1, width * inputs], 0),
        op: Op::Concatenation(Concatenation { axis: 1 }),
    });
    Model {
        version: FORMAT_VERSION,
        input: tensor(&[1, width], 0),
        layers,
    }
}

/// A `[1, width]` input padded to `[1, wide]` by one layer, then averaged back to `[1, 1]` by a
/// `MEAN`: an inner activation of `wide` bytes between a small input and a small output. A
/// registry must refuse it when a challenge cannot carry an activation that large.
pub fn wide_inner_activation(width: u32, wide: u32) -> Model {
    Model {
        version: FORMAT_VERSION,
        input: tensor(&[1, width], 0),
        layers: alloc::vec![
            Layer {
                source_index: 0,
                inputs: alloc::vec![0],
                output: tensor(&[1, wide], 0),
                op: Op::Pad(Pad {
                    paddings: alloc::vec![(0, 0), (0, wide.saturating_sub(width))],
                    value: 0,
                }),
            },
            Layer {
                source_index: 1,
                inputs: alloc::vec![1],
                output: tensor(&[1, 1], 0),
                op: Op::Mean(Mean {
                    axes: alloc::vec![1],
                    rescale: None,
                }),
            },
        ],
    }
}

/// [`wide_inner_activation`] with its wide activation also held as int16: `[1, width]` padded
/// to `[1, wide]`, quantized to int16 (`2 · wide` bytes) and back to int8, then averaged to
/// `[1, 1]`. A registry counts the int16 activation's bytes, two per element.
pub fn wide_int16_activation(width: u32, wide: u32) -> Model {
    let mut model = wide_inner_activation(width, wide);
    let mean = model.layers.pop().expect("two layers");
    // Scales that only change the element type: a multiplier of one.
    let requantize = || {
        Op::Requantize(crate::model::Requantize {
            multiplier: Multiplier {
                multiplier: 1 << 30,
                shift: 1,
            },
            clamp: Clamp::FULL,
        })
    };
    model.layers.push(Layer {
        source_index: 1,
        inputs: alloc::vec![1],
        output: TensorInfo {
            element: ElementType::Int16,
            ..tensor(&[1, wide], 0)
        },
        op: requantize(),
    });
    model.layers.push(Layer {
        source_index: 2,
        inputs: alloc::vec![2],
        output: tensor(&[1, wide], 0),
        op: requantize(),
    });
    model.layers.push(Layer {
        source_index: 3,
        inputs: alloc::vec![3],
        ..mean
    });
    model
}

/// [`wide_concatenation`] followed by one more `RESHAPE` of its output: a model at the edge of
/// what a dispute can carry when `inputs` is the most activations a challenge carries and
/// `inputs × width` the largest activation. Layer `inputs - 1` reads `inputs` activations;
/// layer `inputs` reads one activation of `inputs × width` bytes.
pub fn widest_dispute(inputs: u32, width: u32) -> Model {
    let mut model = wide_concatenation(inputs, width);
    let wide = width.saturating_mul(inputs);
    model.layers.push(Layer {
        source_index: inputs,
        inputs: alloc::vec![inputs],
        output: tensor(&[1, wide], 0),
        op: Op::Reshape,
    });
    model
}

/// One `SOFTMAX` layer over `rows` rows of `depth`: the costliest operator per cost unit among
/// those with a fixed-point exponential per element, for measuring disputes of such layers.
pub fn single_softmax(rows: u32, depth: u32) -> Model {
    Model {
        version: FORMAT_VERSION,
        input: tensor(&[rows, depth], 0),
        layers: alloc::vec![Layer {
            source_index: 0,
            inputs: alloc::vec![0],
            output: tensor(&[rows, depth], -128),
            op: Op::Softmax(Softmax {
                input_multiplier: Multiplier {
                    multiplier: 1_518_500_250,
                    shift: 22,
                },
                diff_min: -248,
            }),
        }],
    }
}

/// One `LOGISTIC` (or, with `tanh`, `TANH`) layer over `elements` values, for measuring
/// disputes of the smooth activations.
pub fn single_smooth(elements: u32, tanh: bool) -> Model {
    let op = SmoothActivation {
        input_multiplier: Multiplier {
            multiplier: 1 << 30,
            shift: 3,
        },
        input_radius: 127,
    };
    Model {
        version: FORMAT_VERSION,
        input: tensor(&[1, elements], 0),
        layers: alloc::vec![Layer {
            source_index: 0,
            inputs: alloc::vec![0],
            output: tensor(&[1, elements], if tanh { 0 } else { -128 }),
            op: if tanh { Op::Tanh(op) } else { Op::Logistic(op) },
        }],
    }
}

/// A model of the sequence operators (the pieces of attention and layer normalisation):
/// `[1, 6, 8]` → `TRANSPOSE`, `BATCH_MATMUL` (plain and `adj_y`), `STRIDED_SLICE` (a negative
/// stride), `GATHER`, `SQUARED_DIFFERENCE` (broadcast), `RSQRT`, and a `MUL` by a `CONSTANT`
/// layer. Constants are drawn from
/// `seed` within the ranges the validator accepts.
pub fn sequence_ops(seed: u64) -> Model {
    use crate::model::{
        Add, BatchMatMul, Gather, Rsqrt, SliceDim, StridedSlice, Transpose as TransposeOp,
    };
    let mut rng = TestRng::new(seed);
    let mut small = |shift: i32| Multiplier {
        multiplier: rng.range(1 << 30, i32::MAX as i64) as i32,
        shift,
    };
    let m1 = small(-11);
    let m2 = small(-12);
    let (a1, a2) = (small(-1), small(-2));
    let sq = small(-15);
    let rs = small(-3);
    let mul = small(-7);
    let layer = |source: u32, inputs: &[u32], shape: &[u32], zp: i32, op: Op| Layer {
        source_index: source,
        inputs: inputs.to_vec(),
        output: tensor(shape, zp),
        op,
    };
    Model {
        version: FORMAT_VERSION,
        input: tensor(&[1, 6, 8], -3),
        layers: alloc::vec![
            layer(
                0,
                &[0],
                &[1, 8, 6],
                -3,
                Op::Transpose(TransposeOp {
                    perm: alloc::vec![0, 2, 1]
                })
            ),
            layer(
                1,
                &[0, 1],
                &[1, 6, 6],
                4,
                Op::BatchMatMul(BatchMatMul {
                    adj_x: false,
                    adj_y: false,
                    multiplier: m1
                })
            ),
            layer(
                2,
                &[0, 0],
                &[1, 6, 6],
                -7,
                Op::BatchMatMul(BatchMatMul {
                    adj_x: false,
                    adj_y: true,
                    multiplier: m2
                })
            ),
            layer(
                3,
                &[2],
                &[1, 3, 6],
                4,
                Op::StridedSlice(StridedSlice {
                    dims: alloc::vec![
                        SliceDim {
                            start: 0,
                            stride: 1,
                            count: 1
                        },
                        SliceDim {
                            start: 5,
                            stride: -2,
                            count: 3
                        },
                        SliceDim {
                            start: 0,
                            stride: 1,
                            count: 6
                        },
                    ],
                })
            ),
            layer(
                4,
                &[3],
                &[1, 1, 6],
                -7,
                Op::Gather(Gather {
                    axis: 1,
                    indices: alloc::vec![4]
                })
            ),
            layer(
                5,
                &[4, 5],
                &[1, 3, 6],
                -128,
                Op::SquaredDifference(Add {
                    left_shift: 7,
                    input1_multiplier: a1,
                    input2_multiplier: a2,
                    output_multiplier: sq,
                    clamp: Clamp::FULL,
                })
            ),
            layer(6, &[6], &[1, 3, 6], 0, Op::Rsqrt(Rsqrt { multiplier: rs })),
            layer(
                u32::MAX,
                &[],
                &[1, 1, 6],
                9,
                Op::Constant(alloc::vec![-40, -7, 0, 9, 60, 127])
            ),
            layer(
                7,
                &[7, 8],
                &[1, 3, 6],
                2,
                Op::Mul(crate::model::Mul {
                    multiplier: mul,
                    clamp: Clamp::FULL
                })
            ),
        ],
    }
}

/// A model with two inputs, `[1, 4]` and `[1, 2, 4]` (activation 0 holds their 12 bytes), whose
/// second is added to the first broadcast over its rows.
pub fn two_inputs() -> Model {
    use crate::model::{Add, InputPart};
    let half = Multiplier {
        multiplier: 1 << 30,
        shift: 0,
    };
    Model {
        version: FORMAT_VERSION,
        input: tensor(&[12], 0),
        layers: alloc::vec![
            Layer {
                source_index: u32::MAX,
                inputs: alloc::vec![0],
                output: tensor(&[1, 4], 3),
                op: Op::Input(InputPart { offset: 0 }),
            },
            Layer {
                source_index: u32::MAX,
                inputs: alloc::vec![0],
                output: tensor(&[1, 2, 4], -5),
                op: Op::Input(InputPart { offset: 4 }),
            },
            Layer {
                source_index: 0,
                inputs: alloc::vec![2, 1],
                output: tensor(&[1, 2, 4], 0),
                op: Op::Add(Add {
                    left_shift: 20,
                    input1_multiplier: half,
                    input2_multiplier: half,
                    output_multiplier: Multiplier {
                        multiplier: 1 << 30,
                        shift: -18,
                    },
                    clamp: Clamp::FULL,
                }),
            },
        ],
    }
}

/// An int16 model: `[1, 8]` int16 in (16 bytes), QUANTIZE to int8, SVDF (4 filters, rank 2,
/// memory 3, a state of the given type and zero point), QUANTIZE to int16 `[1, 2]` (4 bytes
/// out).
pub fn int16_svdf(state: ElementType, state_zero_point: i32) -> Model {
    let mut rng = TestRng::new(5);
    let top = if state == ElementType::Int8 {
        127
    } else {
        9000
    };
    let typed = |shape: &[u32], zero_point, element| TensorInfo {
        element,
        ..tensor(shape, zero_point)
    };
    let requantize = |shift| {
        Op::Requantize(crate::model::Requantize {
            multiplier: Multiplier {
                multiplier: 1 << 30,
                shift,
            },
            clamp: Clamp::FULL,
        })
    };
    let svdf = Svdf {
        rank: 2,
        filters: 4,
        memory: 3,
        weights_feature: rng.i8s(32),
        weights_time: (0..12).map(|_| rng.range(-top, top + 1) as i16).collect(),
        bias: alloc::vec![1000, -2000],
        state_element: state,
        state_zero_point,
        feature_multiplier: Multiplier {
            multiplier: 1 << 30,
            shift: -3,
        },
        output_multiplier: Multiplier {
            multiplier: 1 << 30,
            shift: -14,
        },
    };
    Model {
        version: FORMAT_VERSION,
        input: typed(&[1, 8], 0, ElementType::Int16),
        layers: alloc::vec![
            Layer {
                source_index: 0,
                inputs: alloc::vec![0],
                output: tensor(&[1, 8], -2),
                op: requantize(-7),
            },
            Layer {
                source_index: 1,
                inputs: alloc::vec![1],
                output: tensor(&[1, 2], 3),
                op: Op::Svdf(svdf),
            },
            Layer {
                source_index: 2,
                inputs: alloc::vec![2],
                output: typed(&[1, 2], 0, ElementType::Int16),
                op: requantize(8),
            },
        ],
    }
}

/// The fuzz target's property for one decodable model: run it whole on an input drawn from
/// `data` (its bytes, cycled, as the fuzz target draws it), then run each layer alone on the
/// activations that fed it; each must give its trace entry again, as a dispute needs.
pub fn assert_layers_rerun_alone(model: &ValidatedModel, data: &[u8]) {
    let input: Vec<i8> = (0..model.input_len())
        .map(|i| data[i % data.len()] as i8)
        .collect();
    let mut activations = vec![input.clone()];
    let execution = model
        .run_with(&input, |_, out| activations.push(out.to_vec()))
        .expect("a validated model runs");
    for layer in 0..model.layer_count() {
        let inputs: Vec<&[i8]> = model
            .layer_inputs(layer)
            .iter()
            .map(|&id| activations[id as usize].as_slice())
            .collect();
        let out = model.run_layer(layer, &inputs).expect("a layer runs alone");
        assert_eq!(
            hash_activation(&out),
            execution.trace[layer],
            "layer {layer} alone"
        );
    }
}

/// `rounds` corruptions of the encoded model `original`, each with one to three bytes set from
/// `rng`: each is refused by [`decode_model`] or satisfies [`assert_layers_rerun_alone`]. Returns
/// how many ran and how many were refused.
pub fn corrupt_and_check(original: &[u8], rng: &mut TestRng, rounds: usize) -> (usize, usize) {
    let (mut ran, mut refused) = (0, 0);
    for _ in 0..rounds {
        let mut data = original.to_vec();
        for _ in 0..rng.range(1, 4) {
            let at = rng.range(0, data.len() as i64) as usize;
            data[at] = rng.next_u64() as u8;
        }
        match decode_model(&data) {
            Ok(model) => {
                assert_layers_rerun_alone(&model, &data);
                ran += 1;
            }
            Err(_) => refused += 1,
        }
    }
    (ran, refused)
}
