//! Token manager tests on a scripted transport and a paused clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

use super::endpoint::{Credentials, TokenEndpoint};
use super::*;
use crate::config::{ClientOptions, RequestOptions};
use crate::error::{ErrorKind, Provider};
use crate::http::scripted::{Scripted, Step};
use crate::http::{Engine, FailureStage, HttpRequest};
use crate::secret::Secret;

const SECRET: &str = "client-secret-never-shown";

fn manager_with(script: &Scripted, mode: AuthMode, store: Arc<dyn TokenStore>) -> TokenManager {
    let options = ClientOptions {
        max_retries: 0,
        ..ClientOptions::default()
    };
    let engine = Arc::new(
        Engine::new(
            Provider::Secuconnect,
            options,
            Some(Arc::new(script.clone())),
        )
        .unwrap(),
    );
    TokenManager::new(
        TokenEndpoint {
            engine,
            url: url::Url::parse("https://auth.test/oauth/token").unwrap(),
            provider: Provider::Secuconnect,
            credentials: Credentials {
                client_id: "client-1".into(),
                client_secret: Secret::new(SECRET),
            },
        },
        mode,
        store,
        DEFAULT_REFRESH_MARGIN,
    )
}

fn manager(script: &Scripted) -> TokenManager {
    manager_with(
        script,
        AuthMode::ClientCredentials,
        Arc::new(MemoryTokenStore::new()),
    )
}

fn token(access: &str) -> Step {
    Step::json(
        200,
        &json!({"access_token": access, "expires_in": 1200, "token_type": "bearer", "scope": "https://scope.secucard.com/e/api"})
            .to_string(),
    )
}

fn body(request: &HttpRequest) -> Value {
    serde_json::from_slice(request.body.as_deref().unwrap_or(b"null")).unwrap()
}

fn opts() -> RequestOptions {
    RequestOptions::default()
}

#[tokio::test(start_paused = true)]
async fn token_is_cached_and_reused() {
    let script = Scripted::new(vec![token("tok-1")]);
    let tm = manager(&script);
    for _ in 0..5 {
        assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "tok-1");
    }
    let sent = script.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].url.path(), "/oauth/token");
    assert_eq!(sent[0].method, http::Method::POST);
    assert_eq!(
        sent[0].headers.get(http::header::CONTENT_TYPE).unwrap(),
        "application/json"
    );
    assert_eq!(
        body(&sent[0]),
        json!({"grant_type": "client_credentials", "client_id": "client-1", "client_secret": SECRET})
    );
    let info = tm.token_info().unwrap();
    assert_eq!(info.expires_in, 1200);
    assert!(!info.has_refresh_token);
}

#[tokio::test(start_paused = true)]
async fn refreshes_sixty_seconds_ahead_of_expiry() {
    let script = Scripted::new(vec![token("tok-1"), token("tok-2")]);
    let tm = manager(&script);
    assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "tok-1");
    tokio::time::advance(Duration::from_secs(1139)).await;
    assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "tok-1");
    assert_eq!(script.requests().len(), 1, "not yet due");
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "tok-2");
    assert_eq!(script.requests().len(), 2, "refreshed 60 s before expiry");
}

#[tokio::test(start_paused = true)]
async fn failed_early_refresh_keeps_the_still_valid_token() {
    let script = Scripted::new(vec![token("tok-1"), Step::html(503, "busy")]);
    let tm = manager(&script);
    tm.access_token(&opts()).await.unwrap();
    tokio::time::advance(Duration::from_secs(1150)).await;
    assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "tok-1");
    assert_eq!(script.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn short_lifetimes_still_get_half_their_life() {
    let script = Scripted::new(vec![
        Step::json(200, r#"{"access_token":"short","expires_in":30}"#),
        token("tok-2"),
    ]);
    let tm = manager(&script);
    tm.access_token(&opts()).await.unwrap();
    tokio::time::advance(Duration::from_secs(14)).await;
    assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "short");
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "tok-2");
}

