"""The WeChat HTTPS channel: ``/cgi-bin/token``, ``/cgi-bin/stable_token`` and every emulated API path.

One route per spec that has a handler (see :mod:`.namespaces`), named by its
API name so the fault middleware knows what a request is for. Requests act
for the app whose ``access_token`` (or Cloud Run ``cloudbase_access_token``)
they carry.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from ..api.registry import ApiSpec, Registry
from ..api.validation import MAX_BODY_BYTES
from .dispatch import answer
from .errors import ApiError
from .faults.middleware import inject_faults
from .http import API, APPID, STATE, Answer, Route, answering, error_answer, read_json_object
from .namespaces import HANDLERS
from .state import AppState, EmulatorState

# Query parameters that carry credentials, never part of a GET API's body.
CREDENTIAL_PARAMS = frozenset({"access_token", "cloudbase_access_token"})


def authenticate(state: EmulatorState, query: Mapping[str, str]) -> AppState:
    """The app a request acts for: ``access_token``, or the Cloud Run ``cloudbase_access_token``."""
    cloudbase = query.get("cloudbase_access_token")
    if cloudbase is not None and "access_token" not in query:
        token = state.tokens.get(cloudbase)
        if token is not None and token.kind != "cloudbase":
            raise ApiError(40001, "invalid credential, access_token is invalid or not latest")
        return state.authenticate(cloudbase)
    return state.authenticate(query.get("access_token"))


def _token_answer(state: EmulatorState, value: str, expires_at: float) -> Answer:
    return {"access_token": value, "expires_in": int(expires_at - state.clock())}, 200


async def classic_token(request: web.Request) -> Answer:
    state = request.config_dict[STATE]
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
    return _token_answer(state, token.value, token.expires_at)


async def stable_token(request: web.Request) -> Answer:
    state = request.config_dict[STATE]
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
    return _token_answer(state, token.value, token.expires_at)


def api_route(spec: ApiSpec) -> Route:
    async def route(request: web.Request) -> Answer:
        state = request.config_dict[STATE]
        request[API] = spec.name
        if spec.method == "POST" and request.method != "POST":
            return error_answer(43002, "require POST method"), 200
        try:
            app = authenticate(state, request.query)
        except ApiError as exc:
            return error_answer(exc.errcode, exc.errmsg), 200
        request[APPID] = app.appid
        if spec.method == "POST":
            body = await read_json_object(request)
        else:
            body = {k: v for k, v in request.query.items() if k not in CREDENTIAL_PARAMS}
        return answer(spec, app, body), 200

    return route


def wechat_channel(registry: Registry) -> web.Application:
    """The channel as a sub-application, with the fault middleware."""
    channel = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[inject_faults])
    channel.router.add_route("*", "/cgi-bin/token", answering(classic_token), name="token")
    channel.router.add_route("*", "/cgi-bin/stable_token", answering(stable_token), name="stable_token")
    for spec in registry:
        if spec.name in HANDLERS:
            channel.router.add_route("*", spec.path, answering(api_route(spec)), name=spec.name)
    return channel


__all__ = ["authenticate", "wechat_channel"]
