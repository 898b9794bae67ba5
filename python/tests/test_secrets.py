"""Secrets scan: with the `paywire` logger at its lowest level (the bridge then forwards every
event of the core and every record of the HTTP stack, down to TRACE) and every other logger
captured too, run every shared scenario with the sync and the async clients, then search

- every log record (message, fields, target, every attribute),
- every error (str, repr, every attribute including ``raw``, its cause),
- every result (repr, ``.raw``, every attribute, recursively; every item of an iterator),
- the repr and str of every client (sync, async, built from arguments, from the environment,
  with options) and of the Sandbox,

for each password, client secret and API key (also as the HTTP Basic credentials they become)
and for every token the sandbox issued. Zero hits allowed.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import json
import logging
import os
import subprocess
import sys
import textwrap
import traceback
import uuid
from typing import Any, Dict, Iterator, List, Set

import pytest

import paywire
from paywire import PaywireError, _native
from paywire.testing import SANDBOX_CREDENTIALS, Sandbox

from _scenarios import Outcome, Runner, load, scenario_files

# Attributes every LogRecord has; anything else was added by the emitter (paywire_fields …).
_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime"}
# Wrong credentials the scan also uses: a secret the user typed must not leak either.
_WRONG = {
    "saferpay_password": "scan-wrong-saferpay-password-5772",
    "secuconnect_client_secret": "scan-wrong-client-secret-1414",
    "sekurepay_api_key": "scan-wrong-sekurepay-key-1732",
}


class Records(logging.Handler):
    """Keeps every record as text: the formatted line plus the emitter's extra attributes."""

    def __init__(self) -> None:
        super().__init__(1)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: List[str] = []
        self.levels: Set[int] = set()
        self.targets: Set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        self.lines.append(f"{self.format(record)} {extras!r} args={record.args!r}")
        self.levels.add(record.levelno)
        target = extras.get("paywire_target")
        if isinstance(target, str):
            self.targets.add(target)


@pytest.fixture
def records() -> Iterator[Records]:
    """Every record of every logger, the `paywire` one at the lowest level."""
    handler = Records()
    paywire_logger = logging.getLogger("paywire")
    root = logging.getLogger()
    saved = (paywire_logger.level, root.level)
    paywire_logger.setLevel(1)
    root.setLevel(1)
    root.addHandler(handler)  # paywire's records propagate to it
    try:
        assert paywire_logger.propagate
        assert _native._log_level() == "trace"
        yield handler
    finally:
        root.removeHandler(handler)
        paywire_logger.setLevel(saved[0])
        root.setLevel(saved[1])
        _native._log_level()


def describe(value: Any, out: List[str], depth: int = 0) -> None:
    """repr of a value, its ``raw`` and (for paywire's result classes) every attribute."""
    out.append(repr(value))
    if isinstance(value, (str, bytes, int, float, bool, type(None))) or depth > 4:
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            describe(item, out, depth + 1)
        return
    if isinstance(value, dict):
        for item in value.values():
            describe(item, out, depth + 1)
        return
    for name in dir(type(value)):
        if name.startswith("_") or not inspect.isdatadescriptor(getattr(type(value), name, None)):
            continue
        try:
            attribute = getattr(value, name)
        except PaywireError as error:
            describe_error(error, out)
            continue
        describe(attribute, out, depth + 1)


def describe_error(error: BaseException, out: List[str]) -> None:
    out.append(str(error))
    out.append(repr(error))
    out.append(repr(error.args))
    out.extend(traceback.format_exception_only(type(error), error))
    for value in vars(error).values():
        describe(value, out, 1)
    if error.__cause__ is not None:
        describe_error(error.__cause__, out)


class ScanRunner(Runner):
    """The shared runner, keeping every outcome's text and the tokens issued before each reset."""

    def __init__(self, sandbox: Sandbox, mode: str, transcript: List[str], tokens: Set[str]) -> None:
        super().__init__(sandbox, mode)
        self.transcript = transcript
        self.tokens = tokens
        self.calls = 0
        self.errors = 0

    def observe(self, outcome: Outcome) -> None:
        self.calls += 1
        if outcome.error is not None:
            self.errors += 1
            describe_error(outcome.error, self.transcript)
        describe(outcome.value, self.transcript)
        for item in outcome.items or []:
            describe(item, self.transcript)

    def before_reset(self) -> None:
        self.tokens.update(self.sandbox.issued_tokens())


def client_calls(scenario: Dict[str, Any]) -> int:
    """How many client calls a scenario makes (once per matrix combination)."""
    runs = 1
    for values in (scenario.get("matrix") or {}).values():
        runs *= len(values)
    return runs * sum(1 for step in scenario["steps"] if "sandbox" not in step)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def sandbox_clients(sandbox: Sandbox) -> List[Any]:
    """The sandbox's clients and their twins."""
    clients: List[Any] = []
    for provider in ("saferpay", "secuconnect", "sekurepay"):
        sync = getattr(sandbox, f"{provider}_client")()
        aio = getattr(sandbox, f"async_{provider}_client")(timeout=5, max_retries=1)
        clients += [sync, aio, sync.async_client(), aio.sync_client(), sync.with_options(timeout=3)]
    return clients


