"""Parity with the core operation tables (``paywire::operation::table_json()``): every row of
every provider is a method of the sync and the async client with the row's parameter names,
required/optional split and defaults, and returns the documented type; the generated files
(``python/src/operations.rs``, the client methods of ``_native.pyi``) are not stale; bad
input is refused by the core's decoding, naming the field."""

from __future__ import annotations

import ast
import asyncio
import importlib.machinery
import importlib.util
import inspect
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

import paywire
from paywire import Money, ValidationError, _native

HERE = Path(__file__).resolve().parent
PY_DIR = HERE.parent

TABLE: List[Dict[str, Any]] = json.loads(_native.operation_table())

CLASSES = {
    "saferpay": (paywire.SaferpayClient, paywire.AsyncSaferpayClient),
    "secuconnect": (paywire.SecuconnectClient, paywire.AsyncSecuconnectClient),
    "sekurepay": (paywire.SekurePayClient, paywire.AsyncSekurePayClient),
}

# The Python classes of outputs whose name differs from the core type.
RENAMED = {("sekurepay", "Order"): "SekurePayOrder"}
PAGERS = {
    "TransactionPager": ("TransactionIterator", "AsyncTransactionIterator"),
    "SmartTransactionPager": ("SmartTransactionIterator", "AsyncSmartTransactionIterator"),
}


def _row_id(row: Dict[str, Any]) -> str:
    return f"{row['provider']}.{row['name']}"


def _python_default(default: str) -> Any:
    """The row's JSON default as Python sees it: an empty list or object is ``None`` (no
    mutable defaults; ``None`` means "not given" and the core applies the default)."""
    value = json.loads(default)
    return None if value in ([], {}) else value


def _documented_return(row: Dict[str, Any], asynchronous: bool) -> str:
    def convert(rust: str) -> str:
        rust = rust.replace(" ", "")
        if rust in PAGERS:
            return PAGERS[rust][int(asynchronous)]
        if rust == "()":
            return "None"
        if rust == "String":
            return "str"
        m = re.fullmatch(r"Vec<(.+)>", rust)
        if m:
            return f"List[{convert(m.group(1))}]"
        return RENAMED.get((row["provider"], rust), rust)

    return convert(row["output"])


