"""One JSON API request over aiohttp, shared by the transports that speak WeChat's HTTP API.

The HTTPS and Cloud Run transports differ only in credentials (a query
parameter or none) and URL; the request they send and the answer they read
are the same, so both go through :func:`exchange` and :class:`LazySession`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import weakref
from collections.abc import Collection, Coroutine, Mapping
from typing import Any

import aiohttp
from yarl import URL

from ..errors import NETWORK_ERROR
from ..redact import redact
from .base import ApiRequest, ApiResponse, TransportError

log = logging.getLogger("cloudfn.transport")

_JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def encode_body(body: Mapping[str, Any] | None) -> bytes:
    """UTF-8 JSON with non-ASCII kept as is, as WeChat expects."""
    return json.dumps(body or {}, ensure_ascii=False, separators=(",", ":")).encode()


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
                headers={"User-Agent": "cloudfn"},
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


async def exchange(
    session: aiohttp.ClientSession, url: URL, request: ApiRequest, query: Mapping[str, str]
) -> ApiResponse:
    """Send ``request`` to ``url`` (GET fields in the query, POST as a JSON body) and read the answer.

    ``query`` holds credentials: it is never logged.
    """
    if request.query:
        query = {**request.query, **query}
    if request.method == "GET":
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in (request.body or {}).items()}
        response_cm = session.get(url.with_query({**query, **fields}), headers=request.headers)
    else:
        headers = _JSON_HEADERS if not request.headers else {**request.headers, **_JSON_HEADERS}
        response_cm = session.post(url.with_query(query), data=encode_body(request.body), headers=headers)
    async with response_cm as response:
        body = await response.read()
        log.debug("%s %s -> HTTP %s, %d bytes", request.method, url.path, response.status, len(body))
        return ApiResponse(
            status=response.status,
            content_type=response.headers.get("Content-Type", ""),
            body=body,
            headers=response.headers,  # an immutable view; copying it is per-call work for nothing
        )


def errcode_hint(codes: Collection[int]) -> re.Pattern[bytes]:
    """A byte pattern that finds ``"errcode": <one of codes>`` without parsing the body."""
    alternatives = "|".join(re.escape(str(code)) for code in codes)
    return re.compile(rb'"errcode"\s*:\s*(?:' + alternatives.encode() + rb")(?![0-9])")


def answered_errcode(response: ApiResponse, hint: re.Pattern[bytes], codes: Collection[int]) -> bool:
    """Is the answer a JSON object whose errcode is one of ``codes``?

    The byte scan runs first so that an ordinary answer, which the pipeline
    decodes anyway, is not parsed an extra time here.
    """
    if not response.is_json or not hint.search(response.body):
        return False
    try:
        answer = json.loads(response.body)
    except ValueError:
        return False
    return isinstance(answer, dict) and answer.get("errcode") in codes


def network_error(exc: BaseException, url: URL, *, setting: str = "base_url") -> TransportError:
    """A connection failure as the SDK reports it; str(exc) may hold a URL with a token, so redact.

    ``setting`` names where the unreachable URL came from, for the fix.
    """
    reason = redact(f"{type(exc).__name__}: {exc}")
    return TransportError(
        NETWORK_ERROR,
        f"network error: {reason}",
        detail=f"{setting}: could not reach {url}. Fix: check the URL and that the server runs",
    )
