"""``callFunction``'s side of the emulator: the project's functions, reachable by name.

The emulator does not run functions itself: a runner (``cloudfn serve`` /
``cloudfn invoke`` of a project) tells it which functions exist and hands it
a callable that runs one. ``callFunction`` then arrives on either wire:

- the Node SDK's ``/admin`` channel, ``action=functions.invokeFunction`` (JSON);
- WeChat's HTTP API ``POST /tcb/invokecloudfunction?access_token=&env=&name=``
  with the event as the body (cloudfn's https transport).

The callee gets the WX context the platform gives a function called by a
function: no OPENID/APPID/UNIONID (those come only with a mini program's
call), ``SOURCE`` the caller's chain plus ``scf``, ``ENV`` the environment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from ..invocation_id import INVOCATION_HEADER
from .functions import HTTP_ERRCODES, Caller, CallOutcome
from .http import new_rid, record
from .namespace import AdminCall

# The name callFunction calls carry in the request log, whichever wire brought them.
CALL_FUNCTION_API = "tcb.invokeCloudFunction"


def admin_answer(outcome: CallOutcome) -> dict[str, Any]:
    """``functions.invokeFunction``'s answer on the /admin channel, as the Node SDK reads it."""
    if outcome.ok:
        return {"data": {"response_data": outcome.result_json}, "requestId": outcome.request_id}
    return {"code": outcome.code, "message": outcome.message, "requestId": outcome.request_id}


def http_api_answer(outcome: CallOutcome) -> dict[str, Any]:
    """``/tcb/invokecloudfunction``'s answer: ``{"errcode", "errmsg", "resp_data"}``."""
    if outcome.ok:
        return {"errcode": 0, "errmsg": "ok", "resp_data": outcome.result_json}
    errcode = HTTP_ERRCODES.get(outcome.code or "", -504002)
    return {"errcode": errcode, "errmsg": f"{outcome.message} rid: {new_rid()}"}


async def invoke_function_action(call: AdminCall) -> web.Response:
    """``/admin`` ``action=functions.invokeFunction`` (a JSON body): run the function, answer as the platform."""
    params, request = call.params, call.request
    name = params.get("function_name")
    if not isinstance(name, str) or not name:
        return _admin_json(
            {
                "code": "INVALID_PARAM",
                "message": "function_name: missing. Fix: callFunction({name: '<function>', data: {...}})",
                "requestId": new_rid(),
            }
        )
    try:
        event = decode_request_data(params.get("request_data"))
    except ValueError as exc:
        return _admin_json({"code": "INVALID_PARAM", "message": str(exc), "requestId": new_rid()})
    env = str(params.get("envName") or request.query.get("env") or "local")
    source = request.headers.get("X-TCB-Source") or ""
    caller = Caller(invocation=request.headers.get(INVOCATION_HEADER), secret_id=call.secret_id)
    outcome = await call.state.project.invoke(name, event, source=source, env=env, caller=caller)
    # Logged as the HTTP API's call is, so both wires leave the same trace (parity compares it).
    record(
        request,
        status=200,
        response=http_api_answer(outcome),
        api=CALL_FUNCTION_API,
        body={"name": name, "data": event},
        function=call.function,
    )
    return _admin_json(admin_answer(outcome))


def _admin_json(payload: Mapping[str, Any]) -> web.Response:
    # The Node SDK parses an /admin answer as JSON when its content type is exactly this.
    return web.Response(
        body=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
        content_type="application/json",
        charset="utf-8",
    )


def decode_request_data(text: Any) -> Any:
    """``request_data`` is the event as JSON text ("" when the SDK had no data)."""
    if text in (None, ""):
        return {}
    if not isinstance(text, str):
        raise ValueError("request_data: must be the event as JSON text")
    try:
        return json.loads(text)
    except ValueError:
        raise ValueError("request_data: not valid JSON; send the event as JSON.stringify(data)") from None


__all__ = ["admin_answer", "decode_request_data", "http_api_answer", "invoke_function_action"]
