"""repr/str of clients and errors never show a secret."""

from __future__ import annotations

import pytest

from paywire import AsyncSaferpayClient, AuthenticationError, SaferpayClient

SECRET = "sandbox-saferpay-password-3141"


def test_client_reprs_hide_password(sandbox) -> None:  # type: ignore[no-untyped-def]
    clients = [
        sandbox.saferpay_client(),
        sandbox.async_saferpay_client(),
        SaferpayClient("123456", "API_123456_17757531", SECRET, "17757531", base_url=sandbox.saferpay_base_url),
        AsyncSaferpayClient("123456", "API_123456_17757531", SECRET, base_url=sandbox.saferpay_base_url),
    ]
    clients.append(clients[0].with_options(timeout=3))
    clients.append(clients[0].async_client())
    for client in clients:
        text = repr(client) + str(client)
        assert SECRET not in text
        assert "123456" in text and "password" not in text.lower()
        assert not hasattr(client, "password")


def test_sandbox_repr(sandbox) -> None:  # type: ignore[no-untyped-def]
    assert repr(sandbox) == f"Sandbox(url='{sandbox.url}')"


def test_error_text_hides_password(sandbox) -> None:  # type: ignore[no-untyped-def]
    bad = SaferpayClient("123456", "API_123456_17757531", "hunter2-secret-value", base_url=sandbox.saferpay_base_url,
                         max_retries=0)
    with pytest.raises(AuthenticationError) as info:
        bad.license()
    e = info.value
    assert "hunter2" not in str(e) + repr(e) + repr(e.raw) + repr(e.details)
