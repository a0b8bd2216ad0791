//! Small valid models built in code, for tests of the engine and of the chain.

use alloc::vec::Vec;

use crate::model::{
    Clamp, FullyConnected, Layer, Model, Multiplier, Op, Softmax, TensorInfo, FORMAT_VERSION,
};

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
    TensorInfo {
        shape: shape.to_vec(),
        zero_point,
        scale_bits: 0,
    }
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
