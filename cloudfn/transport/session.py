"""Pooled aiohttp sessions, one per event loop, each opened on first use in its loop."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Coroutine
from typing import Any

import aiohttp

USER_AGENT = "cloudfn"
NO_REQUEST_TIMER = aiohttp.ClientTimeout(total=None, sock_connect=30)


class LazySession:
    """Pooled ClientSessions, one per event loop, each opened on first use in its loop.

    Ported code builds its Cloud at import time, when no loop exists yet, and
    may then use it from several loops (``asyncio.run`` twice, a loop per
    test, the blocking facade's own loop): a session only works on the loop
    it was opened on. A session passed in is used as is and left open on
    close (its owner closes it).
    """

    def __init__(self, session: aiohttp.ClientSession | None = None, **options: Any) -> None:
        self._given = session
        self._options = options
        self._sessions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.ClientSession] = (
            weakref.WeakKeyDictionary()
        )

    def __call__(self) -> aiohttp.ClientSession:
        if self._given is not None and not self._given.closed:
            return self._given
        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            self._drop_ended_loops()
            session = self._sessions[loop] = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=100, ttl_dns_cache=300),
                headers={"User-Agent": USER_AGENT},
                # No per-request timer: the call pipeline bounds each whole call (retries and
                # token fetch included) with cloudfn.init(timeout=...). Connecting is bounded here.
                timeout=NO_REQUEST_TIMER,
                **self._options,
            )
        return session

    def _drop_ended_loops(self) -> None:
        for loop, session in list(self._sessions.items()):
            if loop.is_closed():
                _abandon(session)
                del self._sessions[loop]

    async def close(self) -> None:
        current = asyncio.get_running_loop()
        self._drop_ended_loops()
        for loop, session in list(self._sessions.items()):
            if loop is current:
                await session.close()
            else:  # still running elsewhere: close it there
                loop.call_soon_threadsafe(loop.create_task, session.close())
        self._sessions.clear()


def _abandon(session: aiohttp.ClientSession) -> None:
    """Let go of a session whose loop has closed: nothing can be awaited on that loop any more."""
    connector = session.connector
    session.detach()
    if connector is None:
        return
    # With its loop closed, closing the connector only marks it closed and
    # awaits nothing, so the coroutine runs to its end right here.
    closing = connector.close()
    if isinstance(closing, Coroutine):
        try:
            closing.send(None)
        except StopIteration:
            pass
        else:
            closing.close()


__all__ = ["LazySession"]
