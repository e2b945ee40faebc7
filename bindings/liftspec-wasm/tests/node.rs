//! The shared suite in node (`wasm-bindgen-test-runner`).
#![cfg(target_arch = "wasm32")]
#![allow(missing_docs)]

mod suite;
