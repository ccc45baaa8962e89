"""Per-API rules of the logistics namespace: every validation rule and every documented server error.

Validation rules are checked twice: from the shim (refused locally, nothing
sent) and against the emulator with validation off (the emulator answers the
same code, with a request id, and changes nothing). Server-side rules (state)
are checked through the shim against the emulator. Expected codes are the
ones on the official pages (see docs/logistics.md for where they were silent).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

import pytest

import cloudfn
from cloudfn.api.validation import checks
from cloudfn.emulator.logistics.responses import book
from cloudfn.emulator.server import RunningEmulator
from cloudfn.emulator.state import SEED_OPENID
from tests.support.emulator import api_requests
from tests.support.logistics import REF, logistics_specs, make_cloud, order_body, records, spec, valid_body

RID = re.compile(r" rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$")
Mutation = Callable[[dict[str, Any]], None]


def drop(*path: str | int) -> Mutation:
    def apply(body: dict[str, Any]) -> None:
        node: Any = body
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]

    return apply


def put(value: Any, *path: str | int) -> Mutation:
    def apply(body: dict[str, Any]) -> None:
        node: Any = body
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return apply


def both(*mutations: Mutation) -> Mutation:
    def apply(body: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(body)

    return apply


# (api, mutation of the API's valid body, documented code, field named in the detail)
VALIDATION_RULES: list[tuple[str, Mutation, int, str]] = [
    ("logistics.bindAccount", drop("type"), 40097, "type"),
    ("logistics.bindAccount", put("rebind", "type"), 40097, "type"),
    ("logistics.bindAccount", drop("delivery_id"), 40097, "delivery_id"),
    ("logistics.bindAccount", put("x" * 257, "password"), 9300526, "password"),
    ("logistics.bindAccount", put(1, "biz_id"), 40097, "biz_id"),
    ("logistics.getAllAccount", put(1, "unexpected"), 40097, "unexpected"),
    ("logistics.getAllDelivery", put("x", "page"), 40097, "page"),
    ("logistics.getPrinter", put("x", "openid"), 40097, "openid"),
    ("logistics.updatePrinter", put("rebind", "update_type"), 9300517, "update_type"),
    ("logistics.updatePrinter", put("", "openid"), 40003, "openid"),
    ("logistics.updatePrinter", put("1, 2", "tagid_list"), 40097, "tagid_list"),
    ("logistics.addOrder", drop("openid"), 40003, "openid"),
    ("logistics.addOrder", put("", "openid"), 40003, "openid"),
    ("logistics.addOrder", put(2, "add_source"), 9300536, "wx_appid"),
    ("logistics.addOrder", both(put(2, "add_source"), put("", "wx_appid")), 9300536, "wx_appid"),
    ("logistics.addOrder", both(put(2, "add_source"), put("wx-app", "wx_appid")), 9300536, "wx_appid"),
    ("logistics.addOrder", put(1, "add_source"), 40097, "add_source"),
    ("logistics.addOrder", put("0", "add_source"), 40097, "add_source"),
    ("logistics.addOrder", drop("sender"), 40097, "sender"),
    ("logistics.addOrder", drop("receiver", "tel"), 40097, "receiver"),
    ("logistics.addOrder", drop("receiver", "city"), 40097, "receiver.city"),
    ("logistics.addOrder", put("名" * 22, "sender", "name"), 9300526, "sender.name"),
    ("logistics.addOrder", put("1" * 33, "sender", "mobile"), 9300526, "sender.mobile"),
    ("logistics.addOrder", put("x" * 513, "order_id"), 9300526, "order_id"),
    ("logistics.addOrder", put("x" * 1025, "custom_remark"), 9300526, "custom_remark"),
    ("logistics.addOrder", put("test", "delivery_id"), 40097, "delivery_id"),
    ("logistics.addOrder", drop("shop", "goods_name"), 9300535, "shop"),
    ("logistics.addOrder", put("1", "shop", "goods_count"), 9300535, "shop.goods_count"),
    ("logistics.addOrder", put("", "shop", "img_url"), 9300535, "shop.img_url"),
    ("logistics.addOrder", put([], "cargo", "detail_list"), 40097, "cargo.detail_list"),
    ("logistics.addOrder", put(0, "cargo", "weight"), 40097, "cargo.weight"),
    ("logistics.addOrder", put(0, "cargo", "detail_list", 0, "count"), 40097, "cargo.detail_list[0].count"),
    ("logistics.addOrder", put(2, "insured", "use_insured"), 40097, "insured.use_insured"),
    ("logistics.addOrder", drop("service", "service_name"), 40097, "service.service_name"),
    ("logistics.addOrder", put(1.5, "service", "service_type"), 40097, "service.service_type"),
    ("logistics.addOrder", put(3, "take_mode"), 40097, "take_mode"),
    ("logistics.addOrder", put("小心轻放", "remark"), 40097, "remark"),
    ("logistics.batchGetOrder", put([], "order_list"), 40097, "order_list"),
    ("logistics.batchGetOrder", put([dict(REF)] * 101, "order_list"), 40097, "order_list"),
    ("logistics.batchGetOrder", drop("order_list", 0, "delivery_id"), 40097, "order_list[0].delivery_id"),
    ("logistics.getOrder", put(2, "print_type"), 40097, "print_type"),
    ("logistics.cancelOrder", drop("waybill_id"), 40097, "waybill_id"),
    ("logistics.cancelOrder", put(7, "openid"), 40003, "openid"),
    ("logistics.getOrder", drop("delivery_id"), 40097, "delivery_id"),
    ("logistics.getOrder", put("x" * 513, "order_id"), 9300526, "order_id"),
    ("logistics.getPath", drop("order_id"), 40097, "order_id"),
    ("logistics.getQuota", drop("biz_id"), 40097, "biz_id"),
    ("logistics.testUpdateOrder", put("SF", "delivery_id"), 40097, "delivery_id"),
    ("logistics.testUpdateOrder", put("SF_CASH", "biz_id"), 40097, "biz_id"),
    ("logistics.testUpdateOrder", put(100004, "action_type"), 40097, "action_type"),
    ("logistics.testUpdateOrder", put(-1, "action_time"), 40097, "action_time"),
    ("logistics.testUpdateOrder", put("x" * 1025, "action_msg"), 9300526, "action_msg"),
    ("logistics.testUpdateOrder", drop("waybill_id"), 40097, "waybill_id"),
    ("logistics.getContact", put("", "token"), 9300507, "token"),
    ("logistics.getContact", drop("waybill_id"), 40097, "waybill_id"),
    ("logistics.previewTemplate", put("not base64!", "waybill_template"), 9300512, "waybill_template"),
    ("logistics.previewTemplate", drop("custom", "sender"), 40097, "custom.sender"),
    ("logistics.updateBusiness", put(1, "result_code"), 40097, "result_msg"),
    ("logistics.updateBusiness", put("", "shop_app_id"), 40013, "shop_app_id"),
    ("logistics.updateBusiness", put("0", "result_code"), 40097, "result_code"),
    ("logistics.updatePath", put("100001", "action_type"), 40097, "action_type"),
    ("logistics.updatePath", put("", "token"), 9300507, "token"),
]
RULE_IDS = [
    f"{api.split('.')[1]}-{code}-{field}-{i}" for i, (api, _, code, field) in enumerate(VALIDATION_RULES)
]


def broken(api: str, mutation: Mutation) -> dict[str, Any]:
    body = valid_body(api)
    mutation(body)
    return body


@pytest.mark.parametrize(("api", "mutation", "code", "field"), VALIDATION_RULES, ids=RULE_IDS)
async def test_rule_refused_by_the_shim_nothing_sent(
    emulator: RunningEmulator,
    logistics_cloud: cloudfn.Cloud,
    api: str,
    mutation: Mutation,
    code: int,
    field: str,
) -> None:
    with pytest.raises(cloudfn.CloudSDKError) as caught:
        await logistics_cloud.call(api, broken(api, mutation), convert_case=False)
    error = caught.value
    assert error.errCode == code, str(error)
    assert error.errMsg.startswith(f"openapi.{api}:fail ") and re.search(
        r" rid: local-[0-9a-f]{8}$", error.errMsg
    )
    assert error.detail is not None and field in error.detail.split(". Fix:")[0], error.detail
    assert "Fix:" in error.detail and "nothing was sent" in error.detail
    assert api_requests(emulator) == []
    assert emulator.state.token_requests == 0  # not even a token was fetched


@pytest.mark.parametrize(("api", "mutation", "code", "field"), VALIDATION_RULES, ids=RULE_IDS)
async def test_rule_answered_by_the_emulator(
    emulator: RunningEmulator, api: str, mutation: Mutation, code: int, field: str
) -> None:
    before = records(emulator)
    async with make_cloud(emulator, validate=False) as unchecked:
        with pytest.raises(cloudfn.CloudSDKError) as caught:
            await unchecked.call(api, broken(api, mutation), convert_case=False)
    assert caught.value.errCode == code, str(caught.value)
    assert RID.search(caught.value.errMsg), caught.value.errMsg
    [logged] = api_requests(emulator, api)
    assert logged.status == 200 and logged.errcode == code
    assert records(emulator) == before


def test_every_api_has_validation_rules_tested() -> None:
    assert {api for api, *_ in VALIDATION_RULES} == {s.name for s in logistics_specs()}


# -- server rules (state), through the shim ---------------------------------------------


async def expect(cloud: cloudfn.Cloud, api: str, body: dict[str, Any], code: int) -> cloudfn.CloudSDKError:
    with pytest.raises(cloudfn.CloudSDKError) as caught:
        await cloud.call(api, body, convert_case=False)
    assert caught.value.errCode == code, str(caught.value)
    assert RID.search(caught.value.errMsg), caught.value.errMsg
    return caught.value


async def ok(cloud: cloudfn.Cloud, api: str, body: dict[str, Any]) -> dict[str, Any]:
    return await cloud.call(api, body, convert_case=False)


def assert_answers_match_response_schemas(emulator: RunningEmulator) -> int:
    """Every successful answer the emulator gave fits its API's response schema."""
    checked = 0
    for logged in api_requests(emulator):
        if logged.errcode == 0:
            errors = list(checks(spec(logged.api)).response.iter_errors(logged.response))
            assert errors == [], (logged.api, [e.message for e in errors])
            checked += 1
    return checked


