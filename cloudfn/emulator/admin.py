"""The cloud platform's ``/admin`` channel: the wire the unmodified Node SDK speaks.

``POST /admin?env=..&seqId=..`` with a multipart form (``action``,
``apiName``, ``requestData`` = protobuf ``CommApiData``, ...), or with a JSON
object (``{"action", "envName", ...}``, the Node SDK's other actions such as
``storage.getUploadMetadata``). The ``action`` picks the handler from :data:`ACTIONS`: ``wx.openApi`` here (answered with a
protobuf ``CommOpenApiResp``; the pairs become the API's JSON body and go
through :func:`.dispatch.answer`, the very function the HTTPS routes use, so
both channels share state, validation and error codes), plus the actions the
namespaces add (see :mod:`.namespaces`), such as the database's, which the
Node SDK posts as JSON (``{action, envName, ...params}``) rather than a form.

Which function is calling: the platform knows it; here the caller is named by
the SecretId it signs with (``Authorization: TC3-HMAC-SHA256
Credential=<SecretId>/...``). ``POST /__emulator__/functions`` registers a
function (its config.json permissions, optionally its appid) and returns the
SecretId/SecretKey to run it with (``TENCENTCLOUD_SECRETID``/``SECRETKEY``).
Calls signed by an unregistered SecretId are not permission-checked (there is
no config.json to check against). Signatures are not verified. Registrations
are deployment, not world state: ``/__emulator__/reset`` keeps them.
"""

from __future__ import annotations

import json
import logging
import mimetypes
from collections.abc import Mapping
from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError
from google.protobuf.message import DecodeError

from ..api.media import loggable
from ..api.registry import Registry
from ..errors import API_NOT_FOUND, NO_PERMISSION
from ..proto import ApiGetOpenDataByCloudIdReq, ApiGetOpenDataByCloudIdResp, CommApiData, CommOpenApiResp
from .callfunction import invoke_function_action
from .calls import opendata
from .database import ACTIONS as DATABASE_ACTIONS
from .database import execute as execute_database
from .dispatch import Reply, reply
from .errors import ApiError
from .faults.middleware import inject_faults
from .functions import secret_id_of
from .http import (
    STATE,
    UnreadableJson,
    control_refusal,
    error_answer,
    new_rid,
    parse_json,
    read_control_options,
    record,
)
from .namespace import AdminAction, AdminCall
from .namespaces import ADMIN_ACTIONS

log = logging.getLogger("cloudfn.emulator.admin")

ADMIN_PATH = "/admin"
MAX_FORM_BYTES = 1024 * 1024  # as the HTTPS routes' client_max_size
_JSON_CONTENT_TYPE = "application/json"
_OCTET_STREAM = "application/octet-stream"
REGISTRY = web.AppKey("cloudfn_admin_registry", Registry)


class PlatformError(Exception):
    """An error of the platform itself, answered as its JSON ``{code, message, requestId}``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def platform_error(code: str, message: str) -> web.Response:
    # The Node SDK only JSON-parses an /admin answer whose content type is
    # exactly "application/json; charset=utf-8", which aiohttp gives here.
    return web.json_response({"code": code, "message": message, "requestId": new_rid()})


def protobuf_response(message: CommOpenApiResp) -> web.Response:
    return web.Response(body=message.SerializeToString(), content_type="application/octet-stream")


async def read_form(request: web.Request) -> dict[str, bytes]:
    """Every multipart field as raw bytes (``requestData`` is binary protobuf)."""
    if not request.content_type.startswith("multipart/"):
        raise PlatformError(
            "INVALID_PARAM",
            "/admin expects multipart/form-data (fields action, apiName, requestData), "
            f"got {request.content_type or 'no content type'}",
        )
    fields: dict[str, bytes] = {}
    total = 0
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            chunks = []
            # The body may be chunked (no Content-Length): count as we read.
            while chunk := await part.read_chunk():
                total += len(chunk)
                if total > MAX_FORM_BYTES:
                    raise PlatformError("INVALID_PARAM", f"request body larger than {MAX_FORM_BYTES} bytes")
                chunks.append(chunk)
            if part.name:
                fields[part.name] = b"".join(chunks)
    except (ValueError, AssertionError, LookupError, HttpProcessingError) as exc:
        # aiohttp's multipart reader raises these for a missing or wrong boundary,
        # a cut body or malformed part headers.
        raise PlatformError(
            "INVALID_PARAM",
            f"/admin body: not a multipart form with the boundary its Content-Type names ({exc}). "
            "Fix: send multipart/form-data with a boundary= matching the parts",
        ) from None
    return fields


def body_from_pairs(data: CommApiData) -> dict[str, Any]:
    """The API's JSON body back from the pairs: each value is one JSON-encoded parameter."""
    body: dict[str, Any] = {}
    for pair in data.openapiData.pairs:
        if pair.contenttype or pair.filename:
            # A media parameter: the file's bytes as they are, with their name. wx-server-sdk
            # 4.0.2 sends no type (its pair says contentType, the field is contenttype): the
            # name's extension gives it, as the platform must.
            content_type = pair.contenttype or mimetypes.guess_type(pair.filename)[0] or _OCTET_STREAM
            body[pair.key] = {"contentType": content_type, "value": pair.value, "fileName": pair.filename}
            continue
        try:
            body[pair.key] = parse_json(pair.value)
        except UnreadableJson:
            raise ApiError(47001, "data format error") from None
    return body


