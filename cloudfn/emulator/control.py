"""The emulator's control API under ``/__emulator__/``: inspect, reset, steer time and tokens.

Tests (and the pytest fixture) use it over HTTP, so they exercise the same
emulator a user runs with ``cloudfn emulator``.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .state import EmulatorState

PREFIX = "/__emulator__"


def _reply(payload: Any) -> web.Response:
    return web.json_response(payload, dumps=lambda v: json.dumps(v, ensure_ascii=False))


async def _options(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        document = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="control body must be a JSON object") from None
    if not isinstance(document, dict):
        raise web.HTTPBadRequest(text="control body must be a JSON object")
    return document


def add_routes(app: web.Application, key: web.AppKey[EmulatorState]) -> None:
    async def requests(request: web.Request) -> web.Response:
        state = request.app[key]
        since = int(request.query.get("since", "0"))
        return _reply({"requests": [r for r in state.requests if r["seq"] > since]})

    async def state_view(request: web.Request) -> web.Response:
        return _reply(request.app[key].snapshot())

    async def reset(request: web.Request) -> web.Response:
        request.app[key].reset()
        return _reply({"ok": True})

    async def clock(request: web.Request) -> web.Response:
        options = await _options(request)
        state = request.app[key]
        advance = options.get("advance", 0)
        if not isinstance(advance, int | float) or advance < 0:
            raise web.HTTPBadRequest(text="advance: seconds to move the clock forward, a number >= 0")
        state.clock.advance(float(advance))
        return _reply({"offset": state.clock.offset})

    async def expire_tokens(request: web.Request) -> web.Response:
        options = await _options(request)
        return _reply({"expired": request.app[key].expire_tokens(options.get("appid"))})

    async def invalidate_tokens(request: web.Request) -> web.Response:
        options = await _options(request)
        return _reply({"invalidated": request.app[key].invalidate_tokens(options.get("appid"))})

    app.router.add_get(f"{PREFIX}/requests", requests)
    app.router.add_get(f"{PREFIX}/state", state_view)
    app.router.add_post(f"{PREFIX}/reset", reset)
    app.router.add_post(f"{PREFIX}/clock", clock)
    app.router.add_post(f"{PREFIX}/tokens/expire", expire_tokens)
    app.router.add_post(f"{PREFIX}/tokens/invalidate", invalidate_tokens)
