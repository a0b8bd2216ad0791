//! The `vigil` command-line program's library: reading TFLite files, importing them into Vigil
//! models, and the commands themselves.

pub mod chain;
pub mod commands;
pub mod import;
pub mod tflite;
pub mod verify;