def clients_from_arguments(sandbox: Sandbox) -> List[Any]:
    """Sync and async clients of each provider, with the sandbox's and with wrong credentials."""
    creds = SANDBOX_CREDENTIALS
    clients: List[Any] = []
    saferpay_args = dict(customer_id=creds["saferpay_customer_id"], username=creds["saferpay_username"],
                         terminal_id=creds["saferpay_terminal_id"], base_url=sandbox.saferpay_base_url)
    secu_args = dict(client_id=creds["secuconnect_client_id"], contract_id=creds["secuconnect_contract_id"],
                     base_url=sandbox.secuconnect_base_url)
    for password in (creds["saferpay_password"], _WRONG["saferpay_password"]):
        clients += [paywire.SaferpayClient(password=password, **saferpay_args),
                    paywire.AsyncSaferpayClient(password=password, **saferpay_args)]
    for secret in (creds["secuconnect_client_secret"], _WRONG["secuconnect_client_secret"]):
        clients += [paywire.SecuconnectClient(client_secret=secret, **secu_args),
                    paywire.AsyncSecuconnectClient(client_secret=secret, **secu_args)]
    for key in (creds["sekurepay_api_key"], _WRONG["sekurepay_api_key"]):
        clients += [paywire.SekurePayClient(key, base_url=sandbox.sekurepay_base_url),
                    paywire.AsyncSekurePayClient(key, base_url=sandbox.sekurepay_base_url)]
    return clients


