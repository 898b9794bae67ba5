//! The generated commands (`paywire <provider> <operation>`), one per row of every operation
//! table, run as the real binary against an in-process sandbox. The rows come from
//! `paywire::operation::all()`, so a new row is run here without editing this file: its
//! parameters get values by name and type, and only a parameter that needs a particular
//! object in the sandbox (an id of something paid) needs a line in `Fixtures::value`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::cell::Cell;

use common::*;
use paywire::operation::{OperationInfo, Param};
use paywire_sandbox::{Sandbox, credentials};
use serde_json::{Value, json};

fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

fn inner_type(param: &Param) -> String {
    let ty = param.rust_type.replace(' ', "");
    ty.strip_prefix("Option<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(&ty)
        .to_owned()
}

/// The sandbox, a clean HOME and helpers that create what a row needs, through the CLI's
/// own commands where one exists (and the sandbox playing the payer otherwise).
struct Fixtures {
    sandbox: Sandbox,
    home: TempDir,
    next: Cell<u32>,
}

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Fixtures {
    fn new() -> Fixtures {
        Fixtures {
            sandbox: sandbox(20, 3),
            home: TempDir::new("operations"),
            next: Cell::new(0),
        }
    }

    fn unique(&self, label: &str) -> String {
        let n = self.next.get() + 1;
        self.next.set(n);
        format!("cli-{label}-{n}")
    }

    fn run(&self, args: &[String]) -> Outcome {
        let output = run(paywire(self.home.path())
            .arg("--json")
            .arg("--sandbox")
            .arg(self.sandbox.url())
            .args(args));
        Outcome {
            code: code(&output),
            stdout: stdout(&output),
            stderr: stderr(&output),
        }
    }

    /// Runs a command that must succeed and answers its JSON.
    fn ok(&self, args: &[&str]) -> Value {
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        let out = self.run(&args);
        assert_eq!(
            out.code, 0,
            "paywire {args:?} failed: {}{}",
            out.stdout, out.stderr
        );
        json(&out.stdout)
    }

    fn str_of(value: &Value, pointer: &str) -> String {
        value
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no {pointer} in {value}"))
            .to_owned()
    }

    /// A payment page the payer has paid: (token, order id, transaction id).
    fn paid_page(&self) -> (String, String, String) {
        let order = self.unique("order");
        let session = self.ok(&[
            "saferpay",
            "initialize-payment-page",
            "--amount",
            "5.00",
            "--currency",
            "CHF",
            "--order-id",
            &order,
            "--description",
            "paywire cli test",
            "--return-url",
            "https://shop.example/return",
        ]);
        let token = Self::str_of(&session, "/token");
        let paid = self.sandbox.pay_payment_page(&token, "success").unwrap();
        let transaction = Self::str_of(&paid, "/transaction_id");
        (token, order, transaction)
    }

    const CARD: &'static str =
        r#"{"card": {"number": "9010004150000009", "exp_month": 12, "exp_year": 2099}}"#;

    /// A stored alias (Alias/InsertDirect).
    fn alias(&self) -> String {
        let alias = self.ok(&[
            "saferpay",
            "insert-alias-direct",
            "--payment-means",
            Self::CARD,
        ]);
        Self::str_of(&alias, "/id")
    }

    /// An initial recurring payment, which AuthorizeReferenced may refer to.
    fn recurring(&self) -> String {
        let means = json!({"alias_id": self.alias()}).to_string();
        let payment = self.ok(&[
            "saferpay",
            "authorize-direct",
            "--amount",
            "5.00",
            "--currency",
            "CHF",
            "--order-id",
            &self.unique("initial"),
            "--description",
            "paywire cli test",
            "--payment-means",
            &means,
            "--recurring",
            "true",
        ]);
        Self::str_of(&payment, "/transaction/id")
    }

    /// A Transaction/Initialize token whose 3-D Secure the payer completed.
    fn ready_transaction(&self) -> String {
        let session = self.ok(&[
            "saferpay",
            "initialize-transaction",
            "--amount",
            "5.00",
            "--currency",
            "CHF",
            "--order-id",
            &self.unique("ti"),
            "--description",
            "paywire cli test",
            "--return-url",
            "https://shop.example/return",
        ]);
        let token = Self::str_of(&session, "/token");
        self.sandbox.pay_payment_page(&token, "success").unwrap();
        token
    }

    /// An Alias/Insert token whose register form the payer completed.
    fn registered(&self) -> String {
        let session = self.ok(&[
            "saferpay",
            "insert-alias",
            "--return-url",
            "https://shop.example/return",
        ]);
        let token = Self::str_of(&session, "/token");
        self.sandbox.pay_payment_page(&token, "success").unwrap();
        token
    }

    fn authorized(&self) -> String {
        self.paid_page().2
    }

    /// (transaction id, capture id) of a captured payment.
    fn captured(&self) -> (String, String) {
        let transaction = self.authorized();
        let capture = self.ok(&["saferpay", "capture", "--transaction-id", &transaction]);
        (transaction, Self::str_of(&capture, "/capture_id"))
    }

    fn refunded(&self) -> String {
        let (_, capture) = self.captured();
        let refund = self.ok(&[
            "saferpay",
            "refund",
            "--capture-id",
            &capture,
            "--amount",
            "1.00",
            "--currency",
            "CHF",
        ]);
        let refund = Self::str_of(&refund, "/transaction/id");
        // A refund is authorized first and captured like a payment.
        self.ok(&["saferpay", "capture", "--transaction-id", &refund]);
        refund
    }

    fn partly_captured(&self) -> String {
        let transaction = self.authorized();
        self.ok(&[
            "saferpay",
            "multipart-capture",
            "--transaction-id",
            &transaction,
            "--amount",
            "2.00",
            "--currency",
            "CHF",
            "--capture-type",
            "PARTIAL",
            "--order-part-id",
            &self.unique("part"),
        ]);
        transaction
    }

    fn offer(&self) -> String {
        let offer = self.ok(&[
            "saferpay",
            "create-offer",
            "--amount",
            "4.04",
            "--currency",
            "CHF",
            "--order-id",
            &self.unique("offer"),
            "--description",
            "paywire cli test",
            "--expires-at",
            "+2d",
        ]);
        Self::str_of(&offer, "/offer_id")
    }

    fn fields_token(&self) -> String {
        let token = self.ok(&[
            "saferpay",
            "create-fields-access-token",
            "--description",
            "paywire cli test",
            "--source-urls",
            "https://shop.example/pay",
        ]);
        token.as_str().unwrap().to_owned()
    }

    fn smart_transaction(&self) -> String {
        let stx = self.ok(&[
            "secuconnect",
            "create-smart-transaction",
            "--amount",
            "5.00",
            "--currency",
            "EUR",
        ]);
        Self::str_of(&stx, "/id")
    }

    /// A Smart Transaction the payer completed, and its payment transaction (`PCI_…`).
    fn completed(&self) -> (String, String) {
        let stx = self.smart_transaction();
        let done = self
            .sandbox
            .complete_smart_transaction(&stx, "success")
            .unwrap();
        (stx, Self::str_of(&done, "/transactions/0/id"))
    }

    fn payment_transaction(&self) -> String {
        self.completed().1
    }
    /// A Smart Transaction started with `method`, and its payment transaction.
    fn started_with(&self, method: &str) -> String {
        let stx = self.smart_transaction();
        let started = self.ok(&[
            "secuconnect",
            "start-smart-transaction",
            "--id",
            &stx,
            "--payment-method",
            method,
        ]);
        Self::str_of(&started, "/transactions/0/id")
    }
    /// An authorised (prepared, not started) card payment.
    fn authorized_payment(&self) -> String {
        let stx = self.smart_transaction();
        let prepared = self.ok(&[
            "secuconnect",
            "prepare-smart-transaction",
            "--id",
            &stx,
            "--payment-method",
            "creditcard",
        ]);
        Self::str_of(&prepared, "/transactions/0/id")
    }
    fn payment_container(&self) -> String {
        let container = self.ok(&[
            "secuconnect",
            "create-payment-container",
            "--bank-account",
            &Self::bank_account(),
        ]);
        Self::str_of(&container, "/id")
    }
    fn bank_account() -> String {
        json!({"owner": "Max Mustermann", "iban": "DE35500105175418493188"}).to_string()
    }

    fn order(&self) -> String {
        let id = self.unique("order");
        let items = self.items_file();
        self.ok(&[
            "sekurepay",
            "create-order",
            "--order-id",
            &id,
            "--currency",
            "USD",
            "--items",
            &format!("@{items}"),
        ]);
        id
    }

    fn items_file(&self) -> String {
        let path = self.home.path().join("items.json");
        std::fs::write(
            &path,
            json!([{"description": "Coffee beans", "amount_cents": 1250, "quantity": 2}])
                .to_string(),
        )
        .unwrap();
        path.display().to_string()
    }

    fn currency(row: &OperationInfo) -> &'static str {
        match row.provider {
            "saferpay" => "CHF",
            "secuconnect" => "EUR",
            _ => "USD",
        }
    }

    /// The value of one parameter for one row: what it names must exist in the sandbox.
    fn value(&self, row: &OperationInfo, param: &Param) -> String {
        match (row.provider, row.name, param.name) {
            ("saferpay", "multipart_finalize", "transaction_id") => self.partly_captured(),
            ("saferpay", "assert_refund", "transaction_id") => self.refunded(),
            ("saferpay", "authorize_referenced", "transaction_id") => self.recurring(),
            ("saferpay", "authorize_transaction", "token") => self.ready_transaction(),
            ("saferpay", "assert_alias_insert", "token") => self.registered(),
            ("saferpay", "insert_alias_direct", "payment_means") => Self::CARD.into(),
            ("saferpay", _, "payment_means") => json!({"alias_id": self.alias()}).to_string(),
            ("saferpay", _, "alias_id") => self.alias(),
            ("saferpay", "update_alias", "exp_year") => "2040".into(),
            ("saferpay", _, "transaction_id") => self.authorized(),
            ("saferpay", _, "capture_id") => self.captured().1,
            ("saferpay", _, "offer_id") => self.offer(),
            ("saferpay", _, "token") => self.paid_page().0,
            ("saferpay", "inquire_by_order_id", "order_id") => self.paid_page().1,
            ("saferpay", _, "terminal_id") => credentials::SAFERPAY_TERMINAL_ID.to_owned(),
            ("saferpay", _, "access_token") => self.fields_token(),
            ("saferpay", _, "start") => days_ago(2),
            ("saferpay", _, "end") => format!("{}T23:59", days_ago(1)),
            ("saferpay", _, "capture_type") => "PARTIAL".into(),
            (_, _, name) if name.ends_with("_url") || name.ends_with("_urls") => {
                "https://shop.example/return".into()
            }
            ("secuconnect", "capture_payment_transaction", "id") => self.authorized_payment(),
            ("secuconnect", "revoke_accrual", "id") => self.started_with("invoice"),
            ("secuconnect", _, "id") if row.name.contains("payment_container") => {
                self.payment_container()
            }
            ("secuconnect", _, "bank_account") => Self::bank_account(),
            ("secuconnect", _, "id")
                if row.name.contains("payment_transaction")
                    || row.name.contains("payment_status") =>
            {
                self.payment_transaction()
            }
            ("secuconnect", "set_delivery", "id") => self.completed().0,
            ("secuconnect", _, "id") => self.smart_transaction(),
            ("secuconnect", _, "payment_method") => "prepaid".into(),
            ("secuconnect", _, "delivery") => {
                json!({"type": "shipping", "shipped_by": "DHL", "tracking_code": "T-1"}).to_string()
            }
            ("secuconnect", _, "body") => json!({
                "object": "event.pushes",
                "id": self.unique("evt"),
                "target": "payment.transactions",
                "type": "changed",
                "data": [{"object": "payment.transactions", "id": self.payment_transaction()}],
            })
            .to_string(),
            ("sekurepay", "get_order", "order_id") => self.order(),
            ("sekurepay", _, "currency") => "USD".into(),
            ("sekurepay", _, "items") => format!("@{}", self.items_file()),
            // Anything else by its type.
            _ => match inner_type(param).as_str() {
                "Money" => "5.00".into(),
                "bool" => "true".into(),
                "u32" | "u64" | "i64" | "i32" => "1".into(),
                t if t.starts_with("DateTime<") => "+2d".into(),
                "String" | "Secret" => self.unique(param.name),
                _ => "{}".into(),
            },
        }
    }

    /// Optional parameters a row needs in the sandbox's state.
    fn wanted(row: &OperationInfo, param: &Param) -> bool {
        // A created Smart Transaction starts only with a method named.
        (row.name, param.name) == ("start_smart_transaction", "payment_method")
    }

    /// The command line for a row: every required parameter, and every amount (so the money
    /// flags of each row are exercised).
    fn args(&self, row: &OperationInfo) -> Vec<String> {
        let mut args = vec![row.provider.to_owned(), kebab(row.name)];
        let has_currency_param = row.params().iter().any(|p| p.name == "currency");
        for param in row.params() {
            let money = inner_type(param) == "Money";
            if !param.is_required() && !money && !Self::wanted(row, param) {
                continue;
            }
            args.push(format!("--{}", kebab(param.name)));
            args.push(self.value(row, param));
            if money {
                let flag = if has_currency_param {
                    format!("--{}-currency", kebab(param.name))
                } else {
                    "--currency".to_owned()
                };
                if !args.contains(&flag) {
                    args.push(flag);
                    args.push(Self::currency(row).to_owned());
                }
            }
        }
        args
    }
}

