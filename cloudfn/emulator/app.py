"""The emulator's aiohttp application: WeChat's HTTPS paths, derived from the registry.

HTTP parsing lives here; behaviour lives in the state model and the
namespace modules (through :mod:`.dispatch`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from ..api.registry import ApiSpec, Registry, default_registry
from ..api.validation import MAX_BODY_BYTES
from ..redact import redact
from . import admin, cloudrun, control, database_https, faults
from .dispatch import HANDLERS, answer, error_answer
from .request_keys import API, APPID, BODY
from .state import ApiError, EmulatorState

log = logging.getLogger("cloudfn.emulator")

STATE = web.AppKey("cloudfn_state", EmulatorState)
_LOGGED_BODY_CHARS = 4096

Answer = tuple[dict[str, Any], int]


def json_response(payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
        content_type="application/json",
        charset="utf-8",
    )


class BadBody(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        self.errcode = errcode
        self.errmsg = errmsg


async def read_json_object(request: web.Request) -> dict[str, Any]:
    """The POST body as a JSON object, or the server's 44002/47001."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise BadBody(47001, "data format error") from None
    request[BODY] = raw
    if not raw.strip():
        raise BadBody(44002, "empty post data")
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadBody(47001, "data format error") from None
    if not isinstance(document, dict):
        raise BadBody(47001, "data format error")
    return document


def _log_request(request: web.Request, body: bytes | None, payload: dict[str, Any], status: int) -> None:
    state = request.app[STATE]
    text = body.decode("utf-8", errors="replace")[:_LOGGED_BODY_CHARS] if body else None
    logged_body: Any = text
    if text is not None:
        try:
            logged_body = json.loads(text)
            if isinstance(logged_body, dict) and "secret" in logged_body:
                logged_body = {**logged_body, "secret": "***"}
        except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
            logged_body = redact(text)
    query = {
        k: ("***" if k in ("access_token", "secret", "cloudbase_access_token") else v)
        for k, v in request.query.items()
    }
    if "access_token" in payload:
        payload = {**payload, "access_token": "***"}
    state.requests.append(
        {
            "seq": len(state.requests) + 1,
            "time": state.clock(),
            "method": request.method,
            "path": request.path,
            "query": query,
            "api": request.get(API),
            "appid": request.get(APPID),
            "body": logged_body,
            "status": status,
            "errcode": payload.get("errcode", 0),
            "response": payload,
        }
    )


Route = Callable[[web.Request], Awaitable[Answer]]


def logged(route: Route) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Run a route, record request and answer in the request log, reply with JSON."""

    async def handler(request: web.Request) -> web.Response:
        try:
            payload, status = await route(request)
        except BadBody as exc:
            payload, status = error_answer(exc.errcode, exc.errmsg), 200
        _log_request(request, request.get(BODY), payload, status)
        return json_response(payload, status)

    return handler


async def classic_token(request: web.Request) -> Answer:
    state = request.app[STATE]
    state.token_requests += 1
    q = request.query
    request[APPID] = q.get("appid", "")
    try:
        if q.get("grant_type") != "client_credential":
            raise ApiError(40002, "invalid grant_type")
        app = state.check_credentials(q.get("appid"), q.get("secret"))
        token = state.issue_classic_token(app.appid)
    except ApiError as exc:
        return error_answer(exc.errcode, exc.errmsg), 200
    return {"access_token": token.value, "expires_in": int(token.expires_at - state.clock())}, 200


async def stable_token(request: web.Request) -> Answer:
    state = request.app[STATE]
    state.token_requests += 1
    if request.method != "POST":
        return error_answer(43002, "require POST method"), 200
    body = await read_json_object(request)
    request[APPID] = str(body.get("appid", ""))
    try:
        if body.get("grant_type") != "client_credential":
            raise ApiError(40002, "invalid grant_type")
        app = state.check_credentials(body.get("appid"), body.get("secret"))
        force = body.get("force_refresh", False)
        if not isinstance(force, bool):
            raise ApiError(47001, "data format error")
        token = state.issue_stable_token(app, force_refresh=force)
    except ApiError as exc:
        return error_answer(exc.errcode, exc.errmsg), 200
    return {"access_token": token.value, "expires_in": int(token.expires_at - state.clock())}, 200


def api_route(spec: ApiSpec) -> Route:
    async def route(request: web.Request) -> Answer:
        state = request.app[STATE]
        request[API] = spec.name
        if spec.method == "POST" and request.method != "POST":
            return error_answer(43002, "require POST method"), 200
        try:
            app = cloudrun.authenticate(state, request.query)
        except ApiError as exc:
            return error_answer(exc.errcode, exc.errmsg), 200
        request[APPID] = app.appid
        if spec.method == "POST":
            body = await read_json_object(request)
        else:
            body = {
                k: v for k, v in request.query.items() if k not in ("access_token", "cloudbase_access_token")
            }
        return answer(spec, app, body), 200

    return route


def create_app(state: EmulatorState | None = None, *, registry: Registry | None = None) -> web.Application:
    """The emulator as an aiohttp application (mount it, or run it with :mod:`.server`)."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[STATE] = state or EmulatorState()
    registry = registry or default_registry()
    app.router.add_route("*", "/cgi-bin/token", logged(classic_token))
    app.router.add_route("*", "/cgi-bin/stable_token", logged(stable_token))
    for spec in registry:
        if spec.name in HANDLERS:
            app.router.add_route("*", spec.path, logged(api_route(spec)))
    control.add_routes(app, STATE)
    admin.add_routes(app, STATE, registry)  # the Node SDK's /admin wire
    database_https.install(app, logged)  # WeChat's HTTPS database API (/tcb/database*)
    cloudrun.install(app, STATE, registry)
    names = {spec.path: spec.name for spec in registry}
    faults.install(app, STATE, {**names, **{cloudrun.PREFIX + path: name for path, name in names.items()}})
    return app
