"""``cloud.callFunction({"name", "data"})`` as wx-server-sdk 4.0.2 does it.

Arguments are checked as the SDK checks them (nothing is sent when they are
wrong), the call goes out on the Cloud's transport, and the answer becomes
the SDK's ``{"result", "errMsg": "callFunction:ok", "requestID"}`` or its
error. Two wires:

- ``tcb``: the cloud platform's ``/admin`` channel, a JSON body with
  ``action=functions.invokeFunction`` (the Node SDK's own request);
- ``https``/``cloudrun``: WeChat's HTTP API ``POST /tcb/invokecloudfunction?env=&name=``
  with the event as the body, answered ``{"errcode", "errmsg", "resp_data"}``.

Both carry ``X-TCB-Source: <the caller's SOURCE>,scf``, as the Node SDK sends
it, so the callee sees the call chain in its ``SOURCE``.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import CloudSDKError
from ..jsvalues import js_type
from ..transport.base import ApiRequest
from ..transport.errors import TransportError

if TYPE_CHECKING:
    from ..cloud import Cloud

API_NAME = "callFunction"
INVOKE_PATH = "/tcb/invokecloudfunction"
INVOKE_API = "tcb.invokeCloudFunction"
# The Node SDK's run-environment tag inside a cloud function, appended to the SOURCE chain.
RUN_ENV_TAG = "scf"

# The platform's error codes (the SDK's TCB_ERR_CODE) by number, for the HTTP API's errcode.
_CODE_NAMES = {
    -501001: "SYS_ERR",
    -501002: "SERVER_TIMEOUT",
    -501007: "INVALID_PARAM",
    -504001: "FUNCTIONS_REQUEST_FAIL",
    -504002: "FUNCTIONS_EXECUTE_FAIL",
}
RESOURCE_NOT_FOUND = -501000
_RID_SUFFIX = re.compile(r" rid: \S+$")
_CODE_NAMES[RESOURCE_NOT_FOUND] = "ResourceNotFound.Function"


class FunctionCallError(CloudSDKError):
    """A failed call as the Node SDK throws it: an Error with ``code``, ``requestId``, ``errCode`` -1.

    ``JSON.stringify`` of the Node error gives ``{"code", "requestId", "errCode", "errMsg"}``,
    which :meth:`to_json` reproduces; its ``message`` is the ``errMsg`` itself.
    """

    def __init__(self, errMsg: str, *, code: str | int, request_id: str, detail: str | None = None) -> None:
        super().__init__(-1, errMsg, detail=detail)
        self.code = code
        self.requestId = request_id

    @property
    def message(self) -> str:
        return self.errMsg

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "requestId": self.requestId,
            "errCode": self.errCode,
            "errMsg": self.errMsg,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.errMsg, self.code, self.requestId, self.detail))


def _rebuild(errMsg: str, code: str | int, request_id: str, detail: str | None) -> FunctionCallError:
    return FunctionCallError(errMsg, code=code, request_id=request_id, detail=detail)


def check_options(options: Any) -> tuple[str, Any]:
    """``(name, data)`` or the SDK's own error for bad arguments (raised before anything is sent)."""
    fix = 'Fix: call cloud.callFunction({"name": "<function>", "data": {...}})'
    # JavaScript's falsy values, not Python's: an empty dict is an object there.
    if options is None or options is False or (not isinstance(options, Mapping | list) and not options):
        raise CloudSDKError(
            -1,
            f"{API_NAME}:fail undefined . Params for callFunction must be an object instead of "
            f"{'undefined' if options is None else js_type(options)}",
            detail=f"options: missing. {fix}",
        )
    if not isinstance(options, Mapping):
        raise CloudSDKError(
            -1, f"parameter should be object instead of {js_type(options)}; ", detail=f"options: {fix}"
        )
    name = options.get("name")
    if not isinstance(name, str):
        kind = "undefined" if "name" not in options else js_type(name)
        raise CloudSDKError(
            -1,
            f"parameter.name should be string instead of {kind};",
            detail=f"name: the callee's name must be a string. {fix}",
        )
    data = options.get("data")
    if "data" in options and not isinstance(data, Mapping):
        raise CloudSDKError(
            -1,
            f"parameter.data should be object instead of {js_type(data)};",
            detail=f"data: the callee's event must be an object (a dict). {fix}",
        )
    return name, dict(data or {})


