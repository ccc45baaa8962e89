"""Database failures worded as wx-server-sdk words them (toSDKError, checkError, TCB_ERR_CODE)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ERR_CODE, CloudSDKError

# wx-server-sdk's TCB_ERR_CODE: the platform's string codes to errCode; others are SYS_ERR.
TCB_ERR_CODE: dict[str, int] = {
    "SYS_ERR": -501001,
    "SERVER_TIMEOUT": -501002,
    "EXCEED_REQUEST_LIMIT": -501003,
    "EXCEED_CONCURRENT_REQUEST_LIMIT": -501004,
    "INVALIID_ENV": -501005,
    "INVALID_COMMON_PARAM": -501006,
    "INVALID_PARAM": -501007,
    "INVALID_REQUEST_SOURCE": -501008,
    "RESOURCE_NOT_INITIAL": -501009,
    "DATABASE_REQUEST_FAILED": -502001,
    "DATABASE_INVALID_OPERRATOR": -502002,
    "DATABASE_PERMISSION_DENIED": -502003,
    "DATABASE_COLLECTION_EXCEED_LIMIT": -502004,
    "DATABASE_COLLECTION_NOT_EXIST": -502005,
}
SYS_ERR = -501001


def coded(api: str, code: int, message: str, *, detail: str | None = None) -> CloudSDKError:
    """``<api>:fail <code> <description>. <message>``: a platform error with a known errCode."""
    return CloudSDKError(code, f"{api}:fail {code} {ERR_CODE.get(code, '')}. {message}", detail=detail)


def platform(api: str, answer: Mapping[str, Any], *, detail: str | None = None) -> CloudSDKError:
    """The platform's ``{"code", "message"}`` answer, as wx-server-sdk's checkError turns it."""
    code = TCB_ERR_CODE.get(str(answer.get("code")), SYS_ERR)
    return coded(api, code, str(answer.get("message", "")), detail=detail)


def plain(api: str, message: str, *, detail: str | None = None) -> CloudSDKError:
    """A thrown Error or string: errCode -1, ``<api>:fail <message>``."""
    return CloudSDKError(-1, f"{api}:fail {message}", detail=detail)


def local(message: str, *, detail: str | None = None, code: int = -1) -> CloudSDKError:
    """wx-server-sdk's own argument checks: a CloudSDKError with no API prefix."""
    return CloudSDKError(code, message, detail=detail)


class PlatformRefusal(CloudSDKError):
    """A refusal wx-server-sdk passes on untouched (transactions): Node's raw ``{code, requestId}`` error.

    ``errCode``/``errMsg`` are set for Python callers; ``to_json()`` is what
    ``JSON.stringify`` gives for the Node error, which has neither.
    """

    def __init__(self, api: str, answer: Mapping[str, Any]) -> None:
        code = str(answer.get("code"))
        super().__init__(
            TCB_ERR_CODE.get(code, SYS_ERR),
            f"{api}:fail {answer.get('message', '')}",
            detail=f"{api}: the platform answered {code}",
        )
        self.code = code
        self.request_id = str(answer.get("requestId", ""))

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "requestId": self.request_id}
