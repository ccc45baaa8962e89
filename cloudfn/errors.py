"""CloudSDKError: the one error a cloud call raises, shaped like the Node SDK's."""

from __future__ import annotations

from typing import Any

# The Node SDK's own table (wx-server-sdk 4.0.2, error_config.ERR_CODE): the
# descriptions appear in the error's message, so they are copied verbatim.
ERR_CODE: dict[int, str] = {
    -1: "unknown error",
    -601001: "system error",
    -601002: "system args error",
    -601003: "system network error",
    -601004: "api permission denied",
    -601008: "server-side request timedout",
    -604100: "API not found",
    -604101: "function has no permission to call this API",
    -604102: "call open API timeout",
    -604103: "call open API system error",
    -604104: "illegal source of invocation",
    -501001: "resource system error",
    -501002: "resource server timeout",
    -501003: "exceed request limit",
    -501004: "exceed concurrent request limit",
    -501005: "invalid env",
    -501006: "invalid common parameters",
    -501007: "invalid parameters",
    -501008: "invalid request source",
    -501009: "resource not initialized",
    -502001: "database request fail",
    -502002: "database invalid command",
    -502003: "database permission denied",
    -502004: "database exceed collection limit",
    -502005: "database collection not exists",
}

# WeChat's global return codes (the 全局返回码 page): any API may answer them, so
# a spec may use one for a rule without listing it among the API's own errors.
WECHAT_GLOBAL_ERRORS: dict[int, str] = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40013: "invalid appid",
    40014: "invalid access_token",
    40097: "invalid args",
    41001: "access_token missing",
    41002: "appid missing",
    41004: "appsecret missing",
    42001: "access_token expired",
    43002: "require POST method",
    44002: "empty post data",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit mustslower retry next minute",
    47001: "data format error",
    48001: "api unauthorized",
}

SYSTEM_ERROR = -601001
INVALID_ARGUMENTS = -601002
NETWORK_ERROR = -601003
API_NOT_FOUND = -604100
NO_PERMISSION = -604101
OPENAPI_TIMEOUT = -604102


class CloudSDKError(Exception):
    """A failed cloud call, with the Node SDK's ``errCode`` and ``errMsg``.

    ``errCode``/``errMsg`` are what a ported handler sees and returns; they
    match the Node SDK to the character. ``detail`` is cloudfn's addition for
    the developer (which field, which rule, how to fix it); it shows in
    ``str()`` but never in :meth:`to_json`, so results stay identical.
    """

    errCode: int
    errMsg: str
    detail: str | None

    def __init__(self, errCode: int, errMsg: str, *, detail: str | None = None) -> None:
        self.errCode = errCode or -1
        self.errMsg = errMsg
        self.detail = detail
        super().__init__(self.errCode, self.errMsg)

    @property
    def message(self) -> str:
        """The Node SDK's ``err.message``: ``errCode: <code> <description> | errMsg: <errMsg>``."""
        return f"errCode: {self.errCode} {ERR_CODE.get(self.errCode, '')} | errMsg: {self.errMsg}"

    @property
    def err_code(self) -> int:
        return self.errCode

    @property
    def err_msg(self) -> str:
        return self.errMsg

    # Fields Node's error object carries before errCode/errMsg (a platform error's
    # code and requestId, for the database), so JSON.stringify(err) matches.
    json_extra: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """What ``JSON.stringify(err)`` gives in Node: errCode and errMsg (after json_extra, if any)."""
        return {**(self.json_extra or {}), "errCode": self.errCode, "errMsg": self.errMsg}

    def __str__(self) -> str:
        if self.detail:
            return f"{self.message}\n  {self.detail}"
        return self.message

    def __repr__(self) -> str:
        return f"CloudSDKError(errCode={self.errCode!r}, errMsg={self.errMsg!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.errCode, self.errMsg, self.detail))


def _rebuild(errCode: int, errMsg: str, detail: str | None) -> CloudSDKError:
    return CloudSDKError(errCode, errMsg, detail=detail)


def api_fail(api: str, message: str) -> str:
    """The Node SDK's apiFailMsg for ``openapi.<api>``."""
    return f"openapi.{api}:fail {message}"


def platform_refusal(code: int, *, detail: str | None = None) -> CloudSDKError:
    """A refusal by the cloud platform itself, before WeChat is reached."""
    return CloudSDKError(code, f"system error: error code: {code}", detail=detail)


class Error(Exception):
    """JavaScript's ``Error`` in a port: ``throw new Error(msg)`` is ``raise cloudfn.Error(msg)``.

    Like the Node object it has ``message`` and ``name``, so ``err.message``
    reads the same whether ``err`` is one of these or a :class:`CloudSDKError`.
    """

    name = "Error"

    def __init__(self, message: object = "") -> None:
        self.message = "" if message is None else str(message)
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"Error({self.message!r})"


class ConfigError(ValueError):
    """A config.json (or other local configuration) that cloudfn cannot use."""
