//! A shop on axum that takes payments through the Saferpay payment page.
//!
//! * `POST /orders` `{"amount": "25.00", "currency": "EUR", "description": "…"}` starts a
//!   payment page and answers `{"order_id", "redirect_url"}`: send the payer there.
//! * `GET /saferpay/return?paywire_ref=…`: the payer's browser comes back.
//! * `GET /saferpay/notify?paywire_ref=…`: Saferpay's bodiless notification.
//! * `GET /orders/{id}`: what the shop knows about an order.
//!
//! The return and the notification are two triggers for one payment and may race: both ask
//! `payment_outcome` (one Assert per token, the same answer for every caller), and the order's
//! lock makes sure only one of them captures.
//!
//! Configuration comes from the environment, as `paywire sandbox` prints it:
//! `SAFERPAY_BASE_URL`, `SAFERPAY_CUSTOMER_ID`, `SAFERPAY_TERMINAL_ID`, `SAFERPAY_USERNAME`,
//! `SAFERPAY_PASSWORD`; `PORT` (default 3000) and `PUBLIC_URL` (how Saferpay and the payer
//! reach this app; default `http://127.0.0.1:PORT`).

use std::collections::HashMap;
use std::error::Error;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use paywire::saferpay::{self, InitializePaymentPage, TransactionStatus};
use paywire::{ErrorKind, Money};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::Mutex;

/// What the shop keeps per order (a database table in a real shop).
#[derive(Clone, Debug, Default, Serialize)]
struct Order {
    order_id: String,
    /// `open`, `paid` (captured), `failed`.
    status: String,
    #[serde(skip)]
    token: String,
    transaction_id: Option<String>,
    capture_id: Option<String>,
    /// Which triggers reached us: `return`, `notify`.
    seen: Vec<String>,
    error: Option<String>,
}

#[derive(Clone)]
struct Shop {
    saferpay: saferpay::Client,
    public_url: String,
    /// Orders by id; each behind its own lock so return and notify take turns.
    orders: Arc<Mutex<HashMap<String, Arc<Mutex<Order>>>>>,
    /// `paywire_ref` (random, in the URLs) to order id.
    refs: Arc<Mutex<HashMap<String, String>>>,
}

#[derive(Deserialize)]
struct NewOrder {
    amount: String,
    currency: String,
    description: String,
}

type Handler<T> = Result<T, AppError>;

/// Any failure becomes a 500 with a short text (Saferpay repeats a notification that does not
/// get a 2xx, which is what we want when we could not act on it).
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

async fn create_order(State(shop): State<Shop>, Json(new): Json<NewOrder>) -> Handler<Response> {
    let amount = Money::parse(&new.amount, &new.currency)?;
    let order_id = format!("order-{}", uuid::Uuid::new_v4().simple());
    // An unguessable reference in every URL Saferpay or the payer calls; never the token.
    let reference = uuid::Uuid::new_v4().simple().to_string();
    let url = |path: &str| saferpay::notify_url(&format!("{}{path}", shop.public_url), &reference);
    let mut request = InitializePaymentPage::new(
        amount,
        &order_id,
        &new.description,
        url("/saferpay/return")?,
    );
    request.success_notify_url = Some(url("/saferpay/notify")?);
    request.fail_notify_url = Some(url("/saferpay/notify")?);
    let session = shop.saferpay.initialize_payment_page(request).await?;

    let order = Order {
        order_id: order_id.clone(),
        status: "open".into(),
        token: session.token,
        ..Order::default()
    };
    shop.orders
        .lock()
        .await
        .insert(order_id.clone(), Arc::new(Mutex::new(order)));
    shop.refs.lock().await.insert(reference, order_id.clone());
    Ok(Json(json!({"order_id": order_id, "redirect_url": session.redirect_url})).into_response())
}

/// The order a return or notify URL points at.
async fn order_for(shop: &Shop, query: Option<&str>) -> Option<Arc<Mutex<Order>>> {
    let reference = saferpay::merchant_ref_from_url(query?).ok()?;
    let order_id = shop.refs.lock().await.get(&reference)?.clone();
    shop.orders.lock().await.get(&order_id).cloned()
}

/// Shared by the return and the notify handler: learn the outcome, capture once.
async fn settle(shop: &Shop, order: &Mutex<Order>, trigger: &str) -> Result<Order, AppError> {
    let mut order = order.lock().await;
    order.seen.push(trigger.to_owned());
    if order.status != "open" {
        return Ok(order.clone());
    }
    match shop.saferpay.payment_outcome(&order.token).await {
        Ok(payment) => {
            let tx = payment.transaction;
            order.transaction_id = Some(tx.id.clone());
            if tx.status == TransactionStatus::Authorized {
                let capture = shop.saferpay.capture(&tx.id, None).await?;
                order.capture_id = capture.capture_id;
                order.status = "paid".into();
            } else if tx.status == TransactionStatus::Captured {
                order.capture_id = tx.capture_id;
                order.status = "paid".into();
            }
        }
        // Declined or aborted: the payer may try again with a new order. Anything else (a
        // timeout, Saferpay unreachable) answers 500, and Saferpay notifies again later.
        Err(e) if e.kind() == ErrorKind::Declined => {
            order.status = "failed".into();
            order.error = Some(e.to_string());
        }
        Err(e) => return Err(e.into()),
    }
    Ok(order.clone())
}

async fn payer_returns(State(shop): State<Shop>, RawQuery(query): RawQuery) -> Handler<Response> {
    let Some(order) = order_for(&shop, query.as_deref()).await else {
        return Ok((StatusCode::NOT_FOUND, "unknown order").into_response());
    };
    let order = settle(&shop, &order, "return").await?;
    let text = match order.status.as_str() {
        "paid" => format!("Thank you: order {} is paid.", order.order_id),
        _ => format!("Order {} was not paid; please try again.", order.order_id),
    };
    Ok(text.into_response())
}

async fn saferpay_notifies(
    State(shop): State<Shop>,
    RawQuery(query): RawQuery,
) -> Handler<Response> {
    let Some(order) = order_for(&shop, query.as_deref()).await else {
        // Not ours (or forged): 200 so it is not repeated; nothing was done.
        return Ok(StatusCode::OK.into_response());
    };
    settle(&shop, &order, "notify").await?;
    Ok(StatusCode::OK.into_response())
}

async fn show_order(State(shop): State<Shop>, Path(id): Path<String>) -> Response {
    let order = shop.orders.lock().await.get(&id).cloned();
    match order {
        Some(order) => Json(order.lock().await.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let port: u16 = std::env::var("PORT")
        .unwrap_or_else(|_| "3000".into())
        .parse()?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let address = listener.local_addr()?;
    let public_url = std::env::var("PUBLIC_URL").unwrap_or_else(|_| format!("http://{address}"));
    let shop = Shop {
        saferpay: saferpay::Client::from_env()?,
        public_url,
        orders: Arc::default(),
        refs: Arc::default(),
    };
    let app = Router::new()
        .route("/orders", post(create_order))
        .route("/orders/{id}", get(show_order))
        .route("/saferpay/return", get(payer_returns))
        .route("/saferpay/notify", get(saferpay_notifies))
        .with_state(shop);
    println!("listening on http://{address}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