/// Answers token requests after a pause, numbering the tokens, and counts them.
fn counting_token_endpoint(counter: Arc<AtomicUsize>, pause: Duration) -> Scripted {
    Scripted::routed(move |_| {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        Step::Delay(pause, Box::new(token(&format!("tok-{n}"))))
    })
}

#[tokio::test(start_paused = true)]
async fn two_hundred_concurrent_callers_cause_one_token_request() {
    let counter = Arc::new(AtomicUsize::new(0));
    let script = counting_token_endpoint(counter.clone(), Duration::from_millis(200));
    let tm = Arc::new(manager(&script));
    // First with no token at all, then with an expired one.
    for round in 1..=2 {
        let tasks: Vec<_> = (0..200)
            .map(|_| {
                let tm = tm.clone();
                tokio::spawn(async move { tm.access_token(&RequestOptions::default()).await })
            })
            .collect();
        for task in tasks {
            let token = task.await.unwrap().unwrap();
            assert_eq!(token.expose(), format!("tok-{round}"));
        }
        assert_eq!(counter.load(Ordering::SeqCst), round);
        tokio::time::advance(Duration::from_secs(1300)).await;
    }
}

#[tokio::test(start_paused = true)]
async fn concurrent_callers_share_one_failure_too() {
    let counter = Arc::new(AtomicUsize::new(0));
    let seen = counter.clone();
    let script = Scripted::routed(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
        Step::Delay(
            Duration::from_millis(100),
            Box::new(Step::json(
                400,
                r#"{"error":"invalid_client","error_description":"The client credentials are invalid"}"#,
            )),
        )
    });
    let tm = Arc::new(manager(&script));
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let tm = tm.clone();
            tokio::spawn(async move { tm.access_token(&RequestOptions::default()).await })
        })
        .collect();
    for task in tasks {
        let error = task.await.unwrap().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Authentication);
        assert_eq!(error.code(), Some("invalid_client"));
        assert!(!format!("{error} {error:?}").contains(SECRET));
    }
    assert_eq!(counter.load(Ordering::SeqCst), 1);
    // A later caller tries again (failures are shared, not cached).
    let _ = tm.access_token(&opts()).await;
    assert_eq!(counter.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn invalidate_drops_only_the_current_token() {
    let script = Scripted::new(vec![token("tok-1"), token("tok-2")]);
    let tm = manager(&script);
    let first = tm.access_token(&opts()).await.unwrap();
    assert!(!tm.invalidate(&Secret::new("some-other-token")));
    assert!(tm.invalidate(&first));
    assert!(
        !tm.invalidate(&first),
        "second invalidation of the same token is a no-op"
    );
    assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "tok-2");
    assert!(
        !tm.invalidate(&first),
        "an old token never drops the new one"
    );
    assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "tok-2");
    assert_eq!(script.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn concurrent_invalidations_of_one_token_cause_one_refresh() {
    let counter = Arc::new(AtomicUsize::new(0));
    let script = counting_token_endpoint(counter.clone(), Duration::from_millis(50));
    let tm = Arc::new(manager(&script));
    let rejected = tm.access_token(&opts()).await.unwrap();
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let (tm, rejected) = (tm.clone(), rejected.clone());
            tokio::spawn(async move {
                tm.invalidate(&rejected);
                tm.access_token(&RequestOptions::default()).await
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().expose(), "tok-2");
    }
    assert_eq!(counter.load(Ordering::SeqCst), 2);
}

fn seeded_store(refresh: &str) -> Arc<MemoryTokenStore> {
    let store = Arc::new(MemoryTokenStore::new());
    store
        .put(
            "secuconnect|https://auth.test/oauth/token|client-1|client_credentials",
            &StoredToken {
                access_token: Secret::new("old"),
                refresh_token: Some(Secret::new(refresh)),
                expires_at: 0,
                token_type: None,
                scope: None,
            },
        )
        .unwrap();
    store
}

#[tokio::test(start_paused = true)]
async fn uses_the_refresh_token_first_and_keeps_it() {
    let store = seeded_store("refresh-1");
    let script = Scripted::new(vec![Step::json(
        200,
        r#"{"access_token":"tok-r","expires_in":1200,"token_type":"bearer","scope":null}"#,
    )]);
    let tm = manager_with(&script, AuthMode::ClientCredentials, store.clone());
    assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "tok-r");
    let sent = script.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        body(&sent[0]),
        json!({"grant_type": "refresh_token", "client_id": "client-1", "client_secret": SECRET, "refresh_token": "refresh-1"})
    );
    let stored = store.get(&tm.store_key().unwrap()).unwrap().unwrap();
    assert_eq!(stored.access_token.expose(), "tok-r");
    assert_eq!(
        stored.refresh_token.as_ref().map(Secret::expose),
        Some("refresh-1"),
        "the session's refresh token stays"
    );
    assert!(tm.token_info().unwrap().has_refresh_token);
}

