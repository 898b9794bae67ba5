//! A secuconnect Smart Checkout with its push webhook, on axum.
//!
//! * `POST /orders` `{"amount": "19.90", "currency": "EUR"}` creates a Smart Transaction whose
//!   pushes come to `/secuconnect/push`, and answers `{"order_id", "smart_transaction_id",
//!   "payment_link"}`: send the payer to the link.
//! * `POST /secuconnect/push`: the webhook. A push is unsigned and carries no status, so it
//!   is only a hint: the handler acknowledges duplicates at once, reads the Payment
//!   Transactions it names through the authenticated API and records what the API says.
//! * `GET /orders/{id}`: what the shop knows about an order.
//!
//! Configuration comes from the environment, as `paywire sandbox` prints it:
//! `SECUCONNECT_BASE_URL`, `SECUCONNECT_CLIENT_ID`, `SECUCONNECT_CLIENT_SECRET`,
//! `SECUCONNECT_CONTRACT_ID`; `PORT` (default 3001) and `PUBLIC_URL` (how secuconnect reaches
//! this app; default `http://127.0.0.1:PORT`).

use std::collections::{HashMap, HashSet};
use std::error::Error;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use paywire::Money;
use paywire::secuconnect::{self, CreateSmartTransaction, ReturnUrls};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::Mutex;

#[derive(Clone, Debug, Default, Serialize)]
struct Order {
    order_id: String,
    smart_transaction_id: String,
    /// `open` until a push tells us to look, then secuconnect's `status_simple_text`
    /// (`accepted`, `denied`, …) as read from the API.
    status: String,
    payment_transaction_id: Option<String>,
    /// Ids of the pushes handled for this order.
    pushes: Vec<String>,
}

#[derive(Clone)]
struct Shop {
    secuconnect: secuconnect::Client,
    public_url: String,
    orders: Arc<Mutex<HashMap<String, Order>>>,
    /// Push ids already handled: deliveries repeat until acknowledged.
    seen_pushes: Arc<Mutex<HashSet<String>>>,
}

#[derive(Deserialize)]
struct NewOrder {
    amount: String,
    currency: String,
}

struct AppError(String);

impl<E: Error> From<E> for AppError {
    fn from(e: E) -> AppError {
        AppError(e.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (StatusCode::INTERNAL_SERVER_ERROR, self.0).into_response()
    }
}

async fn create_order(
    State(shop): State<Shop>,
    Json(new): Json<NewOrder>,
) -> Result<Response, AppError> {
    let order_id = format!("order-{}", uuid::Uuid::new_v4().simple());
    let mut request = CreateSmartTransaction::new(Money::parse(&new.amount, &new.currency)?);
    // Comes back as `order_id` on the Payment Transaction: how a push finds its order.
    request.merchant_ref = Some(order_id.clone());
    request.auto_capture = Some(true);
    request.return_urls = Some(ReturnUrls {
        url_push: Some(format!("{}/secuconnect/push", shop.public_url)),
        ..ReturnUrls::default()
    });
    let stx = shop.secuconnect.create_smart_transaction(request).await?;
    shop.orders.lock().await.insert(
        order_id.clone(),
        Order {
            order_id: order_id.clone(),
            smart_transaction_id: stx.id.clone(),
            status: "open".into(),
            ..Order::default()
        },
    );
    Ok(Json(json!({
        "order_id": order_id,
        "smart_transaction_id": stx.id,
        "payment_link": stx.payment_link,
    }))
    .into_response())
}

async fn push(State(shop): State<Shop>, body: Bytes) -> Result<Response, AppError> {
    let Ok(push) = secuconnect::parse_push(&body) else {
        return Ok((StatusCode::BAD_REQUEST, "not a push").into_response());
    };
    if shop.seen_pushes.lock().await.contains(&push.id) {
        return Ok(StatusCode::OK.into_response());
    }
    // The trustworthy status: read through the API, never taken from the push.
    let transactions = shop
        .secuconnect
        .fetch_push_payment_transactions(&push)
        .await?;
    let mut orders = shop.orders.lock().await;
    for transaction in transactions {
        let Some(order) = transaction
            .order_id
            .as_deref()
            .and_then(|id| orders.get_mut(id))
        else {
            continue;
        };
        order.payment_transaction_id = Some(transaction.id.clone());
        order.status = transaction
            .status_simple_text
            .clone()
            .unwrap_or_else(|| "unknown".into());
        order.pushes.push(push.id.clone());
    }
    drop(orders);
    // Marked only once handled: a push that failed above is answered 500 and comes again.
    shop.seen_pushes.lock().await.insert(push.id);
    Ok(StatusCode::OK.into_response())
}

async fn show_order(State(shop): State<Shop>, Path(id): Path<String>) -> Response {
    match shop.orders.lock().await.get(&id) {
        Some(order) => Json(order.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let port: u16 = std::env::var("PORT")
        .unwrap_or_else(|_| "3001".into())
        .parse()?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let address = listener.local_addr()?;
    let public_url = std::env::var("PUBLIC_URL").unwrap_or_else(|_| format!("http://{address}"));
    let shop = Shop {
        secuconnect: secuconnect::Client::from_env()?,
        public_url,
        orders: Arc::default(),
        seen_pushes: Arc::default(),
    };
    let app = Router::new()
        .route("/orders", post(create_order))
        .route("/orders/{id}", get(show_order))
        .route("/secuconnect/push", post(push))
        .with_state(shop);
    println!("listening on http://{address}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
