"""The emulator's one HTTP layer: reading bodies, JSON and error answers, the request log, mounting.

Every channel (the WeChat HTTPS paths, ``/admin``, Cloud Run, the
``/__emulator__`` control API) is an aiohttp application of its own, mounted
on a bare root by :func:`mount_paths` or ``add_subapp``; they all read bodies,
answer and log through this module, so a request is parsed, worded and
recorded the same way whichever channel it came in on.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import asdict, dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.web_urldispatcher import AbstractRuleMatching, MatchedSubAppResource

from ..api.validation import DATA_FORMAT_ERROR
from ..redact import redact
from .state import EmulatorState

if TYPE_CHECKING:
    from aiohttp.web_urldispatcher import _InfoDict

STATE = web.AppKey("cloudfn_state", EmulatorState)

# What a route learned about its request, kept on it for the request log.
BODY = web.RequestKey("cloudfn_body", bytes)
LOGGED_BODY = web.RequestKey("cloudfn_logged_body", dict)  # a body read as fields (multipart)
# The API's answer (a dispatch.Reply): where it came from, and its bytes when it is a file.
REPLY: web.RequestKey[Any] = web.RequestKey("cloudfn_reply", object)
API = web.RequestKey("cloudfn_api", str)
APPID = web.RequestKey("cloudfn_appid", str)

_LOGGED_BODY_CHARS = 4096
_MASK = "***"

# A JSON answer and its HTTP status.
Answer = tuple[dict[str, Any], int]
Route = Callable[[web.Request], Awaitable[Answer]]


def new_rid() -> str:
    """A request id shaped like the real server's (``618884de-7ad0ea4e-45e44918``)."""
    return "-".join(secrets.token_hex(4) for _ in range(3))


def error_answer(errcode: int, errmsg: str) -> dict[str, Any]:
    """An error as the real server words it, request id appended."""
    return {"errcode": errcode, "errmsg": f"{errmsg} rid: {new_rid()}"}


def json_response(
    payload: Any, status: int = 200, *, headers: Mapping[str, str] | None = None
) -> web.Response:
    """UTF-8 JSON with non-ASCII kept as is, as WeChat answers."""
    return web.Response(
        status=status,
        body=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )


class BadBody(Exception):
    """A request body the server refuses before reading it as the API's: 44002 or 47001."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errcode, errmsg)
        self.errcode = errcode
        self.errmsg = errmsg


async def read_json_object(request: web.Request) -> dict[str, Any]:
    """The POST body as a JSON object, or :class:`BadBody` with the server's 44002/47001."""
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise BadBody(*DATA_FORMAT_ERROR) from None
    request[BODY] = raw
    if not raw.strip():
        raise BadBody(44002, "empty post data")
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadBody(*DATA_FORMAT_ERROR) from None
    if not isinstance(document, dict):
        raise BadBody(*DATA_FORMAT_ERROR)
    return document


async def read_control_options(request: web.Request) -> dict[str, Any]:
    """A control request's JSON object body (``{}`` when there is none), else HTTP 400."""
    if not request.can_read_body:
        return {}
    try:
        document = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="body: must be a JSON object") from None
    if not isinstance(document, dict):
        raise web.HTTPBadRequest(text="body: must be a JSON object")
    return document


# -- the request log ------------------------------------------------------------


@dataclass(frozen=True)
class RequestLogEntry:
    """One request the emulator answered, with credentials masked.

    ``body`` is the parsed JSON body (or its redacted text); ``response`` the
    JSON answer (for ``/admin``, the decoded answer or ``{"errorCode": N}``).
    ``function`` names the registered function that called ``/admin``;
    ``fault`` the injected fault kind that answered instead of the API.
    """

    seq: int
    time: float
    method: str
    path: str
    query: Mapping[str, str]
    api: str | None
    appid: str | None
    body: Any
    status: int
    errcode: int
    response: Mapping[str, Any]
    function: str | None = None
    fault: str | None = None
    # Where an API's answer came from: "state", "example" (the page's), "stub", "refused".
    answered: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _masked_query(query: Mapping[str, str]) -> dict[str, str]:
    return {k: _MASK if "token" in k or k == "secret" else v for k, v in query.items()}


