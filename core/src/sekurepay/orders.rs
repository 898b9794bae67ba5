//! Orders: the request the client builds (totals included), the lenient answer, and the
//! create / get / find-or-create calls.

use ::http::Method;
use serde_json::{Map, Value, json};

use super::Client;
use crate::error::{Error, ErrorKind};
use crate::http::Safety;
use crate::lenient;
use crate::money::{Currency, Money};
use crate::validate;

/// Longest merchant order id accepted. SekurePay documents no limit; this fits UUIDs and shop
/// order numbers with room to spare and keeps the id a short URL path segment.
pub const MAX_ORDER_ID_LEN: usize = 100;

/// Longest item or tax description accepted (undocumented by SekurePay; a common column size).
pub const MAX_DESCRIPTION_LEN: usize = 255;

/// One order line: a description, the price of ONE unit and how many units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderItem {
    pub description: String,
    /// Price per unit, in the order's currency.
    pub amount: Money,
    /// At least 1. An `i64` (not unsigned) so a negative number from any language is refused
    /// as a `ValidationError` naming `items[i].quantity`, like every other bad input.
    pub quantity: i64,
}

impl OrderItem {
    pub fn new(description: impl Into<String>, amount: Money, quantity: i64) -> OrderItem {
        OrderItem {
            description: description.into(),
            amount,
            quantity,
        }
    }
}

/// One tax line (e.g. "GST"), an absolute amount in the order's currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tax {
    pub description: String,
    pub amount: Money,
}

impl Tax {
    pub fn new(description: impl Into<String>, amount: Money) -> Tax {
        Tax {
            description: description.into(),
            amount,
        }
    }
}

/// The totals the client computes for an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OrderTotals {
    /// Σ item amount × quantity.
    pub sub_total: Money,
    pub shipping: Money,
    /// Σ tax amounts.
    pub taxes: Money,
    /// sub_total + shipping + taxes.
    pub total: Money,
}

/// Everything `create_order` accepts (API.md: `create_order(order_id, currency, items,
/// taxes=(), shipping_amount_cents=0)`). Start from [`CreateOrder::new`].
///
/// The client computes `sub_total` and `total` itself with checked integer arithmetic and
/// refuses, before sending, anything that is not in the order's currency, overflows, or does
/// not match totals the caller already has (`expected_sub_total`, `expected_total`).
///
/// # Wire shape (`POST /orders`)
///
/// Taken from SekurePay's only example (`fixtures/sekurepay/order_create.request.json`), keeping
/// its types exactly, since nothing documents which ones the server insists on:
///
/// ```json
/// {
///   "id": "<order_id>",
///   "currency": "USD",
///   "sub_total_cents": 10000,          // integer minor units
///   "shipping_amount_cents": 200,      // integer minor units
///   "total_cents": 10700,              // integer minor units
///   "items": [{"description": "51 inch TV", "amount_cents": "10000"}],   // STRING minor units
///   "taxes": [{"description": "GST", "amount_cents": "500"}]             // STRING minor units
/// }
/// ```
///
/// The documented item has no quantity field and its `amount_cents` equals `sub_total_cents`,
/// so on the wire an item's `amount_cents` is the LINE total (unit amount × quantity) and no
/// `quantity` key is sent: `sub_total_cents` = Σ `items[].amount_cents` holds for any server
/// reading of the documented fields, and an undocumented key that a server might read as
/// "multiply the amount by this" cannot make it charge a different total. `taxes` is always
/// sent, `[]` when there are none. "cents" means minor units of the currency (yen for JPY,
/// fils for KWD).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateOrder {
    /// Merchant-generated and the key for [`Client::get_order`]: 1 to [`MAX_ORDER_ID_LEN`]
    /// characters of `A-Z a-z 0-9 . : - _` (it goes into the URL path), not only dots.
    pub order_id: String,
    pub currency: Currency,
    /// At least one.
    pub items: Vec<OrderItem>,
    pub taxes: Vec<Tax>,
    /// Shipping (`shipping_amount_cents` in API.md and in error fields); `None` is zero.
    pub shipping: Option<Money>,
    /// A subtotal the caller already has; a mismatch is a `ValidationError` naming `sub_total`.
    pub expected_sub_total: Option<Money>,
    /// A total the caller already has; a mismatch is a `ValidationError` naming `total`.
    pub expected_total: Option<Money>,
}

impl CreateOrder {
    /// An order with no lines, no shipping and no expected totals yet.
    pub fn new(order_id: impl Into<String>, currency: Currency) -> CreateOrder {
        CreateOrder {
            order_id: order_id.into(),
            currency,
            items: Vec::new(),
            taxes: Vec::new(),
            shipping: None,
            expected_sub_total: None,
            expected_total: None,
        }
    }

