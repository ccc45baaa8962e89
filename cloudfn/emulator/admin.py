"""The cloud platform's ``/admin`` channel: the wire the unmodified Node SDK speaks.

``POST /admin?env=..&seqId=..`` with a multipart form (``action=wx.openApi``,
``apiName``, ``requestData`` = protobuf ``CommApiData``) is answered with a
protobuf ``CommOpenApiResp``. The pairs become the API's JSON body and go
through :func:`.dispatch.answer`, the very function the HTTPS routes use, so
both channels share state, validation and error codes.

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
import re
import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web
from google.protobuf.message import DecodeError

from ..api.registry import Registry, default_registry
from ..errors import API_NOT_FOUND, NO_PERMISSION
from ..proto import CommApiData, CommOpenApiResp
from .control import PREFIX
from .database import execute as execute_database
from .dispatch import HANDLERS, answer, error_answer
from .state import ApiError, EmulatorState, new_rid

log = logging.getLogger("cloudfn.emulator.admin")

ADMIN_PATH = "/admin"
MAX_FORM_BYTES = 1024 * 1024  # as the HTTPS routes' client_max_size
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)")
_JSON_CONTENT_TYPE = "application/json"
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


@dataclass(frozen=True)
class FunctionGrant:
    """A deployed function as the platform knows it: name, permissions, account."""

    name: str
    permissions: frozenset[str]
    secret_id: str
    secret_key: str
    appid: str | None = None

    def public(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "permissions": sorted(self.permissions),
            "appid": self.appid,
            "secret_id": self.secret_id,
            "secret_key": self.secret_key,
        }


class FunctionRegistry:
    """Registered functions by the SecretId they sign with."""

    def __init__(self) -> None:
        self.by_secret_id: dict[str, FunctionGrant] = {}

    def register(self, name: str, permissions: list[str], appid: str | None = None) -> FunctionGrant:
        grant = FunctionGrant(
            name=name,
            permissions=frozenset(permissions),
            secret_id="AKIDcloudfn" + secrets.token_hex(8),
            secret_key=secrets.token_hex(16),
            appid=appid,
        )
        self.by_secret_id[grant.secret_id] = grant
        return grant

    def caller(self, authorization: str | None) -> FunctionGrant | None:
        match = _CREDENTIAL.search(authorization or "")
        return self.by_secret_id.get(match.group(1)) if match else None


FUNCTIONS = web.AppKey("cloudfn_functions", FunctionRegistry)


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


def refusal(error_code: int) -> web.Response:
    """A platform refusal: only ``errorCode`` is set, as the platform sends it."""
    return _protobuf(CommOpenApiResp(errorCode=error_code))


def _protobuf(message: CommOpenApiResp) -> web.Response:
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
    return fields


def body_from_pairs(data: CommApiData) -> dict[str, Any]:
    """The API's JSON body back from the pairs: each value is one JSON-encoded parameter."""
    body: dict[str, Any] = {}
    for pair in data.openapiData.pairs:
        if pair.contenttype or pair.filename:
            # Media parameters are raw bytes; no emulated API takes one yet.
            raise ApiError(47001, "data format error")
        try:
            body[pair.key] = json.loads(pair.value.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ApiError(47001, "data format error") from None
    return body


def add_routes(
    app: web.Application, state_key: web.AppKey[EmulatorState], registry: Registry | None = None
) -> None:
    """Mount ``/admin`` and ``/__emulator__/functions`` on the emulator app."""
    apis = registry or default_registry()
    app[FUNCTIONS] = FunctionRegistry()

    async def admin(request: web.Request) -> web.Response:
        if request.content_type == _JSON_CONTENT_TYPE:
            return await _json_action(request)
        try:
            form = await read_form(request)
            action = form.get("action", b"").decode("utf-8", errors="replace")
            if action != "wx.openApi":
                raise PlatformError(
                    "INVALID_PARAM",
                    f"action: the emulator answers only wx.openApi on /admin, got {action or 'none'!r}",
                )
            api = form.get("apiName", b"").decode("utf-8", errors="replace")
            try:
                data = CommApiData.FromString(form.get("requestData", b""))
            except DecodeError:
                raise PlatformError(
                    "INVALID_PARAM", "requestData: not a protobuf CommApiData message"
                ) from None
        except PlatformError as exc:
            return platform_error(exc.code, exc.message)
        return _open_api(request, api, data)

    async def _json_action(request: web.Request) -> web.Response:
        """The Node SDK's JSON actions (``database.*``): ``{action, envName, ...params}``."""
        try:
            body = await request.json()
        except ValueError:
            return platform_error("INVALID_PARAM", "body: not valid JSON")
        if not isinstance(body, dict):
            return platform_error("INVALID_PARAM", "body: must be a JSON object with an action")
        action = body.get("action")
        if not isinstance(action, str) or not action.startswith("database."):
            return platform_error(
                "INVALID_PARAM",
                f"action: the emulator answers database.* actions as JSON on /admin, got {action!r}",
            )
        state = request.app[state_key]
        env = str(body.get("envName") or request.query.get("env") or "")
        params = {k: v for k, v in body.items() if k not in _COMMON_PARAMS}
        caller = request.app[FUNCTIONS].caller(request.headers.get("Authorization"))
        reply = execute_database(state, env, action, params)
        state.requests.append(
            {
                "seq": len(state.requests) + 1,
                "time": state.clock(),
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
                "api": None,  # not an open API call: parity compares the database instead
                "action": action,
                "env": env,
                "function": caller.name if caller else None,
                "body": params,
                "status": 200,
                "code": reply.get("code"),
            }
        )
        return web.json_response(reply)

    def _open_api(request: web.Request, api: str, data: CommApiData) -> web.Response:
        state = request.app[state_key]
        caller = request.app[FUNCTIONS].caller(request.headers.get("Authorization"))
        entry: dict[str, Any] = {
            "seq": len(state.requests) + 1,
            "time": state.clock(),
            "method": request.method,
            "path": request.path,
            "query": dict(request.query),
            "api": api,
            "appid": None,
            "function": caller.name if caller else None,
            "body": None,
            "status": 200,
        }
        state.requests.append(entry)
        if caller is not None and api not in caller.permissions:
            entry.update(errcode=NO_PERMISSION, response={"errorCode": NO_PERMISSION})
            return refusal(NO_PERMISSION)
        spec = apis.get(api)
        if spec is None or spec.name not in HANDLERS or data.apiType != CommApiData.OPEN_API:
            entry.update(errcode=API_NOT_FOUND, response={"errorCode": API_NOT_FOUND})
            return refusal(API_NOT_FOUND)
        appid = data.appid or (caller.appid if caller else None) or state.seeds[0].appid
        entry["appid"] = appid
        try:
            body = body_from_pairs(data)
            entry["body"] = body
            payload = answer(spec, state.app(appid), body)
        except ApiError as exc:
            payload = error_answer(exc.errcode, exc.errmsg)
        entry.update(errcode=payload.get("errcode", 0), response=payload)
        return _protobuf(
            CommOpenApiResp(
                respData=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
                contentType=_JSON_CONTENT_TYPE,
                httpCode=200,
            )
        )

    async def functions(request: web.Request) -> web.Response:
        known = request.app[FUNCTIONS]
        if request.method == "GET":
            return web.json_response({"functions": [g.public() for g in known.by_secret_id.values()]})
        try:
            options = await request.json()
        except ValueError:
            options = None
        if not isinstance(options, dict):
            raise web.HTTPBadRequest(
                text='body: a JSON object like {"name": "update_printer", '
                '"permissions": ["logistics.updatePrinter"]}'
            )
        name, permissions, appid = options.get("name"), options.get("permissions"), options.get("appid")
        if not isinstance(name, str) or not name:
            raise web.HTTPBadRequest(text="name: the function's name, a non-empty string")
        if not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions):
            raise web.HTTPBadRequest(
                text="permissions: the config.json permissions.openapi list of API names, e.g. "
                '["logistics.updatePrinter"]'
            )
        if appid is not None and appid not in request.app[state_key].apps:
            raise web.HTTPBadRequest(text=f"appid: {appid} is not an app of this emulator; omit it or add it")
        return web.json_response(known.register(name, permissions, appid).public())

    app.router.add_post(ADMIN_PATH, admin)
    app.router.add_route("*", f"{PREFIX}/functions", functions)
