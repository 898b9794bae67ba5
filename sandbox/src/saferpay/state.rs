//! The sandbox's Saferpay state: terminals, offers, payment page sessions, transactions.

use crate::currency::Currency;
use crate::reply::Reply;
use crate::routes::Route;
use crate::state::App;
use crate::stats::inc;
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::Value;
use std::collections::HashMap;

/// Highest `SpecVersion` / `Saferpay-ApiVersion` minor the sandbox knows (1.0 … 1.54).
pub const MAX_MINOR: u32 = 54;

/// A terminal of the sandbox customer.
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    /// 8-digit id.
    pub id: &'static str,
    /// `ECOM`, `SPG` or `MPO`.
    pub kind: &'static str,
    /// Description.
    pub description: &'static str,
}

/// The sandbox customer's terminals.
pub const TERMINALS: &[Terminal] = &[
    Terminal {
        id: "17757531",
        kind: "ECOM",
        description: "Sandbox terminal for Payment Page / E-Commerce (also takes Secure PayGate offers)",
    },
    Terminal {
        id: "17757532",
        kind: "SPG",
        description: "Sandbox terminal for Secure PayGate",
    },
    Terminal {
        id: "17757533",
        kind: "MPO",
        description: "Sandbox terminal for Mail Phone Order",
    },
];

/// Find a terminal.
pub fn terminal(id: &str) -> Option<Terminal> {
    TERMINALS.iter().copied().find(|t| t.id == id)
}

/// Offer status kept in state (EXPIRED is derived from the clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferState {
    /// Open.
    Open,
    /// Paid.
    Paid,
    /// Deleted or out of payment attempts.
    Disabled,
}

/// A Secure PayGate offer.
#[derive(Debug, Clone)]
pub struct Offer {
    /// OfferId (UUID).
    pub id: String,
    /// Terminal.
    pub terminal_id: String,
    /// Amount in minor units.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// Payment.OrderId.
    pub order_id: String,
    /// Payment.Description.
    pub description: String,
    /// CreationDate.
    pub created: DateTime<Utc>,
    /// ExpirationDate (with the client's offset).
    pub expires: DateTime<FixedOffset>,
    /// Stored state.
    pub state: OfferState,
    /// Transaction once paid.
    pub transaction_id: Option<String>,
    /// Payment page token of the paid attempt.
    pub token: Option<String>,
    /// Failed attempts so far.
    pub attempts: u32,
    /// MaxPaymentAttempts (0/None = unlimited).
    pub max_attempts: Option<u32>,
    /// Payment.Options.PreAuth.
    pub pre_auth: bool,
}

impl Offer {
    /// Status as the API reports it at `now`.
    pub fn status(&self, now: DateTime<Utc>) -> &'static str {
        match self.state {
            OfferState::Paid => "PAID",
            OfferState::Disabled => "DISABLED",
            OfferState::Open if now >= self.expires.with_timezone(&Utc) => "EXPIRED",
            OfferState::Open => "OPEN",
        }
    }
}

/// Payment page session outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// Payer has not finished.
    Open,
    /// Authorized.
    Paid,
    /// Declined.
    Declined,
    /// Aborted by the payer.
    Aborted,
}

/// A payment page session (PaymentPage/Initialize, or the page behind a paid offer).
#[derive(Debug, Clone)]
pub struct Session {
    /// Token.
    pub token: String,
    /// Terminal.
    pub terminal_id: String,
    /// Amount.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// OrderId.
    pub order_id: Option<String>,
    /// Description.
    pub description: String,
    /// ReturnUrl.Url (None for offers).
    pub return_url: Option<String>,
    /// Notification.SuccessNotifyUrl.
    pub success_notify: Option<String>,
    /// Notification.FailNotifyUrl.
    pub fail_notify: Option<String>,
    /// Created.
    pub created: DateTime<Utc>,
    /// Expiration of the RedirectUrl.
    pub expires: DateTime<Utc>,
    /// Outcome.
    pub state: SessionState,
    /// Payer opened the page.
    pub visited: bool,
    /// Transaction once paid.
    pub tx_id: Option<String>,
    /// Offer behind this session.
    pub offer_id: Option<String>,
    /// PreAuth.
    pub pre_auth: bool,
    /// RegisterAlias of the request (IdGenerator, Id, Lifetime).
    pub register_alias: Option<AliasRequest>,
    /// The alias registered when the payer paid.
    pub registered_alias: Option<String>,
}

/// What a RegisterAlias container asked for.
#[derive(Debug, Clone)]
pub struct AliasRequest {
    /// MANUAL, RANDOM, RANDOM_UNIQUE.
    pub generator: String,
    /// Id for MANUAL.
    pub id: Option<String>,
    /// Days (default 1096).
    pub lifetime: i64,
}

