"""Storage errors shaped exactly as wx-server-sdk 4.0.2 throws them.

The Node SDK's storage calls fail in three shapes, and a ported handler that returns the
error serialises each differently, so each has its constructor here:

- a parameter type check (``parameter.fileID should be string instead of undefined;``):
  ``{"errCode": -1, "errMsg": ...}`` with no ``<api>:fail`` prefix;
- a plain failure of the SDK (``deleteFile:fail Type of fileList[0] must be ...``):
  ``{"errCode": -1, "errMsg": "<api>:fail ..."}``;
- a refusal by the platform or by the SDK's lower layer, which carries the platform's
  ``code`` and ``requestId``: ``{"code", "requestId", "errCode": -1, "errMsg": "<api>:fail ..."}``.
"""

from __future__ import annotations

from typing import Any

from ..errors import CloudSDKError
from ..jsvalues import js_type as base_js_type

# The platform's codes, as the Node SDK numbers them for a file of a batch (TCB_ERR_CODE).
TCB_ERR_CODE: dict[str, int] = {
    "SUCCESS": 0,
    "SYS_ERR": -501001,
    "SERVER_TIMEOUT": -501002,
    "EXCEED_REQUEST_LIMIT": -501003,
    "EXCEED_CONCURRENT_REQUEST_LIMIT": -501004,
    "INVALIID_ENV": -501005,
    "INVALID_COMMON_PARAM": -501006,
    "INVALID_PARAM": -501007,
    "INVALID_REQUEST_SOURCE": -501008,
    "RESOURCE_NOT_INITIAL": -501009,
    "STORAGE_REQUEST_FAIL": -503001,
    "STORAGE_EXCEED_AUTHORITY": -503002,
    "STORAGE_FILE_NONEXIST": -503003,
    "STORAGE_SIGN_PARAM_INVALID": -503004,
}

# The Node SDK's descriptions of those numbers (its ERR_CODE), shown as a failed file's errMsg.
STORAGE_ERR_MSG: dict[int, str] = {
    -501001: "resource system error",
    -501002: "resource server timeout",
    -501003: "exceed request limit",
    -501004: "exceed concurrent request limit",
    -501005: "invalid env",
    -501006: "invalid common parameters",
    -501007: "invalid parameters",
    -501008: "invalid request source",
    -501009: "resource not initialized",
    -503001: "storage request fail",
    -503002: "storage permission denied",
    -503003: "storage file not exists",
    -503004: "storage invalid sign parameter",
}


class StorageSDKError(CloudSDKError):
    """A storage failure that carries the platform's ``code`` and ``requestId``."""

    def __init__(
        self, errCode: int, errMsg: str, *, code: str, requestId: str = "", detail: str | None = None
    ) -> None:
        super().__init__(errCode, errMsg, detail=detail)
        self.code = code
        self.requestId = requestId

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "requestId": self.requestId,
            "errCode": self.errCode,
            "errMsg": self.errMsg,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.errCode, self.errMsg, self.code, self.requestId, self.detail))


def _rebuild(errCode: int, errMsg: str, code: str, requestId: str, detail: str | None) -> StorageSDKError:
    return StorageSDKError(errCode, errMsg, code=code, requestId=requestId, detail=detail)


def js_type(value: object) -> str:
    """JavaScript's type name of the value a port passes (``Object.prototype.toString``'s)."""
    if value is None:
        return "undefined"  # a missing field in Node; what event.get() gave in Python before undefined
    if isinstance(value, bytes | bytearray | memoryview):
        return "uint8array"
    return base_js_type(value)


def js_typeof(value: object) -> str:
    """JavaScript's ``typeof`` of the value (arrays and objects are both ``object``)."""
    kind = js_type(value)
    return "object" if kind in ("array", "uint8array") else kind


def type_error(field: str, expected: str, value: object) -> CloudSDKError:
    """The SDK's parameter type check: ``parameter.<field> should be <type> instead of <type>;``."""
    return CloudSDKError(
        -1,
        f"parameter.{field} should be {expected} instead of {js_type(value)};",
        detail=f"{field}: must be a {expected}. Fix: pass a {expected}",
    )


def no_options(api: str, value: object) -> CloudSDKError:
    return CloudSDKError(
        -1,
        f"{api}:fail undefined . Params for {api} must be an object instead of {js_typeof(value)}",
        detail=f"{api}: call it with an object of parameters. Fix: e.g. cloud.{api}({{...}})",
    )


def failure(api: str, message: str, *, detail: str | None = None) -> CloudSDKError:
    return CloudSDKError(-1, f"{api}:fail {message}", detail=detail)


def platform_failure(
    api: str, code: str, message: str, *, request_id: str = "", detail: str | None = None
) -> StorageSDKError:
    return StorageSDKError(-1, f"{api}:fail {message}", code=code, requestId=request_id, detail=detail)


__all__ = [
    "STORAGE_ERR_MSG",
    "TCB_ERR_CODE",
    "StorageSDKError",
    "failure",
    "js_type",
    "js_typeof",
    "no_options",
    "platform_failure",
    "type_error",
]
