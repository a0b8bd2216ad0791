//! Nanoseconds of work per cost unit (multiply-accumulates plus bytes touched) of a few layer
//! kinds, natively: the figure that tells whether a layer's cost, which the chain charges a
//! dispute by, follows its work. The chain benchmarks a dense layer, a softmax, a logistic and
//! a tanh and charges a disputed layer the largest of the four for its cost
//! (`pallets/README.md`, "Weights"), so a layer kind is covered when its work per cost unit is
//! at most the heaviest of those.
//!
//! ```sh
//! cargo run --release -p vigil-engine --example cost_per_unit
//! ```

use std::time::Instant;

use codec::Encode;
use vigil_engine::model::{
    ElementType, Layer, Lstm, LstmGate, Multiplier, Op, TensorInfo, LSTM_GATES,
};
use vigil_engine::testing::{single_dense, single_smooth, TestRng};
use vigil_engine::{decode_model, Model};

fn tensor(shape: &[u32], zero_point: i32) -> TensorInfo {
    TensorInfo {
        shape: shape.to_vec(),
        zero_point,
        scale_bits: 0,
        element: ElementType::Int8,
    }
}

/// One LSTM of `units` over `steps` vectors of `depth`, random weights.
fn lstm(steps: u32, depth: u32, units: u32) -> Model {
    let mut rng = TestRng::new(1);
    let m = |shift| Multiplier {
        multiplier: 1_518_500_250,
        shift,
    };
    let gates = (0..LSTM_GATES)
        .map(|_| LstmGate {
            input_weights: rng.i8s((units * depth) as usize),
            recurrent_weights: rng.i8s((units * units) as usize),
            bias: vec![0; units as usize],
            input_multiplier: m(-2),
            recurrent_multiplier: m(-2),
        })
        .collect();
    Model {
        version: vigil_engine::FORMAT_VERSION,
        input: tensor(&[1, steps, depth], 3),
        layers: vec![Layer {
            source_index: 0,
            inputs: vec![0],
            output: tensor(&[1, steps, units], -6),
            op: Op::Lstm(Lstm {
                time_major: false,
                gates,
                hidden_zero_point: -6,
                forget_multiplier: Multiplier {
                    multiplier: 1 << 30,
                    shift: -14,
                },
                input_multiplier: Multiplier {
                    multiplier: 1 << 30,
                    shift: -18,
                },
                hidden_multiplier: m(-23),
                cell_tanh_multiplier: 6,
                cell_tanh_right_shift: 0,
                cell_clip: None,
            }),
        }],
    }
}

fn measure(name: &str, model: Model) {
    let model = decode_model(&model.encode()).unwrap();
    let cost = model.total_cost();
    let input: Vec<i8> = (0..model.input_len())
        .map(|i| (i * 37 % 256) as u8 as i8)
        .collect();
    for _ in 0..3 {
        model.run(&input).unwrap();
    }
    let runs = 20u32;
    let start = Instant::now();
    for _ in 0..runs {
        model.run(&input).unwrap();
    }
    let nanos = start.elapsed().as_nanos() / runs as u128;
    let units = (cost.macs + cost.bytes) as u128;
    println!(
        "{name:28} {:>9} MACs {:>9} bytes {:>10} ns  {:>3}.{:03} ns per cost unit",
        cost.macs,
        cost.bytes,
        nanos,
        nanos / units,
        nanos * 1000 / units % 1000
    );
}

fn main() {
    measure("LSTM 1 unit, depth 1", lstm(200_000, 1, 1));
    measure("LSTM 4 units, depth 1", lstm(50_000, 1, 4));
    measure("LSTM 20 units, depth 28", lstm(28, 28, 20));
    measure("LSTM 64 units, depth 64", lstm(64, 64, 64));
    measure("LOGISTIC 2^20 elements", single_smooth(1 << 20, false));
    measure("TANH 2^20 elements", single_smooth(1 << 20, true));
    measure("FULLY_CONNECTED 512x256", single_dense(1, 512, 256));
}
