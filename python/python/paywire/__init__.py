"""paywire: Saferpay, secuconnect and SekurePay from one Rust core.

Every provider has a sync client (calls block with the GIL released and stay interruptible
with Ctrl-C) and an async client (calls return coroutines) sharing one native client::

    from paywire import Money, SaferpayClient

    client = SaferpayClient.from_env()
    offer = client.create_offer(Money.parse("4.04", "CHF"), "order-1", "Invoice 1",
                                expires_at="2030-01-01T12:00:00+01:00")

Errors are :class:`PaywireError` subclasses; ``paywire.testing.Sandbox`` runs the offline
sandbox in-process for tests.
"""

from . import _logging  # noqa: F401  (configures the "paywire" logger before the core loads)
from ._errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    DeclinedError,
    DecodeError,
    InternalError,
    NotFoundError,
    PaywireError,
    PermissionDeniedError,
    RateLimitedError,
    TransportError,
    ValidationError,
)
from ._native import (
    SAFERPAY_DEFAULT_SPEC_VERSION,
    AsyncSaferpayClient,
    AsyncTransactionIterator,
    Feature,
    License,
    Money,
    Offer,
    PaymentMethodInfo,
    PaymentPageConfiguration,
    ReportedTransaction,
    SaferpayClient,
    Terminal,
    TransactionIterator,
    WalletInfo,
    __version__,
)

__all__ = [
    "__version__",
    "SAFERPAY_DEFAULT_SPEC_VERSION",
    "Money",
    "SaferpayClient",
    "AsyncSaferpayClient",
    "Offer",
    "License",
    "Feature",
    "Terminal",
    "PaymentMethodInfo",
    "WalletInfo",
    "PaymentPageConfiguration",
    "ReportedTransaction",
    "TransactionIterator",
    "AsyncTransactionIterator",
    "PaywireError",
    "ValidationError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "DeclinedError",
    "RateLimitedError",
    "ApiError",
    "TransportError",
    "DecodeError",
    "ConfigurationError",
    "InternalError",
]
