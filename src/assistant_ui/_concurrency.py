"""The one place the library touches the async backend, built on anyio.

The client's async side runs under whatever anyio runs on (asyncio or
trio), as httpx does, so nothing else in the client calls ``asyncio.sleep``,
``asyncio.gather``, ``asyncio.to_thread``, ``asyncio.create_task`` or
``asyncio.run``: it calls the functions here. Two of them exist for sync
code only: :func:`run_sync` (a sync driver given an async tool or approval
callback) and :func:`close_soon` (a sync ``with`` block closing the async
HTTP client). The embedded demo backend is a uvicorn app, on asyncio, and
not part of this rule; ``.importlinter`` enforces it for the rest.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any, Final, TypeVar

import anyio
import anyio.to_thread

__all__ = ["close_soon", "gather", "is_cancellation", "run_sync", "sleep", "to_thread"]

T = TypeVar("T")

_NOT_SET: Final = object()

# Strong references to closes scheduled on a running asyncio loop: the loop
# keeps only weak ones, and a collected task would never finish the close.
_PENDING_CLOSES: set[asyncio.Task[None]] = set()


async def sleep(seconds: float) -> None:
    """Waits ``seconds`` (a checkpoint: cancellation is noticed here)."""
    await anyio.sleep(seconds)


async def gather(*awaitables: Awaitable[T]) -> list[T]:
    """Awaits all of ``awaitables`` concurrently; their results in order.

    Unlike ``asyncio.gather``, a failure cancels the others (structured
    concurrency); the first failure is raised as itself, not wrapped in an
    exception group, so callers see the error the work raised.
    """
    results: list[Any] = [_NOT_SET] * len(awaitables)

    async def one(index: int, awaitable: Awaitable[T]) -> None:
        results[index] = await awaitable

    try:
        async with anyio.create_task_group() as group:
            for index, awaitable in enumerate(awaitables):
                group.start_soon(one, index, awaitable)
    except BaseExceptionGroup as group_error:
        raise _first_failure(group_error) from None
    return results


def _first_failure(group: BaseExceptionGroup[BaseException]) -> BaseException:
    # The cancellations of the siblings come after the failure that caused
    # them; report the failure.
    leaves = _leaves(group)
    return next((exc for exc in leaves if not is_cancellation(exc)), leaves[0])


def _leaves(group: BaseExceptionGroup[BaseException]) -> list[BaseException]:
    out: list[BaseException] = []
    for exc in group.exceptions:
        out.extend(_leaves(exc) if isinstance(exc, BaseExceptionGroup) else [exc])
    return out


async def to_thread(func: Callable[..., T], *args: Any) -> T:
    """Runs a blocking ``func(*args)`` in a worker thread.

    A cancel returns at once and leaves the thread to finish on its own,
    as ``asyncio.to_thread`` does: a sync tool cannot be interrupted.
    """
    return await anyio.to_thread.run_sync(func, *args, abandon_on_cancel=True)


def run_sync(func: Callable[..., Awaitable[T]], *args: Any) -> T:
    """Runs ``await func(*args)`` to its end from sync code, on a fresh
    asyncio event loop.

    For the sync drivers, which may be given an async tool or approval
    callback. Callers run it in a worker thread: a thread that already has
    a running event loop cannot start another.
    """

    async def call() -> T:
        return await func(*args)

    return anyio.run(call)


def is_cancellation(exc: BaseException) -> bool:
    """Whether ``exc`` is the running backend's cancellation (asyncio's
    ``CancelledError`` or trio's ``Cancelled``)."""
    if isinstance(exc, asyncio.CancelledError):
        return True
    trio = sys.modules.get("trio")  # only a trio program can raise trio's
    return trio is not None and isinstance(exc, trio.Cancelled)


def close_soon(aclose: Callable[[], Awaitable[None]]) -> None:
    """Runs ``aclose()`` from sync code, on the loop that owns what it closes.

    Inside a running asyncio loop or trio run it is scheduled there (a sync
    ``with`` block cannot await); with none, it runs on a fresh loop. The
    close is best effort: its errors are swallowed, and resources that
    belong to a loop that has already ended cannot be closed from another.
    """

    async def quietly() -> None:
        with suppress(Exception):
            await aclose()

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        task = loop.create_task(quietly())
        _PENDING_CLOSES.add(task)
        task.add_done_callback(_PENDING_CLOSES.discard)
        return
    trio = sys.modules.get("trio")
    if trio is not None and _in_trio(trio):
        trio.lowlevel.spawn_system_task(quietly)
        return
    anyio.run(quietly)


def _in_trio(trio: Any) -> bool:
    try:
        trio.lowlevel.current_trio_token()
    except RuntimeError:
        return False
    return True


def threadsafe(callback: Callable[[], None]) -> Callable[[], None]:
    """``callback``, callable from any thread: called from another thread
    than the running event loop's, it is handed to that loop (a cancel scope
    is not thread-safe). Made inside the loop."""
    owner = threading.get_ident()
    hand_over: Callable[[Callable[[], None]], object] | None = None
    try:
        hand_over = asyncio.get_running_loop().call_soon_threadsafe
    except RuntimeError:
        trio = sys.modules.get("trio")
        if trio is not None and _in_trio(trio):
            hand_over = trio.lowlevel.current_trio_token().run_sync_soon

    def call() -> None:
        if hand_over is None or threading.get_ident() == owner:
            callback()
        else:
            hand_over(callback)

    return call
