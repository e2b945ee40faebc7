//! The shared suite in headless Chromium (`wasm-bindgen-test-runner` with `CHROMEDRIVER`).
#![cfg(target_arch = "wasm32")]
#![allow(missing_docs)]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod suite;
