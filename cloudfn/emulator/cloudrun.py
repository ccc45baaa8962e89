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

WeChat-token mode: ``?cloudbase_access_token=`` on the normal paths,
accepted for tokens issued with ``POST /__emulator__/cloudrun/token``
(which can also write the token file the platform would keep).
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from aiohttp import web

from ..api.registry import ApiSpec, Registry
from .request_keys import API, APPID
from .state import ApiError, AppState, EmulatorState

PREFIX = "/__cloudrun__"
WHITELIST_ERRCODE = 85107
SEQID_HEADER = "x-openapi-seqid"
CONTROL = "/__emulator__/cloudrun"


def authenticate(state: EmulatorState, query: Mapping[str, str]) -> AppState:
    """The app a normal-path request acts for: ``access_token`` or ``cloudbase_access_token``."""
    cloudbase = query.get("cloudbase_access_token")
    if cloudbase is not None and "access_token" not in query:
        token = state.tokens.get(cloudbase)
        if token is not None and token.kind != "cloudbase":
            raise ApiError(40001, "invalid credential, access_token is invalid or not latest")
        return state.authenticate(cloudbase)
    return state.authenticate(query.get("access_token"))


def whitelisted(whitelist: Iterable[str] | None, spec: ApiSpec) -> bool:
    if whitelist is None:
        return True
    allowed = set(whitelist)
    return "*" in allowed or spec.name in allowed or spec.path in allowed


def new_seqid() -> str:
    return secrets.token_hex(16)


def issue_cloudbase_token(state: EmulatorState, appid: str | None) -> Any:
    """A token for ``?cloudbase_access_token=``; the app's previous one ends (the platform rotates it)."""
    app = state.app(appid or state.seeds[0].appid)
    for token in list(state.tokens.values()):
        if token.appid == app.appid and token.kind == "cloudbase":
            del state.tokens[token.value]
    return state.issue_token(app.appid, "cloudbase")


def write_token_file(path: str, value: str) -> None:
    """Atomically, as the platform must: a reader never sees half a token."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".cloudbase-", suffix=".tmp")
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    os.replace(temp, target)


def install(app: web.Application, state_key: web.AppKey[EmulatorState], registry: Registry) -> None:
    """Add the open-API routes (one per emulated API) and the control endpoints."""
    from .app import answered, logged, read_api_body
    from .dispatch import error_answer, reply

    def route_for(spec: ApiSpec) -> Any:
        async def route(request: web.Request) -> tuple[dict[str, Any], int]:
            state = request.app[state_key]
            request[API] = spec.name
            if spec.method == "POST" and request.method != "POST":
                return error_answer(43002, "require POST method"), 200
            try:
                caller = state.app(request.query.get("from_appid") or state.seeds[0].appid)
            except ApiError as exc:
                return error_answer(exc.errcode, exc.errmsg), 200
            request[APPID] = caller.appid
            if not whitelisted(state.cloudrun_whitelist, spec):
                return error_answer(WHITELIST_ERRCODE, "api not in whitelist"), 200
            body = await read_api_body(request, spec)
            return answered(request, reply(spec, caller, body, state.stubs)), 200

        inner = logged(route)

        async def with_seqid(request: web.Request) -> web.Response:
            response = await inner(request)
            response.headers[SEQID_HEADER] = new_seqid()
            return response

        return with_seqid

    for spec in registry:
        app.router.add_route("*", PREFIX + spec.path, route_for(spec))

    async def set_whitelist(request: web.Request) -> web.Response:
        document = await request.json() if request.can_read_body else {}
        apis = document.get("apis") if isinstance(document, dict) else None
        if apis is not None and not (isinstance(apis, list) and all(isinstance(a, str) for a in apis)):
            raise web.HTTPBadRequest(
                text=(
                    "apis: a list of API names or paths, or null for all. "
                    'Fix: {"apis": ["logistics.getPrinter"]}'
                )
            )
        request.app[state_key].cloudrun_whitelist = None if apis is None else set(apis)
        return web.json_response({"whitelist": apis})

    async def issue_token(request: web.Request) -> web.Response:
        document = await request.json() if request.can_read_body else {}
        if not isinstance(document, dict):
            raise web.HTTPBadRequest(text="body must be a JSON object")
        state = request.app[state_key]
        try:
            token = issue_cloudbase_token(state, document.get("appid"))
        except ApiError as exc:
            raise web.HTTPBadRequest(text=f"appid: {exc.errmsg}") from None
        if document.get("path"):
            write_token_file(str(document["path"]), token.value)
        expires_in = int(token.expires_at - state.clock())
        return web.Response(
            text=json.dumps({"token": token.value, "expires_in": expires_in}), content_type="application/json"
        )

    app.router.add_post(f"{CONTROL}/whitelist", set_whitelist)
    app.router.add_post(f"{CONTROL}/token", issue_token)


__all__ = ["PREFIX", "SEQID_HEADER", "WHITELIST_ERRCODE", "authenticate", "install", "issue_cloudbase_token"]
