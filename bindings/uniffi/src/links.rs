//! Provider-neutral payment links: the same record from Saferpay offers and secuconnect Smart
//! Transactions.

/// `open`, `paid`, `expired`, `canceled`, `failed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum PaymentLinkStatus {
    Open,
    Paid,
    Expired,
    Canceled,
    Failed,
}

impl From<paywire::links::LinkStatus> for PaymentLinkStatus {
    fn from(s: paywire::links::LinkStatus) -> Self {
        use paywire::links::LinkStatus as L;
        match s {
            L::Open => PaymentLinkStatus::Open,
            L::Paid => PaymentLinkStatus::Paid,
            L::Expired => PaymentLinkStatus::Expired,
            L::Canceled => PaymentLinkStatus::Canceled,
            L::Failed => PaymentLinkStatus::Failed,
        }
    }
}

/// A payment link on either provider.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PaymentLink {
    /// `saferpay` or `secuconnect`.
    pub provider: String,
    pub id: String,
    /// Send the payer here.
    pub url: String,
    pub status: PaymentLinkStatus,
    /// The provider's own status word.
    pub provider_status: String,
    pub amount: Option<crate::money::Money>,
    pub order_id: Option<String>,
    pub transaction_id: Option<String>,
    pub raw: String,
}

impl From<paywire::links::PaymentLink> for PaymentLink {
    fn from(l: paywire::links::PaymentLink) -> Self {
        PaymentLink {
            provider: l.provider.as_str().to_owned(),
            id: l.id,
            url: l.url,
            status: l.status.into(),
            provider_status: l.provider_status,
            amount: crate::money::opt_money(l.amount),
            order_id: l.order_id,
            transaction_id: l.transaction_id,
            raw: l.raw.to_string(),
        }
    }
}
