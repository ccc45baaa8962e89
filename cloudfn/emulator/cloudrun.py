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

from aiohttp import web
from aiohttp.typedefs import Handler

from ..api.registry import ApiSpec, Registry
from ..atomic_file import write_atomically
from ..cloudrun_protocol import NOT_WHITELISTED, SEQID_HEADER
from .dispatch import reply
from .errors import ApiError
from .faults.middleware import inject_faults
from .http import API, APPID, STATE, Answer, Route, answering, error_answer, json_response
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
    document = await request.json() if request.can_read_body else {}
    apis = document.get("apis") if isinstance(document, dict) else None
    if apis is not None and not (isinstance(apis, list) and all(isinstance(a, str) for a in apis)):
        raise web.HTTPBadRequest(
            text='apis: a list of API names or paths, or null for all. Fix: {"apis": ["logistics.getPrinter"]}'
        )
    request.config_dict[STATE].cloudrun_whitelist = None if apis is None else set(apis)
    return json_response({"whitelist": apis})


@control_routes.post("/cloudrun/token")
async def issue_token(request: web.Request) -> web.Response:
    document = await request.json() if request.can_read_body else {}
    if not isinstance(document, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    state = request.config_dict[STATE]
    try:
        token = issue_cloudbase_token(state, document.get("appid"))
    except ApiError as exc:
        raise web.HTTPBadRequest(text=f"appid: {exc.errmsg}") from None
    if document.get("path"):
        # Atomically, as the platform must: a reader never sees half a token.
        write_atomically(str(document["path"]), token.value.encode(), temp_prefix=".cloudbase-")
    return json_response({"token": token.value, "expires_in": int(token.expires_at - state.clock())})


__all__ = ["PREFIX", "cloudrun_channel", "control_routes"]
