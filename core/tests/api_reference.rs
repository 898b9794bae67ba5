//! `docs/API.md`'s operation reference is generated from the operation tables; this test
//! fails when the file is stale (`PAYWIRE_BLESS=1 cargo test -p paywire --test api_reference`
//! rewrites it), and when the hand-written method tables above it name an operation that no
//! table has, or miss one that a table has.

use std::collections::BTreeSet;
use std::path::PathBuf;

use paywire::operation::{self, OperationInfo};

const BEGIN: &str = "<!-- operations:begin (generated from the operation tables; do not edit) -->";
const END: &str = "<!-- operations:end -->";

/// Methods the hand-written tables list that are not table rows: provider-neutral payment
/// links, a static push parser and the OAuth device flow.
const NOT_ROWS: &[&str] = &[
    "create_payment_link",
    "get_payment_link",
    "cancel_payment_link",
    "parse_push",
    "device_authorize",
    "device_poll",
];

fn api_md() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/API.md")
}

fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn signature(row: &OperationInfo) -> String {
    let params: Vec<String> = row
        .params()
        .iter()
        .map(|p| match p.default {
            Some(default) => format!("{}: {} = {}", p.name, p.rust_type, default),
            None => format!("{}: {}", p.name, p.rust_type),
        })
        .collect();
    format!("`{}({})`", row.name, params.join(", "))
}

fn generated() -> String {
    let mut out = String::new();
    out.push_str(BEGIN);
    out.push_str("\n\n## Operation reference\n\n");
    out.push_str(
        "Every operation of every provider, as the tables in `core/src/<provider>/operations.rs` \
         declare it. Parameters are snake_case here (Rust, Python, the CLI in kebab case); Node, \
         Kotlin and Swift use their camelCase. A default is JSON (`null`: not given). Safety: \
         `read` is retried freely; `keyed_write` is sent at most once per key and settled by a \
         lookup when its answer is lost; `unkeyed_write` is sent again only when no attempt can \
         have reached the provider.\n",
    );
    let mut provider = "";
    for row in operation::all() {
        if row.provider != provider {
            provider = row.provider;
            out.push_str(&format!(
                "\n### {provider} operations\n\n| operation | returns | safety | what it does |\n| --- | --- | --- | --- |\n"
            ));
        }
        let safety = row.safety.as_str();
        let returns = match row.paging.page_size() {
            None => format!("`{}`", row.output),
            Some(page_size) => format!("`{}` (pages of {page_size})", row.output),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            signature(row),
            cell(&returns),
            safety,
            cell(&row.doc_text())
        ));
    }
    out.push('\n');
    out.push_str(END);
    out.push('\n');
    out
}

#[test]
fn the_operation_reference_is_generated_from_the_tables() {
    let path = api_md();
    let text = std::fs::read_to_string(&path).unwrap();
    let want = generated();
    let current = match (text.find(BEGIN), text.find(END)) {
        (Some(begin), Some(end)) => text[begin..end + END.len() + 1].to_owned(),
        _ => String::new(),
    };
    if current == want {
        return;
    }
    if std::env::var_os("PAYWIRE_BLESS").is_some() {
        let updated = if current.is_empty() {
            format!("{}\n{want}", text.trim_end())
        } else {
            text.replace(&current, &want)
        };
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!(
        "docs/API.md's operation reference is stale: run PAYWIRE_BLESS=1 cargo test -p paywire --test api_reference"
    );
}

#[test]
fn the_hand_written_method_tables_name_exactly_the_rows() {
    let text = std::fs::read_to_string(api_md()).unwrap();
    let hand = text.split(BEGIN).next().unwrap_or_default();
    for (section, provider) in [
        ("### SaferpayClient", "saferpay"),
        ("### SecuconnectClient", "secuconnect"),
        ("### SekurePayClient", "sekurepay"),
    ] {
        let body = hand
            .split(section)
            .nth(1)
            .and_then(|rest| rest.split("\n#").next())
            .unwrap_or_default();
        let mut listed = BTreeSet::new();
        for line in body.lines().filter(|l| l.starts_with("| `")) {
            let first = line.split('|').nth(1).unwrap_or_default();
            for piece in first.split('`').skip(1).step_by(2) {
                if let Some((name, _)) = piece.split_once('(') {
                    listed.insert(name.to_owned());
                }
            }
        }
        let rows: BTreeSet<String> = operation::all()
            .into_iter()
            .filter(|r| r.provider == provider)
            .map(|r| r.name.to_owned())
            .collect();
        let unknown: Vec<_> = listed
            .iter()
            .filter(|n| !rows.contains(*n) && !NOT_ROWS.contains(&n.as_str()))
            .collect();
        let missing: Vec<_> = rows.iter().filter(|n| !listed.contains(*n)).collect();
        assert!(
            unknown.is_empty(),
            "{section} lists methods no table has: {unknown:?}"
        );
        assert!(
            missing.is_empty(),
            "{section} does not list table rows: {missing:?}"
        );
    }
}