    /// Adds a line: `amount` is the price of one unit.
    pub fn with_item(
        mut self,
        description: impl Into<String>,
        amount: Money,
        quantity: i64,
    ) -> Self {
        self.items
            .push(OrderItem::new(description, amount, quantity));
        self
    }

    pub fn with_tax(mut self, description: impl Into<String>, amount: Money) -> Self {
        self.taxes.push(Tax::new(description, amount));
        self
    }

    pub fn with_shipping(mut self, amount: Money) -> Self {
        self.shipping = Some(amount);
        self
    }

    /// Shipping in minor units of the order's currency (API.md's `shipping_amount_cents`).
    pub fn with_shipping_amount_cents(mut self, minor_units: i64) -> Result<Self, Error> {
        let amount = Money::new(minor_units, self.currency).map_err(|_| {
            Error::validation(
                SHIPPING,
                format!("must not be negative (got {minor_units})"),
            )
        })?;
        self.shipping = Some(amount);
        Ok(self)
    }

    pub fn with_expected_sub_total(mut self, amount: Money) -> Self {
        self.expected_sub_total = Some(amount);
        self
    }

    pub fn with_expected_total(mut self, amount: Money) -> Self {
        self.expected_total = Some(amount);
        self
    }

    /// Builds an order from API.md's plain arguments, as every binding receives them:
    /// `items` is a list of `{"description", "amount_cents", "quantity" (default 1)}` (unit
    /// amounts in minor units of `currency`), `taxes` a list of `{"description",
    /// "amount_cents"}`. Field names in errors follow the same shape (`items[0].amount_cents`).
    pub fn from_args(
        order_id: &str,
        currency: &str,
        items: Value,
        taxes: Value,
        shipping_amount_cents: i64,
    ) -> Result<CreateOrder, Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct PlainItem {
            description: String,
            amount_cents: i64,
            #[serde(default = "one")]
            quantity: i64,
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct PlainTax {
            description: String,
            amount_cents: i64,
        }
        fn one() -> i64 {
            1
        }
        let currency = Currency::from_code(currency)?;
        let items: Vec<PlainItem> = crate::input::from_json("items", items)?;
        let taxes: Vec<PlainTax> = match taxes {
            Value::Null => Vec::new(),
            other => crate::input::from_json("taxes", other)?,
        };
        let money = |field: String, minor: i64| {
            Money::new(minor, currency).map_err(|_| {
                Error::validation(&field, format!("must not be negative (got {minor})"))
            })
        };
        let mut order = CreateOrder::new(order_id, currency)
            .with_shipping_amount_cents(shipping_amount_cents)?;
        for (i, item) in items.into_iter().enumerate() {
            let amount = money(format!("items[{i}].amount_cents"), item.amount_cents)?;
            order = order.with_item(item.description, amount, item.quantity);
        }
        for (i, tax) in taxes.into_iter().enumerate() {
            let amount = money(format!("taxes[{i}].amount_cents"), tax.amount_cents)?;
            order = order.with_tax(tax.description, amount);
        }
        Ok(order)
    }

