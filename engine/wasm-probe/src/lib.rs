//! The engine as a WebAssembly module with a minimal interface, so that tests can check that the
//! compiled engine contains no floating-point instruction and computes, inside a Wasm
//! interpreter, the same traces as natively.
//!
//! Interface (all pointers into linear memory):
//! - `alloc(len) -> ptr`: `len` bytes for the host to fill.
//! - `run(model_ptr, model_len, input_ptr, input_len) -> ptr`: decodes, validates and runs the
//!   model; returns a result block `[status: u32 LE][layers: u32 LE][layers × 32-byte hash]
//!   [output_len: u32 LE][output bytes]`, status 0 on success or the engine's error code.

#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};

/// A bump allocator over memory grown on demand: nothing is freed, which is fine for a module
/// instantiated per test run.
struct Bump;

static mut NEXT: usize = 0;
static mut END: usize = 0;

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        const PAGE: usize = 65536;
        let align = layout.align();
        let start = (NEXT + align - 1) & !(align - 1);
        let end = start + layout.size();
        if end > END {
            let pages = (end - END).div_ceil(PAGE);
            let previous = core::arch::wasm32::memory_grow(0, pages);
            if previous == usize::MAX {
                return core::ptr::null_mut();
            }
            if END == 0 {
                // First call: start at the freshly grown region.
                NEXT = previous * PAGE;
                END = (previous + pages) * PAGE;
                return self.alloc(layout);
            }
            END += pages * PAGE;
        }
        NEXT = end;
        start as *mut u8
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static ALLOCATOR: Bump = Bump;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Reserves `len` bytes for the host to write into.
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len);
    let ptr = buffer.as_mut_ptr();
    core::mem::forget(buffer);
    ptr
}

/// Runs a model on an input; see the module docs for the result block.
///
/// # Safety
/// The pointers must come from `alloc` with at least the given lengths.
#[no_mangle]
pub unsafe extern "C" fn run(model_ptr: *const u8, model_len: usize, input_ptr: *const u8, input_len: usize) -> *const u8 {
    let model = core::slice::from_raw_parts(model_ptr, model_len);
    let input = core::slice::from_raw_parts(input_ptr, input_len);
    let mut result = Vec::new();
    match vigil_engine::decode_model(model).and_then(|m| m.run(vigil_engine::as_i8(input))) {
        Ok(execution) => {
            result.extend_from_slice(&0u32.to_le_bytes());
            result.extend_from_slice(&(execution.trace.len() as u32).to_le_bytes());
            for hash in &execution.trace {
                result.extend_from_slice(hash);
            }
            result.extend_from_slice(&(execution.output.len() as u32).to_le_bytes());
            result.extend_from_slice(vigil_engine::as_u8(&execution.output));
        }
        Err(e) => result.extend_from_slice(&(e.code() as u32).to_le_bytes()),
    }
    let ptr = result.as_ptr();
    core::mem::forget(result);
    ptr
}

/// Runs one layer of a model on its input activations, concatenated in the layer's order (the
/// computation a dispute makes); returns `[status: u32 LE][output_len: u32 LE][output bytes]`.
///
/// # Safety
/// The pointers must come from `alloc` with at least the given lengths.
#[no_mangle]
pub unsafe extern "C" fn run_layer(model_ptr: *const u8, model_len: usize, layer: usize, inputs_ptr: *const u8, inputs_len: usize) -> *const u8 {
    let model = core::slice::from_raw_parts(model_ptr, model_len);
    let inputs = vigil_engine::as_i8(core::slice::from_raw_parts(inputs_ptr, inputs_len));
    let outcome = vigil_engine::decode_model(model).and_then(|m| {
        let ids = m.layer_inputs(layer).to_vec();
        let mut parts = Vec::new();
        let mut at = 0usize;
        for id in ids {
            let len = m.activation_len(id);
            parts.push(inputs.get(at..at + len).unwrap_or(&[]));
            at += len;
        }
        m.run_layer(layer, &parts)
    });
    let mut result = Vec::new();
    match outcome {
        Ok(out) => {
            result.extend_from_slice(&0u32.to_le_bytes());
            result.extend_from_slice(&(out.len() as u32).to_le_bytes());
            result.extend_from_slice(vigil_engine::as_u8(&out));
        }
        Err(e) => result.extend_from_slice(&(e.code() as u32).to_le_bytes()),
    }
    let ptr = result.as_ptr();
    core::mem::forget(result);
    ptr
}
