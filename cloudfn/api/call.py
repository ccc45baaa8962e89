"""The cloud-call pipeline: permission, casing, spec, validation, transport, decoding.

Everything before the transport is pure, so a call that breaks a rule is
refused before any byte leaves the process.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Collection, Mapping
from typing import Any

from ..casing import to_camel_keys, to_snake_keys
from ..errors import (
    API_NOT_FOUND,
    INVALID_ARGUMENTS,
    NO_PERMISSION,
    OPENAPI_TIMEOUT,
    SYSTEM_ERROR,
    CloudSDKError,
    api_fail,
    platform_refusal,
)
from ..jsjson import drop_undefined
from ..redact import redact
from ..transport.base import ApiRequest, ApiResponse, Transport
from ..transport.errors import PlatformRefusal, TransportError
from .registry import Registry, where_to_add
from .validation import encoding_violation, find_violation, safe_repr, structure_violation

log = logging.getLogger("cloudfn.openapi")

CALL_TIMEOUT_S = 15.0  # the Node SDK's default request timeout


def local_rid() -> str:
    """A request id for answers made locally; the ``local-`` prefix says nothing was sent."""
    return "local-" + secrets.token_hex(4)


class OpenApiCaller:
    """Runs one cloud call through the pipeline. Holds no per-call state."""

    def __init__(
        self,
        *,
        registry: Registry,
        transport: Transport,
        permissions: Collection[str] | None,
        permissions_source: str = "config.json",
        validate: bool = True,
        timeout: float = CALL_TIMEOUT_S,
    ) -> None:
        self.registry = registry
        self.transport = transport
        self.permissions = frozenset(permissions) if permissions is not None else None
        self.permissions_source = permissions_source
        self.validate = validate
        self.timeout = timeout

    def prepare(
        self, api: str, data: Mapping[str, Any] | None, *, appid: str | None, convert_case: bool
    ) -> ApiRequest:
        """Steps 1-4: the request to send, or the CloudSDKError the call ends with."""
        check_arguments(api, data, appid)
        structure = structure_violation(data)
        if structure is not None:
            raise CloudSDKError(
                structure.errcode,
                api_fail(api, f"{structure.errmsg} rid: {local_rid()}"),
                detail=f"{structure.detail} (checked locally; nothing was sent)",
            )
        if self.permissions is not None and api not in self.permissions:
            raise platform_refusal(
                NO_PERMISSION,
                detail=(
                    f"permissions.openapi: {api} is not listed in {self.permissions_source}. "
                    f'Fix: add "{api}" to permissions.openapi there'
                ),
            )
        spec = self.registry.get(api)
        if spec is None:
            raise self._not_found(api)
        # A field a port read from a missing key is undefined: Node leaves it out of the request.
        body = drop_undefined(dict(data or {}))
        if convert_case:
            body = to_snake_keys(body)
        # With validation off (as in the Node SDK) the server's rules, size
        # included, are left to the server; a body that cannot be encoded at
        # all is still refused here, rather than failing inside the transport.
        violation = (
            find_violation(spec, body) if self.validate else encoding_violation(body, check_size=False)
        )
        if violation is not None:
            raise CloudSDKError(
                violation.errcode,
                api_fail(api, f"{violation.errmsg} rid: {local_rid()}"),
                detail=f"{violation.detail} (checked locally; nothing was sent)",
            )
        return ApiRequest(
            api=api,
            method=spec.method,
            path=spec.path,
            body=body,
            appid=appid,
            query_fields=spec.query_fields,
        )

    def _not_found(self, api: str) -> CloudSDKError:
        nearest = self.registry.closest(api)
        hint = f"did you mean {nearest}? " if nearest else ""
        return platform_refusal(
            API_NOT_FOUND,
            detail=f"api: cloudfn has no spec for {api}; {hint}{where_to_add(api, self.registry)}",
        )

    async def call(
        self,
        api: str,
        data: Mapping[str, Any] | None,
        *,
        appid: str | None = None,
        convert_case: bool = True,
    ) -> dict[str, Any]:
        request = self.prepare(api, data, appid=appid, convert_case=convert_case)
        try:
            async with asyncio.timeout(self.timeout):
                response = await self.transport.send(request)
        except TimeoutError:
            raise CloudSDKError(
                OPENAPI_TIMEOUT,
                api_fail(api, f"call open API timeout after {self.timeout:g}s"),
                detail=(
                    f"timeout: the call did not finish within {self.timeout:g}s (waiting on the token "
                    "store, the token endpoint or the API server). Fix: check that each is reachable "
                    "(a hung token store is reported as such after its own socket timeout), retry, or "
                    "raise timeout= in cloudfn.init()"
                ),
            ) from None
        except PlatformRefusal as exc:
            # The Node SDK throws the platform's refusal as it comes, without the api prefix.
            raise platform_refusal(exc.code, detail=exc.detail) from None
        except TransportError as exc:
            raise CloudSDKError(exc.code, api_fail(api, exc.message), detail=exc.detail) from None
        return decode(api, response, convert_case=convert_case)


def _args_error(api: str, detail: str) -> CloudSDKError:
    return CloudSDKError(
        INVALID_ARGUMENTS, api_fail(api, "system args error"), detail=f"{detail} (nothing was sent)"
    )


def check_arguments(api: Any, data: Any, appid: Any) -> None:
    """The call's own arguments (not the body's contents): a str API name, a dict, a str AppID."""
    if not isinstance(api, str):
        raise _args_error(
            "<invalid>",
            f"api: must be a str 'namespace.method' such as 'logistics.updatePrinter', got "
            f"{type(api).__name__} {safe_repr(api)}. Fix: call cloud.call('logistics.updatePrinter', {{...}}) "
            "or use the attribute form cloud.openapi.logistics.updatePrinter({...})",
        )
    if data is not None and not isinstance(data, Mapping):
        raise _args_error(
            api,
            f"data: must be a dict of the API's fields, got {type(data).__name__} {safe_repr(data)}. "
            f"Fix: call cloud.call({api!r}, {{...}})",
        )
    if appid is not None and not isinstance(appid, str):
        raise _args_error(
            api,
            f"appid: must be a str AppID such as 'wx0123456789abcdef' or None, got "
            f"{type(appid).__name__} {safe_repr(appid)}. Fix: pass cloud.openapi(appid='wx...')",
        )


def _as_object(value: Any) -> dict[str, Any]:
    """``Object.assign({}, value)`` for a JSON value that is not an object."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list | str):
        return {str(i): item for i, item in enumerate(value)}
    return {}


