"""A malformed-call corpus across the logistics namespace, generated from each spec and a valid body.

From the shim, every malformed call ends in a specific CloudSDKError (a code
the API documents, the broken field named, a fix) and nothing is sent. With
validation off, the emulator answers the same code, never a 5xx, and its state
stays as it was. Raw HTTP bodies (not UTF-8, not JSON, too big, too deep) are
posted straight to the emulator with the same expectations.
"""

from __future__ import annotations

import copy
import json
import math
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

import cloudfn
from cloudfn.api.registry import ApiSpec
from cloudfn.api.validation import MAX_BODY_BYTES
from cloudfn.emulator.server import RunningEmulator
from cloudfn.errors import API_NOT_FOUND
from tests.support.emulator import api_requests
from tests.support.logistics import RawClient, logistics_specs, make_cloud, records, valid_body

SPECS = {s.name: s for s in logistics_specs()}
DATA_FORMAT_ERROR = 47001


@dataclass(frozen=True)
class Case:
    kind: str
    field: str  # the field the error must name ("(body)" for the whole body)
    body: dict[str, Any]
    encodable: bool = True  # can a plain JSON encoder send it (for the validation-off run)?


def _label(path: list[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(body)"


def _with(
    body: dict[str, Any], path: list[Any], value: Any = None, *, delete: bool = False
) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    node: Any = changed
    for part in path[:-1]:
        node = node[part]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return changed


def _wrong_type(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return "true"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return {"0": value[0] if value else None}
    return "not an object"


def _max_bytes(node: Mapping[str, Any]) -> int | None:
    for part in node.get("allOf", []):
        if "x-maxBytes" in part:
            return int(part["x-maxBytes"])
    return None


def _leaves(value: Any, path: list[Any]) -> Iterator[tuple[list[Any], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, [*path, index])
    else:
        yield path, value


def _at(body: Any, path: list[Any]) -> Any:
    for part in path:
        body = body[part]
    return body


def _unlimited(schema: Mapping[str, Any], path: list[Any]) -> bool:
    """Is the string at ``path`` free of length, pattern and value rules (only the body size limits it)?"""
    node: Any = schema
    for part in path:
        node = node["items"] if isinstance(part, int) else node.get("properties", {}).get(part, {})
    keys = {"maxLength", "pattern", "enum", "const", "allOf", "x-maxBytes"}
    return node.get("type") == "string" and not keys & set(node)


def corpus(spec: ApiSpec) -> list[Case]:
    body = valid_body(spec.name)
    cases: list[Case] = []

    def walk(node: Mapping[str, Any], value: Any, path: list[Any]) -> None:
        if isinstance(value, dict) and node.get("type") == "object":
            properties = node.get("properties", {})
            for key in value:
                prop, where = properties.get(key), [*path, key]
                if prop is None:
                    continue
                if key in node.get("required", []):
                    cases.append(
                        Case("missing required field", _label(where), _with(body, where, delete=True))
                    )
                cases.append(Case("wrong type", _label(where), _with(body, where, _wrong_type(value[key]))))
                if "enum" in prop or "const" in prop:
                    bad = 999_999 if isinstance(value[key], int) else "no-such-value"
                    cases.append(Case("unknown enum value", _label(where), _with(body, where, bad)))
                limit = _max_bytes(prop)
                if limit:
                    # CJK characters are 3 bytes in UTF-8: under the limit in characters, over it in bytes.
                    too_long = "测" * (limit // 3 + 1)
                    cases.append(Case("too many bytes", _label(where), _with(body, where, too_long)))
                walk(prop, value[key], where)
            if node.get("additionalProperties") is False:
                cases.append(
                    Case("extra field", "unexpected_field", _with(body, [*path, "unexpected_field"], 1))
                )
        elif isinstance(value, list) and value and isinstance(node.get("items"), Mapping):
            walk(node["items"], value[0], [*path, 0])

    walk(spec.request_schema, body, [])
    cases.append(Case("unicode field name", "名字", {**copy.deepcopy(body), "名字": "张三"}))
    # A lone surrogate where the schema allows any text, so only the encoding rule catches it.
    unlimited = [p for p, v in _leaves(body, []) if isinstance(v, str) and _unlimited(spec.request_schema, p)]
    if unlimited:
        path = unlimited[0]
        text = "\ud800" + _at(body, path)
        cases.append(Case("lone surrogate (not UTF-8)", _label(path), _with(body, path, text), False))
    numbers = [(p, v) for p, v in _leaves(body, []) if isinstance(v, float)]
    if numbers:
        path, _ = numbers[0]
        cases.append(Case("NaN number", _label(path), _with(body, path, math.nan), False))
    if unlimited:
        path = unlimited[-1]
        cases.append(Case("oversized body", "(body)", _with(body, path, "x" * (MAX_BODY_BYTES + 1))))
    return cases


CORPUS = [(name, case) for name, spec in SPECS.items() for case in corpus(spec)]
IDS = [f"{name.split('.')[1]}:{case.kind}:{case.field}" for name, case in CORPUS]


@pytest.fixture(scope="module")
def outcomes() -> Counter[str]:
    return Counter()


def test_corpus_covers_every_api_and_kind() -> None:
    assert {name for name, _ in CORPUS} == set(SPECS)
    kinds = Counter(case.kind for _, case in CORPUS)
    for kind in (
        "missing required field",
        "wrong type",
        "unknown enum value",
        "extra field",
        "too many bytes",
    ):
        assert kinds[kind] > 0, kind
    for kind in ("lone surrogate (not UTF-8)", "NaN number", "oversized body", "unicode field name"):
        assert kinds[kind] > 0, kind
    assert len(CORPUS) >= 300


async def test_shim_refuses_each_malformed_call_without_sending(emulator: RunningEmulator) -> None:
    codes: Counter[int] = Counter()
    async with make_cloud(emulator) as cloud:
        for name, case in CORPUS:
            with pytest.raises(cloudfn.CloudSDKError) as caught:
                await cloud.call(name, case.body, convert_case=False)
            error, where = caught.value, f"{name} {case.kind} {case.field}"
            assert error.errCode in SPECS[name].errors and error.errCode != -1, (where, str(error))
            assert error.detail is not None and "nothing was sent" in error.detail and "Fix:" in error.detail
            assert case.field in error.detail.split(". Fix:")[0], (where, error.detail)
            if case.kind in ("lone surrogate (not UTF-8)", "oversized body"):
                assert error.errCode == DATA_FORMAT_ERROR, where
            codes[error.errCode] += 1
    assert api_requests(emulator) == [] and emulator.state.token_requests == 0
    print(f"\nshim: {len(CORPUS)} malformed calls, refused by code: {dict(sorted(codes.items()))}")


async def test_emulator_answers_each_malformed_call_with_validation_off(emulator: RunningEmulator) -> None:
    before = records(emulator)
    codes: Counter[int] = Counter()
    sent = [(name, case) for name, case in CORPUS if case.encodable]
    async with make_cloud(emulator) as checked, make_cloud(emulator, validate=False) as unchecked:
        for name, case in sent:
            with pytest.raises(cloudfn.CloudSDKError) as local:
                await checked.call(name, case.body, convert_case=False)
            with pytest.raises(cloudfn.CloudSDKError) as remote:
                await unchecked.call(name, case.body, convert_case=False)
            assert remote.value.errCode == local.value.errCode, (
                name,
                case.kind,
                case.field,
                str(remote.value),
            )
            assert " rid: " in remote.value.errMsg and "local-" not in remote.value.errMsg
            codes[remote.value.errCode] += 1
    logged = api_requests(emulator)
    assert len(logged) == len(sent) and all(r.status == 200 for r in logged)
    assert records(emulator) == before
    print(
        f"\nemulator: {len(sent)} malformed calls sent unvalidated, "
        f"answered by code: {dict(sorted(codes.items()))}"
    )


ANY_DOCUMENTED: set[int] = set()  # any code the API documents
RAW_BODIES: list[tuple[str, bytes, set[int]]] = [
    ("invalid UTF-8", b'{"order_id": "\xff\xfe"}', {DATA_FORMAT_ERROR}),
    ("latin-1 text", '{"biz_id": "café"}'.encode("latin-1"), {DATA_FORMAT_ERROR}),
    ("not JSON", b"order_id=1&delivery_id=TEST", {DATA_FORMAT_ERROR}),
    ("truncated JSON", b'{"order_id": "1"', {DATA_FORMAT_ERROR}),
    ("JSON array", b"[1, 2, 3]", {DATA_FORMAT_ERROR}),
    ("JSON string", b'"hello"', {DATA_FORMAT_ERROR}),
    ("empty", b"", {44002}),
    ("whitespace", b" \n\t ", {44002}),
    ("too deep", b"[" * 200_000 + b"]" * 200_000, {DATA_FORMAT_ERROR}),
    ("over the size limit", b'{"a": "' + b"x" * (MAX_BODY_BYTES + 16) + b'"}', {DATA_FORMAT_ERROR}),
    ("NaN literal", b'{"unexpected": NaN}', ANY_DOCUMENTED),
    ("empty object", b"{}", ANY_DOCUMENTED),
]


@pytest.mark.parametrize("name", sorted(SPECS))
async def test_raw_bodies_never_5xx_and_change_nothing(emulator: RunningEmulator, name: str) -> None:
    spec = SPECS[name]
    before = records(emulator)
    async with aiohttp.ClientSession() as session:
        client = RawClient(emulator, session)
        await client.login()
        if spec.method == "GET":
            for params in (
                {"unexpected": "1"},
                {"名字": "\udcff".encode("utf-8", "surrogatepass").decode("latin-1")},
            ):
                status, answer = await client.get(spec.path, params)
                assert status == 200 and answer["errcode"] == 40097, (params, answer)
            return
        raws = list(RAW_BODIES)
        surrogate = [case for case in corpus(spec) if case.kind == "lone surrogate (not UTF-8)"]
        if surrogate:  # the valid body, one text field carrying an escaped lone surrogate
            raw = json.dumps(surrogate[0].body, ensure_ascii=True).encode()
            raws.append(("lone surrogate escape", raw, {DATA_FORMAT_ERROR}))
        for label, raw, expected in raws:
            status, answer = await client.post(spec.path, raw)
            assert status < 500 and status == 200, (label, status)
            assert answer["errcode"] in (expected or spec.errors) or answer["errcode"] == 44002, (
                label,
                answer,
            )
            assert answer["errcode"] != 0, label
            assert " rid: " in answer["errmsg"]
    assert records(emulator) == before


def test_a_valid_unicode_name_is_accepted() -> None:
    """Unicode in names is not malformed: the control case for the corpus above."""
    from cloudfn.api.validation import find_violation

    body = valid_body("logistics.addOrder")
    body["receiver"]["name"] = "欧阳🚚娜娜"  # 4-byte emoji, 16 bytes in all: under 64
    body["sender"]["company"] = "Ünïcødé GmbH"
    assert find_violation(SPECS["logistics.addOrder"], body) is None
    body["receiver"]["name"] = "🚚" * 17  # 68 bytes, only 17 characters
    violation = find_violation(SPECS["logistics.addOrder"], body)
    assert violation is not None and (violation.errcode, violation.field) == (9300526, "receiver.name")
    assert json.dumps(body, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("method", ["addOrdér", "获取运单", "add\u200border", "getPath\ud800"])
async def test_unicode_api_names_are_refused_locally(emulator: RunningEmulator, method: str) -> None:
    async with make_cloud(emulator) as cloud:
        with pytest.raises(cloudfn.CloudSDKError) as caught:
            await getattr(cloud.openapi.logistics, method)(valid_body("logistics.addOrder"))
    error = caught.value
    assert error.errCode == API_NOT_FOUND and error.detail is not None
    assert f"logistics.{method}" in error.detail and "Fix:" in error.detail
    if method == "addOrdér":
        assert "did you mean logistics.addOrder?" in error.detail
    assert api_requests(emulator) == [] and emulator.state.token_requests == 0
