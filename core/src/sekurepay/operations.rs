//! SekurePay's operation table (see [`crate::operation`]).

use serde_json::Value;

use super::*;

crate::operation_input! {
    /// What `create_order` and `find_or_create_order` take, as API.md gives them: items and
    /// taxes as plain lists with amounts in minor units of `currency`.
    pub struct CreateOrderRequest {
        /// 1 to 64 characters of `A-Z a-z 0-9 . : - _`; the key for `get_order`.
        pub order_id: String,
        /// ISO 4217, e.g. `USD`.
        pub currency: String,
        /// At least one `{"description", "amount_cents", "quantity" (default 1)}`; the
        /// amount is the price of one unit.
        pub items: Value,
        /// `{"description", "amount_cents"}` lines.
        pub taxes: Value = [],
        pub shipping_amount_cents: i64 = 0,
    }
}

impl CreateOrderRequest {
    /// The order, built by `CreateOrder::from_args` (which checks and names every field).
    fn into_order(self) -> Result<CreateOrder, Error> {
        CreateOrder::from_args(
            &self.order_id,
            &self.currency,
            self.items,
            self.taxes,
            self.shipping_amount_cents,
        )
    }
}

impl FindOrCreateOrder {
    /// The same parameters as `create_order`, so the same order.
    fn into_order(self) -> Result<CreateOrder, Error> {
        CreateOrderRequest {
            order_id: self.order_id,
            currency: self.currency,
            items: self.items,
            taxes: self.taxes,
            shipping_amount_cents: self.shipping_amount_cents,
        }
        .into_order()
    }
}

crate::operation_input! {
    /// What `find_or_create_order` takes (the same as `create_order`).
    pub struct FindOrCreateOrder {
        pub order_id: String,
        pub currency: String,
        pub items: Value,
        pub taxes: Value = [],
        pub shipping_amount_cents: i64 = 0,
    }
}

crate::operation_input! {
    /// What `get_order` takes.
    pub struct GetOrder {
        pub order_id: String,
    }
}

crate::operation_table! {
    provider = "sekurepay", client = Client;

    /// Creates an order with totals the client computes; sent at most once per `order_id`.
    create_order(CreateOrderRequest) -> Order, KeyedWrite, single,
        |c, i| async move { c.create_order(i.into_order()?).await };
    /// Reads an order by its id.
    get_order(GetOrder) -> Order, Read, single,
        |c, i| c.get_order(&i.order_id);
    /// Returns the order with this id, creating it when there is none.
    find_or_create_order(FindOrCreateOrder) -> Order, KeyedWrite, single,
        |c, i| async move { c.find_or_create_order(i.into_order()?).await };
}

/// The output records whose binding types are generated (see `operation::record`); a result
/// type declared with `output_record!` is listed here.
pub fn records() -> Vec<crate::operation::record::RecordInfo> {
    Vec::new()
}
