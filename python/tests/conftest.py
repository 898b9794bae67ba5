"""Shared fixtures: one embedded sandbox per test session, reset before each test."""

from __future__ import annotations

from typing import Iterator

import pytest

from paywire.testing import Sandbox


@pytest.fixture(scope="session")
def session_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(session_sandbox: Sandbox) -> Sandbox:
    session_sandbox.reset()
    return session_sandbox


@pytest.fixture
def client(sandbox: Sandbox):  # type: ignore[no-untyped-def]
    return sandbox.saferpay_client()


@pytest.fixture
def aclient(sandbox: Sandbox):  # type: ignore[no-untyped-def]
    return sandbox.async_saferpay_client()
