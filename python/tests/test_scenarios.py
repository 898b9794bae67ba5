"""Every shared scenario file, unchanged, with the sync and with the async clients; the
bad-input corpus (bad_input_*.json) also proves that none of its inputs reached the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import pytest

import paywire
from _scenarios import Runner, ScenarioFailure, check_error, load, scenario_dir, scenario_files

FILES = scenario_files()
BAD_INPUT = [p for p in FILES if p.stem.startswith("bad_input_")]
BAD_INPUT_TOTAL = sum(len(load(p)["steps"]) for p in BAD_INPUT)
MODES = ["sync", "async"]

# Bad inputs that passed, per mode (filled by test_scenario, reported by the last test).
_passed: Dict[str, int] = {mode: 0 for mode in MODES}


def test_scenarios_exist() -> None:
    assert FILES, f"no scenarios found in {scenario_dir()}"
    assert BAD_INPUT_TOTAL > 0, f"no bad-input corpus in {scenario_dir()}"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path: Path, mode: str, sandbox) -> None:  # type: ignore[no-untyped-def]
    scenario = load(path)
    Runner(sandbox, mode).run(scenario)
    if path in BAD_INPUT:
        # Every step failed validation before anything was sent.
        assert sandbox.stats()["requests"] == 0, sandbox.stats()
        _passed[mode] += len(scenario["steps"])


# Every key scenarios/README.md documents for expect_error, with a value the error below has.
ERROR_KEYS = {"kind": "api", "code": "HTTP_500", "field": None, "http_status": 500,
              "provider": "saferpay", "outcome_unknown": True}


@pytest.mark.parametrize("key", sorted(ERROR_KEYS))
def test_runner_checks_every_expect_error_key(key: str) -> None:
    error = paywire.ApiError("boom", kind="api", code="HTTP_500", http_status=500, provider="saferpay",
                             outcome_unknown=True)
    check_error(dict(ERROR_KEYS), error)
    wrong = {"kind": "conflict", "code": "HTTP_503", "field": "amount", "http_status": 503,
             "provider": "secuconnect", "outcome_unknown": False}[key]
    with pytest.raises(ScenarioFailure, match=key):
        check_error(dict(ERROR_KEYS, **{key: wrong}), error)


def test_bad_input_corpus_count(report: List[str]) -> None:
    """Runs after the scenarios (file order): every bad input passed in both modes."""
    assert any(_passed.values()), "the bad-input scenarios must run before this count (file order)"
    line = (
        f"python bad-input corpus: {BAD_INPUT_TOTAL} invalid inputs in {len(BAD_INPUT)} files, "
        f"sync {_passed['sync']}/{BAD_INPUT_TOTAL}, async {_passed['async']}/{BAD_INPUT_TOTAL}, "
        "each a validation error naming its field; zero requests reached the sandbox"
    )
    print(line)
    report.append(line)
    assert _passed == {mode: BAD_INPUT_TOTAL for mode in MODES}, line
