"""Where access tokens are kept between calls, and the lock that makes fetching single-flight."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

from ..loop_local import LoopLocks


@dataclass(frozen=True)
class CachedToken:
    value: str
    expires_at: float  # epoch seconds

    def __repr__(self) -> str:
        return f"CachedToken(value='***', expires_at={self.expires_at!r})"


class TokenStoreError(Exception):
    """The shared store failed (Redis down, directory not writable); the message names the fix."""


class TokenStore(Protocol):
    """Storage shared by everything that must use the same token.

    ``lock`` serialises fetching among all users of the store (coroutines,
    processes or hosts, depending on the store); ``discard`` removes the token
    only if it is still ``value``, so one rejection refreshes it once.
    """

    async def load(self, key: str) -> CachedToken | None: ...

    async def save(self, key: str, token: CachedToken) -> None: ...

    async def discard(self, key: str, value: str) -> None: ...

    def lock(self, key: str) -> AbstractAsyncContextManager[None]: ...

    async def close(self) -> None: ...


class MemoryTokenStore:
    """One process: a dict and an asyncio lock per key."""

    def __init__(self) -> None:
        self._tokens: dict[str, CachedToken] = {}
        self._locks = LoopLocks()

    async def load(self, key: str) -> CachedToken | None:
        return self._tokens.get(key)

    async def save(self, key: str, token: CachedToken) -> None:
        self._tokens[key] = token

    async def discard(self, key: str, value: str) -> None:
        current = self._tokens.get(key)
        if current is not None and current.value == value:
            del self._tokens[key]

    @asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        lock = self._locks(key)
        async with lock:
            yield

    async def close(self) -> None:
        self._tokens.clear()

    def __repr__(self) -> str:
        return f"MemoryTokenStore(keys={len(self._tokens)})"