def parse_result(text: Any) -> Any:
    """The callee's result: JSON text parsed; a text that is not JSON stays a string."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def caller_source(environ: Mapping[str, str]) -> str:
    """``X-TCB-Source`` as the Node SDK builds it: the caller's TCB_SOURCE, then ``scf``."""
    return f"{environ.get('TCB_SOURCE', '')},{RUN_ENV_TAG}"


async def call_function(cloud: Cloud, options: Any) -> dict[str, Any]:
    """``cloud.callFunction(options)``; see the module docstring."""
    from ..environment import current
    from ..invocation_id import CURRENT_INVOCATION, INVOCATION_HEADER
    from ..transport.tcb import TcbTransport

    name, data = check_options(options)
    source = caller_source(current())
    headers = {"X-TCB-Source": source}
    invocation = CURRENT_INVOCATION.get()
    if invocation:
        headers[INVOCATION_HEADER] = invocation
    transport = cloud.transport
    limit = cloud.settings.timeout
    try:
        async with asyncio.timeout(limit):
            if isinstance(transport, TcbTransport):
                document, request_id = await transport.invoke_function(name, data, headers=headers)
                return _from_platform(document, request_id)
            response = await transport.send(
                ApiRequest(
                    api=INVOKE_API,
                    method="POST",
                    path=INVOKE_PATH,
                    body=data,
                    query={"env": cloud.settings.env or "", "name": name},
                    headers=headers,
                )
            )
    except TimeoutError:
        raise FunctionCallError(
            f"{API_NAME}:fail request timed out after {limit:g}s",
            code="ESOCKETTIMEDOUT",
            request_id="",
            detail=f"{name}: no answer within {limit:g}s. Fix: make the callee faster or raise the timeout",
        ) from None
    except TransportError as exc:
        raise FunctionCallError(
            f"{API_NAME}:fail {exc.message}", code=exc.code, request_id="", detail=exc.detail
        ) from None
    request_id = response.headers.get("X-Request-Id", "")
    if response.status != 200:
        raise FunctionCallError(
            f"{API_NAME}:fail {response.status} | [{INVOKE_PATH}]",
            code=response.status,
            request_id=request_id,
        )
    try:
        answer = json.loads(response.body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise FunctionCallError(
            f"{API_NAME}:fail unknown response {response.body[:200]!r}", code="SYS_ERR", request_id=request_id
        )
    errcode = answer.get("errcode", 0)
    if errcode:
        # The HTTP API appends " rid: <id>" to errmsg; the SDK's message has none.
        message = _RID_SUFFIX.sub("", str(answer.get("errmsg", "")))
        raise FunctionCallError(
            f"{API_NAME}:fail {message}",
            code=_CODE_NAMES.get(errcode) or errcode,
            request_id=request_id,
            detail=f"name: calling {name!r} failed (errcode {errcode})",
        )
    return {
        "result": parse_result(answer.get("resp_data")),
        "errMsg": f"{API_NAME}:ok",
        "requestID": request_id,
    }


def _from_platform(document: Any, request_id: str) -> dict[str, Any]:
    """The /admin answer: ``{"data": {"response_data"}, "requestId"}`` or ``{"code", "message"}``."""
    if not isinstance(document, dict):
        raise FunctionCallError(f"{API_NAME}:fail unknown response", code="SYS_ERR", request_id=request_id)
    request_id = str(document.get("requestId", request_id))
    if document.get("code"):
        raise FunctionCallError(
            f"{API_NAME}:fail {document.get('message', '')}", code=document["code"], request_id=request_id
        )
    data = document.get("data")
    text = data.get("response_data") if isinstance(data, dict) else None
    return {"result": parse_result(text), "errMsg": f"{API_NAME}:ok", "requestID": request_id}


__all__ = ["FunctionCallError", "call_function", "check_options"]
