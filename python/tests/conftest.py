"""Shared fixtures: one embedded sandbox per test session, reset before each test; report
lines (counts a test wants to show) printed in the terminal summary."""

from __future__ import annotations

from typing import Iterator, List

import pytest

from paywire.testing import Sandbox

_REPORT = pytest.StashKey[List[str]]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_REPORT] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    lines = config.stash.get(_REPORT, [])
    if lines:
        terminalreporter.section("paywire")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def report(pytestconfig: pytest.Config) -> List[str]:
    """Append a line to show it in the terminal summary (shown even when output is captured)."""
    return pytestconfig.stash[_REPORT]


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
