"""Typed shapes of the dict inputs (``payer``, ``order``, ``billing_address_form`` …).

Plain dicts with these keys are accepted wherever the clients take a nested container; the
core checks every field and names the exact path on error (``payer.billing_address.email``).
Amounts inside them are :class:`paywire.Money`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, List, TypedDict

if TYPE_CHECKING:
    from ._native import Money

__all__ = [
    "CardDict",
    "PaymentMeansDict",
    "RedirectNotifyUrlsDict",
    "PendingNotificationDict",
    "AddressDict",
    "PayerDict",
    "BillingAddressFormDict",
    "OrderItemDict",
    "OrderDict",
    "RegisterAliasDict",
    "SekurePayItemDict",
    "SekurePayTaxDict",
    "ReturnUrlsDict",
    "BasketItemDict",
    "BankAccountDict",
]


class AddressDict(TypedDict, total=False):
    """A postal address (billing or delivery); every key is optional."""

    first_name: str
    last_name: str
    company: str
    gender: str
    street: str
    street2: str
    zip: str
    city: str
    country_code: str
    country_subdivision_code: str
    email: str
    phone: str
    date_of_birth: str
    vat_number: str


class PayerDict(TypedDict, total=False):
    """The payer. Secure PayGate offers accept language, IP addresses and a billing address."""

    id: str
    language_code: str
    ip_address: str
    ipv6_address: str
    billing_address: AddressDict
    delivery_address: AddressDict


class _BillingAddressFormRequired(TypedDict):
    address_source: str


class BillingAddressFormDict(_BillingAddressFormRequired, total=False):
    """Which address fields the payment page asks for (``address_source`` is required)."""

    mandatory_fields: List[str]


class OrderItemDict(TypedDict, total=False):
    """One order line (mandatory for Klarna)."""

    item_type: str
    id: str
    variant_id: str
    name: str
    category_name: str
    description: str
    quantity: int
    unit_price: "Money"
    is_pre_order: bool
    tax_rate: int
    tax_amount: "Money"
    discount_amount: "Money"
    product_url: str
    image_url: str


class OrderDict(TypedDict):
    """Order details."""

    items: List[OrderItemDict]


class _RegisterAliasRequired(TypedDict):
    id_generator: str


class RegisterAliasDict(_RegisterAliasRequired, total=False):
    """Alias registration on a payment page: ``MANUAL`` (with ``id``), ``RANDOM``, ``RANDOM_UNIQUE``."""

    id: str
    lifetime: int


class _CardRequired(TypedDict):
    number: str
    exp_month: int
    exp_year: int


class CardDict(_CardRequired, total=False):
    """Card data (PCI-certified merchants only); ``number`` and ``verification_code`` are
    secrets paywire never shows."""

    verification_code: str
    holder_name: str


class PaymentMeansDict(TypedDict, total=False):
    """Exactly one of ``saferpay_fields_token``, ``alias_id`` (with its ``verification_code``)
    or ``card``."""

    saferpay_fields_token: str
    alias_id: str
    verification_code: str
    card: CardDict


class RedirectNotifyUrlsDict(TypedDict):
    """Called (GET) when the payer completed or failed the redirect steps."""

    success: str
    fail: str


class PendingNotificationDict(TypedDict, total=False):
    """Whom Saferpay tells when a ``PENDING`` capture or refund settles."""

    notify_url: str
    merchant_emails: List[str]


class _SekurePayItemRequired(TypedDict):
    description: str
    amount_cents: int


class SekurePayItemDict(_SekurePayItemRequired, total=False):
    """A SekurePay order line: unit amount in minor units, quantity (default 1)."""

    quantity: int


class SekurePayTaxDict(TypedDict):
    """A SekurePay tax line in minor units."""

    description: str
    amount_cents: int


class ReturnUrlsDict(TypedDict, total=False):
    """secuconnect checkout return URLs."""

    url_success: str
    url_failure: str
    url_abort: str
    url_push: str


class BasketItemDict(TypedDict, total=False):
    """A secuconnect basket line; amounts in minor units of the transaction's currency."""

    id: int
    item_type: str
    desc: str
    article_number: str
    ean: str
    quantity: int
    price_one: int
    sum: int
    tax: str
    reference_id: str
    contract_id: str
    sub_basket: List["BasketItemDict"]


class _BankAccountRequired(TypedDict):
    owner: str
    iban: str


class BankAccountDict(_BankAccountRequired, total=False):
    """A bank account for ``prepare_smart_transaction`` (SEPA direct debit)."""

    bic: str
