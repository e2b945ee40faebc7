//! Prints the bytes per message of each encoding as a Markdown table (for the README):
//! `cargo run -p liftspec-benches --example sizes`.

fn main() {
    println!("| message | liftspec frame (tag) | liftspec untagged | protobuf untagged | JSON untagged |");
    println!("|---|---|---|---|---|");
    for (name, envelope) in liftspec_benches::samples() {
        let s = liftspec_benches::sizes(&envelope);
        println!(
            "| {name} | {} ({}) | {} | {} | {} |",
            s.liftspec, s.tag, s.liftspec_untagged, s.protobuf, s.json
        );
    }
}
