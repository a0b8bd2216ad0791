//! Trait implementations only.

use crate::{Config, OpenJobsPerModel, Pallet};
use pallet_models::{ModelId, ModelUsage};

impl<T: Config> ModelUsage for Pallet<T> {
    fn open_jobs(model: &ModelId) -> u32 {
        OpenJobsPerModel::<T>::get(model)
    }
}