/// The JSON an answer of the row's output type has.
fn check_shape(row: &OperationInfo, result: &Value) {
    let ok = match (row.paging.page_size(), row.output) {
        (Some(_), _) => result.is_array(),
        (_, "()") => result.is_null(),
        (_, "String") => result.is_string(),
        (_, output) if output.starts_with("Vec<") => result.is_array(),
        _ => result.is_object(),
    };
    assert!(
        ok,
        "{}.{} answered {result} for output {}",
        row.provider, row.name, row.output
    );
}

/// What some answers must say about the input (the rest: the shape).
fn check_content(row: &OperationInfo, args: &[String], result: &Value) {
    let arg = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_default()
    };
    let name = format!("{}.{}", row.provider, row.name);
    match name.as_str() {
        "saferpay.get_offer" => assert_eq!(result["offer_id"], json!(arg("--offer-id"))),
        "saferpay.terminal" => assert_eq!(result["terminal_id"], json!(arg("--terminal-id"))),
        "saferpay.capture" | "saferpay.multipart_capture" => {
            assert_eq!(result["status"], json!("CAPTURED"), "{result}")
        }
        "saferpay.cancel" => {
            assert_eq!(result["transaction_id"], json!(arg("--transaction-id")))
        }
        "saferpay.inquire" => {
            assert_eq!(result["transaction"]["id"], json!(arg("--transaction-id")))
        }
        "saferpay.assert_payment_page" | "saferpay.payment_outcome" => {
            assert_eq!(
                result["transaction"]["status"],
                json!("AUTHORIZED"),
                "{result}"
            )
        }
        "saferpay.inquire_by_order_id" => {
            assert_eq!(result["transaction"]["order_id"], json!(arg("--order-id")))
        }
        "saferpay.transactions" => assert!(!result.as_array().unwrap().is_empty()),
        "saferpay.create_offer" | "saferpay.initialize_payment_page" => {
            assert!(result.to_string().contains("http://127.0.0.1"), "{result}")
        }
        "secuconnect.create_smart_transaction" => {
            assert_eq!(result["amount"], json!({"minor": 500, "currency": "EUR"}))
        }
        "secuconnect.get_smart_transaction" | "secuconnect.update_smart_transaction" => {
            assert_eq!(result["id"], json!(arg("--id")))
        }
        "secuconnect.get_payment_transaction" => assert_eq!(result["id"], json!(arg("--id"))),
        "secuconnect.fetch_push_payment_transactions" => {
            assert_eq!(result.as_array().unwrap().len(), 1, "{result}")
        }
        "sekurepay.create_order" => {
            assert_eq!(result["id"], json!(arg("--order-id")));
            assert_eq!(result["total"], json!({"minor": 2500, "currency": "USD"}));
        }
        "sekurepay.get_order" | "sekurepay.find_or_create_order" => {
            assert_eq!(result["id"], json!(arg("--order-id")))
        }
        _ => {}
    }
}