def clients_from_env(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> List[Any]:
    creds = SANDBOX_CREDENTIALS
    env = {
        "SAFERPAY_CUSTOMER_ID": creds["saferpay_customer_id"], "SAFERPAY_TERMINAL_ID": creds["saferpay_terminal_id"],
        "SAFERPAY_USERNAME": creds["saferpay_username"], "SAFERPAY_PASSWORD": creds["saferpay_password"],
        "SAFERPAY_BASE_URL": sandbox.saferpay_base_url,
        "SECUCONNECT_CLIENT_ID": creds["secuconnect_client_id"],
        "SECUCONNECT_CLIENT_SECRET": creds["secuconnect_client_secret"],
        "SECUCONNECT_CONTRACT_ID": creds["secuconnect_contract_id"], "SECUCONNECT_BASE_URL": sandbox.secuconnect_base_url,
        "SEKUREPAY_API_KEY": creds["sekurepay_api_key"], "SEKUREPAY_BASE_URL": sandbox.sekurepay_base_url,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return [cls.from_env() for cls in (paywire.SaferpayClient, paywire.AsyncSaferpayClient, paywire.SecuconnectClient,
                                       paywire.AsyncSecuconnectClient, paywire.SekurePayClient,
                                       paywire.AsyncSekurePayClient)]


def credential_checks(clients: List[Any], transcript: List[str]) -> Dict[str, int]:
    """One authenticated call per client: the real credentials work (so they are the ones to
    look for), the wrong ones are refused; every result and error is scanned."""
    outcomes = {"ok": 0, "refused": 0}

    def record(call: Any) -> None:
        try:
            result = call()
            if inspect.isawaitable(result):
                result = asyncio.run(_await(result))
            describe(result, transcript)
            outcomes["ok"] += 1
        except PaywireError as error:
            assert error.kind == "authentication", repr(error)
            describe_error(error, transcript)
            outcomes["refused"] += 1

    for client in clients:
        if isinstance(client, (paywire.SaferpayClient, paywire.AsyncSaferpayClient)):
            record(client.license)
        elif isinstance(client, (paywire.SecuconnectClient, paywire.AsyncSecuconnectClient)):
            record(lambda c=client: c.create_smart_transaction(paywire.Money(100, "EUR")))
        else:
            record(lambda c=client: c.create_order(
                "scan-" + uuid.uuid4().hex[:12], "USD", items=[{"description": "x", "amount_cents": 100, "quantity": 1}]))
    return outcomes


async def _await(awaitable: Any) -> Any:
    return await awaitable


def test_no_secret_in_logs_errors_results_or_reprs(records: Records, report: List[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    transcript: List[str] = []
    tokens: Set[str] = set()
    runners: List[ScanRunner] = []
    scenarios = [load(path) for path in scenario_files()]
    with Sandbox() as sandbox:
        for mode in ("sync", "async"):
            runner = ScanRunner(sandbox, mode, transcript, tokens)
            for scenario in scenarios:
                runner.run(scenario)
            runner.before_reset()  # the last scenario's tokens
            runners.append(runner)
        sandbox.reset()
        from_arguments = clients_from_arguments(sandbox)
        outcomes = credential_checks(from_arguments, transcript)
        tokens.update(sandbox.issued_tokens())
        clients = ([c for r in runners for c in r.clients.values()] + sandbox_clients(sandbox) + from_arguments
                   + clients_from_env(sandbox, monkeypatch))
        for client in clients:
            transcript += [repr(client), str(client)]
        transcript += [repr(sandbox), str(sandbox)]

    creds = SANDBOX_CREDENTIALS
    secrets = {creds["saferpay_password"], creds["secuconnect_client_secret"], creds["sekurepay_api_key"],
               b64(f"{creds['saferpay_username']}:{creds['saferpay_password']}"),
               b64(f"{creds['sekurepay_api_key']}:"),
               b64(f"{creds['secuconnect_client_id']}:{creds['secuconnect_client_secret']}"),
               *_WRONG.values(),
               b64(f"{creds['saferpay_username']}:{_WRONG['saferpay_password']}"),
               b64(f"{_WRONG['sekurepay_api_key']}:")}
    secrets |= tokens
    logs = "\n".join(records.lines)
    results = "\n".join(transcript)
    hits = [f"{place} contain the secret starting {secret[:4]!r} (length {len(secret)})"
            for secret in sorted(secrets) for place, text in (("logs", logs), ("results and errors", results))
            if secret in text]
    line = (f"python secrets scan: {len(secrets)} secrets ({len(tokens)} tokens), {len(logs) // 1024} KiB of logs, "
            f"{len(results) // 1024} KiB of results and errors, {len(hits)} hits")
    print(line)
    report.append(line)

    # Not vacuous: the scenarios ran in both modes, issued tokens, failed where expected, and
    # the logs hold TRACE and DEBUG records of paywire and of the HTTP stack for each provider.
    calls = sum(client_calls(s) for s in scenarios)
    errors = sum(client_calls(dict(s, steps=[t for t in s["steps"] if "expect_error" in t])) for s in scenarios)
    assert [(r.calls, r.errors) for r in runners] == [(calls, errors)] * 2, (calls, errors)
    assert outcomes == {"ok": 6, "refused": 6}, outcomes
    assert tokens and all(len(t) >= 16 for t in tokens), sorted(len(t) for t in tokens)
    assert {5, logging.DEBUG} <= records.levels, records.levels
    assert any(t.startswith("paywire") for t in records.targets), records.targets
    assert any(t.split("::")[0] in ("reqwest", "hyper", "hyper_util", "h2") for t in records.targets), records.targets
    for operation in ("operation=saferpay.", "operation=secuconnect.", "operation=sekurepay."):
        assert operation in logs, operation
    assert len(logs) > 256 * 1024, f"only {len(logs)} bytes of logs"
    assert len(results) > 256 * 1024, f"only {len(results)} bytes of results and errors"
    assert not hits, hits


def test_paywire_log_trace_to_stderr_shows_no_secret(report: List[str]) -> None:
    """The no-code path: PAYWIRE_LOG=trace logs every record to stderr; none holds a secret."""
    code = textwrap.dedent('''
        import json
        from paywire import Money
        from paywire.testing import Sandbox
        with Sandbox() as sandbox:
            sandbox.saferpay_client().license()
            secu = sandbox.secuconnect_client()
            secu.get_smart_transaction(secu.create_smart_transaction(Money(500, "EUR")).id)
            sandbox.expire_tokens()
            secu.create_smart_transaction(Money(600, "EUR"))
            sandbox.sekurepay_client().create_order(
                "env-order", "USD", items=[{"description": "x", "amount_cents": 100, "quantity": 1}])
            print(json.dumps(sandbox.issued_tokens()))
    ''')
    env = dict(os.environ, PAYWIRE_LOG="trace")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-4000:]
    tokens = json.loads(result.stdout.strip().splitlines()[-1])
    creds = SANDBOX_CREDENTIALS
    secrets = {creds["saferpay_password"], creds["secuconnect_client_secret"], creds["sekurepay_api_key"],
               b64(f"{creds['saferpay_username']}:{creds['saferpay_password']}"),
               b64(f"{creds['sekurepay_api_key']}:"), *tokens}
    assert len(tokens) >= 2 and all(len(t) >= 16 for t in tokens), tokens
    assert "paywire Level 5 " in result.stderr and "operation=sekurepay." in result.stderr, result.stderr[-4000:]
    hits = [secret[:4] for secret in secrets if secret in result.stderr]
    line = (f"python secrets scan (PAYWIRE_LOG=trace, stderr): {len(secrets)} secrets ({len(tokens)} tokens), "
            f"{len(result.stderr) // 1024} KiB of logs, {len(hits)} hits")
    print(line)
    report.append(line)
    assert not hits, hits