async def open_api(call: AdminCall) -> web.Response:
    """``wx.openApi``: one cloud call, as ``cloud.openapi.<ns>.<method>`` sends it."""
    request, state = call.request, call.state
    api = call.form.get("apiName", b"").decode("utf-8", errors="replace")
    try:
        data = CommApiData.FromString(call.form.get("requestData", b""))
    except DecodeError:
        return platform_error("INVALID_PARAM", "requestData: not a protobuf CommApiData message")

    def refuse(code: int, appid: str | None = None) -> web.Response:
        # A platform refusal: only errorCode is set, as the platform sends it.
        record(
            request, status=200, response={"errorCode": code}, api=api, appid=appid, function=call.function
        )
        return protobuf_response(CommOpenApiResp(errorCode=code))

    if data.apiType == CommApiData.SVRKIT_API:
        return svrkit_api(call, api, data)
    if call.permissions is not None and api not in call.permissions:
        return refuse(NO_PERMISSION)
    spec = request.config_dict[REGISTRY].get(api)
    if spec is None or data.apiType != CommApiData.OPEN_API:
        return refuse(API_NOT_FOUND)
    appid = data.appid or call.appid or state.seeds[0].appid
    body: dict[str, Any] | None = None
    answered: Reply | None = None
    try:
        body = body_from_pairs(data)
        answered = reply(spec, state.app(appid), body, state.stubs)
        payload = answered.payload
    except ApiError as exc:
        payload = error_answer(exc.errcode, exc.errmsg)
    record(
        request,
        status=200,
        response=payload,
        api=api,
        appid=appid,
        body={k: loggable(v) for k, v in body.items()} if body is not None else None,
        function=call.function,
        answered=answered.source if answered is not None else None,
    )
    if answered is not None and answered.binary is not None:
        return protobuf_response(
            CommOpenApiResp(
                respData=answered.binary.data, contentType=answered.binary.content_type, httpCode=200
            )
        )
    return protobuf_response(
        CommOpenApiResp(
            respData=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
            contentType=_JSON_CONTENT_TYPE,
            httpCode=200,
        )
    )


# The svrkit APIs the Node SDK calls over wx.openApi (not cloud.openapi: no permission listed for them).
GET_OPEN_DATA = "ApiGetOpenDataByCloudId"  # cloud.getOpenData({list: [cloudID, ...]})


def svrkit_api(call: AdminCall, api: str, data: CommApiData) -> web.Response:
    """A svrkit call: ``reqData`` and ``respData`` are the API's own protobuf messages."""
    request, state = call.request, call.state
    appid = data.appid or call.appid or state.seeds[0].appid
    if data.svrkitData.apiName != GET_OPEN_DATA:
        record(request, status=200, response={"errorCode": API_NOT_FOUND}, api=api, function=call.function)
        return protobuf_response(CommOpenApiResp(errorCode=API_NOT_FOUND))
    try:
        wanted = list(ApiGetOpenDataByCloudIdReq.FromString(data.svrkitData.reqData).cloudidList)
    except DecodeError:
        return platform_error("INVALID_PARAM", "svrkitData.reqData: not an ApiGetOpenDataByCloudIdReq")
    body = {"cloudid_list": wanted}
    try:
        found = opendata.model(state.app(appid)).items(wanted)
    except ApiError as exc:
        # The platform's refusal (-601005 invalid cloudID): only errorCode is set.
        record(
            request,
            status=200,
            response=error_answer(exc.errcode, exc.errmsg),
            api=api,
            appid=appid,
            body=body,
            function=call.function,
        )
        return protobuf_response(CommOpenApiResp(errorCode=exc.errcode))
    answer = ApiGetOpenDataByCloudIdResp()
    for cloud_id, text in found:
        answer.dataList.add(cloudId=cloud_id, json=text)
    record(
        request,
        status=200,
        response={"errcode": 0, "count": len(found)},
        api=api,
        appid=appid,
        body=body,
        function=call.function,
        answered="state",
    )
    return protobuf_response(CommOpenApiResp(respData=answer.SerializeToString(), httpCode=200))


async def database_action(call: AdminCall) -> web.Response:
    """``database.*``: the JSON body's parameters to :func:`.database.execute`, its answer as JSON."""
    params = {k: v for k, v in call.body.items() if k not in _COMMON_PARAMS}
    env = str(call.body.get("envName") or call.request.query.get("env") or "")
    reply = execute_database(call.state, env, call.action, params)
    record(call.request, status=200, response=reply, body=params, function=call.function, action=call.action)
    return web.json_response(reply)


# The /admin action table: the ``action`` -> its handler. Namespaces add theirs; the
# database's and callFunction's come as JSON (see read_json_action).
ACTIONS: Mapping[str, AdminAction] = {
    "wx.openApi": open_api,
    "functions.invokeFunction": invoke_function_action,
    **dict.fromkeys(DATABASE_ACTIONS, database_action),
    **ADMIN_ACTIONS,
}


