"""WeChat's HTTPS storage APIs for servers: ``/tcb/uploadfile``, ``/tcb/batchdownloadfile``,
``/tcb/batchdeletefile`` (``?access_token=``, JSON ``{"env", ...}`` bodies).

The same operations as the ``/admin`` actions, spelled as WeChat spells them: answers carry
``errcode``/``errmsg``, snake_case fields, and per file a numeric ``status`` with its ``errmsg``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from ..errors import ApiError
from ..faults.middleware import inject_faults
from ..http import STATE, error_answer, json_response
from ..wechat import authenticate
from .admin import request_origin
from .log import log_storage
from .operations import (
    TCB_CODES,
    FileOutcome,
    Storage,
    StorageError,
    delete_files,
    download_urls,
    upload_metadata,
)

INVALID_ARGS = 40097
MISSING_PARAMETER = 40101

Operation = Callable[[Storage, dict[str, Any], str], dict[str, Any]]


def _status(outcome: FileOutcome) -> dict[str, Any]:
    if outcome.code == "SUCCESS":
        return {"status": 0, "errmsg": "ok"}
    return {"status": TCB_CODES.get(outcome.code, TCB_CODES["SYS_ERR"]), "errmsg": outcome.message}


def _upload(storage: Storage, body: dict[str, Any], origin: str) -> dict[str, Any]:
    ticket = upload_metadata(storage, body.get("env"), body.get("path"), origin)
    return {k: ticket[k] for k in ("url", "token", "authorization", "file_id", "cos_file_id")}


def _download(storage: Storage, body: dict[str, Any], origin: str) -> dict[str, Any]:
    outcomes = download_urls(storage, body.get("env"), body.get("file_list"), origin)
    return {"file_list": [{"fileid": o.file_id, "download_url": o.url, **_status(o)} for o in outcomes]}


def _delete(storage: Storage, body: dict[str, Any], origin: str) -> dict[str, Any]:
    outcomes = delete_files(storage, body.get("env"), body.get("fileid_list"))
    return {"delete_list": [{"fileid": o.file_id, **_status(o)} for o in outcomes]}


# path -> (the route's name, as faults and the request log know it; the operation; required fields)
PATHS: dict[str, tuple[str, Operation, tuple[str, ...]]] = {
    "/tcb/uploadfile": ("tcb.uploadFile", _upload, ("env", "path")),
    "/tcb/batchdownloadfile": ("tcb.batchDownloadFile", _download, ("env", "file_list")),
    "/tcb/batchdeletefile": ("tcb.batchDeleteFile", _delete, ("env", "fileid_list")),
}


async def _json_body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        raise ApiError(44002, "empty post data")
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError(47001, "data format error") from None
    if not isinstance(document, dict):
        raise ApiError(47001, "data format error")
    return document


def _route(path: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    name, operation, required = PATHS[path]

    async def handle(request: web.Request) -> web.Response:
        state = request.config_dict[STATE]
        body: Any = None
        try:
            if request.method != "POST":
                raise ApiError(43002, "require POST method")
            authenticate(state, request.query)
            body = await _json_body(request)
            missing = [f for f in required if f not in body]
            if missing:
                raise ApiError(MISSING_PARAMETER, f"missing parameter: {', '.join(missing)}")
            answer = {"errcode": 0, "errmsg": "ok", **operation(state.storage, body, request_origin(request))}
        except ApiError as exc:
            answer = error_answer(exc.errcode, exc.errmsg)
        except StorageError as exc:
            answer = error_answer(INVALID_ARGS, f"invalid args: {exc.message}")
        log_storage(request, name, body, 200, answer, answer["errcode"])
        return json_response(answer)

    return handle


def https_channel() -> web.Application:
    """The WeChat HTTPS storage paths as a channel (mounted at their exact paths), with faults."""
    channel = web.Application(middlewares=[inject_faults])
    for path, (name, _, _) in PATHS.items():
        channel.router.add_route("*", path, _route(path), name=name)
    return channel


__all__ = ["PATHS", "https_channel"]
