//! What a layer costs to run: the figure a chain charges weight by.

use codec::{Decode, Encode};

/// Work of one layer, computed from shapes alone (never from the data).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[cfg_attr(feature = "type-info", derive(scale_info::TypeInfo))]
pub struct LayerCost {
    /// Multiply-accumulates (or, for element-wise layers, elements processed).
    pub macs: u64,
    /// Bytes read and written: inputs, constants (weights, biases) and output.
    pub bytes: u64,
}

impl LayerCost {
    /// The sum of two costs, saturating.
    pub fn saturating_add(self, other: LayerCost) -> LayerCost {
        LayerCost {
            macs: self.macs.saturating_add(other.macs),
            bytes: self.bytes.saturating_add(other.bytes),
        }
    }
}
