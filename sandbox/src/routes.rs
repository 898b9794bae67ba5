//! Stable route names (used for faults and stats) and path matching.

use axum::http::Method;

macro_rules! routes {
    ($($variant:ident => $name:literal,)*) => {
        /// Every API route the sandbox serves, by its stable name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Route {
            $(
                #[doc = $name]
                $variant,
            )*
        }

        impl Route {
            /// All routes, in index order.
            pub const ALL: &'static [Route] = &[$(Route::$variant,)*];

            /// The stable route name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Route::$variant => $name,)*
                }
            }
        }
    };
}

routes! {
    OffersCreate => "saferpay.offers.create",
    OffersGet => "saferpay.offers.get",
    OffersDelete => "saferpay.offers.delete",
    License => "saferpay.license",
    LicenseConfiguration => "saferpay.license_configuration",
    Terminals => "saferpay.terminals",
    Terminal => "saferpay.terminal",
    TerminalPaymentMethods => "saferpay.terminal_payment_methods",
    FieldsTokensCreate => "saferpay.fields_tokens.create",
    FieldsTokensDelete => "saferpay.fields_tokens.delete",
    PaymentPageConfigurations => "saferpay.payment_page.configurations",
    TransactionsReport => "saferpay.transactions.report",
    PaymentPageInitialize => "saferpay.payment_page.initialize",
    PaymentPageAssert => "saferpay.payment_page.assert",
    TransactionCapture => "saferpay.transaction.capture",
    TransactionMultipartCapture => "saferpay.transaction.multipart_capture",
    TransactionMultipartFinalize => "saferpay.transaction.multipart_finalize",
    TransactionCancel => "saferpay.transaction.cancel",
    TransactionRefund => "saferpay.transaction.refund",
    TransactionInquire => "saferpay.transaction.inquire",
    TransactionAssertCapture => "saferpay.transaction.assert_capture",
    TransactionAssertRefund => "saferpay.transaction.assert_refund",
    TransactionInitialize => "saferpay.transaction.initialize",
    TransactionAuthorize => "saferpay.transaction.authorize",
    TransactionAuthorizeDirect => "saferpay.transaction.authorize_direct",
    TransactionAuthorizeReferenced => "saferpay.transaction.authorize_referenced",
    TransactionRefundDirect => "saferpay.transaction.refund_direct",
    AliasInsert => "saferpay.alias.insert",
    AliasAssertInsert => "saferpay.alias.assert_insert",
    AliasInsertDirect => "saferpay.alias.insert_direct",
    AliasUpdate => "saferpay.alias.update",
    AliasInquire => "saferpay.alias.inquire",
    AliasDelete => "saferpay.alias.delete",
    BatchClose => "saferpay.batch.close",
    OfferPage => "saferpay.pages.offer",
    OfferPageSubmit => "saferpay.pages.offer_submit",
    PaymentPagePage => "saferpay.pages.payment_page",
    PaymentPageSubmit => "saferpay.pages.payment_page_submit",
    TransactionPage => "saferpay.pages.transaction",
    TransactionPageSubmit => "saferpay.pages.transaction_submit",
    AliasPage => "saferpay.pages.alias",
    AliasPageSubmit => "saferpay.pages.alias_submit",
    OauthToken => "secuconnect.oauth.token",
    DevicePage => "secuconnect.device.page",
    DeviceSubmit => "secuconnect.device.submit",
    StxCreate => "secuconnect.smart_transactions.create",
    StxGet => "secuconnect.smart_transactions.get",
    StxUpdate => "secuconnect.smart_transactions.update",
    StxList => "secuconnect.smart_transactions.list",
    StxPrepare => "secuconnect.smart_transactions.prepare",
    StxStart => "secuconnect.smart_transactions.start",
    StxCancel => "secuconnect.smart_transactions.cancel",
    StxAbort => "secuconnect.smart_transactions.abort",
    StxSetDelivery => "secuconnect.smart_transactions.set_delivery",
    PtxGet => "secuconnect.payment_transactions.get",
    PtxCheckStatus => "secuconnect.payment_transactions.check_status",
    PtxCancel => "secuconnect.payment_transactions.cancel",
    PtxList => "secuconnect.payment_transactions.list",
    PtxCapture => "secuconnect.payment_transactions.capture",
    PtxRevokeAccrual => "secuconnect.payment_transactions.revoke_accrual",
    PtxOldFormat => "secuconnect.payment_transactions.old_format",
    PctCreate => "secuconnect.payment_containers.create",
    PctGet => "secuconnect.payment_containers.get",
    PctList => "secuconnect.payment_containers.list",
    PctDelete => "secuconnect.payment_containers.delete",
    ContractPaymentMethods => "secuconnect.payment_contracts.payment_methods",
    CheckoutPage => "secuconnect.checkout.page",
    CheckoutSubmit => "secuconnect.checkout.submit",
    OrdersCreate => "sekurepay.orders.create",
    OrdersGet => "sekurepay.orders.get",
}