#[tokio::test(start_paused = true)]
async fn falls_back_to_the_primary_grant_when_the_refresh_token_is_dead() {
    let store = seeded_store("refresh-dead");
    let script = Scripted::new(vec![
        Step::json(
            400,
            r#"{"error":"invalid_grant","error_description":"Refresh token has expired"}"#,
        ),
        token("tok-cc"),
    ]);
    let tm = manager_with(&script, AuthMode::ClientCredentials, store.clone());
    assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "tok-cc");
    let sent = script.requests();
    assert_eq!(body(&sent[0])["grant_type"], "refresh_token");
    assert_eq!(body(&sent[1])["grant_type"], "client_credentials");
    let stored = store.get(&tm.store_key().unwrap()).unwrap().unwrap();
    assert!(stored.refresh_token.is_none());
}

#[tokio::test(start_paused = true)]
async fn transient_refresh_failures_keep_the_refresh_token() {
    let store = seeded_store("refresh-1");
    let script = Scripted::new(vec![Step::Fail(FailureStage::MaybeSent)]);
    let tm = manager_with(&script, AuthMode::ClientCredentials, store.clone());
    let error = tm.access_token(&opts()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(
        !error.outcome_unknown(),
        "token requests have no business effect"
    );
    assert_eq!(
        script.requests().len(),
        1,
        "no fallback on a transient failure"
    );
    let stored = store.get(&tm.store_key().unwrap()).unwrap().unwrap();
    assert_eq!(
        stored.refresh_token.as_ref().map(Secret::expose),
        Some("refresh-1")
    );
}

#[tokio::test(start_paused = true)]
async fn a_restarted_client_adopts_the_stored_token() {
    let store: Arc<dyn TokenStore> = Arc::new(MemoryTokenStore::new());
    let script = Scripted::new(vec![token("tok-1")]);
    let first = manager_with(&script, AuthMode::ClientCredentials, store.clone());
    first.access_token(&opts()).await.unwrap();
    let second = manager_with(&script, AuthMode::ClientCredentials, store);
    assert_eq!(
        second.access_token(&opts()).await.unwrap().expose(),
        "tok-1"
    );
    assert_eq!(script.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn an_invalidated_token_is_not_adopted_again() {
    let store: Arc<dyn TokenStore> = Arc::new(MemoryTokenStore::new());
    let script = Scripted::new(vec![token("tok-1"), token("tok-2")]);
    let tm = manager_with(&script, AuthMode::ClientCredentials, store.clone());
    let first = tm.access_token(&opts()).await.unwrap();
    tm.invalidate(&first);
    assert!(store.get(&tm.store_key().unwrap()).unwrap().is_none());
    assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "tok-2");
}

#[tokio::test(start_paused = true)]
async fn device_flow_polls_through_pending_and_slow_down() {
    let pending = r#"{"error":"authorization_pending","error_description":"pending"}"#;
    let script = Scripted::new(vec![
        Step::json(
            200,
            r#"{"device_code":"dev-code-1","user_code":"aa63q9k9","verification_url":"http://www.secuoffice.com","expires_in":1200,"interval":5}"#,
        ),
        Step::json(400, pending),
        Step::json(400, r#"{"error":"slow_down"}"#),
        Step::json(400, pending),
        Step::json(
            200,
            r#"{"access_token":"dev-tok","expires_in":1200,"token_type":"bearer","scope":null,"refresh_token":"dev-refresh"}"#,
        ),
    ]);
    let tm = manager(&script);
    let authorization = tm
        .device_authorize("/vendor/x/cashier/1", &opts())
        .await
        .unwrap();
    assert_eq!(authorization.user_code, "aa63q9k9");
    assert_eq!(authorization.interval, 5);
    assert!(!format!("{authorization:?}").contains("dev-code-1"));
    let started = tokio::time::Instant::now();
    let info = tm.device_poll(&authorization, &opts()).await.unwrap();
    // 5 s, 5 s, then 10 s after slow_down, then 10 s.
    assert_eq!(started.elapsed(), Duration::from_secs(30));
    assert!(info.has_refresh_token);
    assert_eq!(
        tm.mode().unwrap(),
        AuthMode::Device {
            uuid: "/vendor/x/cashier/1".into()
        }
    );
    assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "dev-tok");
    let sent = script.requests();
    assert_eq!(
        body(&sent[0]),
        json!({"grant_type": "device", "client_id": "client-1", "client_secret": SECRET, "uuid": "/vendor/x/cashier/1"})
    );
    assert_eq!(
        body(&sent[1]),
        json!({"grant_type": "device", "client_id": "client-1", "client_secret": SECRET, "code": "dev-code-1"})
    );
    assert_eq!(sent.len(), 5);
    assert!(
        tm.store_key()
            .unwrap()
            .ends_with("|device|/vendor/x/cashier/1")
    );
}

#[tokio::test(start_paused = true)]
async fn device_flow_gives_up_when_the_code_expires() {
    let pending = Step::json(400, r#"{"error":"authorization_pending"}"#);
    let script = Scripted::routed(move |_| match &pending {
        Step::Respond { status, body, json } => Step::Respond {
            status: *status,
            body: body.clone(),
            json: *json,
        },
        _ => unreachable!(),
    });
    let tm = manager(&script);
    let authorization = DeviceAuthorization {
        uuid: "dev-1".into(),
        device_code: Secret::new("code"),
        user_code: "u".into(),
        verification_url: "https://example.test".into(),
        expires_in: 20,
        interval: 5,
    };
    let error = tm.device_poll(&authorization, &opts()).await.unwrap_err();
    assert_eq!(error.code(), Some(EXPIRED_TOKEN));
    assert_eq!(error.kind(), ErrorKind::Authentication);
    assert_eq!(script.requests().len(), 4);
}

#[tokio::test(start_paused = true)]
async fn device_mode_without_a_session_asks_for_authorisation() {
    let script = Scripted::new(vec![]);
    let tm = manager_with(
        &script,
        AuthMode::Device {
            uuid: "dev-1".into(),
        },
        Arc::new(MemoryTokenStore::new()),
    );
    let error = tm.access_token(&opts()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authentication);
    assert_eq!(error.code(), Some("device_not_authorized"));
    assert!(script.requests().is_empty());
}

#[test]
fn oauth_error_kinds() {
    for (code, kind) in [
        ("invalid_client", ErrorKind::Authentication),
        ("invalid_grant", ErrorKind::Authentication),
        ("invalid_token", ErrorKind::Authentication),
        ("invalid_device", ErrorKind::Authentication),
        ("authorization_pending", ErrorKind::Authentication),
        ("unsupported_grant_type", ErrorKind::Api),
        ("invalid_request", ErrorKind::Api),
        ("unauthorized_client", ErrorKind::Permission),
        ("something_new", ErrorKind::Api),
    ] {
        assert_eq!(kind_for_oauth_error(code, 400), kind, "{code}");
    }
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let script = Scripted::new(vec![]);
    let tm = manager(&script);
    let text = format!("{tm:?}");
    assert!(!text.contains(SECRET), "{text}");
    let stored = StoredToken {
        access_token: Secret::new("acc-123"),
        refresh_token: Some(Secret::new("ref-456")),
        expires_at: 1,
        token_type: None,
        scope: None,
    };
    let text = format!("{stored:?}");
    assert!(
        !text.contains("acc-123") && !text.contains("ref-456"),
        "{text}"
    );
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "paywire-oauth-{name}-{}-{:x}",
        std::process::id(),
        fastrand::u64(..)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn file_store_round_trips_privately_and_atomically() {
    let dir = temp_dir("roundtrip");
    let store = FileTokenStore::new(&dir).unwrap();
    let key = "secuconnect|https://auth.test/oauth/token|client-1|client_credentials";
    assert!(store.get(key).unwrap().is_none());
    let token = StoredToken {
        access_token: Secret::new("acc-1"),
        refresh_token: Some(Secret::new("ref-1")),
        expires_at: 4_000_000_000,
        token_type: Some("bearer".into()),
        scope: None,
    };
    store.put(key, &token).unwrap();
    assert_eq!(store.get(key).unwrap().unwrap(), token);
    let path = store.path_for(key);
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    assert!(name.starts_with("paywire-token-") && !name.contains("client-1"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(dir_mode, 0o700);
    }
    // Overwrite: no temp files left behind.
    store.put(key, &token).unwrap();
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 1);
    // Another key never reads this file's token.
    assert!(store.get("another-key").unwrap().is_none());
    store.clear(key).unwrap();
    assert!(store.get(key).unwrap().is_none());
    store.clear(key).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn file_store_ignores_corrupt_and_foreign_files() {
    let dir = temp_dir("corrupt");
    let store = FileTokenStore::new(&dir).unwrap();
    let key = "k";
    std::fs::write(store.path_for(key), b"{not json").unwrap();
    assert!(store.get(key).unwrap().is_none());
    std::fs::write(
        store.path_for(key),
        br#"{"key":"other","access_token":"x","expires_at":1}"#,
    )
    .unwrap();
    assert!(store.get(key).unwrap().is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(start_paused = true)]
async fn a_corrupt_token_file_costs_one_token_request_not_an_error() {
    let dir = temp_dir("manager");
    let store = Arc::new(FileTokenStore::new(&dir).unwrap());
    let script = Scripted::new(vec![token("tok-1")]);
    let tm = manager_with(&script, AuthMode::ClientCredentials, store.clone());
    std::fs::write(store.path_for(&tm.store_key().unwrap()), b"garbage").unwrap();
    assert_eq!(tm.access_token(&opts()).await.unwrap().expose(), "tok-1");
    // And the next process reads what this one wrote.
    let restarted = manager_with(&script, AuthMode::ClientCredentials, store);
    assert_eq!(
        restarted.access_token(&opts()).await.unwrap().expose(),
        "tok-1"
    );
    assert_eq!(script.requests().len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_token_as_text_round_trips_and_foreign_text_is_no_token() {
    let token = StoredToken {
        access_token: Secret::new("access-1"),
        refresh_token: Some(Secret::new("refresh-1")),
        expires_at: 1_900_000_000,
        token_type: Some("bearer".into()),
        scope: None,
    };
    let text = token.to_text();
    assert_eq!(StoredToken::from_text(text.expose()), Some(token));
    assert!(!format!("{text:?}").contains("access-1"));
    for foreign in [
        "",
        "{}",
        "null",
        "not json",
        r#"{"access_token":"","expires_at":1}"#,
    ] {
        assert_eq!(StoredToken::from_text(foreign), None, "{foreign:?}");
    }
}