async def place(cloud: cloudfn.Cloud, order_id: str, **changes: Any) -> dict[str, Any]:
    return await ok(cloud, "logistics.addOrder", order_body(order_id, **changes))


async def test_bind_account_rules(emulator: RunningEmulator, logistics_cloud: cloudfn.Cloud) -> None:
    bind = {"type": "bind", "delivery_id": "YUNDA", "biz_id": "yd-001"}
    await expect(logistics_cloud, "logistics.bindAccount", {**bind, "delivery_id": "NOPE"}, 9300503)
    await expect(logistics_cloud, "logistics.bindAccount", bind, 9300531)  # YUNDA needs a password
    await expect(
        logistics_cloud, "logistics.bindAccount", {**bind, "delivery_id": "TEST"}, 9300531
    )  # sandbox: test_biz_id
    await ok(logistics_cloud, "logistics.bindAccount", {**bind, "password": "secret-1"})
    await expect(logistics_cloud, "logistics.bindAccount", {**bind, "password": "secret-1"}, 9300529)
    await expect(
        logistics_cloud, "logistics.bindAccount", {**bind, "type": "unbind", "biz_id": "yd-002"}, 9300530
    )
    listed = await ok(logistics_cloud, "logistics.getAllAccount", {})
    assert [(a["delivery_id"], a["biz_id"], a["status_code"]) for a in listed["list"]] == [
        ("YUNDA", "yd-001", 0)
    ]
    await ok(logistics_cloud, "logistics.bindAccount", {**bind, "type": "unbind"})
    assert (await ok(logistics_cloud, "logistics.getAllAccount", {}))["count"] == 0