/// Which provider a route belongs to (decides the shape of error bodies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// Saferpay Management API (`/api/rest/...`).
    SaferpayManagement,
    /// Saferpay JSON API (`/api/Payment/v1/...`).
    SaferpayJson,
    /// secuconnect `/oauth/token`.
    SecuconnectOauth,
    /// secuconnect `/api/v2`.
    Secuconnect,
    /// SekurePay `/sekurepay/api/v1`.
    SekurePay,
    /// HTML payer pages.
    Page,
}

impl Route {
    /// Index into per-route tables.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Provider family of the route.
    pub fn provider(self) -> Provider {
        use Route::*;
        match self {
            OffersCreate
            | OffersGet
            | OffersDelete
            | License
            | LicenseConfiguration
            | Terminals
            | Terminal
            | TerminalPaymentMethods
            | FieldsTokensCreate
            | FieldsTokensDelete
            | PaymentPageConfigurations
            | TransactionsReport => Provider::SaferpayManagement,
            PaymentPageInitialize
            | PaymentPageAssert
            | TransactionCapture
            | TransactionMultipartCapture
            | TransactionMultipartFinalize
            | TransactionCancel
            | TransactionRefund
            | TransactionInquire
            | TransactionAssertCapture
            | TransactionAssertRefund
            | TransactionInitialize
            | TransactionAuthorize
            | TransactionAuthorizeDirect
            | TransactionAuthorizeReferenced
            | TransactionRefundDirect
            | AliasInsert
            | AliasAssertInsert
            | AliasInsertDirect
            | AliasUpdate
            | AliasInquire
            | AliasDelete
            | BatchClose => Provider::SaferpayJson,
            OauthToken => Provider::SecuconnectOauth,
            StxCreate
            | StxGet
            | StxUpdate
            | StxList
            | StxPrepare
            | StxStart
            | StxCancel
            | StxAbort
            | StxSetDelivery
            | PtxGet
            | PtxCheckStatus
            | PtxCancel
            | PtxList
            | PtxCapture
            | PtxRevokeAccrual
            | PtxOldFormat
            | PctCreate
            | PctGet
            | PctList
            | PctDelete
            | ContractPaymentMethods => Provider::Secuconnect,
            OrdersCreate | OrdersGet => Provider::SekurePay,
            OfferPage
            | OfferPageSubmit
            | PaymentPagePage
            | PaymentPageSubmit
            | TransactionPage
            | TransactionPageSubmit
            | AliasPage
            | AliasPageSubmit
            | DevicePage
            | DeviceSubmit
            | CheckoutPage
            | CheckoutSubmit => Provider::Page,
        }
    }

    /// Look a route up by name.
    pub fn by_name(name: &str) -> Option<Route> {
        Route::ALL.iter().copied().find(|r| r.name() == name)
    }
}

/// Does a fault/stats pattern (`*`, `prefix.*` or an exact name) select this route?
pub fn pattern_matches(pattern: &str, route: Route) -> bool {
    if pattern == "*" {
        return true;
    }
    if let Some(prefix) = pattern.strip_suffix('*') {
        return route.name().starts_with(prefix);
    }
    pattern == route.name()
}

/// Is this pattern valid (matches at least one route)?
pub fn pattern_valid(pattern: &str) -> bool {
    Route::ALL.iter().any(|r| pattern_matches(pattern, *r))
}

/// Result of matching a request line.
pub enum Resolved {
    /// A route and its decoded path parameters.
    Route(Route, Vec<String>),
    /// The path exists, the method does not.
    MethodNotAllowed,
    /// No such path.
    NotFound,
}

