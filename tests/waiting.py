"""Awaiting a condition on server state that has no event of its own to await."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def until(condition: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    """Yield to the loop until condition() holds; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.002)


def until_sync(
    condition: Callable[[], bool], timeout: float = 5.0, what: str = "condition", every: float = 0.05
) -> None:
    """The same for tests that drive a server process from threads: check every `every` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)