/// The card behind a payment, an alias or a Transaction/Initialize session.
#[derive(Debug, Clone)]
pub struct CardData {
    /// VISA, MASTERCARD, AMEX.
    pub brand: &'static str,
    /// First 6, x, last 4.
    pub masked: String,
    /// ExpMonth.
    pub exp_month: i64,
    /// ExpYear.
    pub exp_year: i64,
    /// HolderName.
    pub holder: Option<String>,
}

/// A stored alias (Secure Card Data).
#[derive(Debug, Clone)]
pub struct StoredAlias {
    /// Id (case-insensitive: stored lower-case).
    pub id: String,
    /// The card.
    pub card: CardData,
    /// Lifetime in days.
    pub lifetime: i64,
    /// Registered (or last updated) at.
    pub created: DateTime<Utc>,
}

impl StoredAlias {
    /// Whether the alias is past its lifetime at `now`.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.created + chrono::Duration::days(self.lifetime)
    }
}

/// Transaction/Initialize session state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxSessionState {
    /// Waiting for the payer (card entry / 3-D Secure).
    Open,
    /// The payer completed 3-D Secure: ready for Authorize.
    Ready,
    /// 3-D Secure failed.
    Failed,
    /// The payer aborted.
    Aborted,
    /// Authorized (the token is used).
    Authorized,
}

/// A Transaction/Initialize session.
#[derive(Debug, Clone)]
pub struct TxSession {
    /// Token.
    pub token: String,
    /// Terminal.
    pub terminal_id: String,
    /// Amount.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// OrderId.
    pub order_id: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// ReturnUrl.Url.
    pub return_url: String,
    /// RedirectNotifyUrls.Success / Fail.
    pub notify: Option<(String, String)>,
    /// The card given in PaymentMeans (None: the payer enters one).
    pub card: Option<CardData>,
    /// Created.
    pub created: DateTime<Utc>,
    /// Token expiration.
    pub expires: DateTime<Utc>,
    /// State.
    pub state: TxSessionState,
    /// The payer opened the page.
    pub visited: bool,
    /// PreAuth.
    pub pre_auth: bool,
    /// Recurring.Initial or Installment.Initial.
    pub referenceable: bool,
    /// The transaction once authorized.
    pub tx_id: Option<String>,
}

/// Alias/Insert session state.
#[derive(Debug, Clone)]
pub struct AliasSession {
    /// Token.
    pub token: String,
    /// ReturnUrl.Url.
    pub return_url: String,
    /// Notification.NotifyUrl.
    pub notify_url: Option<String>,
    /// RegisterAlias.
    pub request: AliasRequest,
    /// Created.
    pub created: DateTime<Utc>,
    /// Expiration.
    pub expires: DateTime<Utc>,
    /// The alias once the payer registered the card; `Some(None)` after a failure or abort.
    pub outcome: Option<Option<String>>,
}

/// Transaction type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxKind {
    /// PAYMENT.
    Payment,
    /// REFUND.
    Refund,
}

/// Transaction status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxStatus {
    /// AUTHORIZED.
    Authorized,
    /// CAPTURED.
    Captured,
    /// CANCELED.
    Canceled,
}

impl TxStatus {
    /// Wire name.
    pub fn name(self) -> &'static str {
        match self {
            TxStatus::Authorized => "AUTHORIZED",
            TxStatus::Captured => "CAPTURED",
            TxStatus::Canceled => "CANCELED",
        }
    }
}

/// One multipart capture.
#[derive(Debug, Clone)]
pub struct Part {
    /// OrderPartId.
    pub order_part_id: String,
    /// CaptureId.
    pub capture_id: String,
    /// Amount.
    pub amount: i64,
    /// Date.
    pub date: DateTime<Utc>,
}

/// A transaction (payment or refund) made in the sandbox.
#[derive(Debug, Clone)]
pub struct Tx {
    /// Id.
    pub id: String,
    /// PAYMENT / REFUND.
    pub kind: TxKind,
    /// Status.
    pub status: TxStatus,
    /// Authorized amount.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// OrderId.
    pub order_id: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Terminal.
    pub terminal_id: String,
    /// Authorization date.
    pub created: DateTime<Utc>,
    /// Last action.
    pub last_action: DateTime<Utc>,
    /// CaptureId of a normal capture.
    pub capture_id: Option<String>,
    /// Captured so far.
    pub captured_amount: i64,
    /// Capture date.
    pub capture_date: Option<DateTime<Utc>>,
    /// Cancel date.
    pub cancel_date: Option<DateTime<Utc>>,
    /// Multipart captures.
    pub parts: Vec<Part>,
    /// Multipart finalized.
    pub parts_final: bool,
    /// Refund transactions of this payment.
    pub refunds: Vec<String>,
    /// For refunds: the payment transaction refunded.
    pub parent: Option<String>,
    /// Reporting `Application`.
    pub application: &'static str,
    /// Brand.
    pub brand: &'static str,
    /// Masked card number.
    pub masked: String,
    /// Approval code.
    pub approval: String,
    /// PreAuth.
    pub pre_auth: bool,
    /// An initial recurring or installment payment: AuthorizeReferenced may refer to it.
    pub referenceable: bool,
    /// Authorized with 3-D Secure (the liability shifted); false for AuthorizeDirect.
    pub three_ds: bool,
}

