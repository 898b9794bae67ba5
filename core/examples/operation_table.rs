//! Prints every operation table as JSON (`paywire::operation::table_json()`), or with the
//! argument `records` every generated output record (`operation::record::records_json()`), for
//! the binding generators when no built binding is at hand:
//! `cargo run -q -p paywire --example operation_table [records] > table.json`.

fn main() {
    let value = match std::env::args().nth(1).as_deref() {
        Some("records") => paywire::operation::record::records_json(),
        _ => paywire::operation::table_json(),
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
}
