//! The fast kernels give the reference kernels' bytes exactly, on many random layers: every
//! combination of shape, stride, dilation, padding, groups, depth multiplier, zero points,
//! per-channel and per-tensor multipliers that the generator reaches.

use vigil_engine::model::{
    Clamp, Conv2d, DepthwiseConv2d, FullyConnected, Layer, Multiplier, Op, TensorInfo, Window,
};
use vigil_engine::ops::{self, Activation};
use vigil_engine::testing::TestRng;

fn tensor(shape: &[u32], zero_point: i32) -> TensorInfo {
    TensorInfo::int8(shape.to_vec(), zero_point, 0)
}

fn multipliers(rng: &mut TestRng, channels: u32) -> Vec<Multiplier> {
    let count = if rng.range(0, 2) == 0 { 1 } else { channels };
    (0..count)
        .map(|_| Multiplier {
            multiplier: rng.range(1 << 30, 1 << 31) as i32,
            shift: rng.range(-12, -4) as i32,
        })
        .collect()
}

fn clamp(rng: &mut TestRng) -> Clamp {
    let min = rng.range(-128, 0) as i8;
    Clamp {
        min,
        max: rng.range(min as i64, 128) as i8,
    }
}

fn window(rng: &mut TestRng) -> Window {
    let size = (rng.range(1, 5) as u32, rng.range(1, 5) as u32);
    Window {
        size,
        stride: (rng.range(1, 4) as u32, rng.range(1, 4) as u32),
        dilation: (rng.range(1, 3) as u32, rng.range(1, 3) as u32),
        padding: (
            rng.range(0, size.0 as i64 + 1) as u32,
            rng.range(0, size.1 as i64 + 1) as u32,
        ),
    }
}

fn bias(rng: &mut TestRng, channels: u32) -> Vec<i32> {
    if rng.range(0, 4) == 0 {
        Vec::new()
    } else {
        (0..channels)
            .map(|_| rng.range(-5000, 5000) as i32)
            .collect()
    }
}

fn random_layer(rng: &mut TestRng) -> (TensorInfo, Layer) {
    let zp_in = rng.range(-128, 128) as i32;
    let zp_out = rng.range(-128, 128) as i32;
    let (n, h, w) = (
        rng.range(1, 3) as u32,
        rng.range(1, 10) as u32,
        rng.range(1, 10) as u32,
    );
    let (input, output, op) = match rng.range(0, 3) {
        0 => {
            let groups = rng.range(1, 4) as u32;
            let fic = rng.range(1, 5) as u32;
            let oc = groups * rng.range(1, 4) as u32;
            let win = window(rng);
            let (oh, ow) = (rng.range(1, 8) as u32, rng.range(1, 8) as u32);
            let op = Op::Conv2d(Conv2d {
                window: win,
                filter_input_channels: fic,
                filter: rng.i8s((oc * win.size.0 * win.size.1 * fic) as usize),
                bias: bias(rng, oc),
                output_multipliers: multipliers(rng, oc),
                clamp: clamp(rng),
            });
            (
                tensor(&[n, h, w, groups * fic], zp_in),
                tensor(&[n, oh, ow, oc], zp_out),
                op,
            )
        }
        1 => {
            let c = rng.range(1, 9) as u32;
            let m = rng.range(1, 4) as u32;
            let win = window(rng);
            let (oh, ow) = (rng.range(1, 8) as u32, rng.range(1, 8) as u32);
            let op = Op::DepthwiseConv2d(DepthwiseConv2d {
                window: win,
                depth_multiplier: m,
                filter: rng.i8s((c * m * win.size.0 * win.size.1) as usize),
                bias: bias(rng, c * m),
                output_multipliers: multipliers(rng, c * m),
                clamp: clamp(rng),
            });
            (
                tensor(&[n, h, w, c], zp_in),
                tensor(&[n, oh, ow, c * m], zp_out),
                op,
            )
        }
        _ => {
            let (depth, units) = (rng.range(1, 300) as u32, rng.range(1, 20) as u32);
            let op = Op::FullyConnected(FullyConnected {
                units,
                depth,
                weights: rng.i8s((units * depth) as usize),
                weights_zero_point: if rng.range(0, 3) == 0 {
                    rng.range(-20, 20) as i32
                } else {
                    0
                },
                bias: bias(rng, units),
                output_multipliers: multipliers(rng, units),
                clamp: clamp(rng),
            });
            (tensor(&[n, depth], zp_in), tensor(&[n, units], zp_out), op)
        }
    };
    (
        input,
        Layer {
            source_index: 0,
            inputs: vec![0],
            output,
            op,
        },
    )
}

#[test]
fn fast_kernels_equal_reference_kernels_on_random_layers() {
    let mut rng = TestRng::new(2024);
    let mut checked = 0;
    for _ in 0..3000 {
        let (input, layer) = random_layer(&mut rng);
        if ops::check(0, &layer, &[&input]).is_err() {
            continue;
        }
        let data = rng.i8s(input.element_count().unwrap() as usize);
        let activation = [Activation {
            info: &input,
            data: &data,
        }];
        let len = layer.output.element_count().unwrap() as usize;
        let (mut fast, mut reference) = (vec![0i8; len], vec![0i8; len]);
        ops::run(
            &layer,
            &ops::fast::prepare(&layer.op),
            &activation,
            &mut fast,
        );
        ops::run_reference(&layer, &activation, &mut reference);
        assert_eq!(fast, reference, "{:?}", layer.op.name());
        checked += 1;
    }
    assert!(checked > 2000, "only {checked} layers were valid");
}
