"""``cloud.getOpenData({"list": [cloudID, ...]})``: the open data behind cloudIDs, as wx-server-sdk 4.0.2 gives it.

The Node SDK sends the svrkit API ``ApiGetOpenDataByCloudId`` over the
platform's ``/admin`` wire (``CommApiData.svrkitData``, protobuf
``ApiGetOpenDataByCloudIdReq``) and answers ``{"list": [parsed json, ...],
"errMsg": "getOpenData:ok", "errCode": 0}``. On the tcb transport cloudfn does
the same; on the others, which have no svrkit channel, it asks the HTTPS API
that serves the same data (``cloudbase.getOpenData``, ``/wxa/getopendata``)
and answers in the same shape. No permission is needed, as on the platform.

The SDK's ``CloudID`` class is declared in its typings but not exported at
run time (``cloud.CloudID`` is undefined in 4.0.2), so cloudfn has none either.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import CloudSDKError, platform_refusal
from ..proto import ApiGetOpenDataByCloudIdReq, ApiGetOpenDataByCloudIdResp
from ..transport.base import ApiRequest, Transport
from ..transport.errors import PlatformRefusal, TransportError
from .registry import Registry

API_NAME = "getOpenData"
SVRKIT_API = "ApiGetOpenDataByCloudId"
HTTPS_API = "cloudbase.getOpenData"


def _fail(message: str, *, detail: str) -> CloudSDKError:
    return CloudSDKError(-1, f"{API_NAME}:fail {message}", detail=detail)


def _js_typeof(value: Any) -> str:
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else "object"


def cloud_ids(options: Any) -> list[str]:
    """The cloudIDs asked for, checked as the Node SDK checks them (errors worded as it words them)."""
    if options is None or options is False or options == 0 or options == "":  # JavaScript's falsy
        kind = _js_typeof(options)
        raise _fail(
            f"{kind} . Params for getOpenData must be an object instead of {kind}",
            detail='options: missing. Fix: cloud.getOpenData({"list": [cloudID, ...]})',
        )
    wanted = options.get("list") if isinstance(options, Mapping) else None
    if wanted is None or wanted in ("", 0, False):
        raise _fail(
            "list must be provided",
            detail='list: missing. Fix: cloud.getOpenData({"list": [cloudID, ...]})',
        )
    if not isinstance(wanted, list | tuple) or not all(isinstance(i, str) for i in wanted):
        raise _fail(
            "list must be an array of cloudID strings",
            detail=f"list: got {wanted!r}. Fix: pass the cloudIDs the mini program sent, as strings",
        )
    return list(wanted)


def _parsed(items: list[tuple[str, str]]) -> list[Any]:
    parsed = []
    for cloud_id, text in items:
        if not text:
            raise CloudSDKError(-601001, f"internal svrkit error, empty openData json field for {cloud_id}")
        parsed.append(json.loads(text))
    return parsed


async def get_open_data(
    options: Any, *, transport: Transport, registry: Registry, appid: str | None = None
) -> dict[str, Any]:
    wanted = cloud_ids(options)
    appid = options.get("appid") or appid
    from ..transport.tcb import TcbTransport

    try:
        if isinstance(transport, TcbTransport):
            request = ApiGetOpenDataByCloudIdReq(cloudidList=wanted).SerializeToString()
            answer = ApiGetOpenDataByCloudIdResp.FromString(
                await transport.send_svrkit(SVRKIT_API, request, appid)
            )
            items = [(item.cloudId, item.json) for item in answer.dataList]
        else:
            items = await _over_https(wanted, transport, registry, appid)
    except PlatformRefusal as exc:
        raise platform_refusal(exc.code, detail=exc.detail) from None
    except TransportError as exc:
        raise CloudSDKError(exc.code, f"{API_NAME}:fail {exc.message}", detail=exc.detail) from None
    return {"list": _parsed(items), "errMsg": f"{API_NAME}:ok", "errCode": 0}


async def _over_https(
    wanted: list[str], transport: Transport, registry: Registry, appid: str | None
) -> list[tuple[str, str]]:
    spec = registry.get(HTTPS_API)
    assert spec is not None, "the shipped specs include cloudbase.getOpenData"
    response = await transport.send(
        ApiRequest(
            api=HTTPS_API,
            method=spec.method,
            path=spec.path,
            body={"cloudid_list": wanted},
            appid=appid,
            query_fields=spec.query_fields,
        )
    )
    try:
        document = json.loads(response.body)
    except ValueError:
        raise TransportError(-601001, "unknown wx response received") from None
    errcode = document.get("errcode") if isinstance(document, dict) else None
    if errcode:
        # The platform's refusal, as the /admin wire gives it (-601005 invalid cloudID).
        raise PlatformRefusal(int(errcode))
    return [(str(i.get("cloud_id", "")), str(i.get("json", ""))) for i in document.get("data_list", [])]


__all__ = ["get_open_data"]
