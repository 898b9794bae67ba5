//! Payment Containers (`/api/v2/Payment/Containers`, ids `PCT_...`): a payer's bank account
//! (with its SEPA mandate) or card, kept to pay with later: create one, then
//! `prepare_smart_transaction(id, "debit", container_id)` (the official custom-checkout flow).
//! And the payment methods a contract offers (`/Payment/Contracts/{id}/paymentMethods`).

use http::Method;
use serde_json::{Map, Value, json};

use super::error::with_hint;
use super::models::BankAccount;
use super::{ApiCall, Client, segment};
use crate::error::{Error, Provider};
use crate::http::Safety;
use crate::lenient;
use crate::validate;

crate::output_record! {
    /// The SEPA mandate of a bank account container (the SDK's `PaymentContainerMandate`).
    #[derive(Clone, Debug, PartialEq, serde::Serialize)]
    pub struct PaymentContainerMandate {
        pub sepa_mandate_id: Option<String>,
        pub iban: Option<String>,
        pub bic: Option<String>,
        /// The mandate's type (the wire's `type`).
        pub mandate_type: Option<String>,
        pub status: Option<String>,
        pub identification: Option<String>,
        pub creditor_id: Option<String>,
    }
}

crate::output_record! {
    /// A Payment Container (`PCT_...`, the SDK's `PaymentContainersProductModel`). The account
    /// data is the container's `public` part (what the API shows of it).
    #[derive(Clone, Debug, serde::Serialize)]
    pub struct PaymentContainer {
        pub id: String,
        /// `bank_account`, `credit_card`, ... (the wire's `type`).
        pub container_type: Option<String>,
        pub created: Option<String>,
        pub updated: Option<String>,
        /// `PCU_...`
        pub customer_id: Option<String>,
        pub owner: Option<String>,
        pub iban: Option<String>,
        pub bic: Option<String>,
        pub bankname: Option<String>,
        pub mandate: Option<PaymentContainerMandate>,
        pub raw: Value,
    }
}

impl PaymentContainer {
    pub fn from_wire(raw: Value, known_id: Option<&str>) -> Result<PaymentContainer, Error> {
        if !raw.is_object() {
            return Err(Error::decode(
                Provider::Secuconnect,
                "unexpected Payment Container shape: not an object",
            )
            .with_raw(crate::error::scrub_body(raw.to_string().as_bytes())));
        }
        let id = lenient::text(raw.get("id"))
            .filter(|id| !id.is_empty())
            .or_else(|| known_id.map(str::to_owned))
            .ok_or_else(|| {
                Error::decode(Provider::Secuconnect, "Payment Container without an id")
            })?;
        // The public part; some answers only echo the private one.
        let account = match raw.get("public").filter(|v| v.is_object()) {
            Some(public) => public,
            None => raw.get("private").unwrap_or(&Value::Null),
        };
        let text = |name: &str| lenient::text(account.get(name));
        let mandate =
            raw.get("mandate")
                .filter(|m| m.is_object())
                .map(|m| PaymentContainerMandate {
                    sepa_mandate_id: lenient::text(m.get("sepa_mandate_id")),
                    iban: lenient::text(m.get("iban")),
                    bic: lenient::text(m.get("bic")),
                    mandate_type: lenient::text(m.get("type")),
                    status: lenient::text(m.get("status")),
                    identification: lenient::text(m.get("identification")),
                    creditor_id: lenient::text(m.get("creditor_id")),
                });
        Ok(PaymentContainer {
            id,
            container_type: lenient::text(raw.get("type")),
            created: lenient::text(raw.get("created")),
            updated: lenient::text(raw.get("updated")),
            customer_id: raw.get("customer").and_then(|c| lenient::text(c.get("id"))),
            owner: text("owner"),
            iban: text("iban"),
            bic: text("bic"),
            bankname: text("bankname"),
            mandate,
            raw,
        })
    }
}

/// A list answer (`{count, data: [...]}`), tolerating a bare array.
pub(crate) fn list_items(raw: Value) -> Result<Vec<Value>, Error> {
    match raw {
        Value::Array(items) => Ok(items),
        Value::Object(mut map) => match map.remove("data") {
            Some(Value::Array(items)) => Ok(items),
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(other) => Err(Error::decode(
                Provider::Secuconnect,
                format!("unexpected list: data is {other}"),
            )),
        },
        Value::Null => Ok(Vec::new()),
        other => Err(Error::decode(
            Provider::Secuconnect,
            format!("unexpected list answer: {other}"),
        )),
    }
}

/// `count`, `offset`, `q`, `sort` of a list call, checked.
pub(crate) fn list_params(
    query: &Option<String>,
    sort: &Option<String>,
    count: u32,
    offset: u64,
) -> Result<Vec<(&'static str, String)>, Error> {
    if count == 0 || count > super::MAX_PAGE_SIZE {
        return Err(Error::validation(
            "count",
            format!("must be 1 to {} (got {count})", super::MAX_PAGE_SIZE),
        ));
    }
    if offset >= super::MAX_RESULT_WINDOW {
        return Err(Error::validation(
            "offset",
            format!(
                "must be less than {} (the API serves only the first {} matches; narrow the query)",
                super::MAX_RESULT_WINDOW,
                super::MAX_RESULT_WINDOW
            ),
        ));
    }
    let mut params = vec![("count", count.to_string()), ("offset", offset.to_string())];
    if let Some(q) = query {
        validate::length("query", q, 1, 2000)?;
        params.push(("q", q.clone()));
    }
    if let Some(sort) = sort {
        super::smart_transactions::check_sort(sort)?;
        params.push(("sort", sort.clone()));
    }
    Ok(params)
}

