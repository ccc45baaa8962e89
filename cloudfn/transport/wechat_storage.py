"""Storage over WeChat's HTTPS APIs for servers, for the transports that speak them.

``/tcb/uploadfile``, ``/tcb/batchdownloadfile`` and ``/tcb/batchdeletefile`` do what the
platform's storage actions do; this module spells each action as its WeChat request and
spells the answer back as the ``/admin`` channel would (``{"data": ..., "requestId"}`` or
``{"code", "message"}``), so the storage client reads one shape whatever the transport.
Uploads go as WeChat documents them: a multipart POST of ``key``, ``Signature``,
``x-cos-security-token``, ``x-cos-meta-fileid`` and ``file`` to the URL handed out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..storage.limits import DEFAULT_MAX_AGE_S
from .base import ApiRequest, ApiResponse, FileContent
from .objects import fetch, post_form
from .session import LazySession

PATHS = {
    "storage.getUploadMetadata": ("tcb.uploadFile", "/tcb/uploadfile"),
    "storage.batchGetDownloadUrl": ("tcb.batchDownloadFile", "/tcb/batchdownloadfile"),
    "storage.batchDeleteFile": ("tcb.batchDeleteFile", "/tcb/batchdeletefile"),
}
# WeChat's "bad argument" answers; anything else is the platform's system error.
_INVALID_ARGS = {40097, 40101, 44002, 47001}
# A file's numeric status back to the platform's code, as the Node SDK's table pairs them.
_STATUS_CODES = {
    0: "SUCCESS",
    -501007: "INVALID_PARAM",
    -503001: "STORAGE_REQUEST_FAIL",
    -503002: "STORAGE_EXCEED_AUTHORITY",
    -503003: "STORAGE_FILE_NONEXIST",
}


def _max_age(entry: Mapping[str, Any]) -> Any:
    value = entry.get("max_age")
    return DEFAULT_MAX_AGE_S if value is None else value


def wechat_body(action: str, params: Mapping[str, Any]) -> dict[str, Any]:
    if action == "storage.getUploadMetadata":
        return {"env": params.get("env"), "path": params.get("path")}
    if action == "storage.batchGetDownloadUrl":
        # WeChat requires max_age; the platform's default stands in when the caller gave none.
        files = [{"fileid": f.get("fileid"), "max_age": _max_age(f)} for f in params.get("file_list") or []]
        return {"env": params.get("env"), "file_list": files}
    return {"env": params.get("env"), "fileid_list": params.get("fileid_list")}


def admin_answer(action: str, answer: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    errcode = answer.get("errcode", 0)
    if errcode:
        return {
            "code": "INVALID_PARAM" if errcode in _INVALID_ARGS else "SYS_ERR",
            "message": str(answer.get("errmsg", "")),
        }
    if action == "storage.getUploadMetadata":
        data: dict[str, Any] = {
            "url": answer.get("url"),
            "token": answer.get("token"),
            "authorization": answer.get("authorization"),
            "fileId": answer.get("file_id"),
            "cosFileId": answer.get("cos_file_id"),
        }
    elif action == "storage.batchGetDownloadUrl":
        asked = params.get("file_list") or []
        data = {"download_list": []}
        for i, entry in enumerate(answer.get("file_list") or []):
            status = entry.get("status", 0)
            item: dict[str, Any] = {
                "fileID": entry.get("fileid"),
                "tempFileURL": entry.get("download_url", ""),
                "code": _STATUS_CODES.get(status, "SYS_ERR"),
            }
            if status:
                item["message"] = entry.get("errmsg", "")
            # WeChat does not echo the link's lifetime; it is the one asked for.
            item["maxAge"] = _max_age(asked[i]) if i < len(asked) else DEFAULT_MAX_AGE_S
            data["download_list"].append(item)
    else:
        data = {"delete_list": []}
        for entry in answer.get("delete_list") or []:
            status = entry.get("status", 0)
            item = {"fileID": entry.get("fileid"), "code": _STATUS_CODES.get(status, "SYS_ERR")}
            if status:
                item["message"] = entry.get("errmsg", "")
            data["delete_list"].append(item)
    return {"data": data, "requestId": ""}


class WeChatStorage:
    """Storage for a transport with ``send`` (WeChat's JSON APIs) and a ``session`` pool."""

    session: LazySession

    async def send(self, request: ApiRequest) -> ApiResponse:
        raise NotImplementedError

    async def storage(self, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        api, path = PATHS[action]
        response = await self.send(
            ApiRequest(api=api, method="POST", path=path, body=wechat_body(action, params))
        )
        try:
            answer = json.loads(response.body)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            return {"code": "SYS_ERR", "message": f"{path} answered HTTP {response.status} without JSON"}
        return admin_answer(action, answer, params)

    async def upload(self, ticket: Mapping[str, Any], cloud_path: str, content: FileContent) -> ApiResponse:
        fields = {
            "key": cloud_path,
            "Signature": str(ticket.get("authorization", "")),
            "x-cos-security-token": str(ticket.get("token", "")),
            "x-cos-meta-fileid": str(ticket.get("cosFileId", "")),
        }
        filename = cloud_path.rsplit("/", 1)[-1]
        return await post_form(self.session(), str(ticket.get("url", "")), fields, content, filename)

    async def fetch(self, url: str) -> ApiResponse:
        return await fetch(self.session(), url)


__all__ = ["WeChatStorage", "admin_answer", "wechat_body"]
