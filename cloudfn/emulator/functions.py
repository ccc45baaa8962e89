"""The project's cloud functions as the platform knows them, so ``callFunction`` can reach them.

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
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .state import new_rid


@dataclass(frozen=True)
class CallOutcome:
    """How one invocation of a callee ended: its result as JSON text, or why it failed."""

    result_json: str | None = None
    code: str | None = None  # the platform's error code when it failed
    message: str = ""
    request_id: str = field(default_factory=lambda: secrets.token_hex(16))

    @property
    def ok(self) -> bool:
        return self.code is None


@dataclass(frozen=True)
class Caller:
    """Who made a call, as far as the wire tells: the invocation id cloudfn's client sends,
    or the SecretId the Node SDK signs with (the runner gives each node process its own)."""

    invocation: str | None = None
    secret_id: str | None = None


# (name, event, wx_context, caller) -> outcome; the runner applies the callee's timeout.
FunctionRunner = Callable[[str, Any, Mapping[str, Any], Caller], Awaitable[CallOutcome]]

FUNCTION_NOT_FOUND = "ResourceNotFound.Function"
FUNCTION_FAILED = "FUNCTIONS_EXECUTE_FAIL"
# The HTTP API's errcode for each (the SDK's TCB_ERR_CODE numbers; -501000 is what a
# missing function is reported with to mini programs).
HTTP_ERRCODES = {FUNCTION_NOT_FOUND: -501000, FUNCTION_FAILED: -504002, "INVALID_PARAM": -501007}


def not_found_message(name: str, known: list[str]) -> str:
    listing = ", ".join(known) or "none"
    return (
        f"[{FUNCTION_NOT_FOUND}] 未找到指定的Function，请创建后再试。 "
        f"(function_name: no function {name!r} in this project; its functions: {listing})"
    )


class ProjectFunctions:
    """The functions a runner serves, by name, with their language; empty until one attaches."""

    def __init__(self) -> None:
        self.languages: dict[str, str] = {}
        self._runner: FunctionRunner | None = None

    def attach(self, languages: Mapping[str, str], runner: FunctionRunner) -> None:
        self.languages = dict(languages)
        self._runner = runner

    def detach(self) -> None:
        self.languages = {}
        self._runner = None

    async def invoke(
        self, name: str, event: Any, *, source: str, env: str, caller: Caller | None = None
    ) -> CallOutcome:
        if self._runner is None:
            return CallOutcome(
                code=FUNCTION_NOT_FOUND, message=not_found_message(name, sorted(self.languages))
            )
        return await self._runner(name, event, callee_context(source, env), caller or Caller())


def callee_context(source: str, env: str) -> dict[str, Any]:
    """The WX context of a function another function called (see the module docstring)."""
    return {"SOURCE": source.lstrip(","), "ENV": env}


PROJECT = web.AppKey("cloudfn_project_functions", ProjectFunctions)


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


async def admin_invoke_function(
    project: ProjectFunctions, request: web.Request, params: Mapping[str, Any], caller_secret_id: str | None
) -> web.Response:
    """``/admin`` ``action=functions.invokeFunction``: run the named function, answer as the platform."""
    from ..runtime.invocation_id import INVOCATION_HEADER

    name = params.get("function_name")
    if not isinstance(name, str) or not name:
        return _json(
            {
                "code": "INVALID_PARAM",
                "message": "function_name: missing. Fix: callFunction({name: '<function>', data: {...}})",
                "requestId": new_rid(),
            }
        )
    try:
        event = decode_request_data(params.get("request_data"))
    except ValueError as exc:
        return _json({"code": "INVALID_PARAM", "message": str(exc), "requestId": new_rid()})
    env = str(params.get("envName") or request.query.get("env") or "local")
    source = request.headers.get("X-TCB-Source") or ""
    caller = Caller(invocation=request.headers.get(INVOCATION_HEADER), secret_id=caller_secret_id)
    outcome = await project.invoke(name, event, source=source, env=env, caller=caller)
    return _json(admin_answer(outcome))


def _json(payload: Mapping[str, Any]) -> web.Response:
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


__all__ = [
    "FUNCTION_FAILED",
    "FUNCTION_NOT_FOUND",
    "PROJECT",
    "CallOutcome",
    "Caller",
    "FunctionRunner",
    "ProjectFunctions",
    "admin_answer",
    "callee_context",
    "decode_request_data",
    "http_api_answer",
]
