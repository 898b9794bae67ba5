"""Runner for the shared scenarios (tests/scenarios/*.json, format in its README.md).

Every file runs unchanged, once with the sync clients and once with the async clients. A call
or sandbox action the runner does not know fails the scenario; nothing is skipped.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import paywire
from paywire import Money, PaywireError

_MISSING = object()
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def scenario_dir() -> Path:
    override = os.environ.get("PAYWIRE_SCENARIOS")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "tests" / "scenarios"


def scenario_files() -> List[Path]:
    return sorted(scenario_dir().glob("*.json"))


class ScenarioFailure(AssertionError):
    pass


# ------------------------------------------------------------------ values


def _resolve(name: str, saved: Dict[str, Any], sandbox_url: str) -> Any:
    if name == "unique":
        return "sc-" + uuid.uuid4().hex[:20]
    if name == "sandbox_url":
        return sandbox_url
    if name == "yesterday":
        return _days_ago(1)
    if name.startswith("days_ago:"):
        return _days_ago(int(name[len("days_ago:"):]))
    if name.startswith("now"):
        offset = name[3:]
        delta = _parse_offset(offset) if offset else timedelta(0)
        return (datetime.now(timezone.utc) + delta).replace(microsecond=0).isoformat()
    if name in saved:
        return saved[name]
    raise ScenarioFailure(f"nothing saved as {name!r}")


def _days_ago(n: int) -> str:
    return (datetime.now(timezone.utc).date() - timedelta(days=n)).isoformat()


def _parse_offset(offset: str) -> timedelta:
    match = re.fullmatch(r"([+-])(\d+)([mhd])", offset)
    if not match:
        raise ScenarioFailure(f"bad time offset {offset!r}")
    sign = 1 if match.group(1) == "+" else -1
    n = int(match.group(2))
    unit = {"m": "minutes", "h": "hours", "d": "days"}[match.group(3)]
    return sign * timedelta(**{unit: n})


def substitute(value: Any, saved: Dict[str, Any], sandbox_url: str) -> Any:
    if isinstance(value, str):
        whole = _PLACEHOLDER.fullmatch(value)
        if whole:
            return _resolve(whole.group(1), saved, sandbox_url)
        return _PLACEHOLDER.sub(lambda m: str(_resolve(m.group(1), saved, sandbox_url)), value)
    if isinstance(value, list):
        return [substitute(v, saved, sandbox_url) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, saved, sandbox_url) for k, v in value.items()}
    return value


def to_python_args(value: Any) -> Any:
    """Money objects from ``{"minor", "currency"}``; may raise ValidationError like any call."""
    if isinstance(value, dict):
        if set(value) == {"minor", "currency"}:
            return Money(value["minor"], value["currency"])
        return {k: to_python_args(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_python_args(v) for v in value]
    return value


# ------------------------------------------------------------------ matching


def _get(actual: Any, key: str) -> Any:
    if isinstance(actual, dict):
        return actual.get(key, _MISSING)
    return getattr(actual, key, _MISSING)


def matches(expected: Any, actual: Any, path: str) -> None:
    if expected is None:
        if actual is None or actual is _MISSING:
            return
        raise ScenarioFailure(f"{path}: expected null/absent, got {actual!r}")
    if actual is _MISSING:
        raise ScenarioFailure(f"{path}: missing (expected {expected!r})")
    if isinstance(expected, dict):
        if actual is None:
            raise ScenarioFailure(f"{path}: expected {expected!r}, got None")
        for key, want in expected.items():
            matches(want, _get(actual, key), f"{path}.{key}")
        return
    if isinstance(expected, list):
        if not isinstance(actual, (list, tuple)):
            raise ScenarioFailure(f"{path}: expected a list, got {actual!r}")
        if len(expected) != len(actual):
            raise ScenarioFailure(f"{path}: expected {len(expected)} items, got {len(actual)}")
        for i, (want, have) in enumerate(zip(expected, actual)):
            matches(want, have, f"{path}[{i}]")
        return
    if isinstance(expected, bool) or isinstance(actual, bool):
        if expected is actual:
            return
        raise ScenarioFailure(f"{path}: expected {expected!r}, got {actual!r}")
    if expected == actual:
        return
    raise ScenarioFailure(f"{path}: expected {expected!r}, got {actual!r}")


def lookup(value: Any, path: str) -> Any:
    if path == ".":
        return value
    for key in path.split("."):
        if isinstance(value, (list, tuple)) and key.isdigit():
            index = int(key)
            value = value[index] if index < len(value) else _MISSING
        else:
            value = _get(value, key)
        if value is _MISSING:
            raise ScenarioFailure(f"result has no {path}")
    return value


def check_error(want: Dict[str, Any], error: PaywireError) -> None:
    actual = {
        "kind": error.kind,
        "code": error.code,
        "field": error.field,
        "provider": error.provider,
        "http_status": error.http_status,
        "outcome_unknown": error.outcome_unknown,
        "retryable": error.retryable,
    }
    try:
        matches(want, actual, "error")
    except ScenarioFailure as failure:
        raise ScenarioFailure(f"{failure} (error was: {error})") from None


# ------------------------------------------------------------------ running


class Outcome:
    def __init__(self, value: Any = None, error: Optional[PaywireError] = None,
                 items: Optional[List[Any]] = None, total: Optional[int] = None) -> None:
        self.value = value
        self.error = error
        self.items = items
        self.total = total


def _total(iterator: Any) -> Optional[int]:
    for name in ("total_transactions", "total_count", "total"):
        value = getattr(iterator, name, None)
        if isinstance(value, int):
            return value
    return None


class Runner:
    """Runs scenarios against one sandbox with its sync (``mode="sync"``) or async clients."""

    def __init__(self, sandbox: Any, mode: str) -> None:
        self.sandbox = sandbox
        self.mode = mode
        self._clients: Dict[str, Any] = {}
        self._saved: Dict[str, Any] = {}

    # Hooks for the secrets scan (no-ops here).
    def observe(self, outcome: "Outcome") -> None:
        """Sees the outcome of every client call (result, iterated items or error)."""

    def before_reset(self) -> None:
        """Runs before each sandbox reset (the sandbox still holds the last run's state)."""

    @property
    def clients(self) -> Dict[str, Any]:
        return dict(self._clients)

    def client(self, name: str) -> Any:
        if name not in self._clients:
            factory_name = f"{name}_client" if self.mode == "sync" else f"async_{name}_client"
            factory = getattr(self.sandbox, factory_name, None)
            if factory is None:
                raise ScenarioFailure(f"the sandbox has no {factory_name}() (unknown client {name!r})")
            self._clients[name] = factory()
        return self._clients[name]

    # The sync and async paths differ only in how a call is made and an iterator consumed.
    def run(self, scenario: Dict[str, Any]) -> None:
        # A matrix runs the scenario once per combination: {"provider": ["saferpay", "secuconnect"]}.
        combinations: List[Dict[str, Any]] = [{}]
        for name, values in (scenario.get("matrix") or {}).items():
            combinations = [dict(c, **{name: v}) for c in combinations for v in values]
        for initial in combinations:
            try:
                if self.mode == "sync":
                    self._run_sync(scenario, dict(initial))
                else:
                    import asyncio

                    asyncio.run(self._run_async(scenario, dict(initial)))
            except ScenarioFailure as failure:
                if initial:
                    raise ScenarioFailure(f"{initial}: {failure}") from None
                raise

    def _run_sync(self, scenario: Dict[str, Any], saved: Dict[str, Any]) -> None:
        self.before_reset()
        self.sandbox.reset()
        for index, step in enumerate(scenario["steps"]):
            with _step_label(index, step):
                args, outcome = self._prepare(step, saved)
                if outcome is None:
                    outcome = self._call_sync(step, args)
                self._check(step, outcome, saved)

    async def _run_async(self, scenario: Dict[str, Any], saved: Dict[str, Any]) -> None:
        self.before_reset()
        self.sandbox.reset()
        for index, step in enumerate(scenario["steps"]):
            with _step_label(index, step):
                args, outcome = self._prepare(step, saved)
                if outcome is None:
                    outcome = await self._call_async(step, args)
                self._check(step, outcome, saved)

    def _prepare(self, step: Dict[str, Any], saved: Dict[str, Any]) -> Tuple[Dict[str, Any], Optional[Outcome]]:
        self._saved = saved
        raw_args = substitute(step.get("args", {}), saved, self.sandbox.url)
        try:
            return to_python_args(raw_args), None
        except PaywireError as error:
            return {}, Outcome(error=error)

    def _target(self, step: Dict[str, Any]) -> Tuple[Any, str, bool]:
        if "sandbox" in step:
            action = step["sandbox"]
            method = getattr(self.sandbox, action, None)
            if method is None or action.startswith("_"):
                raise ScenarioFailure(f"unknown sandbox action {action!r}")
            return method, action, True
        if "client" not in step or "call" not in step:
            raise ScenarioFailure("step has neither client+call nor sandbox")
        client = self.client(str(substitute(step["client"], self._saved, self.sandbox.url)))
        call = step["call"]
        method = getattr(client, call, None)
        if method is None or call.startswith("_"):
            raise ScenarioFailure(f"unknown call {type(client).__name__}.{call}")
        return method, call, False

    def _call_sync(self, step: Dict[str, Any], args: Dict[str, Any]) -> Outcome:
        method, _, _ = self._target(step)
        try:
            result = method(**args)
            if _collects(step):
                items = list(result)
                return Outcome(value=result, items=items, total=_total(result))
            return Outcome(value=result)
        except PaywireError as error:
            return Outcome(error=error)

    async def _call_async(self, step: Dict[str, Any], args: Dict[str, Any]) -> Outcome:
        method, _, is_sandbox = self._target(step)
        try:
            result = method(**args)
            if inspect.isawaitable(result):
                result = await result
            elif not is_sandbox and not hasattr(result, "__anext__"):
                raise ScenarioFailure(f"async client returned {type(result).__name__}, not an awaitable")
            if _collects(step):
                items = [item async for item in result]
                return Outcome(value=result, items=items, total=_total(result))
            return Outcome(value=result)
        except PaywireError as error:
            return Outcome(error=error)

    def _check(self, step: Dict[str, Any], outcome: Outcome, saved: Dict[str, Any]) -> None:
        if "sandbox" not in step:
            self.observe(outcome)
        want_error = step.get("expect_error")
        if want_error is not None:
            if outcome.error is None:
                got = f"{len(outcome.items)} items" if outcome.items is not None else repr(outcome.value)
                raise ScenarioFailure(f"expected error {want_error}, got {got}")
            check_error(want_error, outcome.error)
        elif outcome.error is not None:
            raise ScenarioFailure(f"unexpected error: {outcome.error!r} ({outcome.error})")
        elif outcome.items is not None:
            if "expect_count" in step:
                want = step["expect_count"]
                if want == "total":
                    if outcome.total is None:
                        raise ScenarioFailure("the iterator reports no total")
                    want = outcome.total
                if len(outcome.items) != want:
                    raise ScenarioFailure(f"expected {want} items, got {len(outcome.items)}")
            if step.get("expect_unique"):
                ids = [item.id for item in outcome.items]
                if len(set(ids)) != len(ids):
                    raise ScenarioFailure(f"{len(ids) - len(set(ids))} duplicate ids")
        else:
            if "expect" in step:
                matches(substitute(step["expect"], saved, self.sandbox.url), outcome.value, "result")
            for name, path in (step.get("save") or {}).items():
                saved[name] = lookup(outcome.value, path)
        if "expect_stats" in step:
            matches(step["expect_stats"], self.sandbox.stats(), "stats")


def _collects(step: Dict[str, Any]) -> bool:
    return "expect_count" in step or "expect_unique" in step


class _step_label:
    def __init__(self, index: int, step: Dict[str, Any]) -> None:
        self.label = f"step {index + 1} ({step.get('call') or step.get('sandbox') or '?'})"

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, _tb: Any) -> bool:
        if isinstance(error, ScenarioFailure):
            raise ScenarioFailure(f"{self.label}: {error}") from None
        return False


def load(path: Path) -> Dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: Dict[str, Any] = json.load(handle)
    return data


__all__ = ["Runner", "ScenarioFailure", "load", "scenario_files", "paywire"]