    /// Reads a body in SekurePay's documented wire shape (e.g. one an existing integration
    /// already builds). Its `sub_total_cents` and `total_cents` become the expected totals, so
    /// they are checked rather than trusted: the documentation's own sample (total 12200 for
    /// 10000 + 200 + 500) is refused by `create_order`. Items become quantity 1 with their
    /// `amount_cents` as the unit amount. Unknown keys are refused instead of silently dropped.
    pub fn from_wire_json(body: &Value) -> Result<CreateOrder, Error> {
        let Value::Object(map) = body else {
            return Err(Error::validation("order", "must be a JSON object"));
        };
        const KEYS: &[&str] = &[
            "id",
            "currency",
            "items",
            "taxes",
            "sub_total_cents",
            "shipping_amount_cents",
            "total_cents",
        ];
        if let Some(unknown) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(Error::validation(
                unknown,
                "is not a field of a SekurePay order (expected id, currency, items, taxes, sub_total_cents, shipping_amount_cents, total_cents)",
            ));
        }
        let order_id = match map.get("id") {
            Some(Value::String(id)) => id.clone(),
            _ => return Err(Error::validation("id", "is required and must be a string")),
        };
        let currency = match map.get("currency") {
            Some(Value::String(code)) => Currency::from_code(code)?,
            _ => {
                return Err(Error::validation(
                    "currency",
                    "is required and must be a string",
                ));
            }
        };
        let mut order = CreateOrder::new(order_id, currency);
        for (i, line) in wire_lines(map.get("items"), "items", true)?
            .into_iter()
            .enumerate()
        {
            let (description, minor) = wire_line(&line, &format!("items[{i}]"))?;
            order
                .items
                .push(OrderItem::new(description, Money::new(minor, currency)?, 1));
        }
        for (i, line) in wire_lines(map.get("taxes"), "taxes", false)?
            .into_iter()
            .enumerate()
        {
            let (description, minor) = wire_line(&line, &format!("taxes[{i}]"))?;
            order
                .taxes
                .push(Tax::new(description, Money::new(minor, currency)?));
        }
        let amount = |key: &str| -> Result<Option<Money>, Error> {
            wire_minor(map.get(key), key)?
                .map(|minor| Money::new(minor, currency))
                .transpose()
        };
        order.shipping = amount(SHIPPING)?;
        order.expected_sub_total = amount("sub_total_cents")?;
        order.expected_total = amount("total_cents")?;
        Ok(order)
    }

    /// Checks every field and computes the totals, without building the body.
    pub fn totals(&self) -> Result<OrderTotals, Error> {
        check_order_id("order_id", &self.order_id)?;
        let currency = self.currency;
        if self.items.is_empty() {
            return Err(Error::validation("items", "must contain at least one item"));
        }
        let mut sub_total = Money::new(0, currency)?;
        for (i, item) in self.items.iter().enumerate() {
            check_description(&format!("items[{i}].description"), &item.description)?;
            let amount_field = format!("items[{i}].amount");
            check_amount(&amount_field, &item.amount, currency)?;
            if item.quantity < 1 {
                return Err(Error::validation(
                    &format!("items[{i}].quantity"),
                    format!("must be at least 1 (got {})", item.quantity),
                ));
            }
            let line = item.amount.checked_mul(item.quantity).map_err(|_| {
                Error::validation(
                    &amount_field,
                    format!("{} × {} overflows", item.amount, item.quantity),
                )
            })?;
            sub_total = sub_total
                .checked_add(line)
                .map_err(|_| Error::validation("sub_total", "the sum of the items overflows"))?;
        }
        let mut taxes = Money::new(0, currency)?;
        for (i, tax) in self.taxes.iter().enumerate() {
            check_description(&format!("taxes[{i}].description"), &tax.description)?;
            check_amount(&format!("taxes[{i}].amount"), &tax.amount, currency)?;
            taxes = taxes
                .checked_add(tax.amount)
                .map_err(|_| Error::validation("taxes", "the sum of the taxes overflows"))?;
        }
        let shipping = match self.shipping {
            Some(amount) => amount,
            None => Money::new(0, currency)?,
        };
        check_amount(SHIPPING, &shipping, currency)?;
        let total = sub_total
            .checked_add(shipping)
            .and_then(|t| t.checked_add(taxes))
            .map_err(|_| Error::validation("total", "sub_total + shipping + taxes overflows"))?;
        if total.is_zero() {
            return Err(Error::validation("total", "must be greater than zero"));
        }
        if let Some(expected) = self.expected_sub_total {
            check_amount("sub_total", &expected, currency)?;
            if expected != sub_total {
                return Err(Error::validation(
                    "sub_total",
                    format!(
                        "does not add up: given {expected}, but the items (amount × quantity) sum to {sub_total}"
                    ),
                ));
            }
        }
        if let Some(expected) = self.expected_total {
            check_amount("total", &expected, currency)?;
            if expected != total {
                return Err(Error::validation(
                    "total",
                    format!(
                        "does not add up: given {expected}, but sub_total {sub_total} + shipping {shipping} + taxes {taxes} = {total}"
                    ),
                ));
            }
        }
        Ok(OrderTotals {
            sub_total,
            shipping,
            taxes,
            total,
        })
    }

    /// Validates and builds the `POST /orders` body (shape in the type's documentation).
    pub fn to_wire_json(&self) -> Result<Value, Error> {
        self.prepare().map(|(body, _)| body)
    }

    fn prepare(&self) -> Result<(Value, OrderTotals), Error> {
        let totals = self.totals()?;
        let mut items = Vec::with_capacity(self.items.len());
        for item in &self.items {
            // Cannot fail: `totals` multiplied the same values already.
            let line = item.amount.checked_mul(item.quantity)?;
            items.push(json!({
                "description": item.description,
                "amount_cents": line.minor().to_string(),
            }));
        }
        let taxes: Vec<Value> = self
            .taxes
            .iter()
            .map(|tax| {
                json!({
                    "description": tax.description,
                    "amount_cents": tax.amount.minor().to_string(),
                })
            })
            .collect();
        let mut body = Map::new();
        body.insert("id".into(), json!(self.order_id));
        body.insert("sub_total_cents".into(), json!(totals.sub_total.minor()));
        body.insert(
            "shipping_amount_cents".into(),
            json!(totals.shipping.minor()),
        );
        body.insert("total_cents".into(), json!(totals.total.minor()));
        body.insert("currency".into(), json!(self.currency.code()));
        body.insert("items".into(), Value::Array(items));
        body.insert("taxes".into(), Value::Array(taxes));
        Ok((Value::Object(body), totals))
    }
}

