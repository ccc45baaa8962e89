"""One invocation of a loaded function: event in, result (or the reason it failed) out.

The handler runs with its own WX context (contextvars, never os.environ),
the runner's cloud configuration, and a deadline: when config.json's
``timeout`` passes, the invocation fails with the platform's timeout
message and the process carries on serving.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt
import inspect
import json
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .. import environment
from ..errors import CloudSDKError
from ..jsjson import left_out_of_objects, to_json_value
from ..jsvalues import js_object
from .context import wx_context_scope
from .loader import CloudFunction
from .threads import run_in_daemon_thread

FUNCTION_TIMEOUT_S = 3.0  # the platform's default when config.json sets no timeout
DEFAULT_MEMORY_MB = 256  # the platform's default memory limit
# How deep a result's dicts and lists may nest. JSON.stringify goes deeper, but
# Python's encoder recurses; the bound keeps it far from the recursion limit.
MAX_RESULT_DEPTH = 500

# The Node SDK's callFunction reports these codes for a function that threw / ran out of time.
FUNCTION_ERROR_CODE = -504002
FUNCTION_TIMEOUT_CODE = -504003


class InvocationContext(dict[str, Any]):
    """The handler's ``context`` argument, with the keys Tencent SCF gives.

    A dict (``context["request_id"]``), readable as attributes
    (``context.request_id``), with ``get_remaining_time_in_millis()``.
    """

    def __init__(
        self,
        *,
        request_id: str,
        function_name: str,
        timeout: float,
        namespace: str,
        memory_limit_in_mb: int = DEFAULT_MEMORY_MB,
    ) -> None:
        super().__init__(
            request_id=request_id,
            function_name=function_name,
            function_version="$LATEST",
            namespace=namespace,
            memory_limit_in_mb=memory_limit_in_mb,
            time_limit_in_ms=round(timeout * 1000),
        )
        self._deadline = time.monotonic() + timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, round((self._deadline - time.monotonic()) * 1000))

    getRemainingTimeInMillis = get_remaining_time_in_millis

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class InvocationResult:
    """What one invocation produced.

    ``result`` is JSON-able (a returned or raised CloudSDKError becomes its
    ``to_json()``, as in Node); ``error`` says why the invocation failed, or
    is None. ``error_kind`` is "raised" or "timeout" when it failed.
    """

    result: Any
    request_id: str
    duration: float
    error: str | None = None
    error_kind: Literal["raised", "timeout"] | None = None
    error_type: str | None = None
    error_code: int | None = None
    traceback: str | None = None
    # What a caller may see: a CloudSDKError's Node message without cloudfn's
    # detail (which names config paths); ``error`` keeps the detail for logs.
    public_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def error_body(self, *, debug: bool = False) -> dict[str, Any]:
        """The JSON a caller gets for a failed invocation (no traceback unless ``debug``)."""
        body: dict[str, Any] = {
            "errorCode": self.error_code,
            "errorMessage": self.error if debug or self.public_error is None else self.public_error,
            "errorType": self.error_type,
            "requestId": self.request_id,
        }
        if isinstance(self.result, dict) and "errCode" in self.result:
            body.update(self.result)
        if debug and self.traceback:
            body["stackTrace"] = self.traceback
        return body


class UnserialisableResult(ValueError):
    """A handler's return value that JSON cannot hold (a cycle, too deep)."""


def to_jsonable(value: Any) -> Any:
    """A handler's return value as ``JSON.stringify`` gives it to the caller (cloudfn.jsjson).

    ``undefined`` keys left out, CloudSDKError as its ``toJSON()``, bytes as a
    Node Buffer's, NaN and infinities ``null``, ``2.0`` as ``2``, dates as
    ``toISOString()``. A value that contains itself, or nests deeper than
    :data:`MAX_RESULT_DEPTH`, raises :class:`UnserialisableResult`.
    """
    return _jsonable(value, [], 0)


def _jsonable(value: Any, open_: list[int], depth: int) -> Any:
    if not isinstance(value, Mapping | list | tuple):
        return to_json_value(value)
    if id(value) in open_:
        raise UnserialisableResult("it contains itself (a circular reference)")
    if depth >= MAX_RESULT_DEPTH:
        raise UnserialisableResult(f"it nests dicts/lists more than {MAX_RESULT_DEPTH} levels deep")
    open_.append(id(value))
    try:
        if isinstance(value, Mapping):
            return {
                str(k): _jsonable(v, open_, depth + 1) for k, v in value.items() if not left_out_of_objects(v)
            }
        return [None if left_out_of_objects(v) else _jsonable(v, open_, depth + 1) for v in value]
    finally:
        open_.pop()


