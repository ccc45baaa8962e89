"""Who may drive the control API: local tools only, never a web page, and with the token when one is set.

The control API resets state, reads the request log and writes token files,
so it must not be reachable the way a browser reaches a local server: a page
on any site can send a cross-origin "simple" request (``Content-Type:
text/plain``, no preflight) to ``127.0.0.1``. Browsers always send ``Origin``
on such requests, and cannot send ``application/json`` without a preflight
this server never grants; local tools (tests, curl, the pytest fixture) send
no ``Origin``. So the guard refuses, in this order:

1. an ``Origin`` that is not this machine (403);
2. a missing or wrong control token, when the emulator has one (401; it has
   one when started with ``--control-token`` or bound beyond loopback);
3. a body that is not ``application/json`` in UTF-8 (415); a request
   without a body (``POST /reset``) needs no content type.
"""

from __future__ import annotations

import secrets

from aiohttp import web
from aiohttp.typedefs import Handler
from yarl import URL

from ..listen import is_loopback
from .http import STATE, control_refusal

TOKEN_HEADER = "Authorization"
_BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _local_origin(origin: str) -> bool:
    try:
        host = URL(origin).host
    except ValueError:
        return False
    return host is not None and is_loopback(host)


def _presented_token(request: web.Request) -> str:
    scheme, _, value = request.headers.get(TOKEN_HEADER, "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


@web.middleware
async def guard_control(request: web.Request, handler: Handler) -> web.StreamResponse:
    origin = request.headers.get("Origin")
    if origin is not None and not _local_origin(origin):
        raise control_refusal(
            403,
            f"Origin: {origin[:100]} is not this machine; the control API refuses cross-origin requests "
            "so that no web page can drive it. Fix: call it from a local tool or test (they send no "
            "Origin header)",
        )
    expected = request.config_dict[STATE].control_token
    if expected is not None:
        presented = _presented_token(request)
        if not presented or not secrets.compare_digest(presented.encode(), expected.encode()):
            raise control_refusal(
                401,
                "Authorization: this emulator's control API needs its control token. Fix: send "
                "'Authorization: Bearer <token>' with the token printed at start (or given with "
                "--control-token)",
            )
    has_body = bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")
    if request.method not in _BODYLESS_METHODS and has_body:
        content_type = request.headers.get("Content-Type", "")
        charset = (request.charset or "utf-8").lower().replace("_", "-")
        if request.content_type != "application/json" or charset not in ("utf-8", "utf8"):
            raise control_refusal(
                415,
                f"Content-Type: the control API takes JSON in UTF-8 (application/json), got "
                f"{content_type[:100] or 'none'}. Fix: send the body as JSON with Content-Type: "
                "application/json",
            )
    return await handler(request)


__all__ = ["TOKEN_HEADER", "guard_control"]
