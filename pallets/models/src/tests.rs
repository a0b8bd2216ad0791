//! Unit tests of the model registry.

use crate::{mock::*, Error, Event, HoldReason, ModelBytes};
use codec::Encode;
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use vigil_engine::testing::tiny_mlp;

fn held(who: AccountId) -> Balance {
    Balances::balance_on_hold(&RuntimeHoldReason::Models(HoldReason::ModelDeposit), &who)
}

mod register_model {
    use super::*;

    #[test]
    fn register_model_works() {
        build_and_execute(|| {
            let bytes = tiny_mlp(1).encode();
            let id = vigil_engine::model_id(&bytes);
            assert_ok!(Models::register_model(
                RuntimeOrigin::signed(ALICE),
                bytes.clone()
            ));

            let info = Models::model_info(&id).expect("stored");
            let deposit = 10 + bytes.len() as u64;
            assert_eq!(info.owner, ALICE);
            assert_eq!(info.layer_count, 3);
            assert_eq!(info.input_len, 16);
            assert_eq!(info.output_len, 4);
            assert_eq!(info.byte_len, bytes.len() as u32);
            assert_eq!(info.deposit, deposit);
            let model = vigil_engine::decode_model(&bytes).unwrap();
            for (i, c) in info.layer_costs.iter().enumerate() {
                assert_eq!(
                    (c.macs, c.bytes),
                    (model.layer_cost(i).macs, model.layer_cost(i).bytes)
                );
            }
            assert_eq!(ModelBytes::<Test>::get(id).unwrap().into_inner(), bytes);
            assert_eq!(held(ALICE), deposit);
            System::assert_last_event(
                Event::ModelRegistered {
                    model_id: id,
                    owner: ALICE,
                    layer_count: 3,
                    byte_len: bytes.len() as u32,
                    deposit,
                }
                .into(),
            );
        });
    }

    #[test]
    fn register_model_fails_if_malformed() {
        build_and_execute(|| {
            let mut bytes = tiny_mlp(1).encode();
            bytes.truncate(bytes.len() - 1);
            assert_noop!(
                Models::register_model(RuntimeOrigin::signed(ALICE), bytes),
                Error::<Test>::ModelMalformed
            );
            assert_noop!(
                Models::register_model(RuntimeOrigin::signed(ALICE), vec![0xff; 40]),
                Error::<Test>::ModelMalformed
            );
        });
    }

    #[test]
    fn register_model_fails_if_oversized() {
        build_and_execute(|| {
            assert_noop!(
                Models::register_model(
                    RuntimeOrigin::signed(ALICE),
                    vec![0; MaxModelBytes::get() as usize + 1]
                ),
                Error::<Test>::ModelTooLarge
            );
        });
    }

    #[test]
    fn register_model_fails_if_duplicate() {
        build_and_execute(|| {
            let bytes = tiny_mlp(1).encode();
            assert_ok!(Models::register_model(
                RuntimeOrigin::signed(ALICE),
                bytes.clone()
            ));
            assert_noop!(
                Models::register_model(RuntimeOrigin::signed(BOB), bytes),
                Error::<Test>::ModelAlreadyRegistered
            );
        });
    }

    #[test]
    fn register_model_fails_if_layer_too_heavy() {
        build_and_execute(|| {
            MaxLayerCost::set(10);
            assert_noop!(
                Models::register_model(RuntimeOrigin::signed(ALICE), tiny_mlp(1).encode()),
                Error::<Test>::LayerTooHeavy
            );
        });
    }

    /// Registering `model` fails with `error`, though the engine accepts it: the refusal is the
    /// chain's, for what it could not serve or dispute, and nothing is stored or held.
    fn refused_though_valid(model: vigil_engine::Model, error: Error<Test>) {
        let bytes = model.encode();
        assert!(
            vigil_engine::decode_model(&bytes).is_ok(),
            "the engine accepts the model"
        );
        assert_noop!(
            Models::register_model(RuntimeOrigin::signed(ALICE), bytes),
            error
        );
    }

    #[test]
    fn register_model_fails_if_output_larger_than_a_claim() {
        build_and_execute(|| {
            // An output one byte over what a claim carries: no honest executor could post it.
            refused_though_valid(
                vigil_engine::testing::pad_to_width(MAX_OUTPUT_BYTES + 1),
                Error::<Test>::OutputTooLarge,
            );
            assert_ok!(Models::register_model(
                RuntimeOrigin::signed(ALICE),
                vigil_engine::testing::pad_to_width(MAX_OUTPUT_BYTES).encode()
            ));
        });
    }

    #[test]
    fn register_model_fails_if_input_larger_than_a_job() {
        build_and_execute(|| {
            refused_though_valid(
                vigil_engine::testing::single_dense(1, MAX_INPUT_BYTES + 1, 1),
                Error::<Test>::InputTooLarge,
            );
            assert_ok!(Models::register_model(
                RuntimeOrigin::signed(ALICE),
                vigil_engine::testing::single_dense(1, MAX_INPUT_BYTES, 1).encode()
            ));
        });
    }

