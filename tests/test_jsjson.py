"""cloudfn.jsjson and cloudfn.jsvalues: a port's values written as Node's JSON.stringify writes them."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

import cloudfn
from cloudfn.jsjson import stringify, to_json_value
from cloudfn.jsvalues import JSObject, js_object, undefined


def node_stringify(expression: str) -> str:
    node = shutil.which("node")
    assert node is not None, "node is needed on PATH"
    script = f"process.stdout.write(String(JSON.stringify({expression})))"
    return subprocess.run([node, "-e", script], capture_output=True, text=True, check=True, timeout=30).stdout


CASES: list[tuple[Any, str]] = [
    ({"a": undefined, "b": 1}, "{ a: undefined, b: 1 }"),
    ([undefined, 1, None], "[undefined, 1, null]"),
    (
        {"half": 4 / 2, "third": 1 / 4, "big": 1e21, "nan": float("nan"), "inf": float("inf")},
        "{ half: 4 / 2, third: 1 / 4, big: 1e21, nan: NaN, inf: Infinity }",
    ),
    (
        {"at": datetime(2026, 11, 29, 8, 30, 1, 234000, tzinfo=UTC)},
        "{ at: new Date(Date.UTC(2026, 10, 29, 8, 30, 1, 234)) }",
    ),
    (
        {"at": datetime(2026, 11, 29, 16, 30, tzinfo=timezone(timedelta(hours=8)))},
        "{ at: new Date('2026-11-29T16:30:00+08:00') }",
    ),
    ({"err": cloudfn.Error("boom"), "list": (1, "x")}, "{ err: new Error('boom'), list: [1, 'x'] }"),
    ({"buf": b"hi"}, "{ buf: Buffer.from('hi') }"),
    ({"fn": len, "中": "文"}, "{ fn: () => 1, 中: '文' }"),
]


@pytest.mark.parametrize(("value", "javascript"), CASES, ids=[js for _, js in CASES])
def test_stringify_writes_what_node_writes(value: Any, javascript: str) -> None:
    assert stringify(value) == node_stringify(javascript)


def test_a_returned_cloud_sdk_error_is_its_errcode_and_errmsg() -> None:
    error = cloudfn.CloudSDKError(40003, "openapi.x:fail invalid openid", detail="not in the JSON")
    assert stringify(error) == '{"errCode":40003,"errMsg":"openapi.x:fail invalid openid"}'


def test_top_level_undefined_is_null_and_odd_values_are_named() -> None:
    assert to_json_value(undefined) is None
    with pytest.raises(TypeError, match=r"an? object is not JSON serialisable"):
        stringify({"x": object()})


def test_a_js_object_reads_missing_keys_as_undefined() -> None:
    event = js_object({"openid": "o1", "form": {"name": "n"}, "items": [{"id": 1}]})
    assert isinstance(event, JSObject) and isinstance(event["form"], JSObject)
    assert isinstance(event["items"][0], JSObject)
    assert event.get("unionid") is undefined and event["unionid"] is undefined and event.unionid is undefined
    assert event.get("unionid", "dflt") == "dflt"
    assert event.openid == "o1" and event.form.name == "n"
    assert not undefined and undefined != None and repr(undefined) == "undefined"  # noqa: E711
    assert "unionid" not in event  # reading never adds the key
    assert stringify({"openid": event.get("openid"), "unionid": event.get("unionid")}) == '{"openid":"o1"}'
