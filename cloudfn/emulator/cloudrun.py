"""The Cloud Run (微信云托管) channels of the emulator.

Open-API service: in a real container, plain-http requests to
``http://api.weixin.qq.com/<path>`` without a token are authenticated by the
platform. The emulator serves the same paths under the prefix
``/__cloudrun__`` (point the transport's base URL at
``http://127.0.0.1:<port>/__cloudrun__``): the prefix is what tells a Cloud
Run request from a normal HTTPS one, on the same port. The request acts for
the first seeded app (or ``?from_appid=``), only for APIs on the whitelist
(``None`` = all; otherwise errcode 85107), and every answer carries an
``x-openapi-seqid`` header.

WeChat-token mode: ``?cloudbase_access_token=`` on the normal paths (see
:func:`.wechat.authenticate`), accepted for tokens issued with
``POST /__emulator__/cloudrun/token`` (which can also write the token file the
platform would keep).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler

from ..api.registry import ApiSpec, Registry
from ..atomic_file import write_atomically
from ..cloudrun_protocol import NOT_WHITELISTED, SEQID_HEADER
from .dispatch import reply
from .errors import ApiError
from .faults.middleware import inject_faults
from .http import (
    API,
    APPID,
    STATE,
    Answer,
    Route,
    answering,
    control_refusal,
    error_answer,
    json_response,
    read_control_options,
)
from .state import EmulatorState, Token
from .wechat import answered, read_api_body

PREFIX = "/__cloudrun__"


def whitelisted(whitelist: Iterable[str] | None, spec: ApiSpec) -> bool:
    if whitelist is None:
        return True
    allowed = set(whitelist)
    return "*" in allowed or spec.name in allowed or spec.path in allowed


def issue_cloudbase_token(state: EmulatorState, appid: str | None) -> Token:
    """A token for ``?cloudbase_access_token=``; the app's previous one ends (the platform rotates it)."""
    app = state.app(appid or state.seeds[0].appid)
    for token in list(state.tokens.values()):
        if token.appid == app.appid and token.kind == "cloudbase":
            del state.tokens[token.value]
    return state.new_token(app.appid, "cloudbase")


def open_api_route(spec: ApiSpec) -> Route:
    async def route(request: web.Request) -> Answer:
        state = request.config_dict[STATE]
        request[API] = spec.name
        if spec.method == "POST" and request.method != "POST":
            return error_answer(43002, "require POST method"), 200
        try:
            caller = state.app(request.query.get("from_appid") or state.seeds[0].appid)
        except ApiError as exc:
            return error_answer(exc.errcode, exc.errmsg), 200
        request[APPID] = caller.appid
        if not whitelisted(state.cloudrun_whitelist, spec):
            return error_answer(NOT_WHITELISTED, "api not in whitelist"), 200
        body = await read_api_body(request, spec)
        return answered(request, reply(spec, caller, body, state.stubs)), 200

    return route


@web.middleware
async def add_seqid(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every answer of the open-API service names its request (``x-openapi-seqid``)."""
    response = await handler(request)
    response.headers[SEQID_HEADER] = secrets.token_hex(16)
    return response


def cloudrun_channel(registry: Registry) -> web.Application:
    """The open-API service as a sub-application (mount it at :data:`PREFIX`)."""
    # Faults first: a faulted answer comes from the gateway, without the service's seqid.
    channel = web.Application(middlewares=[inject_faults, add_seqid])
    for spec in registry:
        channel.router.add_route("*", spec.path, answering(open_api_route(spec)), name=spec.name)
    return channel


# -- control routes, under /__emulator__ ------------------------------------------

control_routes = web.RouteTableDef()


@control_routes.post("/cloudrun/whitelist")
async def set_whitelist(request: web.Request) -> web.Response:
    document = await read_control_options(request)
    apis = document.get("apis")
    if apis is not None and not (isinstance(apis, list) and all(isinstance(a, str) for a in apis)):
        raise control_refusal(
            400,
            'apis: a list of API names or paths, or null for all. Fix: {"apis": ["logistics.getPrinter"]}',
        )
    request.config_dict[STATE].cloudrun_whitelist = None if apis is None else set(apis)
    return json_response({"whitelist": apis})


@control_routes.post("/cloudrun/token")
async def issue_token(request: web.Request) -> web.Response:
    document = await read_control_options(request)
    state = request.config_dict[STATE]
    appid = document.get("appid")
    if appid is not None and not isinstance(appid, str):
        raise control_refusal(400, 'appid: must be an AppID string, or omitted. Fix: {"appid": "wx..."}')
    # The file is checked before the token is issued: a refused request changes nothing.
    target = owned_file(state, document["path"]) if document.get("path") is not None else None
    try:
        token = issue_cloudbase_token(state, appid)
    except ApiError as exc:
        raise control_refusal(400, f"appid: {exc.errmsg}. Fix: give one of the emulator's apps") from None
    answer: dict[str, object] = {"token": token.value, "expires_in": int(token.expires_at - state.clock())}
    if target is not None:
        # Atomically, as the platform must: a reader never sees half a token.
        try:
            write_atomically(target, token.value.encode(), temp_prefix=".cloudbase-")
        except OSError as exc:
            raise control_refusal(
                400, f"path: cannot write {target} ({exc.strerror}). Fix: give another file name"
            ) from None
        answer["path"] = str(target)
    return json_response(answer)


def owned_file(state: EmulatorState, given: object) -> Path:
    """``given`` as a file inside the emulator's data directory, or a 400 naming the rule and the fix.

    A relative path is taken inside the directory; an absolute one must lie in
    it (symbolic links resolved), so the control API never writes elsewhere.
    """
    root = state.data_dir()
    fix = (
        f'Fix: give a file name inside it, e.g. {{"path": "cloudbase_access_token"}} (written to '
        f"{root / 'cloudbase_access_token'}), or start the emulator with --data-dir DIR"
    )
    if not isinstance(given, str) or not given.strip() or "\x00" in given:
        raise control_refusal(400, f"path: must be a file name (a non-empty string). {fix}")
    target = (root / given).resolve()
    if not target.is_relative_to(root) or target == root:
        raise control_refusal(
            400,
            f"path: {given[:200]} is outside the emulator's data directory {root}; the control API "
            f"writes files only there. {fix}",
        )
    if target.is_dir():
        raise control_refusal(400, f"path: {given[:200]} is a directory, not a file. {fix}")
    return target


__all__ = ["PREFIX", "cloudrun_channel", "control_routes"]
