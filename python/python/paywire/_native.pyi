# Type stubs for the native module. Checked against the runtime by the test suite
# (`python -m mypy.stubtest paywire`), so they cannot drift.

import datetime
import decimal
import os
from typing import Any, Iterator, AsyncIterator, Awaitable, Callable, Dict, List, Literal, Optional, Sequence, Union, final

from typing_extensions import Self

from paywire.types import (
    BankAccountDict,
    BillingAddressFormDict,
    OrderDict,
    BasketItemDict,
    PayerDict,
    PaymentMeansDict,
    PendingNotificationDict,
    RedirectNotifyUrlsDict,
    ReturnUrlsDict,
    RegisterAliasDict,
    SekurePayItemDict,
    SekurePayTaxDict,
)

__all__ = [
    "__version__",
    "SAFERPAY_DEFAULT_SPEC_VERSION",
    "Money",
    "Offer",
    "Feature",
    "License",
    "PaymentMethodInfo",
    "WalletInfo",
    "Terminal",
    "PaymentPageConfiguration",
    "ReportedTransaction",
    "TransactionIterator",
    "AsyncTransactionIterator",
    "SaferpayClient",
    "AsyncSaferpayClient",
    "Sandbox",
    "BasketItem",
    "PaymentTransactionRef",
    "SmartTransaction",
    "PaymentTransaction",
    "ParentObj",
    "PaymentRefund",
    "PaymentContainer",
    "PaymentContainerMandate",
    "PaymentStatus",
    "PushObject",
    "PushNotification",
    "DeviceAuthorization",
    "TokenInfo",
    "SmartTransactionIterator",
    "AsyncSmartTransactionIterator",
    "SecuconnectClient",
    "AsyncSecuconnectClient",
    "Transaction",
    "Card",
    "BankAccount",
    "PayPalAccount",
    "PaymentMeans",
    "ThreeDs",
    "Liability",
    "RegistrationResult",
    "Payment",
    "PaymentPageSession",
    "Capture",
    "Cancellation",
    "CaptureStatus",
    "RefundStatus",
    "TransactionSession",
    "AliasSession",
    "Alias",
    "PaymentLink",
    "SekurePayOrder",
    "SekurePayClient",
    "AsyncSekurePayClient",
    "_Start",
    "operation_table",
    "record_table",
    "_panic_for_test",
    "_log_level",
    "_emit_log_for_test",
]

__version__: str
SAFERPAY_DEFAULT_SPEC_VERSION: str

_Timestamp = Union[datetime.datetime, str]
_ReportDate = Union[datetime.date, datetime.datetime, str]
_Environment = Literal["test", "live"]

@final
class Money:
    """Integer minor units plus an ISO 4217 currency: ``Money(404, "CHF")``."""

    def __new__(cls, minor: int, currency: str) -> Money: ...
    @staticmethod
    def parse(amount: Union[str, int, decimal.Decimal], currency: str) -> Money: ...
    @property
    def minor(self) -> int: ...
    @property
    def currency(self) -> str: ...
    @property
    def exponent(self) -> int: ...
    def to_decimal(self) -> decimal.Decimal: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Any: ...

# ---------------------------------------------------------------- Saferpay results

