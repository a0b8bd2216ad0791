//! The subcommands of `vigil`, one module per group.

pub mod model;
