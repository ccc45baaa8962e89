"""The control channel, ``/__emulator__/``: inspect, reset, steer time, tokens and faults.

Tests (and the pytest fixture) use it over HTTP, so they exercise the same
emulator a user runs with ``cloudfn emulator``. It is a sub-application of its
own without the fault middleware: no injected fault can lock it out. Other
modules contribute their control routes (faults, Cloud Run, functions).
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable
from pathlib import Path

from aiohttp import web

from .binary import Binary
from .control_guard import guard_control
from .data_folder import DEFAULT_ENV, DataFolderError
from .errors import ApiError
from .http import STATE, control_refusal, json_response, read_control_options
from .state import EmulatorState
from .storage.models import env_violation

PREFIX = "/__emulator__"
# The clock may run this far ahead of real time (100 years): far enough for any
# token or order lifetime, and always a finite, ordinary float.
MAX_CLOCK_ADVANCE_S = 100 * 365 * 86400.0

routes = web.RouteTableDef()


@routes.get("/requests")
async def requests(request: web.Request) -> web.Response:
    state = request.config_dict[STATE]
    try:
        since = int(request.query.get("since", "0"))
    except ValueError:
        raise control_refusal(
            400, "since: must be a request seq number (an integer). Fix: e.g. ?since=3"
        ) from None
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
    if (
        isinstance(advance, bool)
        or not isinstance(advance, int | float)
        or not math.isfinite(advance)
        or not 0 <= advance <= MAX_CLOCK_ADVANCE_S
        or state.clock.offset + advance > MAX_CLOCK_ADVANCE_S
    ):
        raise control_refusal(
            400,
            f"advance: must be seconds to move the clock forward, a number in [0, {MAX_CLOCK_ADVANCE_S:g}] "
            f"in all (now {state.clock.offset:g}), got {str(advance)[:40]}. Fix: e.g. "
            '{"advance": 7200}, or POST /__emulator__/reset first',
        )
    state.clock.advance(float(advance))
    return json_response({"offset": state.clock.offset})


@routes.post("/tokens/expire")
async def expire_tokens(request: web.Request) -> web.Response:
    options = await read_control_options(request)
    return json_response({"expired": request.config_dict[STATE].expire_tokens(_appid_option(options))})


@routes.post("/tokens/invalidate")
async def invalidate_tokens(request: web.Request) -> web.Response:
    options = await read_control_options(request)
    return json_response(
        {"invalidated": request.config_dict[STATE].invalidate_tokens(_appid_option(options))}
    )


def _appid_option(options: dict[str, object]) -> str | None:
    appid = options.get("appid")
    if appid is not None and not isinstance(appid, str):
        raise control_refusal(
            400, 'appid: must be an AppID string, or omitted for all apps. Fix: {"appid": "wx..."}'
        )
    return appid


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


def _inside_data_dir(state: EmulatorState, given: object, default: str | None) -> Path:
    """A folder named by the control API: only ever inside the emulator's data directory."""
    if given is None and default is not None:
        given = default
    if not isinstance(given, str) or not given:
        raise control_refusal(
            400, 'dir: the data folder, a path inside the emulator\'s data directory. Fix: {"dir": "seed"}'
        )
    root = state.data_dir()
    folder = (root / given).resolve()
    if not folder.is_relative_to(root):
        raise control_refusal(
            400,
            f"dir: {given!r} leads outside the emulator's data directory ({root}). Fix: put the folder "
            "there (cloudfn emulator --data DIR) and name it relative to it",
        )
    return folder


def _env_option(given: object) -> str:
    env = DEFAULT_ENV if given is None else given
    problem = env_violation(env)
    if problem:
        raise control_refusal(400, f"env: {problem}")
    return str(env)


@routes.post("/import")
async def import_data(request: web.Request) -> web.Response:
    """``{"dir": "seed", "env": "local"}``: start from a data folder; every reset restores it."""
    options = await read_control_options(request)
    state = request.config_dict[STATE]
    folder = _inside_data_dir(state, options.get("dir"), None)
    env = _env_option(options.get("env"))
    try:
        snapshot = state.import_data(folder, env)
    except DataFolderError as exc:
        raise control_refusal(400, f"import refused, nothing loaded: {exc}") from None
    return json_response(
        {"ok": True, "env": env, "documents": snapshot.documents, "files": len(snapshot.files)}
    )


@routes.get("/export")
async def export_data(request: web.Request) -> web.Response:
    """``?dir=export&env=local``: write the database and storage as a data folder (in the data dir)."""
    state = request.config_dict[STATE]
    folder = _inside_data_dir(state, request.query.get("dir"), "export")
    env = request.query.get("env")
    try:
        counts = state.export_data(folder, _env_option(env) if env is not None else None)
    except DataFolderError as exc:
        raise control_refusal(400, f"export refused: {exc}") from None
    return json_response({"ok": True, "dir": str(folder), **counts})


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
    # The guard runs before every control route: origin, token, content type.
    channel = web.Application(middlewares=[guard_control])
    channel.add_routes(routes)
    for table in contributed:
        channel.add_routes(table)
    return channel


__all__ = ["PREFIX", "control_channel"]
