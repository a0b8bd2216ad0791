//! End-to-end: the trained character-level transformer (`models/charlm.vgm`) on a real
//! `vigil-node --dev`: registered, served, and a lie in its first attention layer (its SOFTMAX)
//! refuted by a challenger that re-executes that one layer on chain.
//!
//! Nothing here waits for a fixed time; every process started is killed (by PID) when its guard
//! drops.

mod common;

use common::lie::LyingExecutor;
use common::processes::repo_root;
use vigil_engine::model::Op;

const UNIT: u128 = 1_000_000_000_000;

#[tokio::test(flavor = "multi_thread")]
async fn a_lie_in_the_transformers_attention_is_refuted_on_chain() {
    let model_path = repo_root().join("models/charlm.vgm");
    let bytes = std::fs::read(&model_path).expect("the transformer");
    let model = vigil_engine::decode_model(&bytes).expect("a valid model");
    let attention = (0..model.layer_count())
        .find(|&k| matches!(model.model().layers[k].op, Op::Softmax(_)))
        .expect("an attention SOFTMAX");

    let mut chain = LyingExecutor::start(&model_path, attention).await;
    let bond = chain.liar_bond().await;

    // A line of token ids: int32, four little-endian bytes each.
    let ids: Vec<u8> = (0..model.input_len() / 4)
        .flat_map(|i| ((i as i32 * 7 + 3) % 47).to_le_bytes())
        .collect();
    chain.submit_and_see_refuted(&ids).await;
    assert_eq!(
        bond - chain.liar_bond().await,
        100 * UNIT,
        "Charlie loses the job's collateral"
    );
}
