"""Coroutine shims for the native async methods (internal)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable


async def _lazy(start: Callable[[], Awaitable[Any]]) -> Any:
    # The native work starts when the coroutine is first awaited, so a coroutine that is never
    # awaited sends nothing; cancelling the awaiting task cancels the native work.
    return await start()


async def _ready(value: Any) -> Any:
    return value


async def _raise(error: BaseException) -> Any:
    raise error