def _http_error(api: str, response: ApiResponse) -> CloudSDKError:
    """An HTTP error status with no WeChat errcode: never a success, whatever the body."""
    content_type = response.content_type.split(";")[0].strip() or "no content type"
    text = response.body[:120].decode("utf-8", errors="replace")
    shown = redact(text) + ("..." if len(response.body) > 120 else "")
    return CloudSDKError(
        SYSTEM_ERROR,
        api_fail(api, f"wechat server error: HTTP {response.status}"),
        detail=(
            f"base_url: the server answered HTTP {response.status} ({content_type}: {shown!r}) "
            "without a WeChat errcode, so it is not the WeChat API (or a proxy in front of it "
            "failed). Fix: check base_url / CLOUDFN_BASE_URL; if it is right, retry later"
        ),
    )


def decode(api: str, response: ApiResponse, *, convert_case: bool = True) -> dict[str, Any]:
    """Step 6, as the Node SDK does it: the result dict, or raise CloudSDKError."""
    if not response.is_json:
        if response.status >= 400:
            raise _http_error(api, response)
        result: dict[str, Any] = {"contentType": response.content_type.strip(), "buffer": response.body}
    else:
        text = response.body.decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text)
        except ValueError:
            if "text/plain" in response.content_type:
                parsed = {"result": text}
            else:
                raise CloudSDKError(
                    SYSTEM_ERROR,
                    api_fail(api, f"wechat server internal error, response body is invalid json: {text}"),
                ) from None
        result = _as_object(parsed)
        errcode = result.get("errcode")
        if errcode:  # truthy, as the Node SDK tests it
            errmsg = result.get("errmsg")
            raise CloudSDKError(
                errcode if isinstance(errcode, int) else -1,
                api_fail(api, "undefined" if errmsg is None else str(errmsg)),
            )
        if response.status >= 400:
            # WeChat answers its errors with HTTP 200 and an errcode; an HTTP error
            # without one came from something else (a proxy, a wrong base_url).
            raise _http_error(api, response)
        result.pop("errcode", None)
        result.pop("errmsg", None)
        if convert_case:
            result = to_camel_keys(result)
    # Object.assign semantics: an existing key keeps its place, a new one goes last.
    result["errMsg"] = f"openapi.{api}:ok"
    result["errCode"] = 0
    return result


__all__ = ["CALL_TIMEOUT_S", "OpenApiCaller", "decode"]