fn check_id(id: &str) -> Result<(), Error> {
    super::check_path_id("id", id)
}

impl Client {
    /// Creates a bank account container (with its SEPA mandate) for later payments by debit,
    /// optionally for an existing customer (`PCU_...`). No key identifies a container: a lost
    /// answer ends `outcome_unknown`, to be settled with `list_payment_containers`.
    pub async fn create_payment_container(
        &self,
        bank_account: &BankAccount,
        customer_id: Option<&str>,
    ) -> Result<PaymentContainer, Error> {
        let mut body = match bank_account.to_wire("bank_account")? {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        if let Some(customer) = customer_id {
            validate::id("customer_id", customer, 1, 64)?;
            body.insert("customer".into(), json!({ "id": customer }));
        }
        self.spawn(move |client| async move {
            let raw = client
                .api(ApiCall {
                    operation: "secuconnect.payment_containers.create",
                    method: Method::POST,
                    path: "/Payment/Containers".into(),
                    query: Vec::new(),
                    body: Some(Value::Object(body)),
                    safety: Safety::Unkeyed,
                    settle: Some("list_payment_containers()".into()),
                })
                .await
                .map_err(|e| {
                    if e.outcome_unknown() {
                        with_hint(
                            e,
                            "the container may have been created; look for it with \
                             list_payment_containers() before creating it again",
                        )
                    } else {
                        e
                    }
                })?;
            PaymentContainer::from_wire(raw, None)
        })
        .await
    }

    /// Reads a Payment Container.
    pub async fn get_payment_container(&self, id: &str) -> Result<PaymentContainer, Error> {
        check_id(id)?;
        let id = id.to_owned();
        self.spawn(move |client| async move {
            let raw = client
                .api(ApiCall {
                    operation: "secuconnect.payment_containers.get",
                    method: Method::GET,
                    path: format!("/Payment/Containers/{}", segment(&id)),
                    query: Vec::new(),
                    body: None,
                    safety: Safety::Read,
                    settle: None,
                })
                .await?;
            PaymentContainer::from_wire(raw, Some(&id))
        })
        .await
    }

    /// One page of Payment Containers (offset paging; `query` as for Smart Transactions).
    pub async fn list_payment_containers(
        &self,
        query: Option<String>,
        sort: Option<String>,
        count: u32,
        offset: u64,
    ) -> Result<Vec<PaymentContainer>, Error> {
        let params = list_params(&query, &sort, count, offset)?;
        self.spawn(move |client| async move {
            let raw = client
                .api(ApiCall {
                    operation: "secuconnect.payment_containers.list",
                    method: Method::GET,
                    path: "/Payment/Containers".into(),
                    query: params,
                    body: None,
                    safety: Safety::Read,
                    settle: None,
                })
                .await?;
            list_items(raw)?
                .into_iter()
                .map(|item| PaymentContainer::from_wire(item, None))
                .collect()
        })
        .await
    }

    /// Deletes a Payment Container; answers the deleted container(s). Not sent again once it
    /// may have arrived (a repeat would answer "not found"): settle with `get_payment_container`.
    pub async fn delete_payment_container(&self, id: &str) -> Result<Vec<PaymentContainer>, Error> {
        check_id(id)?;
        let id = id.to_owned();
        self.spawn(move |client| async move {
            let raw = client
                .api(ApiCall {
                    operation: "secuconnect.payment_containers.delete",
                    method: Method::DELETE,
                    path: format!("/Payment/Containers/{}", segment(&id)),
                    query: Vec::new(),
                    body: None,
                    safety: Safety::Unkeyed,
                    settle: Some(format!("get_payment_container({id:?})")),
                })
                .await?;
            let items = match raw {
                object @ Value::Object(_) if object.get("data").is_none() => vec![object],
                other => list_items(other)?,
            };
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| PaymentContainer::from_wire(item, (i == 0).then_some(&*id)))
                .collect()
        })
        .await
    }

    /// The payment methods a General Contract offers (`creditcard`, `debit`, `prepaid`, ...):
    /// the client's contract when `contract_id` is `None`.
    pub async fn get_payment_methods(
        &self,
        contract_id: Option<&str>,
    ) -> Result<Vec<String>, Error> {
        let contract = contract_id
            .or(self.contract_id())
            .ok_or_else(|| {
                Error::validation(
                    "contract_id",
                    "is required (the client has no default contract)",
                )
            })?
            .to_owned();
        super::check_path_id("contract_id", &contract)?;
        self.spawn(move |client| async move {
            let raw = client
                .api(ApiCall {
                    operation: "secuconnect.payment_contracts.payment_methods",
                    method: Method::GET,
                    path: format!("/Payment/Contracts/{}/paymentMethods", segment(&contract)),
                    query: Vec::new(),
                    body: None,
                    safety: Safety::Read,
                    settle: None,
                })
                .await?;
            list_items(raw)?
                .into_iter()
                .map(|item| {
                    lenient::text(Some(&item)).ok_or_else(|| {
                        Error::decode(
                            Provider::Secuconnect,
                            format!("unexpected payment method: {item}"),
                        )
                    })
                })
                .collect()
        })
        .await
    }
}
