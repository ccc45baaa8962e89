"""``uploadFile``, ``downloadFile``, ``getTempFileURL``, ``deleteFile``: wx-server-sdk's storage calls.

Each call checks its arguments as the Node SDK does (same order, same messages), then talks
to the platform through the transport's three storage steps (``storage``, ``upload``,
``fetch``), and shapes the result or the error as the Node SDK does. A rule the platform
would enforce (a cloud path, an empty list) is checked here first and never sent; the error
is the one the platform's refusal would give.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from ..errors import CloudSDKError
from ..jsjson import drop_undefined
from ..jsvalues import Undefined
from ..transport.base import Transport
from ..transport.errors import TransportError
from ..transport.objects import encode_uri
from .content import ContentStream, content_problem, is_content
from .errors import (
    STORAGE_ERR_MSG,
    TCB_ERR_CODE,
    failure,
    js_type,
    js_typeof,
    no_options,
    platform_failure,
    type_error,
)
from .limits import MAX_BATCH
from .paths import path_violation

DOWNLOAD_MAX_AGE_S = 600  # downloadFile asks for a link this long-lived, as the Node SDK does

_OBJECT_WITHOUT_MAX_AGE = "fileList 的元素如果是对象，必须是包含 fileID 和 maxAge 的对象"
_NOT_OBJECT_OR_STRING = "fileList的元素如果不是对象，则必须是字符串"
_EMPTY_STRING = "fileList的元素必须是非空的字符串"
_BAD_CONTENT = "[node-sdk] fileContent should be instance of fs.ReadStream or Buffer"


def _options(api: str, options: Any, fields: Mapping[str, Any]) -> Mapping[str, Any]:
    """The Node-style options object (Python keyword arguments folded in), checked as the SDK does."""
    if fields:
        options = {**(options or {}), **fields}
    if _js_falsy(options):
        raise no_options(api, options)
    if not isinstance(options, Mapping):
        raise CloudSDKError(
            -1,
            f"parameter should be object instead of {js_type(options)}; ",
            detail=f"{api}: takes an object (a dict) of parameters, got {type(options).__name__}",
        )
    return options


def _js_falsy(value: object) -> bool:
    """``!value`` in JavaScript, for the values a port can pass (an empty buffer is truthy)."""
    if value is None or value is False or value == "" or isinstance(value, Undefined):
        return True
    return isinstance(value, int | float) and not isinstance(value, bool) and (value == 0 or value != value)


def _status(code: Any) -> int:
    number = TCB_ERR_CODE.get(code) if isinstance(code, str) else None
    return TCB_ERR_CODE["SYS_ERR"] if number is None else number


class Storage:
    """The storage calls of one Cloud; ``env`` is the environment its files live in."""

    def __init__(self, transport: Transport, *, env: str | None, timeout: float) -> None:
        self.transport = transport
        self.env = env
        self.timeout = timeout

    # -- the platform ---------------------------------------------------------------

    def _require_env(self, api: str) -> str:
        if not self.env:
            raise platform_failure(
                api,
                "INVALID_PARAM",
                "env: no cloud environment",
                detail=(
                    "env: storage needs the environment the files live in. Fix: cloudfn.init(env='<env id>') "
                    "or set TCB_ENV (cloudfn invoke/serve/parity set it)"
                ),
            )
        return self.env

    async def _action(self, api: str, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """The platform's answer to one storage action: ``{"data", "requestId"}``, or raises."""
        env = self._require_env(api)
        try:
            answer = await asyncio.wait_for(
                self.transport.storage(action, drop_undefined({**params, "env": env})), self.timeout
            )
        except TransportError as exc:
            raise failure(api, exc.message, detail=exc.detail) from None
        except TimeoutError:
            raise failure(
                api,
                f"request timeout after {self.timeout:g}s",
                detail="timeout: raise cloudfn.init(timeout=...)",
            ) from None
        if answer.get("code"):
            raise platform_failure(
                api,
                str(answer["code"]),
                str(answer.get("message", "")),
                request_id=str(answer.get("requestId", "")),
            )
        if not isinstance(answer.get("data"), dict):
            answer = {**answer, "data": {}}
        return answer

    # -- uploadFile -------------------------------------------------------------------

    async def uploadFile(self, options: Mapping[str, Any] | None = None, /, **fields: Any) -> dict[str, Any]:
        """``{"cloudPath", "fileContent"}`` -> ``{"fileID", "statusCode", "errMsg": "uploadFile:ok"}``."""
        api = "uploadFile"
        options = _options(api, options, fields)
        cloud_path, content = options.get("cloudPath"), options.get("fileContent")
        if not isinstance(cloud_path, str):
            raise type_error("cloudPath", "string", cloud_path)
        if _js_falsy(content):
            raise failure(
                api,
                f"Type of fileContent must be fs.ReadStream instead of {js_typeof(content)}",
                detail="fileContent: give bytes, a file opened with open(path, 'rb'), or an iterator of bytes",
            )
        if not is_content(content) or content_problem(content):
            raise platform_failure(
                api,
                "INVALID_PARAM",
                _BAD_CONTENT,
                detail=content_problem(content)
                or (
                    f"fileContent: a {type(content).__name__} cannot be uploaded. Fix: give bytes "
                    "(e.g. text.encode()), a file opened with open(path, 'rb'), or an iterator of bytes"
                ),
            )
        problem = path_violation(cloud_path)
        if problem:
            raise platform_failure(api, "INVALID_PARAM", f"path: {problem}", detail=problem)
        metadata = await self._action(api, "storage.getUploadMetadata", {"path": cloud_path, "method": "put"})
        ticket = metadata["data"]
        stream = ContentStream(content)
        # Bytes in memory go as they are (one write, a known length); anything else streams.
        body = content if isinstance(content, bytes | bytearray | memoryview) else stream
        try:
            answer = await self.transport.upload(ticket, cloud_path, body)
        except TransportError as exc:
            if stream.error is not None:  # the content, not the network, broke the upload
                raise platform_failure(api, "INVALID_PARAM", _BAD_CONTENT, detail=str(stream.error)) from None
            raise failure(api, exc.message, detail=exc.detail) from None
        if answer.status >= 300:
            code, message, cos_request, cos_trace = _cos_error(answer.body)
            # As the Node SDK words an object-store refusal.
            platform = "SYS_ERR" if code == "SignatureDoesNotMatch" else "STORAGE_REQUEST_FAIL"
            raise platform_failure(
                api,
                platform,
                f"[{code}]: {message}",
                request_id=f"{metadata.get('requestId', '')}|{cos_request}|{cos_trace}",
                detail=f"upload: the object store answered HTTP {answer.status}",
            )
        # statusCode: the Node SDK (4.0.2 over node-sdk 3.x) never learns the upload's status.
        return {"fileID": ticket.get("fileId"), "statusCode": -1, "errMsg": f"{api}:ok"}

    upload_file = uploadFile

    # -- getTempFileURL ---------------------------------------------------------------

    async def getTempFileURL(
        self, options: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> dict[str, Any]:
        """``{"fileList": [fileID | {"fileID", "maxAge"}]}`` -> ``{"fileList": [...], "errMsg"}``."""
        api = "getTempFileURL"
        options = _options(api, options, fields)
        file_list = options.get("fileList")
        if not isinstance(file_list, list | tuple):
            raise type_error("fileList", "array", file_list)
        wire = [self._download_entry(api, entry) for entry in file_list]
        self._check_batch(api, "file_list", wire)
        data = (await self._action(api, "storage.batchGetDownloadUrl", {"file_list": wire}))["data"]
        return {"fileList": _temp_urls(data.get("download_list")), "errMsg": f"{api}:ok"}

    get_temp_file_url = getTempFileURL

    @staticmethod
    def _download_entry(api: str, entry: Any) -> dict[str, Any]:
        if isinstance(entry, str):
            return {"fileid": entry}
        if entry is None:
            # typeof null is 'object' in JavaScript, and the SDK's own check then throws.
            raise failure(api, "Cannot convert undefined or null to object")
        if isinstance(entry, Mapping | list | tuple):
            if not isinstance(entry, Mapping) or "fileID" not in entry or "maxAge" not in entry:
                raise platform_failure(
                    api,
                    "INVALID_PARAM",
                    _OBJECT_WITHOUT_MAX_AGE,
                    detail='fileList: an object entry needs fileID and maxAge, e.g. {"fileID": id, "maxAge": 3600}',
                )
            wire = {"fileid": entry["fileID"], "max_age": entry["maxAge"], "url_type": entry.get("urlType")}
            return {k: v for k, v in wire.items() if v is not None}
        raise platform_failure(
            api,
            "INVALID_PARAM",
            _NOT_OBJECT_OR_STRING,
            detail='fileList: each entry is a fileID string or {"fileID", "maxAge"}',
        )

    def _check_batch(self, api: str, field: str, wire: list[Any]) -> None:
        """The platform's own limits, checked before sending (its refusal, word for word)."""
        if not wire:
            raise platform_failure(
                api,
                "INVALID_PARAM",
                f"{field}: must be a non-empty array",
                detail="fileList: give at least one fileID",
            )
        if len(wire) > MAX_BATCH:
            raise platform_failure(
                api,
                "INVALID_PARAM",
                f"{field}: {len(wire)} files, at most {MAX_BATCH} per request. Fix: split it",
                detail=f"fileList: at most {MAX_BATCH} files per call. Fix: call once per {MAX_BATCH}",
            )

    # -- downloadFile -----------------------------------------------------------------

    async def downloadFile(
        self, options: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> dict[str, Any]:
        """``{"fileID"}`` -> ``{"fileContent": bytes, "statusCode": 200, "errMsg": "downloadFile:ok"}``."""
        api = "downloadFile"
        options = _options(api, options, fields)
        file_id = options.get("fileID")
        if not isinstance(file_id, str):
            raise type_error("fileID", "string", file_id)
        entry = {"fileid": file_id, "max_age": DOWNLOAD_MAX_AGE_S}
        data = (await self._action(api, "storage.batchGetDownloadUrl", {"file_list": [entry]}))["data"]
        listed = data.get("download_list") or [{}]
        first = listed[0] if isinstance(listed[0], dict) else {}
        if first.get("code") != "SUCCESS":
            raise platform_failure(api, str(first.get("code")), str(first.get("message", "")))
        url = str(first.get("tempFileURL", ""))
        try:
            answer = await asyncio.wait_for(self.transport.fetch(url), self.timeout)
        except TransportError as exc:
            raise failure(api, exc.message, detail=exc.detail) from None
        if answer.status != 200:
            request_id = next((v for k, v in answer.headers.items() if k.lower() == "x-cos-request-id"), "")
            raise platform_failure(
                api,
                "STORAGE_REQUEST_FAIL",
                f"下载文件失败: Status:{answer.status} Url:{encode_uri(url)}",
                request_id=request_id,
            )
        return {"fileContent": answer.body, "statusCode": 200, "errMsg": f"{api}:ok"}

    download_file = downloadFile

    # -- deleteFile -------------------------------------------------------------------

    async def deleteFile(self, options: Mapping[str, Any] | None = None, /, **fields: Any) -> dict[str, Any]:
        """``{"fileList": [fileID, ...]}`` -> ``{"fileList": [{"fileID", "status", "errMsg"}], "errMsg"}``."""
        api = "deleteFile"
        options = _options(api, options, fields)
        file_list = options.get("fileList")
        if not isinstance(file_list, list | tuple):
            raise type_error("fileList", "array", file_list)
        for i, entry in enumerate(file_list):
            if not isinstance(entry, str):
                raise failure(
                    api,
                    f"Type of fileList[{i}] must be string instead of {js_typeof(entry)}",
                    detail=f"fileList[{i}]: a fileID string (cloud://...)",
                )
        if any(entry == "" for entry in file_list):
            raise platform_failure(api, "INVALID_PARAM", _EMPTY_STRING, detail="fileList: an empty fileID")
        self._check_batch(api, "fileid_list", list(file_list))
        data = (await self._action(api, "storage.batchDeleteFile", {"fileid_list": list(file_list)}))["data"]
        results = []
        for item in data.get("delete_list") or []:
            if not item:
                continue
            code = item.get("code")
            if code and TCB_ERR_CODE.get(code) != 0:
                status = _status(code)
                results.append(
                    {"fileID": item.get("fileID"), "status": status, "errMsg": STORAGE_ERR_MSG.get(status)}
                )
            else:
                results.append({"fileID": item.get("fileID"), "status": 0, "errMsg": "ok"})
        return {"fileList": results, "errMsg": f"{api}:ok"}

    delete_file = deleteFile


def _temp_urls(listed: Any) -> list[dict[str, Any]]:
    """The Node SDK's per-file shape; a key whose value is undefined there is left out here."""
    results = []
    for item in listed or []:
        if not item:
            continue
        code = item.get("code")
        if code and TCB_ERR_CODE.get(code) != 0:
            status = _status(code)
            entry = {
                "fileID": item.get("fileID"),
                "status": status,
                "errMsg": STORAGE_ERR_MSG.get(status),
                "maxAge": item.get("maxAge"),
                "tempFileURL": "",
            }
        else:
            entry = {
                "fileID": item.get("fileID"),
                "status": 0,
                "errMsg": "ok",
                "maxAge": item.get("maxAge"),
                "tempFileURL": item.get("tempFileURL"),
            }
        results.append({k: v for k, v in entry.items() if v is not None})
    return results


def _cos_error(body: bytes) -> tuple[str, str, str, str]:
    """Code, message and request id of the object store's XML ``<Error>``."""
    import re

    text = body.decode("utf-8", "replace")

    def tag(name: str) -> str:
        match = re.search(rf"<{name}>(.*?)</{name}>", text, re.S)
        return match.group(1) if match else ""

    return tag("Code") or "UnknownError", tag("Message") or text[:200], tag("RequestId"), tag("TraceId")


__all__ = ["DOWNLOAD_MAX_AGE_S", "CloudSDKError", "Storage"]
