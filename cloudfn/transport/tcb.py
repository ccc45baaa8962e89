"""The tcb transport: the cloud platform's ``/admin`` channel, as wx-server-sdk speaks it.

One call is ``POST <url>?env=..&seqId=..`` with a multipart form (``action=wx.openApi``,
``apiName``, ``requestData`` = protobuf ``CommApiData`` whose pairs carry each
top-level parameter JSON-encoded) answered by a protobuf ``CommOpenApiResp``.
Configured like the Node SDK, from ``TCB_CONTEXT_CNFG`` (``{"URL": ...}``),
``TENCENTCLOUD_SECRETID``/``TENCENTCLOUD_SECRETKEY`` and ``TCB_ENV``.

The Authorization header names the SecretId (that is how the emulator knows
the calling function) but is not a real TC3 signature: this transport talks
to the emulator or another local server that speaks the wire, not to Tencent
Cloud.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import aiohttp
from google.protobuf.message import DecodeError
from yarl import URL

from ..api.media import is_media, media_part
from ..errors import ERR_CODE, SYSTEM_ERROR
from ..proto import CommApiData, CommOpenApiResp
from .base import ApiRequest, ApiResponse, FileContent
from .errors import PlatformRefusal, TransportError, network_errors
from .objects import fetch, put_stream
from .session import LazySession

# The Node SDK's TCB_ERR_CODE for the platform's JSON errors ({"code", "message"}).
TCB_ERR_CODE: dict[str, int] = {
    "SYS_ERR": -501001,
    "SERVER_TIMEOUT": -501002,
    "EXCEED_REQUEST_LIMIT": -501003,
    "EXCEED_CONCURRENT_REQUEST_LIMIT": -501004,
    "INVALIID_ENV": -501005,
    "INVALID_COMMON_PARAM": -501006,
    "INVALID_PARAM": -501007,
    "INVALID_REQUEST_SOURCE": -501008,
    "RESOURCE_NOT_INITIAL": -501009,
}


def encode_request(request: ApiRequest) -> bytes:
    """``CommApiData`` for one call, byte for byte as wx-server-sdk 4.0.2 encodes it."""
    message = CommApiData(apiType=CommApiData.OPEN_API)
    for key, value in (request.body or {}).items():
        if value is None:
            continue  # JSON.stringify(undefined) is undefined: the SDK drops the pair
        if is_media(value):
            part = media_part(key, value)
            # The SDK's pair object names it contentType, protobufjs encodes the field
            # contenttype: the type never goes on the wire, the file name does.
            message.openapiData.pairs.add(key=key, value=part.data, filename=part.filename)
            continue
        encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        message.openapiData.pairs.add(key=key, value=encoded)
    if request.appid:
        message.appid = request.appid
    wire: bytes = message.SerializeToString()
    return wire


def admin_url_from_environ(environ: Mapping[str, str], base_url: str | None = None) -> str:
    """The /admin URL: ``TCB_CONTEXT_CNFG``'s URL as the Node SDK reads it, else ``<base_url>/admin``."""
    raw = environ.get("TCB_CONTEXT_CNFG")
    if raw:
        try:
            url = json.loads(raw).get("URL")
        except (ValueError, AttributeError):
            url = None
        if isinstance(url, str) and url:
            return url
    if base_url:
        return base_url.rstrip("/") + "/admin"
    raise ValueError(
        "TCB_CONTEXT_CNFG: no /admin URL for the tcb transport. Fix: set "
        'TCB_CONTEXT_CNFG=\'{"URL":"http://127.0.0.1:PORT/admin"}\' or CLOUDFN_BASE_URL'
    )


# Sent with every JSON action by the Node SDK: the channel's credentials, empty off the platform.
_CHANNEL = {
    "wxCloudApiToken": "",
    "wxCloudbaseAccesstoken": "",
    "tcb_sessionToken": "",
    "crossAuthorizationToken": "",
}


