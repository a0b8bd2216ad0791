//! The chain's types and calls, generated at compile time from `client/metadata/vigil.scale`
//! (refresh it with `scripts/update-metadata` whenever the runtime's interface changes).

#[subxt::subxt(
    runtime_metadata_path = "metadata/vigil.scale",
    derive_for_all_types = "Clone",
    derive_for_type(
        path = "pallet_inference::types::JobStatus",
        derive = "PartialEq, Eq, Copy"
    )
)]
pub mod vigil {}

/// Makes the metadata file an input of this crate's build, so that editing it recompiles the
/// generated code (the code generator's own reads are invisible to cargo).
const _METADATA: &[u8] = include_bytes!("../../metadata/vigil.scale");