async def read_json_action(request: web.Request) -> dict[str, Any]:
    """A JSON action's body: an object with its ``action``."""
    try:
        document = json.loads(await request.read())
    except (ValueError, RecursionError):
        raise PlatformError("INVALID_PARAM", "/admin: the JSON body does not parse") from None
    if not isinstance(document, dict):
        raise PlatformError("INVALID_PARAM", "/admin: the JSON body must be an object with an action")
    return document


# Sent with every JSON action by the Node SDK; not the action's own parameters.
_COMMON_PARAMS = frozenset(
    {
        "action",
        "envName",
        "wxCloudApiToken",
        "wxCloudbaseAccesstoken",
        "tcb_sessionToken",
        "sessionToken",
        "crossAuthorizationToken",
        "instance",
        "database",
    }
)


async def admin(request: web.Request) -> web.Response:
    state = request.config_dict[STATE]
    form: dict[str, bytes] = {}
    body: dict[str, Any] = {}
    try:
        if request.content_type == _JSON_CONTENT_TYPE:
            body = await read_json_action(request)
            raw_action = body.get("action")
            action = raw_action if isinstance(raw_action, str) else ""
        else:
            form = await read_form(request)
            action = form.get("action", b"").decode("utf-8", errors="replace")
    except PlatformError as exc:
        return platform_error(exc.code, exc.message)
    except web.HTTPRequestEntityTooLarge:
        return platform_error("INVALID_PARAM", f"request body larger than {MAX_FORM_BYTES} bytes")
    run = ACTIONS.get(action)
    if run is None:
        return platform_error(
            "INVALID_PARAM",
            f"action: the emulator answers {', '.join(sorted(ACTIONS))} on /admin, got {action or 'none'!r}",
        )
    authorization = request.headers.get("Authorization")
    caller = state.functions.caller(authorization)
    call = AdminCall(
        request=request,
        state=state,
        action=action,
        form=form,
        function=caller.name if caller else None,
        permissions=caller.permissions if caller else None,
        appid=caller.appid if caller else None,
        body=body,
        secret_id=secret_id_of(authorization),
    )
    response = await run(call)
    if body and action not in _RECORDS_ITSELF:
        _record_json_action(request, call, response)
    return response


# JSON actions that log themselves: callFunction as its other wire logs it, the database with its env.
_RECORDS_ITSELF = frozenset({"functions.invokeFunction", *DATABASE_ACTIONS})

# Sent with every JSON action by the Node SDK: credentials of the channel, not parameters.
_CHANNEL_FIELDS = ("wxCloudApiToken", "wxCloudbaseAccesstoken", "tcb_sessionToken", "crossAuthorizationToken")


def _record_json_action(request: web.Request, call: AdminCall, response: web.Response) -> None:
    """A JSON action's request and answer in the log (a refusal's platform code as errcode -1)."""
    try:
        answer = json.loads(response.body) if isinstance(response.body, bytes) else {}
    except ValueError:
        answer = {}
    answer = answer if isinstance(answer, dict) else {}
    record(
        request,
        status=response.status,
        response=answer,
        body={k: v for k, v in call.body.items() if k not in _CHANNEL_FIELDS},
        function=call.function,
        action=call.action,
        errcode=-1 if answer.get("code") else 0,
    )


def admin_channel(registry: Registry) -> web.Application:
    """``/admin`` as a sub-application, with the fault middleware."""
    channel = web.Application(middlewares=[inject_faults])
    channel[REGISTRY] = registry
    channel.router.add_post(ADMIN_PATH, admin)
    return channel


# -- control routes, under /__emulator__ ------------------------------------------

control_routes = web.RouteTableDef()


@control_routes.route("*", "/functions")
async def functions(request: web.Request) -> web.Response:
    state = request.config_dict[STATE]
    known = state.functions
    if request.method == "GET":
        return web.json_response({"functions": [g.public() for g in known.by_secret_id.values()]})
    if request.method != "POST":
        raise web.HTTPMethodNotAllowed(request.method, ["GET", "POST"])
    options = await read_control_options(request)
    name, permissions, appid = options.get("name"), options.get("permissions"), options.get("appid")
    if not isinstance(name, str) or not name:
        raise control_refusal(
            400,
            'name: the function\'s name, a non-empty string. Fix: e.g. {"name": "update_printer", '
            '"permissions": ["logistics.updatePrinter"]}',
        )
    if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
        raise control_refusal(
            400,
            "permissions: the config.json permissions.openapi list of API names. Fix: e.g. "
            '["logistics.updatePrinter"]',
        )
    if appid is not None and (not isinstance(appid, str) or appid not in state.apps):
        raise control_refusal(
            400, f"appid: {str(appid)[:80]} is not an app of this emulator. Fix: omit it or add the app"
        )
    return web.json_response(known.register(name, permissions, appid).issued())


__all__ = ["ACTIONS", "ADMIN_PATH", "admin_channel", "control_routes"]