# -- records: generated from the core's output records by python/scripts/gen-bindings; do not edit --
@final
class Offer:
    """A Secure PayGate offer (a single-use payment link)."""
    @property
    def offer_id(self) -> str: ...
    @property
    def payment_link(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def amount(self) -> Optional[Money]: ...
    @property
    def order_id(self) -> Optional[str]: ...
    @property
    def description(self) -> Optional[str]: ...
    @property
    def created_at(self) -> Optional[str]: ...
    @property
    def expires_at(self) -> Optional[str]: ...
    @property
    def transaction_id(self) -> Optional[str]: ...
    @property
    def terminal_id(self) -> str: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class PaymentPageSession:
    """An initialized payment page: send the payer to `redirect_url`, keep `token` for Assert."""
    @property
    def token(self) -> str: ...
    @property
    def expiration(self) -> Optional[str]: ...
    @property
    def redirect_url(self) -> str: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class Capture:
    """The answer to Capture and MultipartCapture."""
    @property
    def capture_id(self) -> Optional[str]: ...
    @property
    def status(self) -> str: ...
    @property
    def date(self) -> Optional[str]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class Cancellation:
    """The answer to Cancel (HTTP 200 is the success; there is no status field)."""
    @property
    def transaction_id(self) -> str: ...
    @property
    def order_id(self) -> Optional[str]: ...
    @property
    def date(self) -> Optional[str]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class CaptureStatus:
    """The answer to AssertCapture for a pending capture."""
    @property
    def transaction_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def date(self) -> Optional[str]: ...
    @property
    def order_id(self) -> Optional[str]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class RefundStatus:
    """The answer to AssertRefund for a pending refund."""
    @property
    def transaction_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def date(self) -> Optional[str]: ...
    @property
    def order_id(self) -> Optional[str]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class TransactionSession:
    """An initialized transaction: when `redirect_required`, send the payer to `redirect_url` (card entry or 3-D Secure), then call `authorize_transaction` with `token`."""
    @property
    def token(self) -> str: ...
    @property
    def expiration(self) -> Optional[str]: ...
    @property
    def redirect_required(self) -> bool: ...
    @property
    def redirect_url(self) -> Optional[str]: ...
    @property
    def payment_means_required(self) -> Optional[bool]: ...
    @property
    def liability_shift(self) -> Optional[bool]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class AliasSession:
    """An opened alias registration: send the payer to `redirect_url`, then call `assert_alias_insert` with `token`."""
    @property
    def token(self) -> str: ...
    @property
    def expiration(self) -> Optional[str]: ...
    @property
    def redirect_required(self) -> bool: ...
    @property
    def redirect_url(self) -> Optional[str]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class Alias:
    """A stored means of payment (Secure Card Data)."""
    @property
    def id(self) -> str: ...
    @property
    def lifetime(self) -> Optional[int]: ...
    @property
    def payment_means(self) -> PaymentMeans: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class ParentObj:
    """A link between payment transactions (the SDK's `ParentObj`): an entry of `parents` (on a refund, the payment it refunds) or of `related_transactions` (on a payment, its refunds)."""
    @property
    def object(self) -> Optional[str]: ...
    @property
    def id(self) -> str: ...
    @property
    def trans_id(self) -> Optional[int]: ...
    @property
    def ref_type_id(self) -> Optional[int]: ...
    @property
    def ref_type_raw(self) -> Optional[str]: ...
    @property
    def hierarchy(self) -> Optional[str]: ...

@final
class PaymentTransaction:
    """A Payment Transaction (`PCI_…`, the SDK's `PaymentTransactionsProductModel`)."""
    @property
    def id(self) -> str: ...
    @property
    def trans_id(self) -> Optional[str]: ...
    @property
    def transaction_hash(self) -> Optional[str]: ...
    @property
    def status(self) -> Optional[str]: ...
    @property
    def status_text(self) -> Optional[str]: ...
    @property
    def status_simple(self) -> Optional[int]: ...
    @property
    def status_simple_text(self) -> Optional[str]: ...
    @property
    def amount(self) -> Optional[Money]: ...
    @property
    def signed_amount(self) -> Optional[int]: ...
    @property
    def currency(self) -> Optional[str]: ...
    @property
    def product(self) -> Optional[str]: ...
    @property
    def description(self) -> Optional[str]: ...
    @property
    def accrual(self) -> Optional[bool]: ...
    @property
    def parents(self) -> List[ParentObj]: ...
    @property
    def related_transactions(self) -> List[ParentObj]: ...
    @property
    def created(self) -> Optional[str]: ...
    @property
    def updated(self) -> Optional[str]: ...
    @property
    def order_id(self) -> Optional[str]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class PaymentRefund:
    """The answer to `refund_payment_transaction`: the payment as it is now, the refund transaction the refund created (none when it only lowered or voided a payment whose money had not moved yet) and what is left of the payment (`checkStatus`)."""
    @property
    def payment(self) -> PaymentTransaction: ...
    @property
    def refund(self) -> Optional[PaymentTransaction]: ...
    @property
    def remaining(self) -> Optional[Money]: ...
    @property
    def status_simple(self) -> Optional[int]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class PaymentContainerMandate:
    """The SEPA mandate of a bank account container (the SDK's `PaymentContainerMandate`)."""
    @property
    def sepa_mandate_id(self) -> Optional[str]: ...
    @property
    def iban(self) -> Optional[str]: ...
    @property
    def bic(self) -> Optional[str]: ...
    @property
    def mandate_type(self) -> Optional[str]: ...
    @property
    def status(self) -> Optional[str]: ...
    @property
    def identification(self) -> Optional[str]: ...
    @property
    def creditor_id(self) -> Optional[str]: ...

@final
class PaymentContainer:
    """A Payment Container (`PCT_...`, the SDK's `PaymentContainersProductModel`). The account data is the container's `public` part (what the API shows of it)."""
    @property
    def id(self) -> str: ...
    @property
    def container_type(self) -> Optional[str]: ...
    @property
    def created(self) -> Optional[str]: ...
    @property
    def updated(self) -> Optional[str]: ...
    @property
    def customer_id(self) -> Optional[str]: ...
    @property
    def owner(self) -> Optional[str]: ...
    @property
    def iban(self) -> Optional[str]: ...
    @property
    def bic(self) -> Optional[str]: ...
    @property
    def bankname(self) -> Optional[str]: ...
    @property
    def mandate(self) -> Optional[PaymentContainerMandate]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

# -- end of generated records --

@final
class Feature:
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...

@final
class License:
    @property
    def package_id(self) -> str: ...
    @property
    def package_name(self) -> str: ...
    @property
    def features(self) -> List[Feature]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class PaymentMethodInfo:
    @property
    def payment_method(self) -> str: ...
    @property
    def currencies(self) -> List[str]: ...
    @property
    def logo_url(self) -> Optional[str]: ...

@final
class WalletInfo:
    @property
    def wallet_name(self) -> str: ...
    @property
    def logo_url(self) -> Optional[str]: ...

@final
class Terminal:
    @property
    def terminal_id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def description(self) -> Optional[str]: ...
    @property
    def payment_methods(self) -> List[PaymentMethodInfo]: ...
    @property
    def wallets(self) -> List[WalletInfo]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class PaymentPageConfiguration:
    @property
    def name(self) -> str: ...
    @property
    def is_default(self) -> bool: ...
    @property
    def description(self) -> Optional[str]: ...

@final
class ReportedTransaction:
    @property
    def id(self) -> str: ...
    @property
    def type(self) -> Optional[str]: ...
    @property
    def status(self) -> str: ...
    @property
    def amount(self) -> Optional[Money]: ...
    @property
    def captured_amount(self) -> Optional[Money]: ...
    @property
    def order_id(self) -> Optional[str]: ...
    @property
    def date(self) -> Optional[str]: ...
    @property
    def customer_id(self) -> str: ...
    @property
    def terminal_id(self) -> str: ...
    @property
    def terminal_type(self) -> Optional[str]: ...
    @property
    def application(self) -> Optional[str]: ...
    @property
    def payment_method(self) -> Optional[str]: ...
    @property
    def provider(self) -> Optional[str]: ...
    @property
    def description(self) -> Optional[str]: ...
    @property
    def payer_id(self) -> Optional[str]: ...
    @property
    def is_captured(self) -> bool: ...
    @property
    def is_refunded(self) -> bool: ...
    @property
    def is_cancelled(self) -> bool: ...
    @property
    def declined_by(self) -> Optional[str]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class TransactionIterator(Iterator[ReportedTransaction]):
    def __iter__(self) -> Self: ...
    def __next__(self) -> ReportedTransaction: ...
    @property
    def total_transactions(self) -> Optional[int]: ...
    @property
    def next_page_number(self) -> int: ...
    def to_parquet(self, path: Union[str, os.PathLike[str]]) -> int: ...

@final
class AsyncTransactionIterator(AsyncIterator[ReportedTransaction]):
    def __aiter__(self) -> Self: ...
    def __anext__(self) -> Awaitable[ReportedTransaction]: ...
    @property
    def total_transactions(self) -> Optional[int]: ...
    @property
    def next_page_number(self) -> int: ...

@final
class Transaction:
    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def amount(self) -> Money: ...
    @property
    def order_id(self) -> Optional[str]: ...
    @property
    def capture_id(self) -> Optional[str]: ...
    @property
    def date(self) -> Optional[str]: ...
    @property
    def six_transaction_reference(self) -> Optional[str]: ...
    @property
    def acquirer_name(self) -> Optional[str]: ...
    @property
    def acquirer_reference(self) -> Optional[str]: ...
    @property
    def approval_code(self) -> Optional[str]: ...

@final
class Card:
    @property
    def masked_number(self) -> Optional[str]: ...
    @property
    def exp_year(self) -> Optional[int]: ...
    @property
    def exp_month(self) -> Optional[int]: ...
    @property
    def holder_name(self) -> Optional[str]: ...
    @property
    def country_code(self) -> Optional[str]: ...
    @property
    def holder_segment(self) -> Optional[str]: ...
    @property
    def funding_source(self) -> Optional[str]: ...

@final
class BankAccount:
    @property
    def iban(self) -> Optional[str]: ...
    @property
    def holder_name(self) -> Optional[str]: ...
    @property
    def bic(self) -> Optional[str]: ...
    @property
    def bank_name(self) -> Optional[str]: ...
    @property
    def country_code(self) -> Optional[str]: ...

@final
class PayPalAccount:
    @property
    def payer_id(self) -> Optional[str]: ...
    @property
    def email(self) -> Optional[str]: ...
    @property
    def seller_protection_status(self) -> Optional[str]: ...

@final
class PaymentMeans:
    @property
    def payment_method(self) -> Optional[str]: ...
    @property
    def brand_name(self) -> Optional[str]: ...
    @property
    def display_text(self) -> Optional[str]: ...
    @property
    def card(self) -> Optional[Card]: ...
    @property
    def bank_account(self) -> Optional[BankAccount]: ...
    @property
    def paypal(self) -> Optional[PayPalAccount]: ...
    @property
    def wallet(self) -> Optional[str]: ...

@final
class ThreeDs:
    @property
    def authenticated(self) -> Optional[bool]: ...
    @property
    def xid(self) -> Optional[str]: ...
    @property
    def authentication_type(self) -> Optional[str]: ...
    @property
    def version(self) -> Optional[str]: ...

@final
class Liability:
    @property
    def liability_shift(self) -> bool: ...
    @property
    def liable_entity(self) -> str: ...
    @property
    def in_psd2_scope(self) -> Optional[str]: ...
    @property
    def three_ds(self) -> Optional[ThreeDs]: ...

@final
class RegistrationResult:
    @property
    def success(self) -> bool: ...
    @property
    def alias_id(self) -> Optional[str]: ...
    @property
    def alias_lifetime(self) -> Optional[int]: ...
    @property
    def error_name(self) -> Optional[str]: ...
    @property
    def error_message(self) -> Optional[str]: ...

@final
class Payment:
    @property
    def transaction(self) -> Transaction: ...
    @property
    def payment_means(self) -> PaymentMeans: ...
    @property
    def liability(self) -> Optional[Liability]: ...
    @property
    def registration_result(self) -> Optional[RegistrationResult]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class PaymentLink:
    @property
    def provider(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def provider_status(self) -> str: ...
    @property
    def amount(self) -> Optional[Money]: ...
    @property
    def order_id(self) -> Optional[str]: ...
    @property
    def transaction_id(self) -> Optional[str]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class SekurePayOrder:
    @property
    def id(self) -> str: ...
    @property
    def status(self) -> Optional[str]: ...
    @property
    def currency(self) -> Optional[str]: ...
    @property
    def sub_total(self) -> Optional[Money]: ...
    @property
    def shipping(self) -> Optional[Money]: ...
    @property
    def taxes_total(self) -> Optional[Money]: ...
    @property
    def total(self) -> Optional[Money]: ...
    @property
    def created_at(self) -> Optional[str]: ...
    @property
    def raw(self) -> Any: ...

# ---------------------------------------------------------------- Saferpay clients

@final
class SaferpayClient:
    """Saferpay client; calls block with the GIL released (Ctrl-C interrupts them)."""

    def __new__(
        cls,
        customer_id: str,
        username: str,
        password: str,
        terminal_id: Optional[str] = None,
        environment: _Environment = "test",
        spec_version: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        proxy: Optional[str] = None,
        ca_certificates: Optional[str] = None,
        token_store: Union[str, Any, None] = None,
    ) -> SaferpayClient: ...
    @classmethod
    def from_env(cls, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> SaferpayClient: ...
    def with_options(
        self, *, timeout: Optional[float] = None, max_retries: Optional[int] = None, request_id: Optional[str] = None
    ) -> SaferpayClient: ...
    def async_client(self) -> AsyncSaferpayClient: ...
    @property
    def customer_id(self) -> str: ...
    @property
    def terminal_id(self) -> Optional[str]: ...
    @property
    def base_url(self) -> str: ...
    @property
    def spec_version(self) -> str: ...
    # -- operations: generated from the core tables by python/scripts/gen-bindings; do not edit --
    def create_offer(
        self,
        amount: Money,
        order_id: str,
        description: str,
        expires_at: _Timestamp,
        payer: Optional[PayerDict] = None,
        *,
        pre_auth: bool = False,
        config_set: Optional[str] = None,
        max_payment_attempts: Optional[int] = None,
        register_alias: bool = False,
        billing_address_form: Optional[BillingAddressFormDict] = None,
        order: Optional[OrderDict] = None,
        condition: Optional[str] = None,
        terminal_id: Optional[str] = None,
    ) -> Offer:
        """Creates a Secure PayGate offer: a single-use payment link (Management API). Never sent again once it may have arrived (no API finds an offer by its order id): a lost answer ends `outcome_unknown`, to be settled in the Saferpay Backoffice."""
    def get_offer(self, offer_id: str, terminal_id: Optional[str] = None) -> Offer:
        """Reads an offer (status, payment link, the payment once paid)."""
    def delete_offer(self, offer_id: str, terminal_id: Optional[str] = None) -> None:
        """Deletes an open offer; a deleted or missing offer is not an error."""
    def license(self) -> License:
        """The customer's licence: package, features and payment methods."""
    def license_configuration(self) -> License:
        """The licence as configured (features per terminal)."""
    def terminals(self) -> List[Terminal]:
        """Every terminal of the customer."""
    def terminal(self, terminal_id: str) -> Terminal:
        """One terminal with its payment methods and wallets."""
    def payment_page_configurations(self) -> List[PaymentPageConfiguration]:
        """The payment page configurations (`config_set` values)."""
    def create_fields_access_token(
        self,
        description: str,
        source_urls: Sequence[str],
        terminal_id: Optional[str] = None,
    ) -> str:
        """Creates an access token for Saferpay Fields on the given https pages. Repeating it is harmless: a token whose answer was lost grants nothing to anyone."""
    def delete_fields_access_token(self, access_token: str, terminal_id: Optional[str] = None) -> None:
        """Deletes a Fields access token."""
    def transactions(
        self,
        start: _ReportDate,
        end: _ReportDate,
        state: str = "SUCCESSFUL",
        *,
        terminal_id: Optional[str] = None,
        page_size: int = 2000,
    ) -> TransactionIterator:
        """Exports transactions from the reporting API, page by page (at most one call in flight)."""
    def initialize_payment_page(
        self,
        amount: Money,
        order_id: str,
        description: str,
        return_url: str,
        success_notify_url: Optional[str] = None,
        *,
        fail_notify_url: Optional[str] = None,
        merchant_emails: Optional[Sequence[str]] = None,
        payer_email: Optional[str] = None,
        payer_dcc_receipt_email: Optional[str] = None,
        payment_methods: Optional[Sequence[str]] = None,
        wallets: Optional[Sequence[str]] = None,
        payer: Optional[PayerDict] = None,
        billing_address_form: Optional[BillingAddressFormDict] = None,
        delivery_address_form: Optional[Dict[str, Any]] = None,
        register_alias: Optional[RegisterAliasDict] = None,
        order: Optional[OrderDict] = None,
        condition: Optional[str] = None,
        config_set: Optional[str] = None,
        pre_auth: bool = False,
        payer_note: Optional[str] = None,
        mandate_id: Optional[str] = None,
        recurring_initial: bool = False,
        installment_initial: bool = False,
        authentication_exemption: Optional[str] = None,
        force_three_ds_challenge: bool = False,
        card_holder_name: Optional[str] = None,
        terminal_id: Optional[str] = None,
    ) -> PaymentPageSession:
        """Opens a hosted payment page for one payment (JSON API PaymentPage/Initialize). Repeating it is harmless: a session whose answer was lost is known to no payer."""
    def assert_payment_page(self, token: str) -> Payment:
        """Reads a payment page's outcome (PaymentPage/Assert); call it once the payer is back."""
    def payment_outcome(self, token: str) -> Payment:
        """Assert, safe to call from both the return URL and the notify URL at once: one Assert per token, every caller gets the same answer."""
    def capture(
        self,
        transaction_id: str,
        amount: Optional[Money] = None,
        *,
        pending_notification: Optional[PendingNotificationDict] = None,
    ) -> Capture:
        """Captures an authorized transaction, in full or in part; never twice."""
    def multipart_capture(
        self,
        transaction_id: str,
        amount: Money,
        capture_type: str,
        order_part_id: str,
    ) -> Capture:
        """Captures one part of a transaction (one part at a time per transaction). Never sent again once it may have arrived (the spec documents no answer to a repeated `OrderPartId`): a lost answer ends `outcome_unknown`."""
    def multipart_finalize(self, transaction_id: str) -> None:
        """Closes a transaction captured in parts."""
    def cancel(self, transaction_id: str) -> Cancellation:
        """Cancels an authorized, not yet captured transaction."""
    def refund(
        self,
        capture_id: str,
        amount: Money,
        order_id: Optional[str] = None,
        *,
        description: Optional[str] = None,
        payer_note: Optional[str] = None,
        restrict_refund_amount_to_captured_amount: bool = False,
        pending_notification: Optional[PendingNotificationDict] = None,
    ) -> Payment:
        """Refunds a capture, in full or in part; a lost answer is settled by its `order_id`."""
    def inquire(self, transaction_id: str) -> Payment:
        """Reads a transaction by its id."""
    def inquire_by_order_id(self, order_id: str) -> Payment:
        """Reads a transaction by its order id."""
    def assert_capture(self, capture_id: str) -> CaptureStatus:
        """Settles a pending capture (e.g. PayPal, paydirekt)."""
    def assert_refund(self, transaction_id: str) -> RefundStatus:
        """Settles a pending refund."""
    def initialize_transaction(
        self,
        amount: Money,
        order_id: str,
        description: str,
        return_url: str,
        payment_means: Optional[PaymentMeansDict] = None,
        *,
        payer: Optional[PayerDict] = None,
        pre_auth: bool = False,
        allow_partial_authorization: bool = False,
        recurring: bool = False,
        installment: bool = False,
        redirect_notify_urls: Optional[RedirectNotifyUrlsDict] = None,
        payment_methods: Optional[Sequence[str]] = None,
        config_set: Optional[str] = None,
        css_url: Optional[str] = None,
        terminal_id: Optional[str] = None,
    ) -> TransactionSession:
        """Starts a Transaction interface payment (Transaction/Initialize): 3-D Secure, and card entry when no `payment_means` is given, on Saferpay's page; then `authorize_transaction`. Repeating it is harmless: a session whose answer was lost is known to no payer."""
    def authorize_transaction(
        self,
        token: str,
        condition: Optional[str] = None,
        *,
        register_alias: Optional[RegisterAliasDict] = None,
    ) -> Payment:
        """Authorizes an initialized transaction once the payer is back (Transaction/Authorize). A token authorizes once: a repeat after a lost answer cannot double the payment, and ends `outcome_unknown` (settle with `inquire_by_order_id`)."""
    def authorize_direct(
        self,
        amount: Money,
        order_id: str,
        description: str,
        payment_means: PaymentMeansDict,
        initiator: str = "MERCHANT",
        *,
        register_alias: Optional[RegisterAliasDict] = None,
        pre_auth: bool = False,
        allow_partial_authorization: bool = False,
        recurring: bool = False,
        installment: bool = False,
        payer_note: Optional[str] = None,
        terminal_id: Optional[str] = None,
    ) -> Payment:
        """Authorizes without the payer (Transaction/AuthorizeDirect): an alias, a Fields token or card data; no 3-D Secure. A lost answer is settled by its `order_id`."""
    def authorize_referenced(
        self,
        transaction_id: str,
        amount: Money,
        order_id: str,
        description: str,
        payer_note: Optional[str] = None,
        *,
        terminal_id: Optional[str] = None,
    ) -> Payment:
        """A follow-up of an initial recurring or installment payment (Transaction/AuthorizeReferenced); a lost answer is settled by its `order_id`."""
    def refund_direct(
        self,
        amount: Money,
        order_id: str,
        payment_means: PaymentMeansDict,
        description: Optional[str] = None,
        *,
        payer_note: Optional[str] = None,
        terminal_id: Optional[str] = None,
    ) -> Payment:
        """Refunds to an alias or card without a previous transaction (Transaction/RefundDirect); the `REFUND` must then be captured. A lost answer is settled by its `order_id`."""
    def insert_alias(
        self,
        return_url: str,
        register_alias: Optional[RegisterAliasDict] = None,
        *,
        payment_means_type: str = "CARD",
        payment_methods: Optional[Sequence[str]] = None,
        language_code: Optional[str] = None,
        notify_url: Optional[str] = None,
    ) -> AliasSession:
        """Opens the hosted form that registers a card as an alias (Alias/Insert). Repeating it is harmless, like a payment page."""
    def assert_alias_insert(self, token: str) -> Alias:
        """The alias the payer registered on the form (Alias/AssertInsert)."""
    def insert_alias_direct(
        self,
        payment_means: PaymentMeansDict,
        register_alias: Optional[RegisterAliasDict] = None,
    ) -> Alias:
        """Stores card data as an alias (Alias/InsertDirect). With the id chosen here (the default) a lost answer is settled by Alias/Inquire; with `RANDOM` it ends `outcome_unknown`."""
    def update_alias(
        self,
        alias_id: str,
        exp_month: int,
        exp_year: int,
        lifetime: Optional[int] = None,
    ) -> Alias:
        """Changes an alias' card expiry and lifetime (Alias/Update)."""
    def inquire_alias(self, alias_id: str) -> Alias:
        """An alias' current details (Alias/Inquire)."""
    def delete_alias(self, alias_id: str) -> None:
        """Deletes an alias; a deleted alias is not an error after a lost answer (Alias/Delete)."""
    def close_batch(self, terminal_id: Optional[str] = None) -> None:
        """Closes the terminal's batch (Batch/Close), where the automatic closure is off."""
    # -- end of generated operations --
    def create_payment_link(
        self, amount: Money, order_id: str, description: str, expires_at: Optional[_Timestamp] = None
    ) -> PaymentLink: ...
    def get_payment_link(self, id: str) -> PaymentLink: ...
    def cancel_payment_link(self, id: str) -> PaymentLink: ...

@final
class AsyncSaferpayClient:
    """Saferpay client whose methods are coroutines running on paywire's shared runtime."""

    def __new__(
        cls,
        customer_id: str,
        username: str,
        password: str,
        terminal_id: Optional[str] = None,
        environment: _Environment = "test",
        spec_version: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        proxy: Optional[str] = None,
        ca_certificates: Optional[str] = None,
        token_store: Union[str, Any, None] = None,
    ) -> AsyncSaferpayClient: ...
    @classmethod
    def from_env(cls, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> AsyncSaferpayClient: ...
    def with_options(
        self, *, timeout: Optional[float] = None, max_retries: Optional[int] = None, request_id: Optional[str] = None
    ) -> AsyncSaferpayClient: ...
    def sync_client(self) -> SaferpayClient: ...
    @property
    def customer_id(self) -> str: ...
    @property
    def terminal_id(self) -> Optional[str]: ...
    @property
    def base_url(self) -> str: ...
    @property
    def spec_version(self) -> str: ...
    # -- operations: generated from the core tables by python/scripts/gen-bindings; do not edit --
    async def create_offer(
        self,
        amount: Money,
        order_id: str,
        description: str,
        expires_at: _Timestamp,
        payer: Optional[PayerDict] = None,
        *,
        pre_auth: bool = False,
        config_set: Optional[str] = None,
        max_payment_attempts: Optional[int] = None,
        register_alias: bool = False,
        billing_address_form: Optional[BillingAddressFormDict] = None,
        order: Optional[OrderDict] = None,
        condition: Optional[str] = None,
        terminal_id: Optional[str] = None,
    ) -> Offer:
        """Creates a Secure PayGate offer: a single-use payment link (Management API). Never sent again once it may have arrived (no API finds an offer by its order id): a lost answer ends `outcome_unknown`, to be settled in the Saferpay Backoffice."""
    async def get_offer(self, offer_id: str, terminal_id: Optional[str] = None) -> Offer:
        """Reads an offer (status, payment link, the payment once paid)."""
    async def delete_offer(self, offer_id: str, terminal_id: Optional[str] = None) -> None:
        """Deletes an open offer; a deleted or missing offer is not an error."""
    async def license(self) -> License:
        """The customer's licence: package, features and payment methods."""
    async def license_configuration(self) -> License:
        """The licence as configured (features per terminal)."""
    async def terminals(self) -> List[Terminal]:
        """Every terminal of the customer."""
    async def terminal(self, terminal_id: str) -> Terminal:
        """One terminal with its payment methods and wallets."""
    async def payment_page_configurations(self) -> List[PaymentPageConfiguration]:
        """The payment page configurations (`config_set` values)."""
    async def create_fields_access_token(
        self,
        description: str,
        source_urls: Sequence[str],
        terminal_id: Optional[str] = None,
    ) -> str:
        """Creates an access token for Saferpay Fields on the given https pages. Repeating it is harmless: a token whose answer was lost grants nothing to anyone."""
    async def delete_fields_access_token(self, access_token: str, terminal_id: Optional[str] = None) -> None:
        """Deletes a Fields access token."""
    def transactions(
        self,
        start: _ReportDate,
        end: _ReportDate,
        state: str = "SUCCESSFUL",
        *,
        terminal_id: Optional[str] = None,
        page_size: int = 2000,
    ) -> AsyncTransactionIterator:
        """Exports transactions from the reporting API, page by page (at most one call in flight)."""
    async def initialize_payment_page(
        self,
        amount: Money,
        order_id: str,
        description: str,
        return_url: str,
        success_notify_url: Optional[str] = None,
        *,
        fail_notify_url: Optional[str] = None,
        merchant_emails: Optional[Sequence[str]] = None,
        payer_email: Optional[str] = None,
        payer_dcc_receipt_email: Optional[str] = None,
        payment_methods: Optional[Sequence[str]] = None,
        wallets: Optional[Sequence[str]] = None,
        payer: Optional[PayerDict] = None,
        billing_address_form: Optional[BillingAddressFormDict] = None,
        delivery_address_form: Optional[Dict[str, Any]] = None,
        register_alias: Optional[RegisterAliasDict] = None,
        order: Optional[OrderDict] = None,
        condition: Optional[str] = None,
        config_set: Optional[str] = None,
        pre_auth: bool = False,
        payer_note: Optional[str] = None,
        mandate_id: Optional[str] = None,
        recurring_initial: bool = False,
        installment_initial: bool = False,
        authentication_exemption: Optional[str] = None,
        force_three_ds_challenge: bool = False,
        card_holder_name: Optional[str] = None,
        terminal_id: Optional[str] = None,
    ) -> PaymentPageSession:
        """Opens a hosted payment page for one payment (JSON API PaymentPage/Initialize). Repeating it is harmless: a session whose answer was lost is known to no payer."""
    async def assert_payment_page(self, token: str) -> Payment:
        """Reads a payment page's outcome (PaymentPage/Assert); call it once the payer is back."""
    async def payment_outcome(self, token: str) -> Payment:
        """Assert, safe to call from both the return URL and the notify URL at once: one Assert per token, every caller gets the same answer."""
    async def capture(
        self,
        transaction_id: str,
        amount: Optional[Money] = None,
        *,
        pending_notification: Optional[PendingNotificationDict] = None,
    ) -> Capture:
        """Captures an authorized transaction, in full or in part; never twice."""
    async def multipart_capture(
        self,
        transaction_id: str,
        amount: Money,
        capture_type: str,
        order_part_id: str,
    ) -> Capture:
        """Captures one part of a transaction (one part at a time per transaction). Never sent again once it may have arrived (the spec documents no answer to a repeated `OrderPartId`): a lost answer ends `outcome_unknown`."""
    async def multipart_finalize(self, transaction_id: str) -> None:
        """Closes a transaction captured in parts."""
    async def cancel(self, transaction_id: str) -> Cancellation:
        """Cancels an authorized, not yet captured transaction."""
    async def refund(
        self,
        capture_id: str,
        amount: Money,
        order_id: Optional[str] = None,
        *,
        description: Optional[str] = None,
        payer_note: Optional[str] = None,
        restrict_refund_amount_to_captured_amount: bool = False,
        pending_notification: Optional[PendingNotificationDict] = None,
    ) -> Payment:
        """Refunds a capture, in full or in part; a lost answer is settled by its `order_id`."""
    async def inquire(self, transaction_id: str) -> Payment:
        """Reads a transaction by its id."""
    async def inquire_by_order_id(self, order_id: str) -> Payment:
        """Reads a transaction by its order id."""
    async def assert_capture(self, capture_id: str) -> CaptureStatus:
        """Settles a pending capture (e.g. PayPal, paydirekt)."""
    async def assert_refund(self, transaction_id: str) -> RefundStatus:
        """Settles a pending refund."""
    async def initialize_transaction(
        self,
        amount: Money,
        order_id: str,
        description: str,
        return_url: str,
        payment_means: Optional[PaymentMeansDict] = None,
        *,
        payer: Optional[PayerDict] = None,
        pre_auth: bool = False,
        allow_partial_authorization: bool = False,
        recurring: bool = False,
        installment: bool = False,
        redirect_notify_urls: Optional[RedirectNotifyUrlsDict] = None,
        payment_methods: Optional[Sequence[str]] = None,
        config_set: Optional[str] = None,
        css_url: Optional[str] = None,
        terminal_id: Optional[str] = None,
    ) -> TransactionSession:
        """Starts a Transaction interface payment (Transaction/Initialize): 3-D Secure, and card entry when no `payment_means` is given, on Saferpay's page; then `authorize_transaction`. Repeating it is harmless: a session whose answer was lost is known to no payer."""
    async def authorize_transaction(
        self,
        token: str,
        condition: Optional[str] = None,
        *,
        register_alias: Optional[RegisterAliasDict] = None,
    ) -> Payment:
        """Authorizes an initialized transaction once the payer is back (Transaction/Authorize). A token authorizes once: a repeat after a lost answer cannot double the payment, and ends `outcome_unknown` (settle with `inquire_by_order_id`)."""
    async def authorize_direct(
        self,
        amount: Money,
        order_id: str,
        description: str,
        payment_means: PaymentMeansDict,
        initiator: str = "MERCHANT",
        *,
        register_alias: Optional[RegisterAliasDict] = None,
        pre_auth: bool = False,
        allow_partial_authorization: bool = False,
        recurring: bool = False,
        installment: bool = False,
        payer_note: Optional[str] = None,
        terminal_id: Optional[str] = None,
    ) -> Payment:
        """Authorizes without the payer (Transaction/AuthorizeDirect): an alias, a Fields token or card data; no 3-D Secure. A lost answer is settled by its `order_id`."""
    async def authorize_referenced(
        self,
        transaction_id: str,
        amount: Money,
        order_id: str,
        description: str,
        payer_note: Optional[str] = None,
        *,
        terminal_id: Optional[str] = None,
    ) -> Payment:
        """A follow-up of an initial recurring or installment payment (Transaction/AuthorizeReferenced); a lost answer is settled by its `order_id`."""
    async def refund_direct(
        self,
        amount: Money,
        order_id: str,
        payment_means: PaymentMeansDict,
        description: Optional[str] = None,
        *,
        payer_note: Optional[str] = None,
        terminal_id: Optional[str] = None,
    ) -> Payment:
        """Refunds to an alias or card without a previous transaction (Transaction/RefundDirect); the `REFUND` must then be captured. A lost answer is settled by its `order_id`."""
    async def insert_alias(
        self,
        return_url: str,
        register_alias: Optional[RegisterAliasDict] = None,
        *,
        payment_means_type: str = "CARD",
        payment_methods: Optional[Sequence[str]] = None,
        language_code: Optional[str] = None,
        notify_url: Optional[str] = None,
    ) -> AliasSession:
        """Opens the hosted form that registers a card as an alias (Alias/Insert). Repeating it is harmless, like a payment page."""
    async def assert_alias_insert(self, token: str) -> Alias:
        """The alias the payer registered on the form (Alias/AssertInsert)."""
    async def insert_alias_direct(
        self,
        payment_means: PaymentMeansDict,
        register_alias: Optional[RegisterAliasDict] = None,
    ) -> Alias:
        """Stores card data as an alias (Alias/InsertDirect). With the id chosen here (the default) a lost answer is settled by Alias/Inquire; with `RANDOM` it ends `outcome_unknown`."""
    async def update_alias(
        self,
        alias_id: str,
        exp_month: int,
        exp_year: int,
        lifetime: Optional[int] = None,
    ) -> Alias:
        """Changes an alias' card expiry and lifetime (Alias/Update)."""
    async def inquire_alias(self, alias_id: str) -> Alias:
        """An alias' current details (Alias/Inquire)."""
    async def delete_alias(self, alias_id: str) -> None:
        """Deletes an alias; a deleted alias is not an error after a lost answer (Alias/Delete)."""
    async def close_batch(self, terminal_id: Optional[str] = None) -> None:
        """Closes the terminal's batch (Batch/Close), where the automatic closure is off."""
    # -- end of generated operations --
    async def create_payment_link(
        self, amount: Money, order_id: str, description: str, expires_at: Optional[_Timestamp] = None
    ) -> PaymentLink: ...
    async def get_payment_link(self, id: str) -> PaymentLink: ...
    async def cancel_payment_link(self, id: str) -> PaymentLink: ...

# ---------------------------------------------------------------- secuconnect

@final
class PaymentTransactionRef:
    @property
    def id(self) -> Optional[str]: ...
    @property
    def trans_id(self) -> Optional[str]: ...
    @property
    def transaction_hash(self) -> Optional[str]: ...

@final
class BasketItem:
    @property
    def id(self) -> Optional[int]: ...
    @property
    def item_type(self) -> Optional[str]: ...
    @property
    def desc(self) -> Optional[str]: ...
    @property
    def article_number(self) -> Optional[str]: ...
    @property
    def ean(self) -> Optional[str]: ...
    @property
    def quantity(self) -> Optional[int]: ...
    @property
    def price_one(self) -> Optional[int]: ...
    @property
    def sum(self) -> Optional[int]: ...
    @property
    def tax(self) -> Optional[str]: ...
    @property
    def reference_id(self) -> Optional[str]: ...
    @property
    def contract_id(self) -> Optional[str]: ...
    @property
    def sub_basket(self) -> List[BasketItem]: ...

@final
class SmartTransaction:
    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def amount(self) -> Optional[Money]: ...
    @property
    def intent(self) -> Optional[str]: ...
    @property
    def created(self) -> Optional[str]: ...
    @property
    def updated(self) -> Optional[str]: ...
    @property
    def contract_id(self) -> Optional[str]: ...
    @property
    def merchant_id(self) -> Optional[str]: ...
    @property
    def merchant_ref(self) -> Optional[str]: ...
    @property
    def transaction_ref(self) -> Optional[str]: ...
    @property
    def is_demo(self) -> Optional[bool]: ...
    @property
    def payment_method(self) -> Optional[str]: ...
    @property
    def trans_id(self) -> Optional[str]: ...
    @property
    def transactions(self) -> List[PaymentTransactionRef]: ...
    @property
    def basket(self) -> List[BasketItem]: ...
    @property
    def basket_type(self) -> Optional[str]: ...
    @property
    def payment_links(self) -> Dict[str, str]: ...
    @property
    def payment_link(self) -> Optional[str]: ...
    @property
    def checkout_url(self) -> Optional[str]: ...
    @property
    def iframe_url(self) -> Optional[str]: ...
    @property
    def auto_capture(self) -> Optional[bool]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class PaymentStatus:
    @property
    def status(self) -> Optional[str]: ...
    @property
    def status_text(self) -> Optional[str]: ...
    @property
    def status_simple(self) -> Optional[int]: ...
    @property
    def status_simple_text(self) -> Optional[str]: ...
    @property
    def amount(self) -> Optional[Money]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class PushObject:
    @property
    def object(self) -> str: ...
    @property
    def id(self) -> str: ...

@final
class PushNotification:
    @property
    def id(self) -> str: ...
    @property
    def created(self) -> Optional[str]: ...
    @property
    def target(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def object_ids(self) -> List[str]: ...
    @property
    def objects(self) -> List[PushObject]: ...
    @property
    def raw(self) -> Dict[str, Any]: ...

@final
class DeviceAuthorization:
    @property
    def uuid(self) -> str: ...
    @property
    def user_code(self) -> str: ...
    @property
    def verification_url(self) -> str: ...
    @property
    def expires_in(self) -> int: ...
    @property
    def interval(self) -> int: ...

@final
class TokenInfo:
    @property
    def token_type(self) -> str: ...
    @property
    def scope(self) -> Optional[str]: ...
    @property
    def expires_in(self) -> int: ...
    @property
    def has_refresh_token(self) -> bool: ...

@final
class SmartTransactionIterator(Iterator[SmartTransaction]):
    def __iter__(self) -> Self: ...
    def __next__(self) -> SmartTransaction: ...
    @property
    def total(self) -> Optional[int]: ...

@final
class AsyncSmartTransactionIterator(AsyncIterator[SmartTransaction]):
    def __aiter__(self) -> Self: ...
    def __anext__(self) -> Awaitable[SmartTransaction]: ...
    @property
    def total(self) -> Optional[int]: ...

@final
class SecuconnectClient:
    """secuconnect client (OAuth 2.0 tokens fetched lazily, cached, refreshed single-flight)."""

    def __new__(
        cls,
        client_id: str,
        client_secret: str,
        environment: Literal["testing", "showcase", "live"] = "testing",
        contract_id: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        proxy: Optional[str] = None,
        ca_certificates: Optional[str] = None,
        token_store: Union[str, Any, None] = None,
    ) -> SecuconnectClient: ...
    @classmethod
    def from_env(cls, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> SecuconnectClient: ...
    def with_options(
        self, *, timeout: Optional[float] = None, max_retries: Optional[int] = None, request_id: Optional[str] = None
    ) -> SecuconnectClient: ...
    def async_client(self) -> AsyncSecuconnectClient: ...
    @staticmethod
    def parse_push(body: Union[bytes, str]) -> PushNotification: ...
    @property
    def client_id(self) -> str: ...
    @property
    def contract_id(self) -> Optional[str]: ...
    @property
    def base_url(self) -> str: ...
    def token_info(self) -> Optional[TokenInfo]: ...
    # -- operations: generated from the core tables by python/scripts/gen-bindings; do not edit --
    def create_smart_transaction(
        self,
        amount: Money,
        intent: str = "sale",
        *,
        contract_id: Optional[str] = None,
        customer: Optional[Dict[str, Any]] = None,
        basket: Optional[Sequence[BasketItemDict]] = None,
        checkout_template: Optional[str] = None,
        language: Optional[str] = None,
        return_urls: Optional[ReturnUrlsDict] = None,
        auto_capture: Optional[bool] = None,
        merchant_ref: Optional[str] = None,
        transaction_ref: Optional[str] = None,
        is_demo: bool = False,
        extra: Optional[Dict[str, Any]] = None,
    ) -> SmartTransaction:
        """Creates a Smart Transaction (a checkout for one payment); never sent again once it may have arrived: a lost answer ends `outcome_unknown`, naming the `merchant_ref` / `transaction_ref` to look it up by."""
    def get_smart_transaction(self, id: str) -> SmartTransaction:
        """Reads a Smart Transaction."""
    def update_smart_transaction(
        self,
        id: str,
        amount: Optional[Money] = None,
        *,
        basket: Optional[Sequence[BasketItemDict]] = None,
        customer: Optional[Dict[str, Any]] = None,
        merchant_ref: Optional[str] = None,
        transaction_ref: Optional[str] = None,
        auto_capture: Optional[bool] = None,
        extra: Optional[Dict[str, Any]] = None,
    ) -> SmartTransaction:
        """Changes a Smart Transaction before its payment starts."""
    def prepare_smart_transaction(
        self,
        id: str,
        payment_method: str,
        container_id: Optional[str] = None,
        *,
        bank_account: Optional[BankAccountDict] = None,
        extra: Optional[Dict[str, Any]] = None,
    ) -> SmartTransaction:
        """Prepares the payment with one method (custom checkout)."""
    def start_smart_transaction(self, id: str, payment_method: Optional[str] = None) -> SmartTransaction:
        """Starts the payment (executes it)."""
    def cancel_smart_transaction(self, id: str) -> SmartTransaction:
        """Cancels a Smart Transaction."""
    def abort_smart_transaction(self, id: str) -> SmartTransaction:
        """Aborts a Smart Transaction the payer has not finished."""
    def set_delivery(self, id: str, delivery: Dict[str, Any]) -> SmartTransaction:
        """Marks the goods shipped or collected (obligatory for invoice payments)."""
    def smart_transactions(
        self,
        query: Optional[str] = None,
        *,
        sort: Optional[str] = None,
        page_size: int = 100,
    ) -> SmartTransactionIterator:
        """Lists Smart Transactions page by page (offset paging, at most 10,000 matches)."""
    def get_payment_transaction(self, id: str) -> PaymentTransaction:
        """Reads a payment transaction (`PCI_…`)."""
    def check_payment_status(self, id: str) -> PaymentStatus:
        """Reads a payment's current status and remaining amount."""
    def cancel_payment_transaction(
        self,
        id: str,
        reduce_amount_by: Optional[Money] = None,
        *,
        reason: Optional[str] = None,
    ) -> List[PaymentTransaction]:
        """Cancels or refunds a payment, in full or by `reduce_amount_by`."""
    def list_payment_transactions(
        self,
        query: Optional[str] = None,
        *,
        sort: Optional[str] = None,
        count: int = 100,
        offset: int = 0,
    ) -> List[PaymentTransaction]:
        """One page of payment transactions, filtered by `query` (offset paging)."""
    def capture_payment_transaction(self, id: str, amount: Optional[Money] = None) -> PaymentTransaction:
        """Captures an authorised payment or (invoice) reports its delivery; never sent again once it may have arrived (settle with `get_payment_transaction`)."""
    def revoke_accrual(self, id: str) -> PaymentTransaction:
        """Revokes a payment's accrual booking; a lost answer is settled by the payment's `accrual` flag."""
    def refund_payment_transaction(
        self,
        id: str,
        amount: Optional[Money] = None,
        *,
        reason: Optional[str] = None,
    ) -> PaymentRefund:
        """Refunds a payment in full or by `amount`; answers the refund transaction and what is left."""
    def create_payment_container(
        self,
        bank_account: BankAccountDict,
        customer_id: Optional[str] = None,
    ) -> PaymentContainer:
        """Creates a bank account container (SEPA mandate) to pay with later; never sent again once it may have arrived (settle with `list_payment_containers`)."""
    def get_payment_container(self, id: str) -> PaymentContainer:
        """Reads a payment container (`PCT_…`)."""
    def list_payment_containers(
        self,
        query: Optional[str] = None,
        *,
        sort: Optional[str] = None,
        count: int = 100,
        offset: int = 0,
    ) -> List[PaymentContainer]:
        """One page of payment containers (offset paging)."""
    def delete_payment_container(self, id: str) -> List[PaymentContainer]:
        """Deletes a payment container; never sent again once it may have arrived."""
    def get_payment_methods(self, contract_id: Optional[str] = None) -> List[str]:
        """The payment methods a contract offers (the client's contract by default)."""
    def fetch_push_payment_transactions(self, body: str) -> List[PaymentTransaction]:
        """Reads the payment transactions a push names (the push itself is never trusted)."""
    # -- end of generated operations --
    def device_authorize(self, uuid: str) -> DeviceAuthorization: ...
    def device_poll(self, authorization: DeviceAuthorization) -> TokenInfo: ...
    def create_payment_link(
        self, amount: Money, order_id: str, description: str, expires_at: Optional[_Timestamp] = None
    ) -> PaymentLink: ...
    def get_payment_link(self, id: str) -> PaymentLink: ...
    def cancel_payment_link(self, id: str) -> PaymentLink: ...

@final
class AsyncSecuconnectClient:
    """secuconnect client (OAuth 2.0 tokens fetched lazily, cached, refreshed single-flight)."""

    def __new__(
        cls,
        client_id: str,
        client_secret: str,
        environment: Literal["testing", "showcase", "live"] = "testing",
        contract_id: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        proxy: Optional[str] = None,
        ca_certificates: Optional[str] = None,
        token_store: Union[str, Any, None] = None,
    ) -> AsyncSecuconnectClient: ...
    @classmethod
    def from_env(cls, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> AsyncSecuconnectClient: ...
    def with_options(
        self, *, timeout: Optional[float] = None, max_retries: Optional[int] = None, request_id: Optional[str] = None
    ) -> AsyncSecuconnectClient: ...
    def sync_client(self) -> SecuconnectClient: ...
    @staticmethod
    def parse_push(body: Union[bytes, str]) -> PushNotification: ...
    @property
    def client_id(self) -> str: ...
    @property
    def contract_id(self) -> Optional[str]: ...
    @property
    def base_url(self) -> str: ...
    def token_info(self) -> Optional[TokenInfo]: ...
    # -- operations: generated from the core tables by python/scripts/gen-bindings; do not edit --
    async def create_smart_transaction(
        self,
        amount: Money,
        intent: str = "sale",
        *,
        contract_id: Optional[str] = None,
        customer: Optional[Dict[str, Any]] = None,
        basket: Optional[Sequence[BasketItemDict]] = None,
        checkout_template: Optional[str] = None,
        language: Optional[str] = None,
        return_urls: Optional[ReturnUrlsDict] = None,
        auto_capture: Optional[bool] = None,
        merchant_ref: Optional[str] = None,
        transaction_ref: Optional[str] = None,
        is_demo: bool = False,
        extra: Optional[Dict[str, Any]] = None,
    ) -> SmartTransaction:
        """Creates a Smart Transaction (a checkout for one payment); never sent again once it may have arrived: a lost answer ends `outcome_unknown`, naming the `merchant_ref` / `transaction_ref` to look it up by."""
    async def get_smart_transaction(self, id: str) -> SmartTransaction:
        """Reads a Smart Transaction."""
    async def update_smart_transaction(
        self,
        id: str,
        amount: Optional[Money] = None,
        *,
        basket: Optional[Sequence[BasketItemDict]] = None,
        customer: Optional[Dict[str, Any]] = None,
        merchant_ref: Optional[str] = None,
        transaction_ref: Optional[str] = None,
        auto_capture: Optional[bool] = None,
        extra: Optional[Dict[str, Any]] = None,
    ) -> SmartTransaction:
        """Changes a Smart Transaction before its payment starts."""
    async def prepare_smart_transaction(
        self,
        id: str,
        payment_method: str,
        container_id: Optional[str] = None,
        *,
        bank_account: Optional[BankAccountDict] = None,
        extra: Optional[Dict[str, Any]] = None,
    ) -> SmartTransaction:
        """Prepares the payment with one method (custom checkout)."""
    async def start_smart_transaction(
        self,
        id: str,
        payment_method: Optional[str] = None,
    ) -> SmartTransaction:
        """Starts the payment (executes it)."""
    async def cancel_smart_transaction(self, id: str) -> SmartTransaction:
        """Cancels a Smart Transaction."""
    async def abort_smart_transaction(self, id: str) -> SmartTransaction:
        """Aborts a Smart Transaction the payer has not finished."""
    async def set_delivery(self, id: str, delivery: Dict[str, Any]) -> SmartTransaction:
        """Marks the goods shipped or collected (obligatory for invoice payments)."""
    def smart_transactions(
        self,
        query: Optional[str] = None,
        *,
        sort: Optional[str] = None,
        page_size: int = 100,
    ) -> AsyncSmartTransactionIterator:
        """Lists Smart Transactions page by page (offset paging, at most 10,000 matches)."""
    async def get_payment_transaction(self, id: str) -> PaymentTransaction:
        """Reads a payment transaction (`PCI_…`)."""
    async def check_payment_status(self, id: str) -> PaymentStatus:
        """Reads a payment's current status and remaining amount."""
    async def cancel_payment_transaction(
        self,
        id: str,
        reduce_amount_by: Optional[Money] = None,
        *,
        reason: Optional[str] = None,
    ) -> List[PaymentTransaction]:
        """Cancels or refunds a payment, in full or by `reduce_amount_by`."""
    async def list_payment_transactions(
        self,
        query: Optional[str] = None,
        *,
        sort: Optional[str] = None,
        count: int = 100,
        offset: int = 0,
    ) -> List[PaymentTransaction]:
        """One page of payment transactions, filtered by `query` (offset paging)."""
    async def capture_payment_transaction(
        self,
        id: str,
        amount: Optional[Money] = None,
    ) -> PaymentTransaction:
        """Captures an authorised payment or (invoice) reports its delivery; never sent again once it may have arrived (settle with `get_payment_transaction`)."""
    async def revoke_accrual(self, id: str) -> PaymentTransaction:
        """Revokes a payment's accrual booking; a lost answer is settled by the payment's `accrual` flag."""
    async def refund_payment_transaction(
        self,
        id: str,
        amount: Optional[Money] = None,
        *,
        reason: Optional[str] = None,
    ) -> PaymentRefund:
        """Refunds a payment in full or by `amount`; answers the refund transaction and what is left."""
    async def create_payment_container(
        self,
        bank_account: BankAccountDict,
        customer_id: Optional[str] = None,
    ) -> PaymentContainer:
        """Creates a bank account container (SEPA mandate) to pay with later; never sent again once it may have arrived (settle with `list_payment_containers`)."""
    async def get_payment_container(self, id: str) -> PaymentContainer:
        """Reads a payment container (`PCT_…`)."""
    async def list_payment_containers(
        self,
        query: Optional[str] = None,
        *,
        sort: Optional[str] = None,
        count: int = 100,
        offset: int = 0,
    ) -> List[PaymentContainer]:
        """One page of payment containers (offset paging)."""
    async def delete_payment_container(self, id: str) -> List[PaymentContainer]:
        """Deletes a payment container; never sent again once it may have arrived."""
    async def get_payment_methods(self, contract_id: Optional[str] = None) -> List[str]:
        """The payment methods a contract offers (the client's contract by default)."""
    async def fetch_push_payment_transactions(self, body: str) -> List[PaymentTransaction]:
        """Reads the payment transactions a push names (the push itself is never trusted)."""
    # -- end of generated operations --
    async def device_authorize(self, uuid: str) -> DeviceAuthorization: ...
    async def device_poll(self, authorization: DeviceAuthorization) -> TokenInfo: ...
    async def create_payment_link(
        self, amount: Money, order_id: str, description: str, expires_at: Optional[_Timestamp] = None
    ) -> PaymentLink: ...
    async def get_payment_link(self, id: str) -> PaymentLink: ...
    async def cancel_payment_link(self, id: str) -> PaymentLink: ...

# ---------------------------------------------------------------- SekurePay

@final
class SekurePayClient:
    """SekurePay client; calls block with the GIL released (Ctrl-C interrupts them)."""

    def __new__(
        cls, api_key: str, *, base_url: Optional[str] = None, timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        proxy: Optional[str] = None,
        ca_certificates: Optional[str] = None,
    ) -> SekurePayClient: ...
    @classmethod
    def from_env(cls, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> SekurePayClient: ...
    def with_options(
        self, *, timeout: Optional[float] = None, max_retries: Optional[int] = None, request_id: Optional[str] = None
    ) -> SekurePayClient: ...
    def async_client(self) -> AsyncSekurePayClient: ...
    @property
    def base_url(self) -> str: ...
    # -- operations: generated from the core tables by python/scripts/gen-bindings; do not edit --
    def create_order(
        self,
        order_id: str,
        currency: str,
        items: Sequence[SekurePayItemDict],
        taxes: Optional[Sequence[SekurePayTaxDict]] = None,
        *,
        shipping_amount_cents: int = 0,
    ) -> SekurePayOrder:
        """Creates an order with totals the client computes; sent at most once per `order_id`."""
    def get_order(self, order_id: str) -> SekurePayOrder:
        """Reads an order by its id."""
    def find_or_create_order(
        self,
        order_id: str,
        currency: str,
        items: Sequence[SekurePayItemDict],
        taxes: Optional[Sequence[SekurePayTaxDict]] = None,
        *,
        shipping_amount_cents: int = 0,
    ) -> SekurePayOrder:
        """Returns the order with this id, creating it when there is none."""
    # -- end of generated operations --

@final
class AsyncSekurePayClient:
    """SekurePay client whose methods are coroutines."""

    def __new__(
        cls, api_key: str, *, base_url: Optional[str] = None, timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        proxy: Optional[str] = None,
        ca_certificates: Optional[str] = None,
    ) -> AsyncSekurePayClient: ...
    @classmethod
    def from_env(cls, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> AsyncSekurePayClient: ...
    def with_options(
        self, *, timeout: Optional[float] = None, max_retries: Optional[int] = None, request_id: Optional[str] = None
    ) -> AsyncSekurePayClient: ...
    def sync_client(self) -> SekurePayClient: ...
    @property
    def base_url(self) -> str: ...
    # -- operations: generated from the core tables by python/scripts/gen-bindings; do not edit --
    async def create_order(
        self,
        order_id: str,
        currency: str,
        items: Sequence[SekurePayItemDict],
        taxes: Optional[Sequence[SekurePayTaxDict]] = None,
        *,
        shipping_amount_cents: int = 0,
    ) -> SekurePayOrder:
        """Creates an order with totals the client computes; sent at most once per `order_id`."""
    async def get_order(self, order_id: str) -> SekurePayOrder:
        """Reads an order by its id."""
    async def find_or_create_order(
        self,
        order_id: str,
        currency: str,
        items: Sequence[SekurePayItemDict],
        taxes: Optional[Sequence[SekurePayTaxDict]] = None,
        *,
        shipping_amount_cents: int = 0,
    ) -> SekurePayOrder:
        """Returns the order with this id, creating it when there is none."""
    # -- end of generated operations --

# ---------------------------------------------------------------- sandbox

@final
class Sandbox:
    """The paywire sandbox running in this process on 127.0.0.1 (a context manager)."""

    def __new__(
        cls,
        *,
        port: int = 0,
        seed: Optional[int] = None,
        reporting_per_day: Optional[int] = None,
        reporting_days: Optional[int] = None,
        token_lifetime_secs: Optional[int] = None,
        request_id_replay: bool = True,
    ) -> Sandbox: ...
    @property
    def url(self) -> str: ...
    @property
    def request_id_replay(self) -> bool: ...
    def set_request_id_replay(self, enabled: bool) -> None: ...
    @property
    def saferpay_base_url(self) -> str: ...
    @property
    def secuconnect_base_url(self) -> str: ...
    @property
    def sekurepay_base_url(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def saferpay_client(self, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> SaferpayClient: ...
    def async_saferpay_client(
        self, *, timeout: Optional[float] = None, max_retries: Optional[int] = None
    ) -> AsyncSaferpayClient: ...
    def secuconnect_client(self, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> SecuconnectClient: ...
    def async_secuconnect_client(
        self, *, timeout: Optional[float] = None, max_retries: Optional[int] = None
    ) -> AsyncSecuconnectClient: ...
    def sekurepay_client(self, *, timeout: Optional[float] = None, max_retries: Optional[int] = None) -> SekurePayClient: ...
    def async_sekurepay_client(
        self, *, timeout: Optional[float] = None, max_retries: Optional[int] = None
    ) -> AsyncSekurePayClient: ...
    def pay_payment_link(self, provider: str, id: str, outcome: str = "success") -> Dict[str, Any]: ...
    def pay_offer(self, offer_id: str, outcome: str = "success") -> Dict[str, Any]: ...
    def pay_payment_page(self, token: str, outcome: str = "success") -> Dict[str, Any]: ...
    def complete_smart_transaction(self, id: str, outcome: str = "success") -> Dict[str, Any]: ...
    def approve_device(self, user_code: str) -> None: ...
    def inject_fault(self, route: str, mode: str, count: int = 1, *, delay_ms: Optional[int] = None) -> None: ...
    def clear_faults(self) -> None: ...
    def advance_clock(self, seconds: int) -> None: ...
    def expire_tokens(self) -> None: ...
    def stats(self) -> Dict[str, Any]: ...
    def notifications(self) -> Any: ...
    def issued_tokens(self) -> List[str]: ...
    @staticmethod
    def credentials() -> Dict[str, str]: ...
    def reset(self) -> None: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *_args: object) -> bool: ...

# ---------------------------------------------------------------- internals

@final
class _Start:
    def __call__(self, *args: Any, **kwargs: Any) -> Awaitable[Any]: ...

def operation_table() -> str:
    """Every row of every provider's operation table, as JSON text (``paywire::operation::table_json()``)."""
def record_table() -> str:
    """Every output record core declares, as JSON text (``paywire::operation::record::records_json()``)."""
def _panic_for_test(message: str, where_: Literal["caller", "runtime", "async"] = "caller") -> Any: ...
def _log_level() -> str: ...
def _emit_log_for_test(level: str, message: str) -> None: ...
