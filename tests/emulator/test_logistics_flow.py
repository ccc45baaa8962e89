"""The whole logistics flow, from the example cloud function, through the shim, against the emulator."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any

import pytest

import cloudfn
from cloudfn.emulator.server import RunningEmulator
from cloudfn.emulator.state import SEED_OPENID
from tests.support.emulator import api_requests
from tests.support.logistics import RECEIVER, load_example

PICKED_UP, IN_TRANSIT, SIGNED = 100001, 200001, 300003


@pytest.fixture
async def shop(monkeypatch: pytest.MonkeyPatch, emulator: RunningEmulator) -> AsyncIterator[ModuleType]:
    module = load_example(monkeypatch, emulator)
    try:
        yield module
    finally:
        await module.cloud.close()


async def call(shop: ModuleType, **event: Any) -> Any:
    result = await shop.main(event, {})
    assert not isinstance(result, cloudfn.CloudSDKError), f"{event['action']}: {result}"
    assert result["errCode"] == 0 and result["errMsg"].startswith("openapi.logistics."), result
    return result


async def test_bind_ship_track_cancel(shop: ModuleType, emulator: RunningEmulator) -> None:
    await call(shop, action="bindAccount")
    accounts = await call(shop, action="accounts")
    assert accounts["count"] == 1
    [account] = accounts["list"]
    assert (account["deliveryId"], account["bizId"], account["statusCode"]) == ("TEST", "test_biz_id", 0)
    quota_before = (await call(shop, action="quota"))["quotaNum"]

    shipped = await call(
        shop, action="placeOrder", orderId="cafe-1001", openid=SEED_OPENID, receiver=RECEIVER
    )
    waybill = shipped["waybillId"]
    assert waybill.startswith("TEST") and shipped["orderId"] == "cafe-1001"
    assert {item["key"] for item in shipped["waybillData"]} >= {"TEST_bagAddr"}
    # Placing the same merchant order again is idempotent: same waybill, no second charge.
    again = await call(shop, action="placeOrder", orderId="cafe-1001", openid=SEED_OPENID, receiver=RECEIVER)
    assert again["waybillId"] == waybill
    assert (await call(shop, action="quota"))["quotaNum"] == quota_before - 1

    ref = {"orderId": "cafe-1001", "waybillId": waybill, "openid": SEED_OPENID}
    steps = [(PICKED_UP, "快递员已揽件"), (IN_TRANSIT, "到达广州转运中心"), (SIGNED, "已签收")]
    for offset, (action_type, message) in enumerate(steps):
        await call(
            shop,
            action="track",
            **ref,
            actionType=action_type,
            actionMsg=message,
            actionTime=1764300000 + offset,
        )

    path = await call(shop, action="path", **ref)
    assert path["pathItemNum"] == 3
    assert [(p["actionType"], p["actionMsg"]) for p in path["pathItemList"]] == steps
    assert [p["actionTime"] for p in path["pathItemList"]] == [1764300000, 1764300001, 1764300002]

    order = await call(shop, action="order", **ref)
    assert (order["orderId"], order["waybillId"], order["orderStatus"]) == ("cafe-1001", waybill, 0)
    assert waybill in base64.b64decode(order["printHtml"]).decode()

    # A shipped order has a path, so it cannot be cancelled; a second one can.
    refused = await shop.main({"action": "cancel", **ref}, {})
    assert isinstance(refused, cloudfn.CloudSDKError) and refused.errCode == 9300506
    second = await call(shop, action="placeOrder", orderId="cafe-1002", openid=SEED_OPENID, receiver=RECEIVER)
    ref2 = {"orderId": "cafe-1002", "waybillId": second["waybillId"], "openid": SEED_OPENID}
    await call(shop, action="cancel", **ref2)
    twice = await shop.main({"action": "cancel", **ref2}, {})
    assert isinstance(twice, cloudfn.CloudSDKError) and twice.errCode == 9300524

    both = await call(shop, action="orders", orders=[ref, ref2])
    statuses = {o["orderId"]: (o["errcode"], o["orderStatus"]) for o in both["orderList"]}
    assert statuses == {"cafe-1001": (0, 0), "cafe-1002": (0, 1)}
    # The cancelled order's waybill went back to the quota.
    assert (await call(shop, action="quota"))["quotaNum"] == quota_before - 1

    # Everything went over the wire, once per call (the refused cancels too).
    sent = [r.api for r in api_requests(emulator)]
    assert sent.count("logistics.testUpdateOrder") == 3
    assert sent.count("logistics.cancelOrder") == 3
    assert all(r.status == 200 for r in api_requests(emulator))


async def test_flow_state_is_inspectable_and_resettable(shop: ModuleType, emulator: RunningEmulator) -> None:
    import aiohttp

    await call(shop, action="bindAccount")
    shipped = await call(
        shop, action="placeOrder", orderId="cafe-2001", openid=SEED_OPENID, receiver=RECEIVER
    )
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emulator.base_url}/__emulator__/state") as response:
            state = await response.json()
        book = state["apps"][emulator.appid]["logistics"]
        assert book["orders"]["cafe-2001"]["waybill_id"] == shipped["waybillId"]
        assert [a["delivery_id"] for a in book["accounts"]] == ["TEST"]
        async with session.post(f"{emulator.base_url}/__emulator__/reset") as response:
            assert response.status == 200
        async with session.get(f"{emulator.base_url}/__emulator__/state") as response:
            state = await response.json()
    assert state["apps"][emulator.appid]["logistics"] == {
        "accounts": [],
        "sandbox_quota": 10_000,
        "orders": {},
    }
    # After a reset the old order is gone (and the token too: the shim fetches a new one).
    gone = await shop.main({"action": "order", "orderId": "cafe-2001", "waybillId": shipped["waybillId"]}, {})
    assert isinstance(gone, cloudfn.CloudSDKError) and gone.errCode == 930563
