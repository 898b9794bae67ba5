//! Where calls run: a Rust caller on a multi-thread runtime awaits paywire in place; blocking
//! callers, current-thread runtimes and the bindings' edge use the shared runtime. One client
//! keeps working while the runtimes that use it come and go (one per `#[tokio::test]`, or one
//! per job in an application), with its pooled connections opened on runtimes already dropped.

use chrono::{Duration, Utc};
use paywire::{Money, saferpay};
use paywire_sandbox::Sandbox;
use paywire_testing::SandboxClients;

fn thread_name() -> String {
    std::thread::current().name().unwrap_or("").to_owned()
}

/// The runtime a call ran on, named by its worker threads: a task spawned from inside the call
/// lands on that runtime's workers (the call itself may be polled on a blocked caller thread).
async fn where_it_ran() -> String {
    paywire::rt::run_call(async {
        tokio::spawn(async { thread_name() })
            .await
            .map_err(|e| paywire::Error::internal(e.to_string()))
    })
    .await
    .unwrap()
}

fn runtime(flavor_multi_thread: bool) -> tokio::runtime::Runtime {
    let mut builder = if flavor_multi_thread {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    builder
        .worker_threads(2)
        .thread_name("caller-rt")
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_multi_thread_caller_runtime_runs_the_call_in_place() {
    let ran_on = runtime(true).block_on(async { tokio::spawn(where_it_ran()).await.unwrap() });
    assert_eq!(ran_on, "caller-rt");
}

#[test]
fn a_current_thread_runtime_and_the_binding_edge_hop_to_the_shared_runtime() {
    let on_current_thread = runtime(false).block_on(where_it_ran());
    assert_eq!(on_current_thread, "paywire-rt");
    let at_binding_edge = runtime(true).block_on(async {
        tokio::spawn(paywire::rt::on_shared_runtime(where_it_ran()))
            .await
            .unwrap()
    });
    assert_eq!(at_binding_edge, "paywire-rt");
}

#[test]
fn blocking_callers_run_on_the_shared_runtime() {
    let ran_on = paywire::rt::block_on(async { Ok(where_it_ran().await) }).unwrap();
    assert_eq!(ran_on, "paywire-rt");
}

/// Creates an offer and reads it back: two calls, so the second reuses a pooled connection.
async fn offer_round_trip(client: &saferpay::Client, n: usize) {
    let expires = (Utc::now() + Duration::days(7)).fixed_offset();
    let order_id = format!("runtime-{n}");
    let offer = client
        .create_offer(saferpay::CreateOffer::new(
            Money::parse("4.04", "CHF").unwrap(),
            order_id.as_str(),
            "come and go",
            expires,
        ))
        .await
        .unwrap();
    let read = client.get_offer(&offer.offer_id, None).await.unwrap();
    assert_eq!(read.offer_id, offer.offer_id);
}

#[test]
fn one_client_outlives_the_runtimes_that_use_it() {
    let sandbox = Sandbox::start().unwrap();
    let client = sandbox.saferpay_client().unwrap();
    // Alternating flavours: connections opened on a multi-thread runtime stay in the pool after
    // it is dropped; the next runtime must get fresh ones, not hang or fail.
    for n in 0..12 {
        let rt = runtime(n % 2 == 0);
        rt.block_on(async {
            // Several calls in flight, so the pool holds several connections.
            let calls = (0..4).map(|i| {
                let client = client.clone();
                tokio::spawn(async move { offer_round_trip(&client, n * 10 + i).await })
            });
            for call in futures_util::future::join_all(calls).await {
                call.unwrap();
            }
        });
        drop(rt);
    }
    // And from a blocking caller afterwards, on the same client.
    paywire::rt::block_on({
        let client = client.clone();
        async move {
            offer_round_trip(&client, 999).await;
            Ok(())
        }
    })
    .unwrap();
}
