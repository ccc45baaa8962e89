"""``cloudfn serve``: a function, or a whole project, behind HTTP triggers.

``POST /<name>`` (and ``POST /`` when one function is served) takes the event
as JSON and answers the result as JSON; the WeChat Cloud Run gateway's
``x-wx-*`` headers become that invocation's WX context. ``GET /healthz``
lists the functions and their language while the process serves. SIGTERM
stops accepting, lets in-flight invocations finish, then exits.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from aiohttp import web

from ..listen import bind, http_url
from .cron import PLATFORM_TZ
from .invoke import FUNCTION_TIMEOUT_S, InvocationResult
from .loader import CloudFunction
from .project import Project, PythonProjectFunction
from .triggers import TimerScheduler

log = logging.getLogger("cloudfn.serve")

MAX_EVENT_BYTES = 6 * 1024 * 1024  # the platform's limit for a synchronous invocation's event
# A body that has not fully arrived after this long is refused (a slow client
# would otherwise hold its connection and buffer for ever).
BODY_TIMEOUT_S = 30.0
# Bodies up to this size are read freely; a larger one first takes one of a few
# slots, so that many large bodies at once wait (the client is slowed by TCP)
# instead of all being held in memory together.
SMALL_BODY_BYTES = 64 * 1024
LARGE_BODY_BUDGET_BYTES = 16 * 1024 * 1024
READ_BUFSIZE = 16 * 1024
LINGERING_S = 5.0
# x-wx-<name> headers whose <name> can be a WX context key (OPENID, FROM_APPID, ...).
_WX_HEADER = re.compile(r"x-wx-([a-z][a-z0-9-]*)")
# Never part of a WX context, whatever the gateway sends.
_SECRET_HEADERS = frozenset({"x-wx-cloudbase-access-token", "x-wx-api-token", "x-wx-trigger-api-token-v0"})


@dataclass(frozen=True)
class ServeOptions:
    max_event_bytes: int = MAX_EVENT_BYTES
    body_timeout: float = BODY_TIMEOUT_S
    timeout: float | None = None  # None: config.json's, else 3 s
    debug: bool = False
    timers: bool = True
    tz: tzinfo = PLATFORM_TZ


PROJECT = web.AppKey("cloudfn_project", Project)
OPTIONS = web.AppKey("cloudfn_serve_options", ServeOptions)
INFLIGHT = web.AppKey("cloudfn_inflight", dict)
LARGE_BODY_SLOTS = web.AppKey("cloudfn_large_body_slots", asyncio.Semaphore)


def wx_context_from_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """``x-wx-openid: o1`` -> ``{"OPENID": "o1"}``, for every ``x-wx-*`` header but tokens.

    CLIENTIP falls back to the first ``x-forwarded-for`` hop. The gateway sets
    these headers; a server reachable without it must not trust them.
    """
    context: dict[str, str] = {}
    forwarded = ""
    for name, value in headers.items():
        lower = name.lower()
        if lower.startswith("x-wx-"):
            wx_name = _WX_HEADER.fullmatch(lower)
            if wx_name is None or lower in _SECRET_HEADERS or "token" in lower:
                continue  # not a name a WX context key can have (x-wx-, x-wx-1abc, x-wx-a.b), or a secret
            context[wx_name.group(1).upper().replace("-", "_")] = value
        elif lower == "x-forwarded-for":
            forwarded = value.split(",")[0].strip()
    if forwarded and "CLIENTIP" not in context and "CLIENTIPV6" not in context:
        context["CLIENTIPV6" if ":" in forwarded else "CLIENTIP"] = forwarded
    return context


def _json(payload: Any, status: int = 200, request_id: str | None = None) -> web.Response:
    headers = {"x-request-id": request_id} if request_id else None
    return web.Response(
        status=status,
        body=json.dumps(payload, ensure_ascii=False).encode(),
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )


def _refusal(status: int, message: str, request_id: str) -> web.Response:
    return _json({"errorCode": -1, "errorMessage": message, "requestId": request_id}, status, request_id)


class _BodyRefused(Exception):
    def __init__(self, answer: web.Response) -> None:
        self.answer = answer


def _too_large(options: ServeOptions, request_id: str) -> _BodyRefused:
    answer = _refusal(
        413,
        f"event: larger than {options.max_event_bytes} bytes. Fix: send less, or start "
        "cloudfn serve with a larger --max-event-bytes",
        request_id,
    )
    # The rest of the body is never read: closing the connection is the only way to drop it.
    answer.force_close()
    return _BodyRefused(answer)


async def _read_event_bytes(request: web.Request, options: ServeOptions, request_id: str) -> bytes:
    """The body, refused as soon as it is known to be too large, and bounded in time.

    A Content-Length over the limit is refused before a byte is read; a
    chunked body is counted while it streams in. Either way at most
    ``max_event_bytes`` are ever held for one request, and past
    :data:`SMALL_BODY_BYTES` a body waits for one of the few large-body slots.
    """
    declared = request.content_length
    if declared is not None and declared > options.max_event_bytes:
        raise _too_large(options, request_id)
    slots = request.app[LARGE_BODY_SLOTS]
    holding_slot = False
    # Chunks kept as they came (no growing buffer copied on each resize), joined once at the end.
    chunks: list[bytes] = []
    received = 0
    try:
        async with asyncio.timeout(options.body_timeout):
            if declared is not None and declared > SMALL_BODY_BYTES:
                await slots.acquire()
                holding_slot = True
            async for chunk in request.content.iter_any():
                chunks.append(chunk)
                received += len(chunk)
                if received > options.max_event_bytes:
                    raise _too_large(options, request_id)
                if not holding_slot and received > SMALL_BODY_BYTES:
                    await slots.acquire()
                    holding_slot = True
    except TimeoutError:
        answer = _refusal(
            408,
            f"event: the body did not arrive within {options.body_timeout:g} seconds "
            f"({received} bytes came). Fix: send the whole body at once, or start cloudfn serve "
            "with a larger --body-timeout",
            request_id,
        )
        answer.force_close()
        raise _BodyRefused(answer) from None
    finally:
        if holding_slot:
            slots.release()
    return b"".join(chunks)


@web.middleware
async def _json_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    """Whatever goes wrong in cloudfn itself answers JSON and leaves the server up."""
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        request_id = request.headers.get("x-request-id") or str(uuid.uuid4())
        log.exception("request %s: cloudfn serve failed to answer", request_id)
        return _refusal(
            500,
            "cloudfn serve: internal error (logged with this request id). Fix: report it with the log",
            request_id,
        )
    return response


async def handle_invoke(request: web.Request) -> web.Response:
    project = request.app[PROJECT]
    options = request.app[OPTIONS]
    request_id = request.headers.get("x-request-id") or str(uuid.uuid4())
    name = request.match_info.get("name")
    if name is None:
        if not project.single:
            names = ", ".join(f"POST /{n}" for n in project.functions)
            return _refusal(
                404,
                f"POST /: this server serves a project of {len(project.functions)} functions. "
                f"Fix: POST to the function's path: {names}",
                request_id,
            )
        [name] = project.functions
    elif name not in project.functions:
        return _refusal(
            404,
            f"/{name}: no such function. Fix: POST to one of "
            + ", ".join(f"/{n}" for n in project.functions),
            request_id,
        )
    try:
        raw = await _read_event_bytes(request, options, request_id)
    except _BodyRefused as refused:
        return refused.answer
    event: Any = {}
    if raw.strip():
        try:
            event = json.loads(raw)
        except (UnicodeDecodeError, ValueError) as exc:
            return _refusal(400, f"event: not valid JSON ({exc}). Fix: POST a JSON object", request_id)
    if not isinstance(event, dict):
        return _refusal(
            400, f"event: must be a JSON object, got {type(event).__name__}. Fix: POST {{...}}", request_id
        )
    inflight = request.app[INFLIGHT]
    inflight[request_id] = True
    try:
        result = await project.invoke(
            name,
            event,
            wx_context=wx_context_from_headers(request.headers),
            timeout=options.timeout,
            request_id=request_id,
        )
    finally:
        inflight.pop(request_id, None)
    return _answer(result, options)


def _answer(result: InvocationResult, options: ServeOptions) -> web.Response:
    if result.ok:
        return _json(result.result, 200, result.request_id)
    level = logging.WARNING if result.error_kind == "timeout" else logging.ERROR
    log.log(level, "invocation %s failed: %s", result.request_id, result.error)
    if result.traceback:
        log.debug("%s", result.traceback)
    status = 504 if result.error_kind == "timeout" else 500
    return _json(result.error_body(debug=options.debug), status, result.request_id)


async def handle_health(request: web.Request) -> web.Response:
    project = request.app[PROJECT]
    payload: dict[str, Any] = {"status": "ok"}
    if project.single:
        [payload["function"]] = project.functions
    payload["functions"] = [{"name": n, "language": lang} for n, lang in project.languages.items()]
    payload["inflight"] = len(request.app[INFLIGHT])
    return _json(payload)


def create_function_app(
    served: Project | CloudFunction, options: ServeOptions | None = None
) -> web.Application:
    """The HTTP triggers of a project (or of one loaded function) as an aiohttp application."""
    options = options or ServeOptions()
    project = served if isinstance(served, Project) else single_function_project(served)
    app = web.Application(client_max_size=options.max_event_bytes, middlewares=[_json_errors])
    app[PROJECT] = project
    app[OPTIONS] = options
    app[INFLIGHT] = {}
    app[LARGE_BODY_SLOTS] = asyncio.Semaphore(max(1, LARGE_BODY_BUDGET_BYTES // options.max_event_bytes))
    app.router.add_post("/", handle_invoke)
    app.router.add_post("/{name}", handle_invoke)
    app.router.add_get("/healthz", handle_health)
    return app


def single_function_project(function: CloudFunction) -> Project:
    return Project(function.directory, {function.name: PythonProjectFunction(function)}, single=True)


def _runner_of(
    project: Project, name: str
) -> Callable[[Any, Mapping[str, Any]], Awaitable[InvocationResult]]:
    async def run(event: Any, wx_context: Mapping[str, Any]) -> InvocationResult:
        return await project.invoke(name, event, wx_context=wx_context)

    return run


async def serve_function(
    function: CloudFunction,
    *,
    host: str,
    port: int,
    options: ServeOptions,
    announce: Any = print,
) -> None:
    """Serve one loaded Python function (see :func:`serve_project`)."""
    await serve_project(
        single_function_project(function), host=host, port=port, options=options, announce=announce
    )


async def serve_project(
    project: Project,
    *,
    host: str,
    port: int,
    options: ServeOptions,
    announce: Any = print,
) -> None:
    """Serve until SIGTERM/SIGINT; then stop accepting and let in-flight invocations finish."""
    app = create_function_app(project, options)
    limit = max(options.timeout or f.config.timeout or FUNCTION_TIMEOUT_S for f in project.functions.values())
    # lingering_time: after a refused body (413, 408) the rest is read and
    # discarded (never held) for up to this long, so that a client still
    # sending gets to read the answer, then the connection closes.
    # read_bufsize: what aiohttp buffers per connection ahead of the handler
    # (about 4x this); 16 KiB keeps 200 waiting uploads near 13 MB, not 115 MB.
    runner = web.AppRunner(
        app,
        access_log=None,
        shutdown_timeout=limit + 5,
        lingering_time=LINGERING_S,
        read_bufsize=READ_BUFSIZE,
    )
    await runner.setup()
    sock = bind(host, port)
    site = web.SockSite(runner, sock)
    await site.start()
    schedulers: list[TimerScheduler] = []
    if options.timers:
        for name, function in project.functions.items():
            if function.config.triggers:
                scheduler = TimerScheduler(function, run=_runner_of(project, name), tz=options.tz)
                scheduler.start()
                schedulers.append(scheduler)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    triggers = (
        ", ".join(f"{t.name} ({t.cron})" for f in project.functions.values() for t in f.config.triggers)
        or "none"
    )
    timers = triggers if options.timers else "off"
    if project.single:
        [name] = project.functions
        announce(
            f"cloudfn serve: {name} on {http_url(host, sock)} (timeout {limit:g}s, timer triggers: {timers})"
        )
    else:
        listing = ", ".join(f"{n} ({lang})" for n, lang in project.languages.items())
        announce(
            f"cloudfn serve: {len(project.functions)} functions on {http_url(host, sock)}/<name>: "
            f"{listing} (timer triggers: {timers})"
        )
    try:
        await stop.wait()
        log.info("stopping: finishing %d in-flight invocation(s)", len(app[INFLIGHT]))
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        for scheduler in schedulers:
            await scheduler.stop()
        await runner.cleanup()
        await project.close()


__all__ = [
    "BODY_TIMEOUT_S",
    "MAX_EVENT_BYTES",
    "ServeOptions",
    "create_function_app",
    "serve_function",
    "serve_project",
    "wx_context_from_headers",
]
