"""The Node SDK's storage actions on the ``/admin`` channel (JSON bodies, JSON answers).

``storage.getUploadMetadata`` ``{path}`` answers ``{data: {url, token, authorization, fileId,
cosFileId, download_url}, requestId}``; the Node SDK then PUTs the file to ``url`` (served by
:mod:`.cos`). ``storage.batchGetDownloadUrl`` ``{file_list: [{fileid, max_age}]}`` answers
``{data: {download_list: [{fileID, tempFileURL, code, maxAge}]}}``; ``storage.batchDeleteFile``
``{fileid_list}`` answers ``{data: {delete_list: [{fileID, code}]}}``. A refused request is
``{code, message, requestId}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from ..state import EmulatorState, new_rid
from .log import log_storage
from .operations import FileOutcome, StorageError, delete_files, download_urls, upload_metadata

Action = Callable[[EmulatorState, Mapping[str, Any], str], dict[str, Any]]


def request_origin(request: web.Request) -> str:
    """scheme://host as the caller reached the emulator, so handed-out URLs point back at it."""
    return f"{request.scheme}://{request.host}"


def _env(body: Mapping[str, Any]) -> Any:
    return body.get("envName")


def _get_upload_metadata(state: EmulatorState, body: Mapping[str, Any], origin: str) -> dict[str, Any]:
    ticket = upload_metadata(state.storage, _env(body), body.get("path"), origin)
    return {
        "url": ticket["url"],
        "token": ticket["token"],
        "authorization": ticket["authorization"],
        "fileId": ticket["file_id"],
        "cosFileId": ticket["cos_file_id"],
        "download_url": ticket["download_url"],
    }


def _failed(outcome: FileOutcome) -> dict[str, Any]:
    return {"code": outcome.code, "message": outcome.message} if outcome.code != "SUCCESS" else {}


def _batch_get_download_url(state: EmulatorState, body: Mapping[str, Any], origin: str) -> dict[str, Any]:
    outcomes = download_urls(state.storage, _env(body), body.get("file_list"), origin)
    return {
        "download_list": [
            {
                "fileID": o.file_id,
                "tempFileURL": o.url,
                "code": o.code,
                **({"message": o.message} if o.code != "SUCCESS" else {}),
                "maxAge": o.max_age,
            }
            for o in outcomes
        ]
    }


def _batch_delete_file(state: EmulatorState, body: Mapping[str, Any], origin: str) -> dict[str, Any]:
    outcomes = delete_files(state.storage, _env(body), body.get("fileid_list"))
    return {"delete_list": [{"fileID": o.file_id, "code": o.code, **_failed(o)} for o in outcomes]}


ACTIONS: dict[str, Action] = {
    "storage.getUploadMetadata": _get_upload_metadata,
    "storage.batchGetDownloadUrl": _batch_get_download_url,
    "storage.batchDeleteFile": _batch_delete_file,
}


def make_handler(
    action: Action, name: str
) -> Callable[[web.Request, EmulatorState, dict[str, Any]], Awaitable[web.Response]]:
    async def handle(request: web.Request, state: EmulatorState, body: dict[str, Any]) -> web.Response:
        if "envName" not in body or not body.get("envName"):
            body = {**body, "envName": request.query.get("env", "")}
        try:
            answer: dict[str, Any] = {
                "data": action(state, body, request_origin(request)),
                "requestId": new_rid(),
            }
            errcode: Any = 0
        except StorageError as exc:
            answer = {"code": exc.code, "message": exc.message, "requestId": new_rid()}
            errcode = exc.code
        log_storage(state, request, name, body, 200, answer, errcode)
        return web.json_response(answer)

    return handle


HANDLERS = {name: make_handler(action, name) for name, action in ACTIONS.items()}

__all__ = ["ACTIONS", "HANDLERS", "request_origin"]