const SHIPPING: &str = "shipping_amount_cents";

/// Checks a merchant order id: it travels as a URL path segment, so only unreserved characters,
/// and never `.` or `..`, which URL parsers resolve as "this/parent directory".
pub(crate) fn check_order_id(field: &str, order_id: &str) -> Result<(), Error> {
    validate::id(field, order_id, 1, MAX_ORDER_ID_LEN)?;
    if order_id.bytes().all(|b| b == b'.') {
        return Err(Error::validation(field, "must not consist of dots only"));
    }
    Ok(())
}

fn check_description(field: &str, description: &str) -> Result<(), Error> {
    validate::length(field, description, 1, MAX_DESCRIPTION_LEN)?;
    if description.trim().is_empty() {
        return Err(Error::validation(field, "must not be blank"));
    }
    Ok(())
}

fn check_amount(field: &str, amount: &Money, currency: Currency) -> Result<(), Error> {
    if amount.currency() != currency {
        return Err(Error::validation(
            field,
            format!(
                "is in {}, but the order is in {}",
                amount.currency(),
                currency
            ),
        ));
    }
    if amount.minor() < 0 {
        return Err(Error::validation(field, "must not be negative"));
    }
    Ok(())
}

fn wire_lines(value: Option<&Value>, field: &str, required: bool) -> Result<Vec<Value>, Error> {
    match value {
        Some(Value::Array(lines)) => Ok(lines.clone()),
        None | Some(Value::Null) if !required => Ok(Vec::new()),
        _ => Err(Error::validation(field, "must be a list")),
    }
}

/// `{"description": "…", "amount_cents": "10000" | 10000}`.
fn wire_line(line: &Value, field: &str) -> Result<(String, i64), Error> {
    let Value::Object(map) = line else {
        return Err(Error::validation(field, "must be an object"));
    };
    if let Some(unknown) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "description" | "amount_cents"))
    {
        return Err(Error::validation(
            &format!("{field}.{unknown}"),
            "is not a field of a SekurePay order line (expected description, amount_cents)",
        ));
    }
    let description = match map.get("description") {
        Some(Value::String(text)) => text.clone(),
        _ => {
            return Err(Error::validation(
                &format!("{field}.description"),
                "is required and must be a string",
            ));
        }
    };
    let amount_field = format!("{field}.amount_cents");
    let minor = wire_minor(map.get("amount_cents"), &amount_field)?
        .ok_or_else(|| Error::validation(&amount_field, "is required"))?;
    Ok((description, minor))
}

/// Minor units as a JSON integer or a digit string (the documentation uses both); never
/// negative, never fractional.
fn wire_minor(value: Option<&Value>, field: &str) -> Result<Option<i64>, Error> {
    let invalid = || {
        Error::validation(
            field,
            "must be a non-negative integer of minor units (number or digit string)",
        )
    };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().filter(|v| *v >= 0).map(Some).ok_or_else(invalid),
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse::<i64>().map(Some).map_err(|_| invalid())
        }
        Some(_) => Err(invalid()),
    }
}

/// An order as SekurePay answers it. SekurePay documents no response schema, so every typed
/// field is optional and read leniently (amounts as numbers or digit strings, the object bare
/// or wrapped in `{"order": …}`); `raw` keeps the full answer.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Order {
    /// The merchant order id the order was created or fetched under (the key for
    /// `get_order`). If the answer carries its own `id`, that stays in `raw`.
    pub id: String,
    pub status: Option<String>,
    pub currency: Option<Currency>,
    pub sub_total: Option<Money>,
    pub shipping: Option<Money>,
    /// Σ of the answer's tax lines (or its tax total field).
    pub taxes_total: Option<Money>,
    pub total: Option<Money>,
    /// As sent by SekurePay.
    pub created_at: Option<String>,
    /// The provider's full answer (`Null` when it answered with an empty body).
    pub raw: Value,
}

/// Reads an answer without ever failing: fields that are missing or unreadable are `None`.
pub(crate) fn order_from_json(
    order_id: &str,
    raw: Value,
    known_currency: Option<Currency>,
) -> Order {
    let body = match lenient::get_ci(&raw, "order") {
        Some(inner @ Value::Object(_)) => inner,
        _ => &raw,
    };
    let text =
        |key: &str| lenient::text(lenient::get_ci(body, key)).filter(|t| !t.trim().is_empty());
    let currency = text("currency")
        .or_else(|| text("total_currency"))
        .and_then(|code| Currency::from_code(&code).ok())
        .or(known_currency);
    let amount = |keys: &[&str]| -> Option<Money> {
        let currency = currency?;
        keys.iter()
            .find_map(|key| answer_minor(lenient::get_ci(body, key)))
            .and_then(|minor| Money::new(minor, currency).ok())
    };
    let taxes_total =
        amount(&["taxes_total_cents", "tax_total_cents", "tax_cents"]).or_else(|| {
            let currency = currency?;
            let Some(Value::Array(lines)) = lenient::get_ci(body, "taxes") else {
                return None;
            };
            lines
                .iter()
                .try_fold(Money::new(0, currency).ok()?, |sum, line| {
                    let minor = answer_minor(lenient::get_ci(line, "amount_cents"))?;
                    sum.checked_add(Money::new(minor, currency).ok()?).ok()
                })
        });
    Order {
        id: order_id.to_owned(),
        status: text("status").or_else(|| text("state")),
        currency,
        sub_total: amount(&["sub_total_cents", "subtotal_cents"]),
        shipping: amount(&["shipping_amount_cents", "shipping_cents"]),
        taxes_total,
        total: amount(&["total_cents"]),
        created_at: text("created_at"),
        raw,
    }
}