    #[test]
    fn register_model_fails_if_a_layer_reads_more_than_a_challenge_carries() {
        build_and_execute(|| {
            refused_though_valid(
                vigil_engine::testing::wide_concatenation(MAX_LAYER_INPUTS + 1, 4),
                Error::<Test>::TooManyLayerInputs,
            );
            assert_ok!(Models::register_model(
                RuntimeOrigin::signed(ALICE),
                vigil_engine::testing::wide_concatenation(MAX_LAYER_INPUTS, 4).encode()
            ));
        });
    }

    #[test]
    fn register_model_fails_if_an_activation_is_larger_than_a_challenge_input() {
        build_and_execute(|| {
            refused_though_valid(
                vigil_engine::testing::wide_inner_activation(4, MAX_ACTIVATION_BYTES + 1),
                Error::<Test>::ActivationTooLarge,
            );
            assert_ok!(Models::register_model(
                RuntimeOrigin::signed(ALICE),
                vigil_engine::testing::wide_inner_activation(4, MAX_ACTIVATION_BYTES).encode()
            ));
        });
    }

    #[test]
    fn register_model_counts_an_int16_activation_as_two_bytes_per_element() {
        build_and_execute(|| {
            // MAX_ACTIVATION_BYTES / 2 + 1 int16 elements: one element more than fits.
            refused_though_valid(
                vigil_engine::testing::wide_int16_activation(4, MAX_ACTIVATION_BYTES / 2 + 1),
                Error::<Test>::ActivationTooLarge,
            );
            assert_ok!(Models::register_model(
                RuntimeOrigin::signed(ALICE),
                vigil_engine::testing::wide_int16_activation(4, MAX_ACTIVATION_BYTES / 2).encode()
            ));
        });
    }

    #[test]
    fn register_model_fails_if_too_many_layers() {
        build_and_execute(|| {
            let mut model = tiny_mlp(1);
            let extra = model.layers[2].clone();
            // Softmax layers chained after the first softmax: 3 + 6 = 9 > MaxLayers = 8.
            for k in 0..6u32 {
                let mut layer = extra.clone();
                layer.inputs = vec![3 + k];
                layer.source_index = 3 + k;
                model.layers.push(layer);
            }
            let bytes = model.encode();
            assert!(
                vigil_engine::decode_model(&bytes).is_ok(),
                "a valid model, only too deep"
            );
            assert_noop!(
                Models::register_model(RuntimeOrigin::signed(ALICE), bytes),
                Error::<Test>::TooManyLayers
            );
        });
    }

    #[test]
    fn register_model_fails_without_deposit() {
        build_and_execute(|| {
            assert_noop!(
                Models::register_model(RuntimeOrigin::signed(POOR), tiny_mlp(1).encode()),
                Error::<Test>::InsufficientDeposit
            );
        });
    }

    #[test]
    fn register_model_fails_if_unsigned() {
        build_and_execute(|| {
            assert_noop!(
                Models::register_model(RuntimeOrigin::none(), tiny_mlp(1).encode()),
                sp_runtime::DispatchError::BadOrigin
            );
        });
    }
}

mod remove_model {
    use super::*;

    fn registered() -> crate::ModelId {
        let bytes = tiny_mlp(7).encode();
        assert_ok!(Models::register_model(
            RuntimeOrigin::signed(ALICE),
            bytes.clone()
        ));
        vigil_engine::model_id(&bytes)
    }

    #[test]
    fn remove_model_works() {
        build_and_execute(|| {
            let id = registered();
            let deposit = Models::model_info(&id).unwrap().deposit;
            assert_ok!(Models::remove_model(RuntimeOrigin::signed(ALICE), id));
            assert!(crate::Models::<Test>::get(id).is_none());
            assert!(ModelBytes::<Test>::get(id).is_none());
            assert_eq!(held(ALICE), 0);
            assert_eq!(Balances::free_balance(ALICE), 100_000);
            System::assert_last_event(
                Event::ModelRemoved {
                    model_id: id,
                    owner: ALICE,
                    deposit,
                }
                .into(),
            );
        });
    }

    #[test]
    fn remove_model_fails_if_unknown() {
        build_and_execute(|| {
            assert_noop!(
                Models::remove_model(RuntimeOrigin::signed(ALICE), [0; 32]),
                Error::<Test>::UnknownModel
            );
        });
    }

    #[test]
    fn remove_model_fails_if_not_owner() {
        build_and_execute(|| {
            let id = registered();
            assert_noop!(
                Models::remove_model(RuntimeOrigin::signed(BOB), id),
                Error::<Test>::NotModelOwner
            );
        });
    }

    #[test]
    fn remove_model_fails_if_in_use() {
        build_and_execute(|| {
            let id = registered();
            OpenJobs::set(1);
            assert_noop!(
                Models::remove_model(RuntimeOrigin::signed(ALICE), id),
                Error::<Test>::ModelInUse
            );
            OpenJobs::set(0);
        });
    }
}
