"""TokenProvider: one access token per AppID, fetched single-flight, cached until near expiry."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any, Literal

import aiohttp
from yarl import URL

from ..loop_local import LoopLocks
from ..redact import Secret
from .store import CachedToken, MemoryTokenStore, TokenStore

log = logging.getLogger("cloudfn.tokens")

TokenEndpoint = Literal["stable", "classic"]

# Server answers that mean "this token is no good any more": refresh once, retry once.
REJECTED_TOKEN_CODES = frozenset({40001, 40014, 42001})

# Refresh this long before expiry (never more than half the lifetime), so a
# token is not sent in its last seconds and rejected in flight.
REFRESH_MARGIN_S = 60.0


def _as_number(value: object, kind: Callable[[Any], Any], default: Any) -> Any:
    """A field of the token answer as a number; an odd answer must not raise a raw ValueError."""
    try:
        return kind(value) if value is not None else default
    except (TypeError, ValueError):
        return default


class TokenFetchError(Exception):
    """The token endpoint refused (wrong AppSecret, unknown AppID, quota...)."""

    def __init__(self, errcode: int, errmsg: str, *, appid: str, status: int = 200) -> None:
        super().__init__(f"errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
        self.appid = appid
        self.status = status

    @property
    def transient(self) -> bool:
        """System busy (-1) or a server-side HTTP error: worth another try."""
        return self.errcode == -1 or self.status >= 500


class TokenProvider:
    """Gets a valid access token for one AppID from ``/cgi-bin/stable_token`` (or ``/cgi-bin/token``).

    Any number of concurrent callers on a cold cache cause exactly one fetch:
    an in-process lock collapses coroutines, then the store's lock collapses
    processes or hosts sharing the store, and each waiter re-reads the store
    before fetching.
    """

    def __init__(
        self,
        *,
        appid: str,
        secret: Secret,
        base_url: str,
        session: Callable[[], aiohttp.ClientSession],
        endpoint: TokenEndpoint = "stable",
        store: TokenStore | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.appid = appid
        self._secret = secret
        self._base_url = URL(base_url)
        self._session = session
        self.endpoint = endpoint
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        self._clock = clock
        self._local_lock = LoopLocks()
        # This process's copy of the shared token: the store is read only when it is
        # missing, stale or rejected, not on every call (a file read or a Redis GET).
        self._cached: CachedToken | None = None
        # The key names the server and endpoint (tokens of the emulator and of
        # WeChat, or of stable_token and token, are not interchangeable), never the secret.
        host = self._base_url.host or ""
        port = self._base_url.explicit_port
        where = f"{host}:{port}" if port else host
        self.key = f"cloudfn:token:{appid}:{endpoint}@{where}"

    def __repr__(self) -> str:
        return f"TokenProvider(appid={self.appid!r}, endpoint={self.endpoint!r}, store={self.store!r})"

    def _fresh(self, token: CachedToken | None) -> bool:
        return token is not None and token.expires_at > self._clock()

    def current(self) -> str | None:
        """This process's copy of the token while it is valid, else None (then await :meth:`get`)."""
        cached = self._cached
        if cached is not None and cached.expires_at > self._clock():
            return cached.value
        return None

    async def get(self) -> str:
        """A token that is valid now; fetches only when the shared cache has none."""
        cached = self._cached
        if cached is not None and self._fresh(cached):
            return cached.value
        token = await self.store.load(self.key)
        if token is None or not self._fresh(token):
            async with self._local_lock():
                token = await self.store.load(self.key)
                if token is None or not self._fresh(token):
                    async with self.store.lock(self.key):
                        token = await self.store.load(self.key)
                        if token is None or not self._fresh(token):
                            token = await self._fetch()
                            await self.store.save(self.key, token)
        self._cached = token
        return token.value

    async def invalidate(self, value: str) -> None:
        """Forget ``value`` after the server rejected it (no-op if already replaced).

        The store compares and deletes atomically, so when every instance of a
        fleet sees the same rejection only the first discard removes anything,
        and the next get() fetches once for all of them.
        """
        if self._cached is not None and self._cached.value == value:
            self._cached = None
        await self.store.discard(self.key, value)

    async def _fetch(self) -> CachedToken:
        session = self._session()
        secret = self._secret.reveal()
        if self.endpoint == "stable":
            url = self._base_url.with_path("/cgi-bin/stable_token")
            payload = {"grant_type": "client_credential", "appid": self.appid, "secret": secret}
            response_cm = session.post(url, json=payload)
        else:
            url = self._base_url.with_path("/cgi-bin/token").with_query(
                grant_type="client_credential", appid=self.appid, secret=secret
            )
            response_cm = session.get(url)
        async with response_cm as response:
            raw = await response.read()
        try:
            answer = json.loads(raw)
        except ValueError:
            raise TokenFetchError(
                -1,
                f"token endpoint answered HTTP {response.status} without JSON",
                appid=self.appid,
                status=response.status,
            ) from None
        if not isinstance(answer, dict) or "access_token" not in answer:
            errcode = _as_number(answer.get("errcode") if isinstance(answer, dict) else None, int, -1)
            errmsg = str(answer.get("errmsg", "")) if isinstance(answer, dict) else ""
            log.warning("access token fetch for %s refused: errcode %s", self.appid, errcode)
            raise TokenFetchError(errcode or -1, errmsg, appid=self.appid, status=response.status)
        lifetime = _as_number(answer.get("expires_in"), float, 7200.0)
        margin = min(REFRESH_MARGIN_S, lifetime / 2)
        log.debug("fetched access token for %s (%s), expires in %ss", self.appid, self.endpoint, lifetime)
        return CachedToken(str(answer["access_token"]), self._clock() + lifetime - margin)