/// Percent-decode one path segment.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hi = (bytes[i + 1] as char).to_digit(16);
            let lo = (bytes[i + 2] as char).to_digit(16);
            if let (Some(h), Some(l)) = (hi, lo) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn match_route(method: &Method, segs: &[&str]) -> Option<(Route, Vec<String>)> {
    use Route::*;
    let m =
        |r: Route, params: &[&str]| Some((r, params.iter().map(|p| percent_decode(p)).collect()));
    let get = method == Method::GET || method == Method::HEAD;
    let post = method == Method::POST;
    let put = method == Method::PUT;
    let delete = method == Method::DELETE;
    match segs {
        // Saferpay Management API
        [
            "api",
            "rest",
            "customers",
            cid,
            "terminals",
            tid,
            "spg-offers",
        ] if post => m(OffersCreate, &[cid, tid]),
        [
            "api",
            "rest",
            "customers",
            cid,
            "terminals",
            tid,
            "spg-offers",
            oid,
        ] if get => m(OffersGet, &[cid, tid, oid]),
        [
            "api",
            "rest",
            "customers",
            cid,
            "terminals",
            tid,
            "spg-offers",
            oid,
        ] if delete => m(OffersDelete, &[cid, tid, oid]),
        ["api", "rest", "customers", cid, "license"] if get => m(License, &[cid]),
        ["api", "rest", "customers", cid, "license-configuration"] if get => {
            m(LicenseConfiguration, &[cid])
        }
        ["api", "rest", "customers", cid, "terminals"] if get => m(Terminals, &[cid]),
        ["api", "rest", "customers", cid, "terminals", tid] if get => m(Terminal, &[cid, tid]),
        [
            "api",
            "rest",
            "customers",
            cid,
            "terminals",
            tid,
            "payment-methods",
        ] if get => m(TerminalPaymentMethods, &[cid, tid]),
        [
            "api",
            "rest",
            "customers",
            cid,
            "terminals",
            tid,
            "fields-access-tokens",
        ] if post => m(FieldsTokensCreate, &[cid, tid]),
        [
            "api",
            "rest",
            "customers",
            cid,
            "terminals",
            tid,
            "fields-access-tokens",
            tok,
        ] if delete => m(FieldsTokensDelete, &[cid, tid, tok]),
        [
            "api",
            "rest",
            "customers",
            cid,
            "payment-page",
            "configurations",
        ] if get => m(PaymentPageConfigurations, &[cid]),
        ["api", "rest", "customers", cid, "transactions"] if get => m(TransactionsReport, &[cid]),
        // Saferpay JSON API
        ["api", "Payment", "v1", "PaymentPage", "Initialize"] if post => {
            m(PaymentPageInitialize, &[])
        }
        ["api", "Payment", "v1", "PaymentPage", "Assert"] if post => m(PaymentPageAssert, &[]),
        ["api", "Payment", "v1", "Transaction", op] if post => match *op {
            "Capture" => m(TransactionCapture, &[]),
            "MultipartCapture" => m(TransactionMultipartCapture, &[]),
            "MultipartFinalize" => m(TransactionMultipartFinalize, &[]),
            "Cancel" => m(TransactionCancel, &[]),
            "Refund" => m(TransactionRefund, &[]),
            "Inquire" => m(TransactionInquire, &[]),
            "AssertCapture" => m(TransactionAssertCapture, &[]),
            "AssertRefund" => m(TransactionAssertRefund, &[]),
            "Initialize" => m(TransactionInitialize, &[]),
            "Authorize" => m(TransactionAuthorize, &[]),
            "AuthorizeDirect" => m(TransactionAuthorizeDirect, &[]),
            "AuthorizeReferenced" => m(TransactionAuthorizeReferenced, &[]),
            "RefundDirect" => m(TransactionRefundDirect, &[]),
            _ => None,
        },
        ["api", "Payment", "v1", "Alias", op] if post => match *op {
            "Insert" => m(AliasInsert, &[]),
            "AssertInsert" => m(AliasAssertInsert, &[]),
            "InsertDirect" => m(AliasInsertDirect, &[]),
            "Update" => m(AliasUpdate, &[]),
            "Inquire" => m(AliasInquire, &[]),
            "Delete" => m(AliasDelete, &[]),
            _ => None,
        },
        ["api", "Payment", "v1", "Batch", "Close"] if post => m(BatchClose, &[]),
        // Saferpay payer pages
        ["SecurePayGate", "Payment", cid, tid, oid] if get => m(OfferPage, &[cid, tid, oid]),
        ["SecurePayGate", "Payment", cid, tid, oid] if post => m(OfferPageSubmit, &[cid, tid, oid]),
        ["vt2", "api", "PaymentPage", cid, tid, tok] if get => m(PaymentPagePage, &[cid, tid, tok]),
        ["vt2", "api", "PaymentPage", cid, tid, tok] if post => {
            m(PaymentPageSubmit, &[cid, tid, tok])
        }
        ["vt2", "api", "Transaction", cid, tid, tok] if get => m(TransactionPage, &[cid, tid, tok]),
        ["vt2", "api", "Transaction", cid, tid, tok] if post => {
            m(TransactionPageSubmit, &[cid, tid, tok])
        }
        ["vt2", "api", "Alias", cid, tok] if get => m(AliasPage, &[cid, tok]),
        ["vt2", "api", "Alias", cid, tok] if post => m(AliasPageSubmit, &[cid, tok]),
        // secuconnect
        ["oauth", "token"] if post => m(OauthToken, &[]),
        ["device"] if get => m(DevicePage, &[]),
        ["device"] if post => m(DeviceSubmit, &[]),
        ["api", "v2", "Smart", "Transactions"] if post => m(StxCreate, &[]),
        ["api", "v2", "Smart", "Transactions"] if get => m(StxList, &[]),
        ["api", "v2", "Smart", "Transactions", id] if get => m(StxGet, &[id]),
        ["api", "v2", "Smart", "Transactions", id] if put => m(StxUpdate, &[id]),
        ["api", "v2", "Smart", "Transactions", id, "prepare", pm] if post => {
            m(StxPrepare, &[id, pm])
        }
        ["api", "v2", "Smart", "Transactions", id, "start"] if post => m(StxStart, &[id, ""]),
        ["api", "v2", "Smart", "Transactions", id, "start", pm] if post => m(StxStart, &[id, pm]),
        ["api", "v2", "Smart", "Transactions", id, "cancel"] if post => m(StxCancel, &[id]),
        ["api", "v2", "Smart", "Transactions", id, "abort"] if post => m(StxAbort, &[id]),
        ["api", "v2", "Smart", "Transactions", id, "setDelivery"] if post => {
            m(StxSetDelivery, &[id])
        }
        ["api", "v2", "Payment", "Transactions", id] if get => m(PtxGet, &[id]),
        ["api", "v2", "Payment", "Transactions", id, "checkStatus"] if get => {
            m(PtxCheckStatus, &[id])
        }
        ["api", "v2", "Payment", "Transactions", id, "cancel"] if post => m(PtxCancel, &[id]),
        ["api", "v2", "Payment", "Transactions"] if get => m(PtxList, &[]),
        ["api", "v2", "Payment", "Transactions", id, "capture"] if post => m(PtxCapture, &[id]),
        ["api", "v2", "Payment", "Transactions", id, "revokeAccrual"] if post => {
            m(PtxRevokeAccrual, &[id])
        }
        ["api", "v2", "Payment", "Transactions", id, "OldFormat"] if get => m(PtxOldFormat, &[id]),
        ["api", "v2", "Payment", "Containers"] if post => m(PctCreate, &[]),
        ["api", "v2", "Payment", "Containers"] if get => m(PctList, &[]),
        ["api", "v2", "Payment", "Containers", id] if get => m(PctGet, &[id]),
        ["api", "v2", "Payment", "Containers", id] if delete => m(PctDelete, &[id]),
        ["api", "v2", "Payment", "Contracts", id, "paymentMethods"] if get => {
            m(ContractPaymentMethods, &[id])
        }
        ["checkout", id] if get => m(CheckoutPage, &[id]),
        ["checkout", id] if post => m(CheckoutSubmit, &[id]),
        // SekurePay
        ["sekurepay", "api", "v1", "orders"] if post => m(OrdersCreate, &[]),
        ["sekurepay", "api", "v1", "orders", id] if get => m(OrdersGet, &[id]),
        _ => None,
    }
}

/// Match a method and path to a route.
pub fn resolve(method: &Method, path: &str) -> Resolved {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let segs: Vec<&str> = trimmed.split('/').collect();
    if let Some((route, params)) = match_route(method, &segs) {
        return Resolved::Route(route, params);
    }
    for other in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
        if other != method && match_route(&other, &segs).is_some() {
            return Resolved::MethodNotAllowed;
        }
    }
    Resolved::NotFound
}
