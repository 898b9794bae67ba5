"""The `paywire` logger receives the core's tracing events; PAYWIRE_LOG turns it on."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import pytest

from paywire import _native


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def capture():  # type: ignore[no-untyped-def]
    logger = logging.getLogger("paywire")
    handler = Capture()
    old = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old)
    _native._log_level()


def test_events_reach_python_logging(capture, client) -> None:  # type: ignore[no-untyped-def]
    assert _native._log_level() == "debug"
    client.license()
    messages = [r.getMessage() for r in capture.records]
    assert any(m.startswith("response") and "status=200" in m for m in messages), messages
    record = next(r for r in capture.records if r.getMessage().startswith("response"))
    assert record.name == "paywire" and record.levelno == logging.DEBUG
    assert record.paywire_fields["operation"] == "saferpay.license"  # span fields included
    assert "sandbox-saferpay-password" not in " ".join(messages)


def test_level_follows_logger(capture) -> None:  # type: ignore[no-untyped-def]
    logger = logging.getLogger("paywire")
    logger.setLevel(logging.ERROR)
    assert _native._log_level() == "error"
    _native._emit_log_for_test("info", "hidden")
    _native._emit_log_for_test("error", "shown")
    assert [r.getMessage() for r in capture.records if "test=true" in r.getMessage()] == ["shown test=true"]
    logger.setLevel(logging.CRITICAL + 10)
    assert _native._log_level() == "off"


def test_paywire_log_env_turns_it_on() -> None:
    code = textwrap.dedent('''
        from paywire.testing import Sandbox
        with Sandbox() as sandbox:
            sandbox.saferpay_client().license()
    ''')
    env = dict(os.environ, PAYWIRE_LOG="debug")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "paywire DEBUG response" in result.stderr, result.stderr
    assert "sandbox-saferpay-password" not in result.stderr
    quiet = dict(os.environ)
    quiet.pop("PAYWIRE_LOG", None)
    result = subprocess.run([sys.executable, "-c", code], env=quiet, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "response" not in result.stderr, result.stderr
