"""Every client method of docs/API.md exists in the sync and the async class, is typed in
the stubs, and is exercised by a test or a shared scenario."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

import paywire

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def _api_md() -> Path:
    path = REPO / "docs" / "API.md"
    if not path.exists():
        raise AssertionError(f"{path} not found; the coverage check cannot run")
    return path


PROVIDERS = {
    "SaferpayClient": ("SaferpayClient", "AsyncSaferpayClient"),
    "SecuconnectClient": ("SecuconnectClient", "AsyncSecuconnectClient"),
    "SekurePayClient": ("SekurePayClient", "AsyncSekurePayClient"),
}

# Methods of API.md not bound yet. Strict: once a method is implemented this list must shrink.
def api_methods() -> List[Tuple[str, str]]:
    text = _api_md().read_text(encoding="utf-8")
    found: Dict[Tuple[str, str], None] = {}
    sections = re.split(r"^### ", text, flags=re.M)
    for section in sections:
        section = section.split("\n## ")[0]
        title = section.splitlines()[0].strip() if section else ""
        rows = [line for line in section.splitlines() if line.startswith("| `")]
        names = []
        for row in rows:
            first_cell = row.split("|")[1]
            names += re.findall(r"`(\w+)\(", first_cell)
        if title in PROVIDERS:
            for name in names:
                found[(title, name)] = None
        elif title.startswith("Payment links"):
            for name in re.findall(r"`(\w+)\(", section):
                found[("SaferpayClient", name)] = None
                found[("SecuconnectClient", name)] = None
    return list(found)


def _stub_methods() -> Dict[str, set]:
    stub = Path(paywire.__file__).parent / "_native.pyi"
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    out: Dict[str, set] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            out[node.name] = {
                n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
    return out


def _exercised_text() -> str:
    texts = [p.read_text(encoding="utf-8") for p in HERE.glob("test_*.py") if p.name != Path(__file__).name]
    scenarios = REPO / "tests" / "scenarios"
    texts += [p.read_text(encoding="utf-8") for p in scenarios.glob("*.json")]
    return "\n".join(texts)


METHODS = api_methods()


def test_api_md_parsed() -> None:
    assert ("SaferpayClient", "create_offer") in METHODS
    assert ("SekurePayClient", "get_order") in METHODS
    assert len(METHODS) > 30


@pytest.mark.parametrize("provider, method", METHODS, ids=[f"{p}.{m}" for p, m in METHODS])
def test_method_in_both_classes_typed_and_tested(provider: str, method: str) -> None:
    sync_name, async_name = PROVIDERS[provider]
    stubs = _stub_methods()
    for cls_name in (sync_name, async_name):
        cls = getattr(paywire, cls_name, None)
        assert cls is not None, f"paywire.{cls_name} is missing"
        assert callable(getattr(cls, method, None)), f"{cls_name}.{method} is missing"
        assert method in stubs.get(cls_name, set()), f"{cls_name}.{method} is not in the stubs"
    text = _exercised_text()
    assert f".{method}(" in text or f'"call": "{method}"' in text, f"{method} is not exercised"
