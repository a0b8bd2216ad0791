//! What executors and challengers compute off chain, as pure functions over the engine: every
//! activation of a run, a deliberately false claim (for demonstrations), the first layer on which a
//! claim is wrong, and the activations that prove it.
//!
//! Activations are numbered as in the engine: `0` is the job's input and `k > 0` is the output of
//! layer `k - 1`. A claim's trace entry `i` is the hash of activation `i + 1`.

use anyhow::{anyhow, Result};
use vigil_engine::{as_u8, hash_activation, ValidatedModel};

/// Every activation of one run of a model: `acts[0]` the input, `acts[k]` layer `k - 1`'s output.
pub struct Activations {
    pub acts: Vec<Vec<i8>>,
}

impl Activations {
    /// Runs `model` on `input`, keeping every activation.
    pub fn run(model: &ValidatedModel, input: &[i8]) -> Result<Activations> {
        let mut acts = Vec::with_capacity(model.layer_count() + 1);
        acts.push(input.to_vec());
        model
            .run_with(input, |_, out| acts.push(out.to_vec()))
            .map_err(|e| anyhow!("the engine refused the input: {e:?}"))?;
        Ok(Activations { acts })
    }

    /// The model's output (the last activation).
    pub fn output(&self) -> &[i8] {
        self.acts.last().map(Vec::as_slice).unwrap_or(&[])
    }

    /// One hash per layer: the trace a claim commits to.
    pub fn trace(&self) -> Vec<[u8; 32]> {
        self.acts[1..].iter().map(|a| hash_activation(a)).collect()
    }

    /// The activations feeding `layer`, in the layer's input order, as raw bytes: what a
    /// challenge of `layer` supplies.
    pub fn layer_inputs(&self, model: &ValidatedModel, layer: usize) -> Vec<Vec<u8>> {
        model
            .layer_inputs(layer)
            .iter()
            .map(|&id| as_u8(&self.acts[id as usize]).to_vec())
            .collect()
    }

    /// A false run: layer `layer`'s output is corrupted (its first value changed) and every later
    /// layer recomputed from the corrupted activations, so `layer` is the first wrong one and the
    /// rest of the trace is consistent with it. Fails if the model has no such layer.
    pub fn corrupt(mut self, model: &ValidatedModel, layer: usize) -> Result<Activations> {
        let count = model.layer_count();
        if layer >= count {
            return Err(anyhow!(
                "the model has {count} layers: there is no layer {layer} to lie about"
            ));
        }
        let out = &mut self.acts[layer + 1];
        match out.first_mut() {
            Some(v) => *v = v.wrapping_add(1),
            None => return Err(anyhow!("layer {layer} has an empty output")),
        }
        for later in layer + 1..count {
            let inputs: Vec<&[i8]> = model
                .layer_inputs(later)
                .iter()
                .map(|&id| self.acts[id as usize].as_slice())
                .collect();
            let out = model
                .run_layer(later, &inputs)
                .map_err(|e| anyhow!("cannot recompute layer {later}: {e:?}"))?;
            self.acts[later + 1] = out;
        }
        Ok(self)
    }
}

/// The first layer whose claimed hash differs from the honest one, if any. A claim with a trace of
/// the wrong length is wrong at the first layer past the shorter one.
pub fn first_wrong_layer(honest: &[[u8; 32]], claimed: &[[u8; 32]]) -> Option<usize> {
    honest
        .iter()
        .zip(claimed)
        .position(|(a, b)| a != b)
        .or_else(|| (honest.len() != claimed.len()).then(|| honest.len().min(claimed.len())))
}

/// Whether to lie about job `job_id` at `rate` (0 never, 1 always): a fixed pseudo-random choice
/// per job, so that a rerun makes the same choices.
pub fn lies_about(job_id: u64, rate: f64) -> bool {
    if rate <= 0.0 {
        return false;
    }
    if rate >= 1.0 {
        return true;
    }
    // splitmix64 of the job id.
    let mut z = job_id.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    ((z >> 11) as f64 / (1u64 << 53) as f64) < rate
}

/// `--lie layer=K,rate=P`: post a false claim, wrong from layer K on, for a fraction P of jobs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LiePlan {
    pub layer: usize,
    pub rate: f64,
}