/// A declined payment attempt (reported with TransactionState=FAILED).
#[derive(Debug, Clone)]
pub struct Failed {
    /// Id.
    pub id: String,
    /// Amount.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// OrderId.
    pub order_id: Option<String>,
    /// Description.
    pub description: String,
    /// Terminal.
    pub terminal_id: String,
    /// When.
    pub date: DateTime<Utc>,
}

/// A Saferpay Fields access token.
#[derive(Debug, Clone)]
pub struct FieldsToken {
    /// Terminal.
    pub terminal_id: String,
    /// Description.
    pub description: String,
    /// SourceUrls.
    pub source_urls: Vec<String>,
}

/// All Saferpay objects.
#[derive(Debug, Default)]
pub struct State {
    /// Offers by id.
    pub offers: HashMap<String, Offer>,
    /// Offer count per OrderId (duplicate detection).
    pub offer_order_ids: HashMap<String, u32>,
    /// Payment page sessions by token.
    pub sessions: HashMap<String, Session>,
    /// Session count per OrderId.
    pub session_order_ids: HashMap<String, u32>,
    /// Transactions by id.
    pub txs: HashMap<String, Tx>,
    /// CaptureId → transaction id.
    pub captures: HashMap<String, String>,
    /// OrderPartId → CaptureId.
    pub order_parts: HashMap<String, String>,
    /// Fields access tokens.
    pub fields_tokens: HashMap<String, FieldsToken>,
    /// Declined attempts.
    pub failed: Vec<Failed>,
    /// Transaction/Initialize sessions by token.
    pub tx_sessions: HashMap<String, TxSession>,
    /// Alias/Insert sessions by token.
    pub alias_sessions: HashMap<String, AliasSession>,
    /// Aliases by lower-case id.
    pub aliases: HashMap<String, StoredAlias>,
}

impl State {
    /// Create an AUTHORIZED PAYMENT transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn new_payment(
        &mut self,
        amount: i64,
        currency: Currency,
        order_id: Option<String>,
        description: Option<String>,
        terminal_id: &str,
        application: &'static str,
        pre_auth: bool,
        now: DateTime<Utc>,
    ) -> String {
        let id = crate::ids::saferpay_id();
        let brands = ["VISA", "MASTERCARD"];
        let brand = brands[fastrand::usize(..brands.len())];
        let tx = Tx {
            id: id.clone(),
            kind: TxKind::Payment,
            status: TxStatus::Authorized,
            amount,
            currency,
            order_id,
            description,
            terminal_id: terminal_id.to_string(),
            created: now,
            last_action: now,
            capture_id: None,
            captured_amount: 0,
            capture_date: None,
            cancel_date: None,
            parts: Vec::new(),
            parts_final: false,
            refunds: Vec::new(),
            parent: None,
            application,
            brand,
            masked: format!(
                "{}xxxxxx{:04}",
                if brand == "VISA" { "912345" } else { "512345" },
                fastrand::u32(0..10000)
            ),
            approval: format!("{:06}", fastrand::u32(0..1_000_000)),
            pre_auth,
            referenceable: false,
            three_ds: true,
        };
        self.txs.insert(id.clone(), tx);
        id
    }
}

/// Count a payment just authorized (`tx_id`), and a second authorized payment for its
/// `OrderId` as an executed duplicate.
pub fn count_authorization(app: &App, st: &State, tx_id: &str) {
    inc(&app.stats.effects.authorizations);
    let Some(order_id) = st.txs.get(tx_id).and_then(|t| t.order_id.as_deref()) else {
        return;
    };
    let same_order = st
        .txs
        .values()
        .filter(|t| t.kind == TxKind::Payment && t.order_id.as_deref() == Some(order_id))
        .count();
    if same_order > 1 {
        inc(&app.stats.executed_duplicates.authorizations);
    }
}

/// A stored answer for RequestId replays.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Route of the first request.
    pub route: Route,
    /// The request, for detecting a RequestId reused for something else.
    pub fingerprint: Value,
    /// The first answer.
    pub reply: Reply,
    /// Highest RetryIndicator seen.
    pub last_retry: i64,
}