async def test_review_flow_for_companies_that_review(
    emulator: RunningEmulator, logistics_cloud: cloudfn.Cloud
) -> None:
    ems = {
        "type": "bind",
        "delivery_id": "EMS",
        "biz_id": "EMS-001",
        "remark_content": "电话:123 联系人:张三",
    }
    await ok(logistics_cloud, "logistics.bindAccount", ems)
    [account] = (await ok(logistics_cloud, "logistics.getAllAccount", {}))["list"]
    assert account["status_code"] == 1 and account["remark_content"] == ems["remark_content"]
    await expect(logistics_cloud, "logistics.bindAccount", ems, 9300532)  # still under review
    ems_order = order_body(
        "o-ems", delivery_id="EMS", biz_id="EMS-001", service={"service_type": 6, "service_name": "标准快递"}
    )
    await expect(logistics_cloud, "logistics.addOrder", ems_order, 9300525)  # not approved yet
    review = {"shop_app_id": emulator.appid, "biz_id": "EMS-001", "result_code": 1, "result_msg": "资料不全"}
    await expect(
        logistics_cloud, "logistics.updateBusiness", {**review, "shop_app_id": "wx00000000000000ff"}, 40013
    )
    await ok(logistics_cloud, "logistics.updateBusiness", review)
    [account] = (await ok(logistics_cloud, "logistics.getAllAccount", {}))["list"]
    assert (account["status_code"], account["remark_wrong_msg"]) == (2, "资料不全")
    await expect(logistics_cloud, "logistics.updateBusiness", review, 9300525)  # nothing pending any more
    await ok(logistics_cloud, "logistics.bindAccount", ems)  # a rejected account may apply again
    await ok(logistics_cloud, "logistics.updateBusiness", {**review, "result_code": 0})
    [account] = (await ok(logistics_cloud, "logistics.getAllAccount", {}))["list"]
    assert account["status_code"] == 0
    assert (await ok(logistics_cloud, "logistics.addOrder", ems_order))["waybill_id"].startswith("EMS")