/// Minor units from an answer: integer, integral float or digit string; anything else `None`.
fn answer_minor(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

impl Client {
    /// Creates an order. The client computes and checks the totals first (see [`CreateOrder`]);
    /// a bad request fails with a `ValidationError` and nothing is sent.
    ///
    /// Exactly once by the merchant's own order id (the documented retrieval key): after an
    /// ambiguous failure (the connection breaks after sending, a 5xx, an unreadable answer)
    /// the order is looked up with `GET /orders/{id}`. Found with the same total, it is the
    /// answer; not found, the create is sent again (and if that repeat answers `conflict`,
    /// the order is looked up again). After a timeout the first attempt may
    /// still be running, so an order not visible yet ends the call with an `outcome_unknown`
    /// error naming [`Client::get_order`]. A duplicate order id is a `conflict` error.
    pub async fn create_order(&self, request: CreateOrder) -> Result<Order, Error> {
        let (body, totals) = request.prepare()?;
        self.spawn(move |client| async move { client.send_create(&request, &body, totals).await })
            .await
    }

    /// Reads one order by its merchant order id.
    pub async fn get_order(&self, order_id: &str) -> Result<Order, Error> {
        check_order_id("order_id", order_id)?;
        let order_id = order_id.to_owned();
        self.spawn(move |client| async move { client.fetch_order(&order_id).await })
            .await
    }

    /// Creates an order, and when the outcome is unclear settles it by the order's own id:
    /// "nothing lost, nothing charged twice" for an API without idempotency keys.
    ///
    /// - Create succeeds: its order is returned.
    /// - Create fails with `outcome_unknown` (connection lost after sending, timeout, 5xx,
    ///   unreadable answer) or with `conflict` (the id exists, e.g. an earlier attempt of this
    ///   same call went through): the order is fetched with `get_order`. If it exists with the
    ///   same total (amount and currency), it is returned. Otherwise the ORIGINAL error is
    ///   returned, with a detail saying what the lookup found (no order yet, a different
    ///   total, an answer without a readable total, or a failed lookup). It never creates a
    ///   second time: an order not visible yet may still be in flight.
    /// - Any other error (validation, authentication …) is returned as is.
    pub async fn find_or_create_order(&self, request: CreateOrder) -> Result<Order, Error> {
        let (body, totals) = request.prepare()?;
        self.spawn(move |client| async move {
            let error = match client.send_create(&request, &body, totals).await {
                Ok(order) => return Ok(order),
                Err(error) if error.outcome_unknown() || error.kind() == ErrorKind::Conflict => error,
                Err(error) => return Err(error),
            };
            let id = &request.order_id;
            let found = match client.fetch_order(id).await {
                Ok(order) => order,
                Err(lookup) if lookup.kind() == ErrorKind::NotFound => {
                    return Err(add_detail(
                        error,
                        format!(
                            "get_order({id:?}) found no order yet; it may still be in flight, so check again before creating it anew"
                        ),
                    ));
                }
                Err(lookup) => {
                    return Err(add_detail(error, format!("get_order({id:?}) failed too: {lookup}")));
                }
            };
            match found.total {
                Some(total) if total == totals.total => {
                    tracing::info!(order_id = %id, "sekurepay order found after an unclear create");
                    Ok(found)
                }
                Some(total) => Err(add_detail(
                    error,
                    format!(
                        "order {id:?} exists with total {total}, not {}: it is a different order",
                        totals.total
                    ),
                )),
                None => Err(add_detail(
                    error,
                    format!(
                        "order {id:?} exists, but its answer has no readable total to compare with {}; inspect it with get_order",
                        totals.total
                    ),
                )),
            }
        })
        .await
    }

    async fn send_create(
        &self,
        request: &CreateOrder,
        body: &Value,
        totals: OrderTotals,
    ) -> Result<Order, Error> {
        let id = &request.order_id;
        let lookup = || async move {
            match self.fetch_order(id).await {
                Ok(found) if found.total == Some(totals.total) => Ok(Some(Some(found.raw))),
                // A different order holds the id: ours was not created (a repeat answers
                // `conflict`).
                Ok(_) => Ok(None),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        };
        let answer = self
            .exchange_with(
                "sekurepay.orders.create",
                Method::POST,
                "/orders",
                Some(body),
                Safety::Reconcilable,
                Some(format!("get_order({id:?})")),
                Some(lookup),
            )
            .await
            .map_err(|error| {
                if error.outcome_unknown() {
                    add_detail(
                        error,
                        format!(
                            "SekurePay has no idempotency key: call get_order({id:?}) to learn whether the order was created before creating it again"
                        ),
                    )
                } else {
                    error
                }
            })?;
        let mut order = order_from_json(id, answer.unwrap_or(Value::Null), Some(request.currency));
        if order.total.is_some_and(|total| total != totals.total) {
            tracing::warn!(
                order_id = %id,
                sent = %totals.total,
                "sekurepay answered a create with a different total than the one sent"
            );
        }
        // The accepted request is the best knowledge of what the answer leaves out.
        order.sub_total = order.sub_total.or(Some(totals.sub_total));
        order.shipping = order.shipping.or(Some(totals.shipping));
        order.taxes_total = order.taxes_total.or(Some(totals.taxes));
        order.total = order.total.or(Some(totals.total));
        Ok(order)
    }

    async fn fetch_order(&self, order_id: &str) -> Result<Order, Error> {
        let path = format!("/orders/{}", segment(order_id));
        let answer = self
            .exchange(
                "sekurepay.orders.get",
                Method::GET,
                &path,
                None,
                Safety::Read,
            )
            .await?;
        match answer {
            Some(raw) => Ok(order_from_json(order_id, raw, None)),
            None => Err(Error::decode(
                crate::error::Provider::SekurePay,
                format!("empty answer to GET /orders/{order_id}"),
            )),
        }
    }
}

/// Percent-encodes one path segment (defence in depth: ids are already restricted).
fn segment(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn add_detail(error: Error, detail: String) -> Error {
    let mut details = error.details().to_vec();
    details.push(detail);
    error.with_details(details)
}

#[cfg(test)]
// Tests fail loudly on purpose; the crate-wide deny is for library code.
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn usd(minor: i64) -> Money {
        Money::from_minor(minor, "USD").unwrap()
    }

    fn currency(code: &str) -> Currency {
        Currency::from_code(code).unwrap()
    }

    fn fixture() -> Value {
        let path = fixtures_dir!("sekurepay/order_create.request.json");
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str(&text).unwrap()
    }

    fn tv_order() -> CreateOrder {
        CreateOrder::new("MERCHANT_GENERATED_ORDER_ID", currency("USD"))
            .with_item("51 inch TV", usd(10000), 1)
            .with_tax("GST", usd(500))
            .with_shipping_amount_cents(200)
            .unwrap()
    }

    #[test]
    fn computes_totals_from_unit_amounts_and_quantities() {
        let order = CreateOrder::new("o-1", currency("CHF"))
            .with_item("Coffee", Money::from_minor(450, "CHF").unwrap(), 3)
            .with_item("Cake", Money::from_minor(700, "CHF").unwrap(), 1)
            .with_tax("VAT 8.1%", Money::from_minor(166, "CHF").unwrap())
            .with_tax("City tax", Money::from_minor(10, "CHF").unwrap())
            .with_shipping(Money::from_minor(500, "CHF").unwrap());
        let totals = order.totals().unwrap();
        assert_eq!(totals.sub_total.minor(), 3 * 450 + 700);
        assert_eq!(totals.taxes.minor(), 176);
        assert_eq!(totals.total.minor(), 2050 + 500 + 176);
        let body = order.to_wire_json().unwrap();
        assert_eq!(body["sub_total_cents"], json!(2050));
        assert_eq!(body["total_cents"], json!(2726));
        assert_eq!(body["currency"], json!("CHF"));
        // Line totals on the wire, as strings; no quantity key.
        assert_eq!(
            body["items"][0],
            json!({"description": "Coffee", "amount_cents": "1350"})
        );
        assert_eq!(
            body["taxes"][1],
            json!({"description": "City tax", "amount_cents": "10"})
        );
    }

    #[test]
    fn builds_exactly_the_documented_shape() {
        let mut expected = fixture();
        // The documented sample adds up wrong; with the right total it is our body, byte types
        // included (string amounts in lines, integers at the top).
        expected["total_cents"] = json!(10700);
        assert_eq!(tv_order().to_wire_json().unwrap(), expected);
        assert_eq!(
            CreateOrder::from_wire_json(&expected)
                .unwrap()
                .to_wire_json()
                .unwrap(),
            expected
        );
    }

    #[test]
    fn the_documented_sample_is_refused_as_is() {
        let order = CreateOrder::from_wire_json(&fixture()).unwrap();
        assert_eq!(order.expected_total, Some(usd(12200)));
        let err = order.to_wire_json().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
        assert_eq!(err.field(), Some("total"));
        assert!(err.message().contains("107.00 USD"), "{}", err.message());
        let err = tv_order()
            .with_expected_total(usd(12200))
            .totals()
            .unwrap_err();
        assert_eq!(err.field(), Some("total"));
        assert!(tv_order().with_expected_total(usd(10700)).totals().is_ok());
        let err = tv_order()
            .with_expected_sub_total(usd(9999))
            .totals()
            .unwrap_err();
        assert_eq!(err.field(), Some("sub_total"));
    }

    #[test]
    fn refuses_bad_input_naming_the_field() {
        let eur = Money::from_minor(100, "EUR").unwrap();
        let cases: Vec<(CreateOrder, &str)> = vec![
            (
                CreateOrder::new("", currency("USD")).with_item("x", usd(1), 1),
                "order_id",
            ),
            (
                CreateOrder::new("a/b", currency("USD")).with_item("x", usd(1), 1),
                "order_id",
            ),
            (
                CreateOrder::new("..", currency("USD")).with_item("x", usd(1), 1),
                "order_id",
            ),
            (
                CreateOrder::new("x".repeat(101), currency("USD")).with_item("x", usd(1), 1),
                "order_id",
            ),
            (CreateOrder::new("o", currency("USD")), "items"),
            (
                CreateOrder::new("o", currency("USD")).with_item("", usd(1), 1),
                "items[0].description",
            ),
            (
                CreateOrder::new("o", currency("USD")).with_item("  ", usd(1), 1),
                "items[0].description",
            ),
            (
                CreateOrder::new("o", currency("USD")).with_item("x", usd(1), 0),
                "items[0].quantity",
            ),
            (
                CreateOrder::new("o", currency("USD")).with_item("x", usd(1), -2),
                "items[0].quantity",
            ),
            (
                CreateOrder::new("o", currency("USD"))
                    .with_item("x", usd(1), 1)
                    .with_item("y", eur, 1),
                "items[1].amount",
            ),
            (
                CreateOrder::new("o", currency("USD"))
                    .with_item("x", usd(1), 1)
                    .with_tax("VAT", eur),
                "taxes[0].amount",
            ),
            (
                CreateOrder::new("o", currency("USD"))
                    .with_item("x", usd(1), 1)
                    .with_tax("", usd(1)),
                "taxes[0].description",
            ),
            (
                CreateOrder::new("o", currency("USD"))
                    .with_item("x", usd(1), 1)
                    .with_shipping(eur),
                "shipping_amount_cents",
            ),
            (
                CreateOrder::new("o", currency("USD")).with_item("x", usd(0), 1),
                "total",
            ),
            (
                CreateOrder::new("o", currency("USD")).with_item("x", usd(i64::MAX), 2),
                "items[0].amount",
            ),
            (
                CreateOrder::new("o", currency("USD"))
                    .with_item("x", usd(i64::MAX), 1)
                    .with_item("y", usd(1), 1),
                "sub_total",
            ),
            (
                CreateOrder::new("o", currency("USD"))
                    .with_item("x", usd(1), 1)
                    .with_tax("a", usd(i64::MAX)),
                "total",
            ),
            (
                CreateOrder::new("o", currency("USD"))
                    .with_item("x", usd(1), 1)
                    .with_expected_total(eur),
                "total",
            ),
        ];
        for (order, field) in cases {
            let err = order.to_wire_json().unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Validation, "{field}: {err}");
            assert_eq!(err.field(), Some(field), "{err}");
        }
        let err = CreateOrder::new("o", currency("USD"))
            .with_shipping_amount_cents(-1)
            .unwrap_err();
        assert_eq!(err.field(), Some("shipping_amount_cents"));
        assert!(Currency::from_code("XYZ").unwrap_err().field() == Some("currency"));
        // Free items are fine as long as the order costs something.
        assert!(
            CreateOrder::new("o", currency("USD"))
                .with_item("gift", usd(0), 1)
                .with_item("x", usd(1), 1)
                .totals()
                .is_ok()
        );
    }

    #[test]
    fn wire_json_input_is_checked_too() {
        for (body, field) in [
            (json!([]), "order"),
            (
                json!({"id": "o", "currency": "USD", "items": [], "extra": 1}),
                "extra",
            ),
            (json!({"currency": "USD", "items": []}), "id"),
            (
                json!({"id": "o", "currency": "ZZZ", "items": []}),
                "currency",
            ),
            (json!({"id": "o", "currency": "USD"}), "items"),
            (
                json!({"id": "o", "currency": "USD", "items": [{"description": "x", "amount_cents": "1.5"}]}),
                "items[0].amount_cents",
            ),
            (
                json!({"id": "o", "currency": "USD", "items": [{"description": "x", "amount_cents": -1}]}),
                "items[0].amount_cents",
            ),
            (
                json!({"id": "o", "currency": "USD", "items": [{"description": "x", "amount_cents": "1", "quantity": 2}]}),
                "items[0].quantity",
            ),
            (
                json!({"id": "o", "currency": "USD", "items": [{"amount_cents": "1"}]}),
                "items[0].description",
            ),
            (
                json!({"id": "o", "currency": "USD", "items": [{"description": "x", "amount_cents": 1}], "total_cents": "x"}),
                "total_cents",
            ),
        ] {
            let err = CreateOrder::from_wire_json(&body).unwrap_err();
            assert_eq!(err.field(), Some(field), "{body}: {err}");
        }
    }

    #[test]
    fn reads_answers_leniently() {
        let raw = json!({"order": {
            "id": 981, "status": "pending", "currency": "usd",
            "sub_total_cents": "10000", "shipping_amount_cents": 200, "total_cents": 10700.0,
            "taxes": [{"description": "GST", "amount_cents": "500"}],
            "created_at": "2026-01-02T03:04:05Z", "extra": {"kept": true}
        }});
        let order = order_from_json("o-1", raw.clone(), None);
        assert_eq!(order.id, "o-1");
        assert_eq!(order.status.as_deref(), Some("pending"));
        assert_eq!(order.currency, Some(currency("USD")));
        assert_eq!(order.sub_total, Some(usd(10000)));
        assert_eq!(order.shipping, Some(usd(200)));
        assert_eq!(order.taxes_total, Some(usd(500)));
        assert_eq!(order.total, Some(usd(10700)));
        assert_eq!(order.created_at.as_deref(), Some("2026-01-02T03:04:05Z"));
        assert_eq!(order.raw, raw);

        // Unreadable parts become None instead of failing the call.
        let order = order_from_json(
            "o-2",
            json!({"total_cents": "12,00", "currency": "???", "status": 3}),
            None,
        );
        assert_eq!(
            (order.total, order.currency, order.status.as_deref()),
            (None, None, Some("3"))
        );
        let order = order_from_json("o-3", json!({"total_cents": -5}), Some(currency("JPY")));
        assert_eq!(order.total, None);
        let order = order_from_json("o-4", json!({"total_cents": 1500}), Some(currency("JPY")));
        assert_eq!(order.total, Some(Money::from_minor(1500, "JPY").unwrap()));
        let order = order_from_json("o-5", json!(["not", "an", "object"]), None);
        assert_eq!(order.total, None);
    }

    proptest::proptest! {
        #[test]
        fn totals_never_panic_and_always_add_up(
            lines in proptest::collection::vec((amount(), -1i64..1_000_000_000), 1..5),
            taxes in proptest::collection::vec(amount(), 0..3),
            shipping in amount(),
        ) {
            let mut order = CreateOrder::new("p", currency("EUR"))
                .with_shipping(Money::from_minor(shipping, "EUR").unwrap());
            for (amount, quantity) in &lines {
                order = order.with_item("x", Money::from_minor(*amount, "EUR").unwrap(), *quantity);
            }
            for tax in &taxes {
                order = order.with_tax("t", Money::from_minor(*tax, "EUR").unwrap());
            }
            // Exact reference in i128, where none of these sums can overflow.
            let max = i128::from(i64::MAX);
            let products: Vec<i128> = lines.iter().map(|(a, q)| i128::from(*a) * i128::from(*q)).collect();
            let sub: i128 = products.iter().sum();
            let total = sub + taxes.iter().map(|t| i128::from(*t)).sum::<i128>() + i128::from(shipping);
            let valid = lines.iter().all(|(_, q)| *q >= 1)
                && products.iter().all(|p| *p <= max)
                && sub <= max
                && total <= max
                && total > 0;
            match order.totals() {
                Ok(totals) => {
                    proptest::prop_assert!(valid);
                    proptest::prop_assert_eq!(i128::from(totals.sub_total.minor()), sub);
                    proptest::prop_assert_eq!(i128::from(totals.total.minor()), total);
                }
                Err(err) => {
                    // Partial sums of non-negative terms never exceed the whole, so
                    // "valid" is exactly "no overflow anywhere".
                    proptest::prop_assert!(!valid, "{}", err);
                    proptest::prop_assert_eq!(err.kind(), ErrorKind::Validation);
                }
            }
        }
    }

    /// Mostly small amounts, sometimes huge ones, so both sums and overflows get exercised.
    fn amount() -> impl proptest::strategy::Strategy<Value = i64> {
        proptest::prop_oneof![0i64..1_000_000, 0i64..i64::MAX]
    }
}