def js_date_json(value: dt.datetime) -> str:
    """A Date as ``JSON.stringify`` writes it: UTC, milliseconds, ``Z`` (naive means UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


async def _run_handler(function: CloudFunction, event: Any, context: InvocationContext) -> Any:
    handler = function.handler
    if inspect.iscoroutinefunction(handler):
        return await handler(event, context)
    from ..sync import RUNNER_LOOP

    loop = asyncio.get_running_loop()
    token = RUNNER_LOOP.set(loop)
    try:
        call_context = contextvars.copy_context()
    finally:
        RUNNER_LOOP.reset(token)
    value = await run_in_daemon_thread(
        lambda: call_context.run(handler, event, context), what=f"{function.name} {context.request_id}"
    )
    if inspect.isawaitable(value):  # def main(...): return cloud.openapi...(...)
        value = await value
    return value


def _user_traceback(function: CloudFunction, exc: BaseException) -> str:
    """The traceback from the handler down (cloudfn's own runner frames left out)."""
    frames = traceback.extract_tb(exc.__traceback__)
    while frames and frames[0].filename == __file__:
        frames.pop(0)
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames)]
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines)


async def invoke(
    function: CloudFunction,
    event: Any,
    *,
    wx_context: Mapping[str, Any] | None = None,
    timeout: float | None = None,  # noqa: ASYNC109 - the public contract; applied with asyncio.timeout
    request_id: str | None = None,
) -> InvocationResult:
    """Run ``function`` once with ``event`` and ``wx_context`` (OPENID, APPID, SOURCE, ENV...).

    ``timeout`` (seconds) defaults to config.json's ``timeout``, else 3.
    Never raises for what the handler does: failures are in the result.
    """
    limit = float(timeout if timeout is not None else function.config.timeout or FUNCTION_TIMEOUT_S)
    request_id = request_id or str(uuid.uuid4())
    namespace = str((wx_context or {}).get("ENV") or "local")
    context = InvocationContext(
        request_id=request_id, function_name=function.name, timeout=limit, namespace=namespace
    )
    started = time.perf_counter()

    def finish(result: Any, **failure: Any) -> InvocationResult:
        return InvocationResult(
            result, request_id=request_id, duration=time.perf_counter() - started, **failure
        )

    # As in Node, a field the event lacks reads as undefined (falsy, left out of requests and results).
    event = js_object(event)
    with environment.laid_over(function.runner_environ), wx_context_scope(wx_context):
        timer = asyncio.timeout(limit)
        try:
            async with timer:
                value = await _run_handler(function, event, context)
        except TimeoutError as exc:
            if not timer.expired():
                return _raised(function, exc, finish)
            return finish(
                None,
                error=(
                    f"Invoking task timed out after {limit:g} seconds. Fix: make the handler "
                    'finish sooner or raise "timeout" in config.json'
                ),
                error_kind="timeout",
                error_type="TimeoutError",
                error_code=FUNCTION_TIMEOUT_CODE,
            )
        except asyncio.CancelledError as exc:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # the invocation itself is being cancelled (shutdown): not the handler's doing
            return _raised(function, exc, finish)
        except BaseException as exc:  # KeyboardInterrupt/SystemExit too: the runner must survive
            return _raised(function, exc, finish)
    try:
        result = to_jsonable(value)
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        return finish(
            None,
            error=(
                f"the handler returned a value JSON cannot hold ({exc}). Fix: return dicts, lists, "
                "strings, numbers, booleans or None"
            ),
            error_kind="raised",
            error_type=type(exc).__name__,
            error_code=FUNCTION_ERROR_CODE,
        )
    return finish(result)


def _raised(
    function: CloudFunction, exc: BaseException, finish: Callable[..., InvocationResult]
) -> InvocationResult:
    stack = _user_traceback(function, exc)
    if isinstance(exc, CloudSDKError):
        return finish(
            exc.to_json(),
            error=str(exc),
            error_kind="raised",
            error_type="CloudSDKError",
            error_code=exc.errCode,
            traceback=stack,
            public_error=exc.message,
        )
    return finish(
        None,
        error=f"{type(exc).__name__}: {exc}",
        error_kind="raised",
        error_type=type(exc).__name__,
        error_code=FUNCTION_ERROR_CODE,
        traceback=stack,
    )


__all__ = ["FUNCTION_TIMEOUT_S", "InvocationContext", "InvocationResult", "invoke", "to_jsonable"]