async def test_add_order_rules(emulator: RunningEmulator, logistics_cloud: cloudfn.Cloud) -> None:
    await expect(logistics_cloud, "logistics.addOrder", order_body("o-1", delivery_id="NOPE"), 9300503)
    await expect(
        logistics_cloud, "logistics.addOrder", order_body("o-1", delivery_id="SF", biz_id="sf-1"), 9300525
    )
    await expect(
        logistics_cloud, "logistics.addOrder", order_body("o-1", openid="oUnknownUser000000000000000"), 40003
    )
    await expect(
        logistics_cloud,
        "logistics.addOrder",
        order_body("o-1", service={"service_type": 7, "service_name": "x"}),
        9300504,
    )
    assert api_requests(emulator, "logistics.addOrder") and records(emulator)[emulator.appid].get(
        "logistics"
    ) in (
        None,
        {"accounts": [], "sandbox_quota": 10_000, "orders": {}},
    )
    first = await place(logistics_cloud, "o-1")
    assert (await place(logistics_cloud, "o-1"))["waybill_id"] == first["waybill_id"]
    error = await expect(
        logistics_cloud, "logistics.addOrder", order_body("o-1", delivery_id="SF", biz_id="SF_CASH"), 9300501
    )
    assert "delivery logic fail" in error.errMsg
    logged = api_requests(emulator, "logistics.addOrder")[-1].response
    assert logged["delivery_resultcode"] != 0 and logged["delivery_resultmsg"]
    # An App/H5 order names its appid and needs no openid.
    app_order = order_body("o-app", add_source=2, wx_appid="wx00000000000000aa")
    del app_order["openid"]
    assert (await ok(logistics_cloud, "logistics.addOrder", app_order))["order_id"] == "o-app"
    # Quota: an account with nothing left cannot print.
    await ok(
        logistics_cloud, "logistics.bindAccount", {"type": "bind", "delivery_id": "SF", "biz_id": "sf-1"}
    )
    book(emulator.state.apps[emulator.appid]).accounts[("SF", "sf-1")].quota_num = 0
    await expect(
        logistics_cloud, "logistics.addOrder", order_body("o-2", delivery_id="SF", biz_id="sf-1"), 9300501
    )
    assert assert_answers_match_response_schemas(emulator) >= 3


