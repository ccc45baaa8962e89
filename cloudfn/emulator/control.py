"""The emulator's control API under ``/__emulator__/``: inspect, reset, steer time and tokens,
arrange state (``POST /arrange``, the ``emulator.json`` format) and stub answers (``POST /stubs``).

Tests (and the pytest fixture) use it over HTTP, so they exercise the same
emulator a user runs with ``cloudfn emulator``.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from aiohttp import web

from .binary import Binary
from .state import ApiError, EmulatorState

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

    async def arrange(request: web.Request) -> web.Response:
        options = await _options(request)
        try:
            request.app[key].arrange(options, request.query.get("appid"))
        except ApiError as exc:
            raise web.HTTPBadRequest(text=f"appid: {exc.errmsg}") from None
        except ValueError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        return _reply({"ok": True})

    async def stub(request: web.Request) -> web.Response:
        options = await _options(request)
        api, answer = options.get("api"), options.get("answer")
        binary = options.get("binary")
        if not isinstance(api, str) or "." not in api:
            raise web.HTTPBadRequest(text='api: the API to stub, e.g. "ocr.idcard"')
        if isinstance(binary, dict):
            try:
                answer = Binary(str(binary["contentType"]), base64.b64decode(binary["base64"]))
            except (KeyError, ValueError):
                raise web.HTTPBadRequest(
                    text='binary: {"contentType": "image/png", "base64": "..."}'
                ) from None
        elif not isinstance(answer, dict):
            raise web.HTTPBadRequest(
                text='answer: the JSON object to answer, e.g. {"errcode": 0, "name": "..."}; '
                'or binary: {"contentType", "base64"} for bytes'
            )
        request.app[key].stub(api, answer)
        return _reply({"ok": True})

    app.router.add_post(f"{PREFIX}/arrange", arrange)
    app.router.add_post(f"{PREFIX}/stubs", stub)
    app.router.add_get(f"{PREFIX}/requests", requests)
    app.router.add_get(f"{PREFIX}/state", state_view)
    app.router.add_post(f"{PREFIX}/reset", reset)
    app.router.add_post(f"{PREFIX}/clock", clock)
    app.router.add_post(f"{PREFIX}/tokens/expire", expire_tokens)
    app.router.add_post(f"{PREFIX}/tokens/invalidate", invalidate_tokens)