def _stub_functions() -> Dict[str, Dict[str, ast.AST]]:
    stub = Path(paywire.__file__).parent / "_native.pyi"
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    out: Dict[str, Dict[str, ast.AST]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            out[node.name] = {
                n.name: n for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
    return out


STUBS = _stub_functions()


def test_table_has_every_provider() -> None:
    assert {row["provider"] for row in TABLE} == set(CLASSES)
    assert len(TABLE) >= 39


@pytest.mark.parametrize("row", TABLE, ids=_row_id)
def test_row_is_a_method_of_both_clients(row: Dict[str, Any]) -> None:
    for cls in CLASSES[row["provider"]]:
        method = getattr(cls, row["name"], None)
        assert method is not None, f"{cls.__name__}.{row['name']} is missing (core row {_row_id(row)})"
        params = list(inspect.signature(method).parameters.values())
        assert params[0].name == "self"
        params = params[1:]
        assert [p.name for p in params] == [p["name"] for p in row["params"]], cls.__name__
        for param, spec in zip(params, row["params"]):
            if spec["default"] is None:
                assert param.default is inspect.Parameter.empty, f"{param.name} must be required"
                # Required parameters can be given by position.
                assert param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, param.name
            else:
                assert param.default == _python_default(spec["default"]), param.name
                assert type(param.default) is type(_python_default(spec["default"])), param.name
        # The first optional parameter may be given by position, the others only by keyword.
        optional = [p for p, spec in zip(params, row["params"]) if spec["default"] is not None]
        kinds = [p.kind for p in optional]
        expected = [inspect.Parameter.POSITIONAL_OR_KEYWORD] + [inspect.Parameter.KEYWORD_ONLY] * (len(optional) - 1)
        assert kinds == expected[: len(optional)], cls.__name__
        summary = row["doc"].strip().splitlines()[0].strip()
        assert method.__doc__ is not None and summary in method.__doc__


@pytest.mark.parametrize("row", TABLE, ids=_row_id)
def test_row_is_typed_in_the_stubs(row: Dict[str, Any]) -> None:
    paged = row["paging"] != "single"
    for asynchronous, cls in enumerate(CLASSES[row["provider"]]):
        function = STUBS[cls.__name__].get(row["name"])
        assert function is not None, f"{cls.__name__}.{row['name']} is not in _native.pyi"
        assert isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        assert isinstance(function, ast.AsyncFunctionDef) == (bool(asynchronous) and not paged)
        returns = ast.unparse(function.returns) if function.returns else None
        expected = _documented_return(row, bool(asynchronous))
        assert returns == expected, f"{cls.__name__}.{row['name']} returns {returns}, documented {expected}"
        leaf = re.sub(r"^List\[(.+)\]$", r"\1", expected)
        assert leaf in ("None", "str") or hasattr(_native, leaf), leaf
        names = [a.arg for a in function.args.args[1:] + function.args.kwonlyargs]
        assert names == [p["name"] for p in row["params"]]


def _load_generator() -> Any:
    path = PY_DIR / "scripts" / "gen-bindings"
    loader = importlib.machinery.SourceFileLoader("gen_bindings", str(path))
    spec = importlib.util.spec_from_loader("gen_bindings", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_generated_files_are_fresh() -> None:
    gen = _load_generator()
    for path, content in gen.outputs(TABLE, RECORDS).items():
        assert path.read_text(encoding="utf-8") == content, (
            f"{path} is stale: run python/scripts/gen-bindings with the built wheel's python"
        )
    installed = Path(paywire.__file__).parent / "_native.pyi"
    assert installed.read_text(encoding="utf-8") == gen.STUB.read_text(encoding="utf-8")


RECORDS: List[Dict[str, Any]] = json.loads(_native.record_table())


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: f"{r['provider']}.{r['name']}")
def test_output_record_is_a_class_with_its_fields(record: Dict[str, Any]) -> None:
    cls = getattr(_native, record["name"])
    fields = [f["name"] for f in record["fields"]]
    for name in fields:
        assert isinstance(getattr(cls, name), property) or hasattr(cls, name), f"{record['name']}.{name}"
    stub = STUBS[record["name"]]
    assert list(stub) == fields, f"{record['name']} stub fields {list(stub)} != {fields}"
    assert getattr(paywire, record["name"]) is cls


# Rows that need no input run against the sandbox: the value is of the documented class.
NO_INPUT = [row for row in TABLE if all(p["default"] is not None for p in row["params"])]


def _isinstance_documented(value: Any, documented: str) -> bool:
    m = re.fullmatch(r"List\[(.+)\]", documented)
    if m:
        return isinstance(value, list) and all(_isinstance_documented(v, m.group(1)) for v in value)
    if documented == "None":
        return value is None
    if documented == "str":
        return isinstance(value, str)
    return isinstance(value, getattr(_native, documented))


def _clients(sandbox: Any, provider: str) -> Any:
    return {
        "saferpay": (sandbox.saferpay_client(), sandbox.async_saferpay_client()),
        "secuconnect": (sandbox.secuconnect_client(), sandbox.async_secuconnect_client()),
        "sekurepay": (sandbox.sekurepay_client(), sandbox.async_sekurepay_client()),
    }[provider]


@pytest.mark.parametrize("row", NO_INPUT, ids=_row_id)
def test_rows_without_input_return_the_documented_type(sandbox, row: Dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    sync, asyn = _clients(sandbox, row["provider"])
    value = getattr(sync, row["name"])()
    assert _isinstance_documented(value, _documented_return(row, False)), value
    call = getattr(asyn, row["name"])()
    if row["paging"] == "single":
        value = asyncio.run(call)
    else:
        value = call
    assert _isinstance_documented(value, _documented_return(row, True)), value


def _later() -> datetime:
    return datetime.now(timezone.utc) + timedelta(days=1)


def _field(call: Any) -> Optional[str]:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.field


def test_bad_input_names_the_field(sandbox) -> None:  # type: ignore[no-untyped-def]
    sp = sandbox.saferpay_client()
    offer = (Money(100, "CHF"), "o-bad-input", "d", _later())
    assert _field(lambda: sp.create_offer(*offer, max_payment_attempts=-1)) == "max_payment_attempts"
    assert _field(lambda: sp.create_offer(*offer, max_payment_attempts=2**40)) == "max_payment_attempts"
    assert _field(lambda: sp.create_offer(*offer, pre_auth="yes")) == "pre_auth"
    assert _field(lambda: sp.create_offer(*offer, config_set=5)) == "config_set"
    assert _field(lambda: sp.capture("tx", amount="3.00 CHF")) == "amount"
    assert _field(lambda: sp.create_fields_access_token("Fields", "https://shop.example/")) == "source_urls"
    assert _field(lambda: sp.transactions("2024-01-01", "2024-01-02", page_size=-5)) == "page_size"
    assert _field(lambda: sp.multipart_capture("tx", Money(100, "CHF"), "SOMETIMES", "part-1")) == "capture_type"
    secu = sandbox.secuconnect_client()
    assert _field(lambda: secu.smart_transactions(page_size=-1)) == "page_size"
    assert _field(lambda: secu.create_smart_transaction(Money(500, "EUR"), is_demo="no")) == "is_demo"
    sekure = sandbox.sekurepay_client()
    items = [{"description": "x", "amount_cents": 100}]
    assert _field(lambda: sekure.create_order("o-1", "USD", items, shipping_amount_cents=2**70)) == "shipping_amount_cents"
    assert _field(lambda: sekure.create_order("o-1", "USD", items, shipping_amount_cents=1.5)) == "shipping_amount_cents"
    # A required parameter given as None is missing.
    assert _field(lambda: sp.get_offer(None)) == "offer_id"  # type: ignore[arg-type]


def test_bad_input_is_refused_before_the_async_call_runs(sandbox) -> None:  # type: ignore[no-untyped-def]
    asp = sandbox.async_saferpay_client()
    before = sandbox.stats()
    with pytest.raises(ValidationError) as info:
        asp.create_offer(Money(100, "CHF"), "o-async-bad", "d", _later(), max_payment_attempts=-1)
    assert info.value.field == "max_payment_attempts"
    assert sandbox.stats() == before  # nothing was sent


def test_rows_new_to_python_run(sandbox) -> None:  # type: ignore[no-untyped-def]
    sekure = sandbox.sekurepay_client()
    items = [{"description": "Thing", "amount_cents": 250}]
    first = sekure.find_or_create_order("py-foc-1", "EUR", items)
    again = sekure.find_or_create_order("py-foc-1", "EUR", items)
    assert first.id == again.id == "py-foc-1"
    asekure = sandbox.async_sekurepay_client()
    assert asyncio.run(asekure.find_or_create_order("py-foc-1", "EUR", items)).id == "py-foc-1"
