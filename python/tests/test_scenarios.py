"""Every shared scenario file, unchanged, with the sync and with the async clients."""

from __future__ import annotations

from pathlib import Path

import pytest

from _scenarios import Runner, load, scenario_dir, scenario_files

FILES = scenario_files()


def test_scenarios_exist() -> None:
    assert FILES, f"no scenarios found in {scenario_dir()}"


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path: Path, mode: str, sandbox) -> None:  # type: ignore[no-untyped-def]
    Runner(sandbox, mode).run(load(path))