async def test_quota_rules(logistics_cloud: cloudfn.Cloud) -> None:
    await expect(logistics_cloud, "logistics.getQuota", {"delivery_id": "NOPE", "biz_id": "x"}, 9300503)
    await expect(logistics_cloud, "logistics.getQuota", {"delivery_id": "SF", "biz_id": "sf-1"}, 9300525)
    sandbox = {"delivery_id": "TEST", "biz_id": "test_biz_id"}
    before = (await ok(logistics_cloud, "logistics.getQuota", sandbox))["quota_num"]
    await place(logistics_cloud, "q-1")
    assert (await ok(logistics_cloud, "logistics.getQuota", sandbox))["quota_num"] == before - 1
    await ok(
        logistics_cloud, "logistics.bindAccount", {"type": "bind", "delivery_id": "SF", "biz_id": "sf-1"}
    )
    assert (await ok(logistics_cloud, "logistics.getQuota", {"delivery_id": "SF", "biz_id": "sf-1"}))[
        "quota_num"
    ] > 0


async def test_order_lookup_and_cancel_rules(
    emulator: RunningEmulator, logistics_cloud: cloudfn.Cloud
) -> None:
    placed = await place(logistics_cloud, "c-1")
    ref = {"order_id": "c-1", "delivery_id": "TEST", "waybill_id": placed["waybill_id"]}
    for api in ("logistics.getOrder", "logistics.getPath", "logistics.cancelOrder"):
        await expect(logistics_cloud, api, {**ref, "order_id": "c-404"}, 930563)
        await expect(logistics_cloud, api, {**ref, "waybill_id": "TEST9"}, 930563)
        await expect(logistics_cloud, api, {**ref, "delivery_id": "SF"}, 930563)
        await expect(logistics_cloud, api, {**ref, "openid": "oSomeoneElse"}, 930563)
    batch = await ok(
        logistics_cloud, "logistics.batchGetOrder", {"order_list": [ref, {**ref, "order_id": "c-404"}]}
    )
    assert [item["errcode"] for item in batch["order_list"]] == [0, 930563]
    assert RID.search(batch["order_list"][1]["errmsg"]) is None  # per-item messages are plain
    await ok(logistics_cloud, "logistics.cancelOrder", ref)
    await expect(logistics_cloud, "logistics.cancelOrder", ref, 9300524)
    assert (await ok(logistics_cloud, "logistics.getOrder", ref))["order_status"] == 1
    # Placing a cancelled merchant order again is refused; a new order_id is needed.
    await expect(logistics_cloud, "logistics.addOrder", order_body("c-1"), 9300501)
    shipped = await place(logistics_cloud, "c-2")
    ref2 = {"order_id": "c-2", "delivery_id": "TEST", "waybill_id": shipped["waybill_id"]}
    await ok(
        logistics_cloud, "logistics.testUpdateOrder", {**valid_body("logistics.testUpdateOrder"), **ref2}
    )
    await expect(logistics_cloud, "logistics.cancelOrder", ref2, 9300506)
    assert assert_answers_match_response_schemas(emulator) >= 5


async def test_test_update_order_sandbox_rules(
    emulator: RunningEmulator, logistics_cloud: cloudfn.Cloud
) -> None:
    update = valid_body("logistics.testUpdateOrder")
    await expect(logistics_cloud, "logistics.testUpdateOrder", update, 930563)  # no such order yet
    await ok(
        logistics_cloud, "logistics.bindAccount", {"type": "bind", "delivery_id": "SF", "biz_id": "sf-1"}
    )
    real = await place(logistics_cloud, "real-1", delivery_id="SF", biz_id="sf-1")
    # A non-sandbox order cannot be moved, even when the body claims TEST.
    await expect(
        logistics_cloud,
        "logistics.testUpdateOrder",
        {**update, "order_id": "real-1", "waybill_id": real["waybill_id"]},
        40097,
    )
    placed = await place(logistics_cloud, "shop-0001")
    update["waybill_id"] = placed["waybill_id"]
    ref = {"order_id": "shop-0001", "delivery_id": "TEST", "waybill_id": placed["waybill_id"]}
    await expect(logistics_cloud, "logistics.testUpdateOrder", {**update, "waybill_id": "TEST9"}, 930563)
    for step in range(10):
        await ok(logistics_cloud, "logistics.testUpdateOrder", {**update, "action_time": 1764300000 + step})
    await expect(logistics_cloud, "logistics.testUpdateOrder", update, 45009)  # 10 a day per order
    emulator.state.clock.advance(86400)
    await ok(
        logistics_cloud,
        "logistics.testUpdateOrder",
        {**update, "action_type": 400001, "action_msg": "订单取消"},
    )
    path = await ok(logistics_cloud, "logistics.getPath", ref)
    assert path["path_item_num"] == 11 and path["path_item_list"][-1]["action_type"] == 400001
    assert (await ok(logistics_cloud, "logistics.getOrder", ref))[
        "order_status"
    ] == 1  # the courier cancelled it


