"""RedisTokenStore: many hosts share one token through Redis (redis-py's asyncio client).

The lock is redis-py's :class:`~redis.asyncio.lock.Lock` (``SET NX PX`` with
a random owner token, released by a Lua script only by its owner), so it
expires by itself when its holder crashes. ``discard`` is a Lua
compare-and-delete: the token is removed only if it is still the rejected one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from yarl import URL

from ..errors import ConfigError
from .store import CachedToken, TokenStoreError

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger("cloudfn.tokens")

DEFAULT_LOCK_TTL_S = 10.0
DEFAULT_LOCK_WAIT_S = 10.0
_POLL_S = 0.02
MAX_CONNECTIONS = 32

_DISCARD_IF_CURRENT = """
local stored = redis.call('GET', KEYS[1])
if stored and cjson.decode(stored)['value'] == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def _import_redis() -> Any:
    try:
        import redis.asyncio as redis_asyncio
    except ImportError:
        raise ConfigError(
            "token_store: a redis:// store needs the redis package, which is not installed. "
            "Fix: pip install 'cloudfn[redis]'"
        ) from None
    return redis_asyncio


def safe_url(url: str) -> str:
    """The URL with any password masked, for reprs and logs."""
    parsed = URL(url)
    return str(parsed.with_password("***")) if parsed.password else url


# Seconds a Redis command (or connecting) may take before the store reports a failure.
SOCKET_TIMEOUT_S = 5.0


class RedisTokenStore:
    """Tokens under ``<prefix><key>`` in Redis; the lock under ``<prefix><key>:lock``."""

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        prefix: str = "",
        lock_ttl: float = DEFAULT_LOCK_TTL_S,
        lock_wait: float = DEFAULT_LOCK_WAIT_S,
    ) -> None:
        self._redis = _import_redis()  # fail at init, not at the first call
        self._url = url
        self.prefix = prefix
        self.lock_ttl = lock_ttl
        self.lock_wait = lock_wait
        self._client: Redis | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"RedisTokenStore(url={safe_url(self._url)!r}, prefix={self.prefix!r})"

    def _connection(self) -> Redis:
        # Opened inside the running loop (a Cloud is often built at import time).
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            # A blocking pool: hundreds of concurrent calls queue for a
            # connection instead of failing with MaxConnectionsError.
            # Socket timeouts: a Redis that accepts and never answers (a tarpit, a
            # stalled failover) is reported as the token store's failure, not
            # mistaken for a slow API server when the call's own timeout ends.
            # ?socket_timeout= / ?socket_connect_timeout= in the URL override them.
            pool = self._redis.BlockingConnectionPool.from_url(
                self._url,
                max_connections=MAX_CONNECTIONS,
                timeout=self.lock_wait,
                socket_timeout=SOCKET_TIMEOUT_S,
                socket_connect_timeout=SOCKET_TIMEOUT_S,
            )
            self._client = self._redis.Redis(connection_pool=pool)
            self._client_loop = loop
        return self._client

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except self._redis.RedisError as exc:
            # redis-py messages can hold the URL (and its password): name the class only.
            raise TokenStoreError(
                f"token_store: Redis failed while {doing} ({type(exc).__name__}) at {safe_url(self._url)}. "
                "Fix: check that Redis is up and CLOUDFN_TOKEN_STORE points at it"
            ) from None

    async def load(self, key: str) -> CachedToken | None:
        with self._errors("reading the token"):
            raw = await self._connection().get(self.prefix + key)
        if raw is None:
            return None
        try:
            document = json.loads(raw)
            return CachedToken(str(document["value"]), float(document["expires_at"]))
        except (ValueError, KeyError, TypeError):
            log.warning("token stored in Redis for %s is unreadable; fetching a new token", key)
            return None

    async def save(self, key: str, token: CachedToken) -> None:
        payload = json.dumps({"value": token.value, "expires_at": token.expires_at})
        # Redis forgets the key when the token runs out, so stale tokens never pile up.
        ttl_ms = max(1000, int((token.expires_at - time.time()) * 1000))
        with self._errors("saving the token"):
            await self._connection().set(self.prefix + key, payload, px=ttl_ms)

    async def discard(self, key: str, value: str) -> None:
        with self._errors("discarding the token"):
            await self._connection().eval(_DISCARD_IF_CURRENT, 1, self.prefix + key, value)

    @asynccontextmanager
    async def lock(self, key: str) -> AsyncIterator[None]:
        lock = self._connection().lock(
            self.prefix + key + ":lock",
            timeout=self.lock_ttl,
            sleep=_POLL_S,
            blocking_timeout=self.lock_wait,
        )
        with self._errors("taking the token lock"):
            acquired = await lock.acquire()
        if not acquired:
            log.warning("token lock for %s still held after %gs; fetching without it", key, self.lock_wait)
        try:
            yield
        finally:
            if acquired:
                with self._errors("releasing the token lock"):
                    try:
                        await lock.release()
                    except self._redis.lock.LockError:
                        # Held past lock_ttl: the lock already expired (maybe another
                        # host holds it now); nothing of ours to release.
                        log.warning(
                            "token lock for %s expired before release (lock_ttl=%gs)", key, self.lock_ttl
                        )

    async def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(RuntimeError):  # its loop is gone (closed from another loop)
                await self._client.aclose()
            self._client = None
