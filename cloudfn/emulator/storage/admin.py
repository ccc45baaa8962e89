"""The Node SDK's storage actions on the ``/admin`` channel (JSON bodies, JSON answers).

``storage.getUploadMetadata`` ``{path}`` answers ``{data: {url, token, authorization, fileId,
cosFileId, download_url}, requestId}``; the Node SDK then PUTs the file to ``url`` (served by
:mod:`.cos`). ``storage.batchGetDownloadUrl`` ``{file_list: [{fileid, max_age}]}`` answers
``{data: {download_list: [{fileID, tempFileURL, code, maxAge}]}}``; ``storage.batchDeleteFile``
``{fileid_list}`` answers ``{data: {delete_list: [{fileID, code}]}}``. A refused request is
``{code, message, requestId}``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .operations import (
    FileOutcome,
    Storage,
    StorageError,
    delete_files,
    download_urls,
    upload_metadata,
)

if TYPE_CHECKING:
    from ..namespace import AdminAction, AdminCall

# (the storage, the action's JSON body, the origin handed-out URLs point at) -> the answer's data
Operation = Callable[[Storage, Mapping[str, Any], str], dict[str, Any]]


def request_origin(request: web.Request) -> str:
    """scheme://host as the caller reached the emulator, so handed-out URLs point back at it."""
    return f"{request.scheme}://{request.host}"


def _env(body: Mapping[str, Any]) -> Any:
    return body.get("envName")


def _get_upload_metadata(storage: Storage, body: Mapping[str, Any], origin: str) -> dict[str, Any]:
    ticket = upload_metadata(storage, _env(body), body.get("path"), origin)
    return {
        "url": ticket["url"],
        "token": ticket["token"],
        "authorization": ticket["authorization"],
        "fileId": ticket["file_id"],
        "cosFileId": ticket["cos_file_id"],
        "download_url": ticket["download_url"],
    }


def _failed(outcome: FileOutcome) -> dict[str, Any]:
    return {"message": outcome.message} if outcome.code != "SUCCESS" else {}


def _batch_get_download_url(storage: Storage, body: Mapping[str, Any], origin: str) -> dict[str, Any]:
    outcomes = download_urls(storage, _env(body), body.get("file_list"), origin)
    return {
        "download_list": [
            {"fileID": o.file_id, "tempFileURL": o.url, "code": o.code, **_failed(o), "maxAge": o.max_age}
            for o in outcomes
        ]
    }


def _batch_delete_file(storage: Storage, body: Mapping[str, Any], origin: str) -> dict[str, Any]:
    outcomes = delete_files(storage, _env(body), body.get("fileid_list"))
    return {"delete_list": [{"fileID": o.file_id, "code": o.code, **_failed(o)} for o in outcomes]}


OPERATIONS: dict[str, Operation] = {
    "storage.getUploadMetadata": _get_upload_metadata,
    "storage.batchGetDownloadUrl": _batch_get_download_url,
    "storage.batchDeleteFile": _batch_delete_file,
}


def request_id() -> str:
    """The platform's request id, shaped like WeChat's rid (the /admin channel logs the request)."""
    return "-".join(secrets.token_hex(4) for _ in range(3))


def _admin_action(operation: Operation) -> AdminAction:
    async def run(call: AdminCall) -> web.Response:
        body = dict(call.body)
        if not body.get("envName"):
            body["envName"] = call.request.query.get("env", "")
        try:
            data = operation(call.state.storage, body, request_origin(call.request))
            answer: dict[str, Any] = {"data": data, "requestId": request_id()}
        except StorageError as exc:
            answer = {"code": exc.code, "message": exc.message, "requestId": request_id()}
        return web.json_response(answer)

    return run


ACTIONS: dict[str, AdminAction] = {name: _admin_action(op) for name, op in OPERATIONS.items()}

__all__ = ["ACTIONS", "OPERATIONS", "request_origin"]