impl std::str::FromStr for LiePlan {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut layer = None;
        let mut rate = 1.0;
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}`: expected key=value (layer=K,rate=P)"))?;
            match key.trim() {
                "layer" => {
                    layer = Some(
                        value
                            .trim()
                            .parse::<usize>()
                            .map_err(|_| format!("layer={value}: not a layer index"))?,
                    )
                }
                "rate" => {
                    rate = value
                        .trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|r| (0.0..=1.0).contains(r))
                        .ok_or_else(|| format!("rate={value}: expected a number from 0 to 1"))?
                }
                other => return Err(format!("unknown key `{other}` (expected layer, rate)")),
            }
        }
        let layer = layer.ok_or("missing layer=K")?;
        Ok(LiePlan { layer, rate })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits() -> ValidatedModel {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/digits.vgm");
        vigil_engine::decode_model(&std::fs::read(path).unwrap()).unwrap()
    }

    fn input(model: &ValidatedModel) -> Vec<i8> {
        (0..model.input_len())
            .map(|i| (i * 7 % 256) as u8 as i8)
            .collect()
    }

    #[test]
    fn honest_run_matches_the_engine() {
        let model = digits();
        let x = input(&model);
        let acts = Activations::run(&model, &x).unwrap();
        let exec = model.run(&x).unwrap();
        assert_eq!(acts.trace(), exec.trace);
        assert_eq!(acts.output(), &exec.output[..]);
        assert_eq!(acts.acts.len(), model.layer_count() + 1);
    }

    #[test]
    fn a_lie_at_layer_k_is_first_wrong_at_k_and_its_inputs_are_committed() {
        let model = digits();
        let x = input(&model);
        let honest = Activations::run(&model, &x).unwrap();
        for k in 0..model.layer_count() {
            let false_run = Activations::run(&model, &x)
                .unwrap()
                .corrupt(&model, k)
                .unwrap();
            let claimed = false_run.trace();
            assert_eq!(
                first_wrong_layer(&honest.trace(), &claimed),
                Some(k),
                "layer {k}"
            );
            // The activations the challenger supplies hash to what the false claim committed to.
            for (&id, bytes) in model
                .layer_inputs(k)
                .iter()
                .zip(honest.layer_inputs(&model, k))
            {
                let committed = if id == 0 {
                    hash_activation(&x)
                } else {
                    claimed[id as usize - 1]
                };
                assert_eq!(hash_activation(vigil_engine::as_i8(&bytes)), committed);
            }
            // Re-running the layer on them disagrees with the claim.
            let inputs: Vec<&[i8]> = model
                .layer_inputs(k)
                .iter()
                .map(|&id| honest.acts[id as usize].as_slice())
                .collect();
            let out = model.run_layer(k, &inputs).unwrap();
            assert_ne!(hash_activation(&out), claimed[k]);
        }
        assert!(Activations::run(&model, &x)
            .unwrap()
            .corrupt(&model, 99)
            .is_err());
    }

    #[test]
    fn lie_plans_parse() {
        assert_eq!(
            "layer=3,rate=0.5".parse::<LiePlan>().unwrap(),
            LiePlan {
                layer: 3,
                rate: 0.5
            }
        );
        assert_eq!("layer=2".parse::<LiePlan>().unwrap().rate, 1.0);
        assert!("rate=0.5".parse::<LiePlan>().is_err());
        assert!("layer=1,rate=2".parse::<LiePlan>().is_err());
        assert!("layer=x".parse::<LiePlan>().is_err());
        assert!("depth=1".parse::<LiePlan>().is_err());
    }

    #[test]
    fn lie_rates_are_respected() {
        assert!((0..100).all(|j| lies_about(j, 1.0)));
        assert!((0..100).all(|j| !lies_about(j, 0.0)));
        let some = (0..10_000).filter(|&j| lies_about(j, 0.3)).count();
        assert!((2_500..3_500).contains(&some), "{some}");
        assert_eq!(first_wrong_layer(&[[0; 32]; 3], &[[0; 32]; 3]), None);
        assert_eq!(first_wrong_layer(&[[0; 32]; 3], &[[0; 32]; 2]), Some(2));
    }
}
