//! Prints every operation table as JSON (`paywire::operation::table_json()`), for the binding
//! generators when no built binding is at hand:
//! `cargo run -q -p paywire --example operation_table > table.json`.

fn main() {
    println!(
        "{}",
        serde_json::to_string_pretty(&paywire::operation::table_json()).unwrap_or_default()
    );
}