#[test]
fn every_row_of_every_table_runs_as_a_command() {
    let fixtures = Fixtures::new();
    let rows = paywire::operation::all();
    assert!(rows.len() >= 30, "the tables shrank? {}", rows.len());
    let mut failures = Vec::new();
    for row in rows {
        let args = fixtures.args(row);
        let out = fixtures.run(&args);
        if out.code != 0 {
            failures.push(format!(
                "paywire {} -> exit {}: {}",
                args.join(" "),
                out.code,
                out.stderr
            ));
            continue;
        }
        let result = json(&out.stdout);
        check_shape(row, &result);
        check_content(row, &args, &result);
    }
    assert!(
        failures.is_empty(),
        "rows that did not run (a new row may need a value in Fixtures::value):\n{}",
        failures.join("\n")
    );
}

#[test]
fn bad_values_are_validation_errors_naming_the_field_as_json() {
    let fixtures = Fixtures::new();
    // Every row with an amount: one decimal too many, refused by the core before sending.
    for row in paywire::operation::all() {
        let Some(money) = row.params().iter().find(|p| inner_type(p) == "Money") else {
            continue;
        };
        let mut args = fixtures.args(row);
        let flag = format!("--{}", kebab(money.name));
        let at = args.iter().position(|a| *a == flag).unwrap() + 1;
        args[at] = "5.001".into();
        let out = fixtures.run(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        let error = json(&out.stderr);
        assert_eq!(error["error"]["kind"], json!("validation"), "{error}");
        assert_eq!(error["error"]["field"], json!(money.name), "{error}");
    }
    // A nested field the core checks, named by its path.
    let out = fixtures.run(&[
        "secuconnect".into(),
        "set-delivery".into(),
        "--id".into(),
        "STX_X".into(),
        "--delivery".into(),
        r#"{"type": "teleport"}"#.into(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let error = json(&out.stderr);
    assert_eq!(error["error"]["field"], json!("delivery.type"), "{error}");
    // Invalid inline JSON and a missing @file: nothing is sent.
    let bad_json = fixtures.run(&[
        "sekurepay".into(),
        "create-order".into(),
        "--order-id".into(),
        "x".into(),
        "--currency".into(),
        "USD".into(),
        "--items".into(),
        "[{oops".into(),
    ]);
    assert_eq!(bad_json.code, 2, "{}", bad_json.stderr);
    assert!(bad_json.stderr.contains("--items"), "{}", bad_json.stderr);
    let missing = fixtures.run(&[
        "sekurepay".into(),
        "create-order".into(),
        "--order-id".into(),
        "x".into(),
        "--currency".into(),
        "USD".into(),
        "--items".into(),
        "@no-such-file.json".into(),
    ]);
    assert_eq!(missing.code, 74, "{}", missing.stderr);
    // A provider error keeps the documented exit code and names the provider.
    let not_found = fixtures.run(&[
        "saferpay".into(),
        "inquire".into(),
        "--transaction-id".into(),
        "NoSuchTransaction1".into(),
    ]);
    assert_eq!(not_found.code, 4, "{}", not_found.stderr);
    let error = json(&not_found.stderr);
    assert_eq!(error["error"]["kind"], json!("not_found"), "{error}");
    assert_eq!(error["error"]["provider"], json!("saferpay"), "{error}");
}

#[test]
fn bool_flags_take_no_value_or_true_false() {
    let fixtures = Fixtures::new();
    for pre_auth in [
        vec!["--pre-auth"],
        vec!["--pre-auth", "true"],
        vec!["--pre-auth", "false"],
    ] {
        let mut args: Vec<String> = [
            "saferpay",
            "initialize-payment-page",
            "--amount",
            "5.00",
            "--currency",
            "CHF",
            "--order-id",
            &fixtures.unique("bool"),
            "--description",
            "d",
            "--return-url",
            "https://shop.example/return",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        args.extend(pre_auth.iter().map(|s| (*s).to_owned()));
        let out = fixtures.run(&args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
    let bad = fixtures.run(&[
        "saferpay".into(),
        "initialize-payment-page".into(),
        "--pre-auth".into(),
        "maybe".into(),
    ]);
    assert_eq!(bad.code, 2);
}

#[test]
fn help_comes_from_the_tables() {
    let home = TempDir::new("ophelp");
    for (provider, _) in [("saferpay", ()), ("secuconnect", ()), ("sekurepay", ())] {
        let out = run(paywire(home.path()).args([provider, "--help"]));
        assert_eq!(code(&out), 0);
        let text = stdout(&out);
        for row in paywire::operation::all()
            .into_iter()
            .filter(|r| r.provider == provider)
        {
            assert!(
                text.contains(&kebab(row.name)),
                "{provider} --help lacks {}",
                row.name
            );
        }
    }
    for row in paywire::operation::all() {
        let out = run(paywire(home.path()).args([row.provider, &kebab(row.name), "--help"]));
        assert_eq!(code(&out), 0);
        let text = stdout(&out);
        let first_words: String = row
            .doc
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.contains(&first_words), "{}: {text}", row.name);
        assert!(text.contains("Example:"), "{}: {text}", row.name);
        for param in row.params() {
            assert!(
                text.contains(&format!("--{}", kebab(param.name))),
                "{}.{} help lacks --{}",
                row.provider,
                row.name,
                param.name
            );
            let default = match param.default {
                None => "required".to_owned(),
                Some("null") => "optional".to_owned(),
                Some(d) => format!("default: {d}"),
            };
            assert!(text.contains(&default), "{}: {text}", param.name);
        }
        for secret in [
            credentials::SAFERPAY_PASSWORD,
            credentials::SECUCONNECT_CLIENT_SECRET,
            credentials::SEKUREPAY_API_KEY,
        ] {
            assert!(!text.contains(secret));
        }
    }
}

#[test]
fn log_level_and_paywire_log_log_to_stderr_without_secrets() {
    let fixtures = Fixtures::new();
    let secrets = [
        credentials::SAFERPAY_PASSWORD,
        credentials::SECUCONNECT_CLIENT_SECRET,
        credentials::SEKUREPAY_API_KEY,
    ];
    let by_flag = run(paywire(fixtures.home.path())
        .args(["--log-level", "debug", "--sandbox", fixtures.sandbox.url()])
        .args(["saferpay", "terminals"]));
    let by_env = run(paywire(fixtures.home.path())
        .env("PAYWIRE_LOG", "debug")
        .args(["--sandbox", fixtures.sandbox.url()])
        .args([
            "secuconnect",
            "create-smart-transaction",
            "--amount",
            "1.00",
            "--currency",
            "EUR",
        ]));
    for out in [&by_flag, &by_env] {
        assert_eq!(code(out), 0, "{}", stderr(out));
        let log = stderr(out);
        assert!(log.contains("DEBUG"), "no log lines: {log}");
        for secret in secrets {
            assert!(!log.contains(secret), "secret in the log: {log}");
        }
        // stdout stays the result alone.
        assert!(!stdout(out).contains("DEBUG"));
    }
    let quiet = run(paywire(fixtures.home.path())
        .args(["--sandbox", fixtures.sandbox.url()])
        .args(["saferpay", "terminals"]));
    assert_eq!(code(&quiet), 0);
    assert!(stderr(&quiet).is_empty(), "{}", stderr(&quiet));
}
