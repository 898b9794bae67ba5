"""Errors: one class per kind, every attribute filled from the core, raised from Rust."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone

import pytest

import paywire
from paywire import (
    AuthenticationError,
    ConfigurationError,
    Money,
    NotFoundError,
    OutcomeUnknownError,
    PaywireError,
    SaferpayClient,
    ValidationError,
)

KINDS = {
    "ValidationError": "validation",
    "AuthenticationError": "authentication",
    "PermissionDeniedError": "permission",
    "NotFoundError": "not_found",
    "ConflictError": "conflict",
    "DeclinedError": "declined",
    "RateLimitedError": "rate_limited",
    "ApiError": "api",
    "TransportError": "transport",
    "DecodeError": "decode",
    "ConfigurationError": "configuration",
    "InternalError": "internal",
    "OutcomeUnknownError": "outcome_unknown",
}


def _tomorrow() -> datetime:
    return datetime.now(timezone.utc) + timedelta(days=1)


def test_hierarchy() -> None:
    for name, kind in KINDS.items():
        cls = getattr(paywire, name)
        assert issubclass(cls, PaywireError) and issubclass(cls, Exception)
        assert cls.kind == kind


def test_not_found_has_every_attribute(client) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFoundError) as info:
        client.get_offer("no-such-offer")
    e = info.value
    assert e.kind == "not_found"
    assert e.provider == "saferpay"
    assert e.http_status == 404
    assert e.code == "NOT_FOUND"
    assert e.message
    assert isinstance(e.details, list) and e.details
    assert e.request_id
    assert e.retryable == "no"
    assert e.outcome_unknown is False
    assert e.field is None
    assert isinstance(e.raw, dict)
    assert "NOT_FOUND" in str(e) and e.request_id in str(e)


def test_authentication(sandbox) -> None:  # type: ignore[no-untyped-def]
    bad = SaferpayClient(
        "123456", "API_123456_17757531", "wrong-password-xyz", "17757531",
        base_url=sandbox.saferpay_base_url, max_retries=0,
    )
    with pytest.raises(AuthenticationError) as info:
        bad.license()
    assert info.value.http_status == 401
    assert "wrong-password-xyz" not in str(info.value) + repr(info.value) + repr(info.value.raw)


def test_validation_names_the_field(client) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        client.create_offer(Money(404, "CHF"), "order-1", "x" * 101, _tomorrow())
    assert info.value.field == "description"
    assert info.value.provider is None and info.value.http_status is None


def test_configuration() -> None:
    with pytest.raises(ConfigurationError):
        SaferpayClient("123456", "user", "pw", base_url="http://example.com/api")


def test_from_env_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SAFERPAY_CUSTOMER_ID", "SAFERPAY_USERNAME", "SAFERPAY_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError) as info:
        SaferpayClient.from_env()
    assert "SAFERPAY_" in info.value.message


def test_from_env(monkeypatch: pytest.MonkeyPatch, sandbox) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SAFERPAY_CUSTOMER_ID", "123456")
    monkeypatch.setenv("SAFERPAY_USERNAME", "API_123456_17757531")
    monkeypatch.setenv("SAFERPAY_PASSWORD", "sandbox-saferpay-password-3141")
    monkeypatch.setenv("SAFERPAY_TERMINAL_ID", "17757531")
    monkeypatch.setenv("SAFERPAY_BASE_URL", sandbox.saferpay_base_url)
    client = SaferpayClient.from_env(max_retries=0)
    assert client.terminal_id == "17757531"
    assert client.license().package_id
    aclient = paywire.AsyncSaferpayClient.from_env(timeout=5)
    assert aclient.base_url == sandbox.saferpay_base_url


@pytest.mark.parametrize(
    "mode, cls, status, retryable, outcome_unknown",
    [
        # An offer create that may have reached Saferpay is never sent again: no API call
        # finds an offer by its order id (docs/exactly-once.md).
        ("error_500", OutcomeUnknownError, 500, "yes", True),
        ("error_503_html", OutcomeUnknownError, 503, "yes", True),
        ("non_json", OutcomeUnknownError, 200, "no", True),
        ("malformed_json", OutcomeUnknownError, 200, "no", True),
        ("drop_after_commit", OutcomeUnknownError, None, "yes", True),
        ("expired_token", AuthenticationError, 401, "no", False),
    ],
)
def test_fault_errors(sandbox, mode, cls, status, retryable, outcome_unknown) -> None:  # type: ignore[no-untyped-def]
    client = sandbox.saferpay_client(max_retries=0)
    sandbox.inject_fault("saferpay.offers.create", mode)
    order_id = f"order-{mode}".replace("_", "-")
    with pytest.raises(cls) as info:
        client.create_offer(Money(100, "CHF"), order_id, "fault", _tomorrow())
    e = info.value
    assert e.http_status == status
    assert e.retryable == retryable
    assert e.outcome_unknown is outcome_unknown
    assert e.provider == "saferpay" and e.request_id
    if outcome_unknown:
        assert e.kind == "outcome_unknown"
        assert order_id in e.settle_with
    else:
        assert e.settle_with is None
    assert sandbox.stats()["routes"]["saferpay.offers.create"]["requests"] == 1


def test_a_refusal_is_waited_out(sandbox) -> None:  # type: ignore[no-untyped-def]
    client = sandbox.saferpay_client(max_retries=0)
    sandbox.inject_fault("saferpay.offers.create", "error_429")
    offer = client.create_offer(Money(100, "CHF"), "order-refused-once", "fault", _tomorrow())
    assert offer.status == "OPEN"
    assert sandbox.stats()["routes"]["saferpay.offers.create"]["requests"] == 2


def test_retries_recover(sandbox) -> None:  # type: ignore[no-untyped-def]
    client = sandbox.saferpay_client(max_retries=2)
    sandbox.inject_fault("saferpay.license", "error_500", 1)
    assert client.license().package_id
    assert sandbox.stats()["routes"]["saferpay.license"]["requests"] == 2


def test_pickle_keeps_attributes(client) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFoundError) as info:
        client.get_offer("no-such-offer")
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is NotFoundError
    assert (copy.code, copy.http_status, copy.request_id, str(copy)) == (
        info.value.code, info.value.http_status, info.value.request_id, str(info.value))


async def test_async_errors(aclient) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFoundError) as info:
        await aclient.get_offer("no-such-offer")
    assert info.value.http_status == 404
    with pytest.raises(ValidationError) as vinfo:
        await aclient.create_offer(Money(0, "CHF"), "o", "d", _tomorrow())
    assert vinfo.value.field == "amount"
