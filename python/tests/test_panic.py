"""A Rust panic surfaces as paywire.InternalError (an Exception), and the interpreter goes on."""

from __future__ import annotations

import pytest

import paywire
from paywire import InternalError, _native


@pytest.mark.parametrize("where", ["caller", "runtime"])
def test_sync_panic(where: str, client) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        try:
            _native._panic_for_test("boom from test", where)
        except Exception as error:  # noqa: BLE001 - must be catchable as Exception
            assert isinstance(error, InternalError)
            assert error.kind == "internal"
            assert "boom from test" in str(error)
        else:
            pytest.fail("no exception")
    assert client.license().package_id  # still working


async def test_async_panic(aclient) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InternalError, match="boom async"):
        await _native._panic_for_test("boom async", "async")
    assert (await aclient.license()).package_id


def test_no_panic_exception_type_escapes() -> None:
    # An empty message does not panic at all.
    assert _native._panic_for_test("", "caller") is None
    assert _native._panic_for_test("", "runtime") is None
    assert issubclass(paywire.InternalError, Exception)