class TcbTransport:
    """Sends API requests over the platform's /admin protobuf channel."""

    def __init__(
        self,
        *,
        url: str,
        secret_id: str = "",
        env: str | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.url = URL(url)
        self.secret_id = secret_id
        self.env = env or ""
        # Callable: the pooled session, opened on first use.
        self.session = LazySession(session)

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str], *, base_url: str | None = None, env: str | None = None
    ) -> TcbTransport:
        return cls(
            url=admin_url_from_environ(environ, base_url),
            secret_id=environ.get("TENCENTCLOUD_SECRETID", ""),
            env=env or environ.get("TCB_ENV") or environ.get("SCF_NAMESPACE"),
        )

    def __repr__(self) -> str:
        return f"TcbTransport(url={str(self.url)!r}, env={self.env!r})"

    def _form(self, api_name: str, request_data: bytes) -> aiohttp.FormData:
        form = aiohttp.FormData()
        form.add_field("action", "wx.openApi")
        form.add_field("apiName", api_name)
        form.add_field(
            "requestData",
            request_data,
            filename="requestData",
            content_type="application/octet-stream",
        )
        for name in (
            "envName",
            "wxCloudApiToken",
            "wxCloudbaseAccesstoken",
            "tcb_sessionToken",
            "crossAuthorizationToken",
        ):
            form.add_field(name, self.env if name == "envName" else "")
        return form

    async def send(self, request: ApiRequest) -> ApiResponse:
        answer = await self._exchange(request.api, encode_request(request))
        return ApiResponse(
            status=answer.httpCode or 200,
            content_type=answer.contentType,
            body=answer.respData,
            headers={h.key: h.value for h in answer.headers},
        )

    async def send_svrkit(self, api_name: str, request_data: bytes, appid: str | None = None) -> bytes:
        """One svrkit call (``cloud.getOpenData``'s ``ApiGetOpenDataByCloudId``): its answer's bytes."""
        message = CommApiData(apiType=CommApiData.SVRKIT_API)
        message.svrkitData.apiName = api_name
        message.svrkitData.reqData = request_data
        if appid:
            message.appid = appid
        answer = await self._exchange(api_name, message.SerializeToString())
        if answer.svrkitErrorCode:
            raise TransportError(SYSTEM_ERROR, f"internal svrkit error, code {answer.svrkitErrorCode}")
        # The Node SDK also tests respData, but protobufjs decodes an absent bytes field as an
        # empty Buffer, which is truthy: an empty answer is an empty list there, so here too.
        return bytes(answer.respData)

    async def _exchange(self, api_name: str, request_data: bytes) -> CommOpenApiResp:
        query = {"env": self.env, "seqId": secrets.token_hex(8)}
        headers = {"Authorization": f"TC3-HMAC-SHA256 Credential={self.secret_id}/cloudfn/tcb/tc3_request"}
        with network_errors(self.url, setting="TCB_CONTEXT_CNFG"):
            # One buffer, one write: streamed, aiohttp sends each part piece in its own
            # syscall (28 per call), which tripled the client's CPU time per call.
            multipart = self._form(api_name, request_data)()
            payload = await multipart.as_bytes()
            headers["Content-Type"] = multipart.content_type
            async with self.session().post(
                self.url.update_query(query), data=payload, headers=headers
            ) as response:
                body = await response.read()
                content_type = response.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            raise self._platform_error(body)
        try:
            answer = CommOpenApiResp.FromString(body)
        except DecodeError:
            raise TransportError(
                SYSTEM_ERROR,
                "unknown wx response received",
                detail="the /admin answer is not a CommOpenApiResp",
            ) from None
        if answer.errorCode:
            # A refusal by the platform (e.g. -604101, no permission).
            raise PlatformRefusal(answer.errorCode)
        return answer

    async def invoke_function(self, name: str, data: Any, *, headers: Mapping[str, str]) -> tuple[Any, str]:
        """``functions.invokeFunction`` as the Node SDK sends it: a JSON body, not the protobuf form.

        Returns the platform's JSON answer (``{"data": {"response_data"}, "requestId"}``
        or ``{"code", "message", "requestId"}``) and the request's seqId.
        """
        seq_id = secrets.token_hex(8)
        body = {
            "action": "functions.invokeFunction",
            "function_name": name,
            "request_data": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            "envName": self.env,
            **_CHANNEL,
        }
        status, reason, answer = await self._post_action(body, self.env, headers=headers, seq_id=seq_id)
        url = self.url.update_query({"env": self.env, "seqId": seq_id})
        if status != 200:
            # Worded as the Node SDK's request layer words a non-200 answer.
            raise TransportError(status, f"{status} {reason} | [{url}]")
        try:
            return json.loads(answer), seq_id
        except ValueError:
            return answer.decode("utf-8", errors="replace"), seq_id

    async def _post_action(
        self,
        body: Mapping[str, Any],
        env: str,
        *,
        headers: Mapping[str, str] | None = None,
        seq_id: str | None = None,
    ) -> tuple[int, str, bytes]:
        """POST one JSON action to ``/admin`` as the Node SDK does: the HTTP status, reason and body."""
        query = {"env": env, "seqId": seq_id or secrets.token_hex(8)}
        headers = {
            **(headers or {}),
            "Authorization": f"TC3-HMAC-SHA256 Credential={self.secret_id}/cloudfn/tcb/tc3_request",
            "Content-Type": "application/json",
        }
        payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        with network_errors(self.url, setting="TCB_CONTEXT_CNFG"):
            async with self.session().post(
                self.url.update_query(query), data=payload, headers=headers
            ) as response:
                return response.status, response.reason or "", await response.read()

    async def database(
        self, action: str, params: dict[str, Any], *, env: str | None = None
    ) -> dict[str, Any]:
        """One database action as the Node SDK posts it: JSON ``{...params, action, envName, ...}``."""
        env_name = env or self.env
        status, _, raw = await self._post_action(
            {**params, "action": action, "envName": env_name, **_CHANNEL}, env_name
        )
        if status != 200:
            raise TransportError(
                -501001, f"{status} | [{self.url}]", detail=f"{action}: the platform answered HTTP {status}"
            )
        try:
            answer: Any = json.loads(raw)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise TransportError(
                -501001, f"unknown response {raw[:200]!r}", detail=f"{action}: not a JSON object"
            )
        return answer

    @staticmethod
    def _platform_error(body: bytes) -> TransportError:
        try:
            document: Any = json.loads(body)
        except ValueError:
            document = None
        if not isinstance(document, dict) or not document.get("code"):
            return TransportError(-501001, f"unknown response {body[:200]!r}")
        code = str(document["code"])
        errcode = TCB_ERR_CODE.get(code, -501001)
        # Worded as the Node SDK words it (toSDKError on a plain {errCode, errMsg}).
        message = f"{errcode} {ERR_CODE.get(errcode, '')}. {document.get('message', '')}"
        return TransportError(errcode, message, detail=f"the platform answered {code}")

    # -- storage: the /admin channel's JSON actions, and the object store's URLs ----------

    async def storage(self, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /admin`` with the action's JSON body, as the Node SDK sends it; the answer as is."""
        env = str(params.get("env") or self.env)
        body = {
            "action": action,
            **{k: v for k, v in params.items() if k != "env"},
            "envName": env,
            **_CHANNEL,
        }
        status, _, raw = await self._post_action(body, env)
        try:
            answer: Any = json.loads(raw) if status == 200 else None
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            return {
                "code": "SYS_ERR",
                "message": f"{action}: /admin answered HTTP {status} without a JSON object",
            }
        return answer

    async def upload(self, ticket: Mapping[str, Any], cloud_path: str, content: FileContent) -> ApiResponse:
        """PUT the file to the ticket's URL with the headers the Node SDK sends."""
        authorization = str(ticket.get("authorization", ""))
        headers = {
            "Signature": authorization,
            "x-cos-security-token": str(ticket.get("token", "")),
            "x-cos-meta-fileid": str(ticket.get("cosFileId", "")),
            "authorization": authorization,
            "key": quote(cloud_path, safe="-_.!~*'()"),  # encodeURIComponent
        }
        return await put_stream(self.session(), str(ticket.get("url", "")), headers, content)

    async def fetch(self, url: str) -> ApiResponse:
        return await fetch(self.session(), url)

    async def close(self) -> None:
        await self.session.close()


__all__ = ["TcbTransport", "admin_url_from_environ", "encode_request"]
