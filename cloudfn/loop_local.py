"""Per-event-loop objects: asyncio locks and sessions serve the loop they were made on only.

A Cloud made at import time may be used from several loops in turn (a script
calling ``asyncio.run`` twice, pytest-asyncio's loop per test), so anything
loop-bound is made again for each loop rather than reused across them.
"""

from __future__ import annotations

import asyncio
import weakref


class LoopLocks:
    """An ``asyncio.Lock`` per key and per running loop."""

    def __init__(self) -> None:
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
            weakref.WeakKeyDictionary()
        )

    def __call__(self, key: str = "") -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        locks = self._by_loop.get(loop)
        if locks is None:
            locks = self._by_loop[loop] = {}
        lock = locks.get(key)
        if lock is None:
            lock = locks[key] = asyncio.Lock()
        return lock
