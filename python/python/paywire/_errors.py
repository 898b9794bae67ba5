"""paywire's exceptions: one class per error kind under :class:`PaywireError`.

They are raised by the native module with every field the core knows about the failure.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Type

__all__ = [
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
    "OutcomeUnknownError",
    "SandboxError",
]


class PaywireError(Exception):
    """Base class of every paywire error.

    Attributes:
        kind: ``validation``, ``authentication``, ``permission``, ``not_found``, ``conflict``,
            ``declined``, ``rate_limited``, ``api``, ``transport``, ``decode``,
            ``configuration``, ``internal`` or ``outcome_unknown``.
        provider: ``saferpay``, ``secuconnect``, ``sekurepay`` or ``None``.
        http_status: the HTTP status of the provider's answer, if any.
        code: the provider's error name (Saferpay ``ErrorName``, secuconnect ``error``) or
            ``HTTP_<status>``.
        message: the provider's (or paywire's) message.
        details: extra messages from the provider.
        request_id: the request id sent with the call (reused on every retry).
        retryable: ``"no"``, ``"yes"`` or ``"later"``.
        outcome_unknown: True when the provider may have executed the request although no
            answer arrived (then the error is an :class:`OutcomeUnknownError`); settle it
            with ``settle_with`` before repeating it.
        settle_with: for an unknown outcome, the call that tells whether it happened, e.g.
            ``inquire_by_order_id("pw-rf-…")``.
        field: the input field a validation error is about.
        raw: the provider's response body (secrets scrubbed), parsed when it is JSON.
    """

    kind: str = "internal"

    def __init__(
        self,
        text: Optional[str] = None,
        *,
        kind: Optional[str] = None,
        provider: Optional[str] = None,
        http_status: Optional[int] = None,
        code: Optional[str] = None,
        message: Optional[str] = None,
        details: Optional[List[str]] = None,
        request_id: Optional[str] = None,
        retryable: str = "no",
        outcome_unknown: bool = False,
        settle_with: Optional[str] = None,
        field: Optional[str] = None,
        raw: Any = None,
    ) -> None:
        if message is None:
            message = text if text is not None else ""
        if text is None:
            text = message
        super().__init__(text)
        if kind is not None:
            self.kind = kind
        self.provider = provider
        self.http_status = http_status
        self.code = code
        self.message = message
        self.details = list(details or [])
        self.request_id = request_id
        self.retryable = retryable
        self.outcome_unknown = outcome_unknown
        self.settle_with = settle_with
        self.field = field
        self.raw = raw

    def _fields(self) -> Dict[str, Any]:
        return {
            "kind": self.kind,
            "provider": self.provider,
            "http_status": self.http_status,
            "code": self.code,
            "message": self.message,
            "details": self.details,
            "request_id": self.request_id,
            "retryable": self.retryable,
            "outcome_unknown": self.outcome_unknown,
            "settle_with": self.settle_with,
            "field": self.field,
            "raw": self.raw,
        }

    def __reduce__(self) -> Tuple[Any, ...]:
        # Keeps every attribute through pickling (multiprocessing, concurrent.futures).
        return (_rebuild, (type(self), str(self), self._fields()))

    def __repr__(self) -> str:
        parts = [f"kind={self.kind!r}"]
        for name in ("provider", "code", "http_status", "field", "request_id"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        parts.append(f"message={self.message!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


def _rebuild(cls: Type[PaywireError], text: str, fields: Dict[str, Any]) -> PaywireError:
    return cls(text, **fields)


class ValidationError(PaywireError):
    """Bad input; nothing was sent. ``field`` names the offending argument."""

    kind = "validation"


class AuthenticationError(PaywireError):
    """The provider refused the credentials."""

    kind = "authentication"


class PermissionDeniedError(PaywireError):
    """The credentials are valid but not allowed to do this."""

    kind = "permission"


class NotFoundError(PaywireError):
    """The object does not exist."""

    kind = "not_found"


class ConflictError(PaywireError):
    """Wrong state for the operation (already captured, duplicate id …)."""

    kind = "conflict"


class DeclinedError(PaywireError):
    """A payment business failure (declined, aborted, 3-D Secure failed …)."""

    kind = "declined"


class RateLimitedError(PaywireError):
    """Too many requests."""

    kind = "rate_limited"


class ApiError(PaywireError):
    """Any other provider error."""

    kind = "api"


class TransportError(PaywireError):
    """Connect, reset or timeout; see ``outcome_unknown``."""

    kind = "transport"


class DecodeError(PaywireError):
    """The provider answered something paywire could not read."""

    kind = "decode"


class ConfigurationError(PaywireError):
    """Client configuration problem (missing environment variable, bad base URL …)."""

    kind = "configuration"


class InternalError(PaywireError):
    """A bug in paywire (including a Rust panic); the interpreter keeps working."""

    kind = "internal"


class OutcomeUnknownError(PaywireError):
    """A call with a side effect may have been executed, and paywire could not settle whether
    it was; it was not sent again. ``settle_with`` names the call that tells (see
    docs/exactly-once.md); make it before repeating the operation."""

    kind = "outcome_unknown"


class SandboxError(Exception):
    """The embedded sandbox refused an action (unknown offer id, bad outcome, bad fault …)."""
