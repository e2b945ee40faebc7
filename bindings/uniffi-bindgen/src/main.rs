//! `cargo run -p uniffi-bindgen -- generate --library <liblifts.so> --language kotlin …`

fn main() {
    uniffi::uniffi_bindgen_main()
}
