"""Hostile arguments to a cloud call: each one is a CloudSDKError naming field, rule and fix, nothing sent.

A handler written as the README shows (``except cloudfn.CloudSDKError``)
must never see a raw TypeError, ValueError or RecursionError from the shim.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import cloudfn
from cloudfn import CloudSDKError
from cloudfn.cloud import Cloud
from cloudfn.emulator.server import RunningEmulator
from tests.support.emulator import api_requests
from tests.support.paths import SEED_DIR as SEED_EXAMPLE

SEED_OPENID = "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw"
API = "logistics.updatePrinter"


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"a": value}
    return value


def nested_list(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


def circular_dict() -> dict[str, Any]:
    loop: dict[str, Any] = {"openid": SEED_OPENID, "updateType": "bind"}
    loop["self"] = loop
    return loop


def circular_list() -> dict[str, Any]:
    items: list[Any] = []
    items.append(items)
    return {"openid": SEED_OPENID, "updateType": "bind", "tagidList": items}


class BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("repr exploded")

    __str__ = __repr__


class Custom:
    pass


def body(**extra: Any) -> dict[str, Any]:
    return {"openid": SEED_OPENID, "updateType": "bind", **extra}


# (case id, the call's data, a word the detail must hold besides "Fix:")
BAD_DATA: list[tuple[str, Any, str]] = [
    ("nested-1000-dict", body(printer=nested(1000)), "nest"),
    ("nested-5000-dict", body(printer=nested(5000)), "nest"),
    ("nested-1000-list", body(tagidList=nested_list(1000)), "nest"),
    ("circular-dict", circular_dict(), "circular"),
    ("circular-list", circular_list(), "circular"),
    ("bytes-in-typed-field", body(openid=b"oJ4v0w"), "bytes"),
    ("bytearray", body(openid=bytearray(b"x")), "bytearray"),
    ("set-in-typed-field", body(updateType={"bind"}), "set"),
    ("frozenset", body(updateType=frozenset({"bind"})), "frozenset"),
    ("custom-object", body(updateType=Custom()), "Custom"),
    ("complex", body(updateType=1j), "complex"),
    ("bad-repr-object", body(updateType=BadRepr()), "BadRepr"),
    ("bad-repr-key", {BadRepr(): 1, **body()}, "key"),
    ("huge-int", body(updateType=10**5000), "integer"),
    ("huge-negative-int", body(tagidList=-(10**400)), "integer"),
    ("int-key", {1: "x", **body()}, "key"),
    ("none-key", {None: "x", **body()}, "key"),
    ("tuple-key", {("a", "b"): "x", **body()}, "key"),
    ("nested-int-key", body(printer={2: "x"}), "key"),
    # Values the encoder refuses; a schema rule broken first may answer instead.
    ("nan", body(updateType=float("nan")), ""),
    ("inf-deep", body(printer={"a": [float("inf")]}), ""),
    ("lone-surrogate", body(updateType="\ud800"), ""),
]


def check_refused(err: CloudSDKError, word: str) -> None:
    assert err.detail, f"no detail: {err!r}"
    assert "Fix:" in err.detail, err.detail
    assert ":" in err.detail.split("Fix:")[0], f"the detail must name the field first: {err.detail}"
    assert word.lower() in err.detail.lower(), err.detail
    assert "nothing was sent" in err.detail, err.detail
    assert len(str(err)) < 2000, "the message must stay readable"


@pytest.mark.parametrize(("data", "word"), [c[1:] for c in BAD_DATA], ids=[c[0] for c in BAD_DATA])
@pytest.mark.parametrize("mode", ["default", "no-convert-case", "no-validate", "neither"])
async def test_unsendable_data_is_a_clean_error(
    emulator: RunningEmulator, data: Any, word: str, mode: str
) -> None:
    async with cloudfn.init(
        config=SEED_EXAMPLE / "config.json",
        base_url=emulator.base_url,
        appid=emulator.appid,
        secret=emulator.secret,
        validate=mode not in ("no-validate", "neither"),
    ) as cloud:
        root = cloud.openapi(convertCase=mode not in ("no-convert-case", "neither"))
        with pytest.raises(CloudSDKError) as caught:
            await root.logistics.updatePrinter(data)
        check_refused(caught.value, word)
        with pytest.raises(CloudSDKError) as caught:
            await cloud.call(API, data, convert_case=mode not in ("no-convert-case", "neither"))
        check_refused(caught.value, word)
    assert api_requests(emulator) == []


NOT_A_DICT: list[tuple[str, Any]] = [
    ("list", [1, 2]),
    ("list-of-pairs", [("openid", SEED_OPENID)]),
    ("str", "openid=x"),
    ("int", 7),
    ("bytes", b"{}"),
    ("object", Custom()),
    ("bad-repr", BadRepr()),
]


@pytest.mark.parametrize("data", [c[1] for c in NOT_A_DICT], ids=[c[0] for c in NOT_A_DICT])
async def test_call_with_non_dict_data(seed_cloud: Cloud, emulator: RunningEmulator, data: Any) -> None:
    with pytest.raises(CloudSDKError) as caught:
        await seed_cloud.call(API, data)
    assert caught.value.errCode == -601002
    assert caught.value.detail and caught.value.detail.startswith("data:"), caught.value.detail
    assert "Fix:" in caught.value.detail
    assert api_requests(emulator) == []


BAD_NAMES: list[tuple[str, Any]] = [
    ("none", None),
    ("int", 12),
    ("float", 1.5),
    ("bytes", b"logistics.updatePrinter"),
    ("list", ["logistics", "updatePrinter"]),
    ("tuple", ("logistics", "updatePrinter")),
    ("bad-repr", BadRepr()),
]


@pytest.mark.parametrize("name", [c[1] for c in BAD_NAMES], ids=[c[0] for c in BAD_NAMES])
@pytest.mark.parametrize("permissions", [True, False])
async def test_bad_api_names(emulator: RunningEmulator, name: Any, permissions: bool) -> None:
    async with cloudfn.init(
        config=SEED_EXAMPLE / "config.json" if permissions else None,
        base_url=emulator.base_url,
        appid=emulator.appid,
        secret=emulator.secret,
    ) as cloud:
        with pytest.raises(CloudSDKError) as caught:
            await cloud.call(name, {})
    detail = caught.value.detail or ""
    assert detail.startswith("api:") and "Fix:" in detail, detail
    assert api_requests(emulator) == []


BAD_OPTIONS: list[tuple[str, Callable[[Cloud], Any]]] = [
    ("appid-list", lambda c: c.openapi(appid=["x"]).logistics.updatePrinter(body())),
    ("appid-int", lambda c: c.openapi(appid=5).logistics.updatePrinter(body())),
    ("appid-dict", lambda c: c.openapi({"appid": {"a": 1}}).logistics.updatePrinter(body())),
    ("call-appid-bytes", lambda c: c.call(API, body(), appid=b"wx")),
    ("call-appid-bad-repr", lambda c: c.call(API, body(), appid=BadRepr())),
]


@pytest.mark.parametrize("make", [c[1] for c in BAD_OPTIONS], ids=[c[0] for c in BAD_OPTIONS])
async def test_bad_appid_option(
    seed_cloud: Cloud, emulator: RunningEmulator, make: Callable[[Cloud], Any]
) -> None:
    with pytest.raises(CloudSDKError) as caught:
        await make(seed_cloud)
    assert caught.value.errCode == -601002
    detail = caught.value.detail or ""
    assert detail.startswith("appid:") and "Fix:" in detail, detail
    assert api_requests(emulator) == []


async def test_a_fine_call_after_the_hostile_ones_still_works(
    seed_cloud: Cloud, emulator: RunningEmulator
) -> None:
    for _, data, _ in BAD_DATA:
        with pytest.raises(CloudSDKError):
            await seed_cloud.call(API, data)
    result = await seed_cloud.call(API, body())
    assert result["errCode"] == 0
    assert len(api_requests(emulator)) == 1