def body_for_log(raw: bytes | None) -> Any:
    """A raw body as logged: parsed JSON with ``secret`` masked, else redacted text (or None)."""
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")[:_LOGGED_BODY_CHARS]
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
        return redact(text)
    if isinstance(document, dict) and "secret" in document:
        document = {**document, "secret": _MASK}
    return document


def record(
    request: web.Request,
    *,
    status: int,
    response: Mapping[str, Any],
    api: str | None = None,
    appid: str | None = None,
    body: Any = None,
    function: str | None = None,
    fault: str | None = None,
    answered: str | None = None,
) -> RequestLogEntry:
    """Append one answered request to the emulator's request log (the one writer every channel uses)."""
    state = request.config_dict[STATE]
    if "access_token" in response:
        response = {**response, "access_token": _MASK}
    errcode = response.get("errcode", response.get("errorCode", 0))
    entry = RequestLogEntry(
        seq=len(state.requests) + 1,
        time=state.clock(),
        method=request.method,
        path=request.path,
        query=_masked_query(request.query),
        api=api,
        appid=appid,
        body=body,
        status=status,
        errcode=errcode if isinstance(errcode, int) else 0,
        response=response,
        function=function,
        fault=fault,
        answered=answered,
    )
    state.requests.append(entry)
    return entry


def answering(route: Route) -> Callable[[web.Request], Awaitable[web.Response]]:
    """A handler that runs ``route``, logs request and answer, and replies with the JSON answer."""

    async def handler(request: web.Request) -> web.Response:
        try:
            payload, status = await route(request)
        except BadBody as exc:
            payload, status = error_answer(exc.errcode, exc.errmsg), 200
        reply = request.get(REPLY)
        logged_body = request.get(LOGGED_BODY)
        record(
            request,
            status=status,
            response=payload,
            api=request.get(API),
            appid=request.get(APPID),
            body=logged_body if logged_body is not None else body_for_log(request.get(BODY)),
            answered=reply.source if reply is not None else None,
        )
        if reply is not None and reply.binary is not None:
            return web.Response(body=reply.binary.data, content_type=reply.binary.content_type)
        return json_response(payload, status)

    return handler


# -- mounting channels ----------------------------------------------------------


class ExactPaths(AbstractRuleMatching):
    """Matches requests for one of a fixed set of paths (a channel's routes)."""

    def __init__(self, paths: Collection[str]) -> None:
        self._paths = frozenset(paths)

    async def match(self, request: web.Request) -> bool:
        return request.rel_url.path in self._paths

    def get_info(self) -> _InfoDict:
        return {}

    @property
    def canonical(self) -> str:
        return f"<{len(self._paths)} exact paths>"


def mount_paths(root: web.Application, channel: web.Application) -> None:
    """Mount ``channel`` on ``root`` for exactly the paths it routes, at the top of the URL space.

    ``add_subapp`` needs a prefix, and WeChat's paths share none (``/cgi-bin``,
    ``/tcb``, ``/wxa``, ...): this mounts the channel as ``add_domain`` mounts
    one, with a rule that matches its own paths instead of a host name. The
    channel keeps its own middlewares; requests for other paths never see them.
    """
    paths = [resource.canonical for resource in channel.router.resources()]
    rule = ExactPaths(paths)
    # Application._add_subapp is how add_domain mounts a MatchedSubAppResource (signals, freezing).
    root._add_subapp(partial(MatchedSubAppResource, rule, channel), channel)


__all__ = [
    "API",
    "APPID",
    "BODY",
    "LOGGED_BODY",
    "REPLY",
    "STATE",
    "Answer",
    "BadBody",
    "RequestLogEntry",
    "Route",
    "answering",
    "body_for_log",
    "error_answer",
    "json_response",
    "mount_paths",
    "new_rid",
    "read_control_options",
    "read_json_object",
    "record",
]
