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

from ..api.validation import DATA_FORMAT_ERROR, MAX_JSON_DEPTH, structure_violation
from ..redact import MASK, mask_credentials, redact
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
_MASK = MASK

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
    """UTF-8 JSON with non-ASCII kept as is, as WeChat answers.

    Request bodies with lone surrogates are refused on the way in; should one
    still reach an answer, it is replaced rather than failing the answer.
    """
    return web.Response(
        status=status,
        body=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace"),
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


class UnreadableJson(ValueError):
    """Bytes that are not one strict JSON document the emulator can hold (the reason says why)."""


def _refuse_constant(name: str) -> Any:
    raise UnreadableJson(f"{name} is not JSON (JSON numbers are finite)")


def _lone_surrogate(document: Any) -> bool:
    """Does any string (key or value) hold a lone surrogate, which no UTF-8 answer can carry?"""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def parse_json(raw: bytes) -> Any:
    """One strict JSON document from UTF-8 bytes, as every channel reads bodies.

    Refused (:class:`UnreadableJson`): bytes that are not UTF-8, text that is
    not JSON, NaN/Infinity, nesting beyond
    :data:`~cloudfn.api.validation.MAX_JSON_DEPTH` levels, escaped lone
    surrogates (``"\\ud800"``). What is accepted can be validated, stored,
    logged and answered back without any later step failing on it.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableJson(f"not UTF-8 text (byte {exc.start})") from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise UnreadableJson(f"nested more than {MAX_JSON_DEPTH} levels") from None
    except UnreadableJson:
        raise
    except ValueError as exc:
        raise UnreadableJson(f"not valid JSON ({exc})") from None
    if structure_violation(document) is not None:  # only depth can break it for parsed JSON
        raise UnreadableJson(f"nested more than {MAX_JSON_DEPTH} levels, or a number beyond a double")
    # json only makes lone surrogates from \u escapes, so most bodies skip the walk.
    if ("\\ud" in text or "\\uD" in text) and _lone_surrogate(document):
        raise UnreadableJson("a lone surrogate (\\ud800-\\udfff escape), which is not Unicode text")
    return document


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
        document = parse_json(raw)
    except UnreadableJson:
        raise BadBody(*DATA_FORMAT_ERROR) from None
    if not isinstance(document, dict):
        raise BadBody(*DATA_FORMAT_ERROR)
    return document


def control_refusal(status: int, message: str) -> web.HTTPException:
    """A control-API refusal: JSON ``{"error": ...}`` naming the rule and the fix."""
    kinds: dict[int, type[web.HTTPException]] = {
        400: web.HTTPBadRequest,
        401: web.HTTPUnauthorized,
        403: web.HTTPForbidden,
        413: web.HTTPRequestEntityTooLarge,
        415: web.HTTPUnsupportedMediaType,
    }
    body = json.dumps({"error": message}, ensure_ascii=False)
    if status == 413:
        return web.HTTPRequestEntityTooLarge(
            max_size=0, actual_size=0, text=body, content_type="application/json"
        )
    return kinds[status](text=body, content_type="application/json")


async def read_control_options(request: web.Request) -> dict[str, Any]:
    """A control request's JSON object body (``{}`` when there is none), else HTTP 400."""
    if not request.can_read_body:
        return {}
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise control_refusal(413, "body: larger than 1 MiB. Fix: send a small JSON object") from None
    if not raw.strip():
        return {}
    try:
        document = parse_json(raw)
    except UnreadableJson as exc:
        raise control_refusal(400, f"body: must be a JSON object, got {exc}. Fix: send e.g. {{}}") from None
    if not isinstance(document, dict):
        raise control_refusal(
            400, f"body: must be a JSON object, got a JSON {type(document).__name__}. Fix: send e.g. {{}}"
        )
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
    return {k: _MASK if "token" in k.lower() or "secret" in k.lower() else v for k, v in query.items()}


def body_for_log(raw: bytes | None) -> Any:
    """A raw body as logged: parsed JSON with credentials masked at any depth, else redacted text."""
    if not raw:
        return None
    try:
        # Parsed only when whole: a cut JSON text would not parse anyway.
        document = parse_json(raw) if len(raw) <= _LOGGED_BODY_CHARS else None
    except UnreadableJson:
        document = None
    if document is None:
        return redact(raw[:_LOGGED_BODY_CHARS].decode("utf-8", errors="replace"))
    return mask_credentials(document)


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
    response = mask_credentials(response)
    errcode = response.get("errcode", response.get("errorCode", 0))
    state.request_seq += 1
    entry = RequestLogEntry(
        seq=state.request_seq,
        time=state.clock(),
        method=request.method,
        path=request.path,
        query=_masked_query(request.query),
        api=api,
        appid=appid,
        body=mask_credentials(body),
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
    "UnreadableJson",
    "answering",
    "body_for_log",
    "control_refusal",
    "error_answer",
    "json_response",
    "mount_paths",
    "new_rid",
    "parse_json",
    "read_control_options",
    "read_json_object",
    "record",
]