async def test_delivery_side_apis(emulator: RunningEmulator, logistics_cloud: cloudfn.Cloud) -> None:
    placed = await place(logistics_cloud, "d-1")
    waybill = placed["waybill_id"]
    token = records(emulator)[emulator.appid]["logistics"]["orders"]["d-1"]["token"]
    await expect(logistics_cloud, "logistics.getContact", {"token": token, "waybill_id": "TEST404"}, 40199)
    await expect(logistics_cloud, "logistics.getContact", {"token": "f" * 32, "waybill_id": waybill}, 9300507)
    contact = await ok(logistics_cloud, "logistics.getContact", {"token": token, "waybill_id": waybill})
    assert contact["receiver"]["name"] == "李四" and contact["sender"]["mobile"] == "18666666666"
    assert contact["receiver"]["address"].startswith("北京市北京市朝阳区")

    step = {"token": token, "waybill_id": waybill, "action_time": 1764300000, "action_type": 300002}
    await expect(
        logistics_cloud, "logistics.updatePath", {**step, "token": "f" * 32, "action_msg": "派送中"}, 9300507
    )
    await ok(logistics_cloud, "logistics.updatePath", {**step, "action_msg": "派送中"})
    path = await ok(
        logistics_cloud,
        "logistics.getPath",
        {"order_id": "d-1", "delivery_id": "TEST", "waybill_id": waybill},
    )
    assert [(p["action_type"], p["action_msg"]) for p in path["path_item_list"]] == [(300002, "派送中")]

    preview = valid_body("logistics.previewTemplate")
    preview["waybill_id"] = waybill
    await expect(logistics_cloud, "logistics.previewTemplate", {**preview, "waybill_id": "TEST404"}, 40199)
    not_utf8 = base64.b64encode(b"\xff\xfe<html>").decode()
    await expect(
        logistics_cloud, "logistics.previewTemplate", {**preview, "waybill_template": not_utf8}, 9300512
    )
    await expect(
        logistics_cloud, "logistics.previewTemplate", {**preview, "waybill_data": "##TEST_bagAddr##"}, 9300502
    )
    rendered = await ok(logistics_cloud, "logistics.previewTemplate", preview)
    assert (
        base64.b64decode(rendered["rendered_waybill_template"]).decode() == f"<html>{waybill} 北京市</html>"
    )
    assert assert_answers_match_response_schemas(emulator) >= 4


async def test_catalogue_lists_the_sandbox(logistics_cloud: cloudfn.Cloud) -> None:
    catalogue = await ok(logistics_cloud, "logistics.getAllDelivery", {})
    ids = [company["delivery_id"] for company in catalogue["data"]]
    assert catalogue["count"] == len(ids) and "TEST" in ids and "SF" in ids
    test = next(c for c in catalogue["data"] if c["delivery_id"] == "TEST")
    assert {s["service_type"] for s in test["service_type"]} >= {0}


async def test_printers_keep_their_seed_behaviour(logistics_cloud: cloudfn.Cloud) -> None:
    await ok(logistics_cloud, "logistics.updatePrinter", valid_body("logistics.updatePrinter"))
    printers = await ok(logistics_cloud, "logistics.getPrinter", {})
    assert (printers["count"], printers["openid"], printers["tagid_list"]) == (
        1,
        [SEED_OPENID],
        ["123", "456"],
    )
