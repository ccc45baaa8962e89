"""The WeChat HTTPS channel: ``/cgi-bin/token``, ``/cgi-bin/stable_token`` and every emulated API path.

One route per spec that has a handler (see :mod:`.namespaces`), named by its
API name so the fault middleware knows what a request is for. Requests act
for the app whose ``access_token`` (or Cloud Run ``cloudbase_access_token``)
they carry.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from ..api.media import loggable
from ..api.registry import ApiSpec, Registry
from ..api.validation import MAX_BODY_BYTES
from ..invocation_id import INVOCATION_HEADER
from . import database_https
from .callfunction import CALL_FUNCTION_API, http_api_answer
from .dispatch import Reply, reply
from .errors import ApiError
from .faults.middleware import inject_faults
from .functions import Caller
from .http import (
    API,
    APPID,
    BODY,
    LOGGED_BODY,
    REPLY,
    STATE,
    Answer,
    BadBody,
    Route,
    answering,
    body_for_log,
    error_answer,
    json_response,
    read_json_object,
    record,
)
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
        body = await read_api_body(request, spec)
        return answered(request, reply(spec, app, body, state.stubs)), 200

    return route


def answered(request: web.Request, result: Reply) -> dict[str, Any]:
    """Keep the reply on the request (the log says where it came from; bytes are sent raw)."""
    request[REPLY] = result
    return result.payload


async def read_api_body(request: web.Request, spec: ApiSpec) -> dict[str, Any]:
    """An API request's fields: the JSON body or multipart form (files as media values), plus
    the fields the spec reads from the query string (all of them for GET)."""
    from_url = {
        k: _typed(spec, k, v)
        for k, v in request.query.items()
        if k not in CREDENTIAL_PARAMS
        and k != "from_appid"
        and (spec.method == "GET" or k in spec.query_fields)
    }
    if spec.method != "POST":
        return from_url
    if request.content_type.startswith("multipart/"):
        return {**await read_multipart(request), **from_url}
    return {**await read_json_object(request), **from_url}


def _typed(spec: ApiSpec, name: str, text: str) -> Any:
    """A query-string value as the JSON value it stands for, when the field is not text.

    Clients write non-string values as JSON (``page=1``, ``flag=true``); a field
    the spec types as a string keeps its text as is.
    """
    node = spec.request_schema.get("properties", {}).get(name)
    kinds = node.get("type") if isinstance(node, dict) else None
    if kinds is None or kinds == "string" or (isinstance(kinds, list) and "string" in kinds):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


async def read_multipart(request: web.Request) -> dict[str, Any]:
    """A multipart form: file parts become ``{"contentType", "value", "fileName"}``, others text."""
    fields: dict[str, Any] = {}
    total = 0
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or not part.name:
                continue
            chunks = []
            # Counted while read: a part is never held beyond the body limit.
            while chunk := await part.read_chunk():
                total += len(chunk)
                if total > MAX_BODY_BYTES:
                    raise BadBody(47001, "data format error")
                chunks.append(chunk)
            data = b"".join(chunks)
            if part.filename is not None:
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                fields[part.name] = {"contentType": content_type, "value": data, "fileName": part.filename}
            else:
                fields[part.name] = data.decode("utf-8", errors="replace")
    except (ValueError, AssertionError, LookupError, HttpProcessingError):  # a malformed multipart body
        raise BadBody(47001, "data format error") from None
    request[BODY] = b""
    request[LOGGED_BODY] = {k: loggable(v) for k, v in fields.items()}
    return fields


INVOKE_FUNCTION_PATH = "/tcb/invokecloudfunction"
INVOKE_FUNCTION_API = CALL_FUNCTION_API


async def invoke_cloud_function(request: web.Request) -> web.Response:
    """WeChat's HTTP API for calling a cloud function: ``?env=&name=``, the event as the body."""
    state = request.config_dict[STATE]
    request[API] = INVOKE_FUNCTION_API
    request_id = secrets.token_hex(16)
    logged_body: dict[str, Any] | None = None
    try:
        if request.method != "POST":
            raise ApiError(43002, "require POST method")
        app = authenticate(state, request.query)
        request[APPID] = app.appid
        name = request.query.get("name", "")
        if not name:
            raise ApiError(-501007, "name: missing. Fix: pass the function's name as ?name=")
        event = await read_json_object(request) if (await request.read()).strip() else {}
        logged_body = {"name": name, "data": event}
    except (ApiError, BadBody) as exc:
        payload = error_answer(exc.errcode, exc.errmsg)
    else:
        outcome = await state.project.invoke(
            name,
            event,
            source=request.headers.get("X-TCB-Source") or "wx_http",
            env=request.query.get("env") or "local",
            caller=Caller(invocation=request.headers.get(INVOCATION_HEADER)),
        )
        request_id = outcome.request_id
        payload = http_api_answer(outcome)
    record(
        request,
        status=200,
        response=payload,
        api=INVOKE_FUNCTION_API,
        appid=request.get(APPID),
        body=logged_body if logged_body is not None else body_for_log(request.get(BODY)),
    )
    response = json_response(payload)
    response.headers["X-Request-Id"] = request_id
    return response


def wechat_channel(registry: Registry) -> web.Application:
    """The channel as a sub-application, with the fault middleware."""
    channel = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[inject_faults])
    channel.router.add_route("*", "/cgi-bin/token", answering(classic_token), name="token")
    channel.router.add_route("*", "/cgi-bin/stable_token", answering(stable_token), name="stable_token")
    # /tcb/database*: statements run on the emulator's database. First, so a spec for one of
    # these paths (served from its page's example) never shadows the database itself.
    database_https.add_routes(channel, authenticate)
    for spec in registry:  # every spec is served: from state, a stub, or its page's example
        channel.router.add_route("*", spec.path, answering(api_route(spec)), name=spec.name)
    channel.router.add_route("*", INVOKE_FUNCTION_PATH, invoke_cloud_function, name=INVOKE_FUNCTION_API)
    return channel


__all__ = ["answered", "authenticate", "read_api_body", "wechat_channel"]
