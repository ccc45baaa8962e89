"""The control channel, ``/__emulator__/``: inspect, reset, steer time, tokens and faults.

Tests (and the pytest fixture) use it over HTTP, so they exercise the same
emulator a user runs with ``cloudfn emulator``. It is a sub-application of its
own without the fault middleware: no injected fault can lock it out. Other
modules contribute their control routes (faults, Cloud Run, functions).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from aiohttp import web

from .binary import Binary
from .errors import ApiError
from .http import STATE, json_response, read_control_options

PREFIX = "/__emulator__"

routes = web.RouteTableDef()


@routes.get("/requests")
async def requests(request: web.Request) -> web.Response:
    state = request.config_dict[STATE]
    try:
        since = int(request.query.get("since", "0"))
    except ValueError:
        raise web.HTTPBadRequest(text="since: a request seq number, e.g. ?since=3") from None
    return json_response({"requests": [r.to_dict() for r in state.requests if r.seq > since]})


@routes.get("/state")
async def state_view(request: web.Request) -> web.Response:
    return json_response(request.config_dict[STATE].snapshot())


@routes.post("/reset")
async def reset(request: web.Request) -> web.Response:
    request.config_dict[STATE].reset()
    return json_response({"ok": True})


@routes.post("/clock")
async def clock(request: web.Request) -> web.Response:
    options = await read_control_options(request)
    state = request.config_dict[STATE]
    advance = options.get("advance", 0)
    if not isinstance(advance, int | float) or advance < 0:
        raise web.HTTPBadRequest(text="advance: seconds to move the clock forward, a number >= 0")
    state.clock.advance(float(advance))
    return json_response({"offset": state.clock.offset})


@routes.post("/tokens/expire")
async def expire_tokens(request: web.Request) -> web.Response:
    options = await read_control_options(request)
    return json_response({"expired": request.config_dict[STATE].expire_tokens(options.get("appid"))})


@routes.post("/tokens/invalidate")
async def invalidate_tokens(request: web.Request) -> web.Response:
    options = await read_control_options(request)
    return json_response({"invalidated": request.config_dict[STATE].invalidate_tokens(options.get("appid"))})


@routes.post("/arrange")
async def arrange(request: web.Request) -> web.Response:
    """Arrange state (the ``emulator.json`` format) for ``?appid=`` (default: the first app)."""
    options = await read_control_options(request)
    try:
        request.config_dict[STATE].arrange(options, request.query.get("appid"))
    except ApiError as exc:
        raise web.HTTPBadRequest(text=f"appid: {exc.errmsg}") from None
    except ValueError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    return json_response({"ok": True})


@routes.post("/stubs")
async def stub(request: web.Request) -> web.Response:
    """``{"api": "ocr.idcard", "answer": {...}}`` or ``{"api", "binary": {"contentType", "base64"}}``."""
    options = await read_control_options(request)
    api, answer, binary = options.get("api"), options.get("answer"), options.get("binary")
    if not isinstance(api, str) or "." not in api:
        raise web.HTTPBadRequest(text='api: the API to stub, e.g. "ocr.idcard"')
    if isinstance(binary, dict):
        try:
            answer = Binary(str(binary["contentType"]), base64.b64decode(binary["base64"], validate=True))
        except (KeyError, ValueError):
            raise web.HTTPBadRequest(text='binary: {"contentType": "image/png", "base64": "..."}') from None
    elif not isinstance(answer, dict):
        raise web.HTTPBadRequest(
            text='answer: the JSON object to answer, e.g. {"name": "..."} (a non-zero errcode makes it '
            'an error); or binary: {"contentType", "base64"} for bytes'
        )
    request.config_dict[STATE].stub(api, answer)
    return json_response({"ok": True})


def control_channel(contributed: Iterable[web.RouteTableDef]) -> web.Application:
    """The control sub-application: the routes above plus each module's ``contributed`` routes."""
    channel = web.Application()
    channel.add_routes(routes)
    for table in contributed:
        channel.add_routes(table)
    return channel


__all__ = ["PREFIX", "control_channel"]
