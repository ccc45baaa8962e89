"""Shared pieces for the logistics tests: valid wire bodies, clouds and raw HTTP against the emulator."""

from __future__ import annotations

import base64
import copy
import importlib.util
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import aiohttp

import cloudfn
from cloudfn.api.registry import ApiSpec, default_registry
from cloudfn.emulator.server import RunningEmulator
from cloudfn.emulator.state import DEFAULT_APPID, SEED_OPENID
from tests.support.paths import LOGISTICS_FLOW_DIR

CONTACT = {
    "name": "张三",
    "mobile": "18666666666",
    "province": "广东省",
    "city": "广州市",
    "area": "海珠区",
    "address": "新港中路397号",
}
RECEIVER = {
    "name": "李四",
    "tel": "010-88888888",
    "province": "北京市",
    "city": "北京市",
    "area": "朝阳区",
    "address": "建国路1号",
}


def order_body(order_id: str = "shop-0001", **changes: Any) -> dict[str, Any]:
    """A valid addOrder wire body for the sandbox courier."""
    body: dict[str, Any] = {
        "add_source": 0,
        "order_id": order_id,
        "openid": SEED_OPENID,
        "delivery_id": "TEST",
        "biz_id": "test_biz_id",
        "custom_remark": "易碎物品",
        "sender": dict(CONTACT),
        "receiver": dict(RECEIVER),
        "cargo": {
            "count": 1,
            "weight": 1.2,
            "space_x": 20,
            "space_y": 15,
            "space_z": 10,
            "detail_list": [{"name": "咖啡豆", "count": 1}],
        },
        "shop": {
            "wxa_path": "/pages/order/index",
            "img_url": "https://example.com/goods.png",
            "goods_name": "咖啡豆",
            "goods_count": 1,
        },
        "insured": {"use_insured": 0, "insured_value": 0},
        "service": {"service_type": 0, "service_name": "标准快递"},
    }
    body.update(changes)
    return body


WAYBILL = "TEST1000000000001"  # the first waybill id the emulator gives an app
REF = {"order_id": "shop-0001", "delivery_id": "TEST", "waybill_id": WAYBILL}
TEMPLATE = base64.b64encode(b"<html>{{waybill_id}} {{TEST_bagAddr}}</html>").decode()

# One schema-valid wire body (snake_case) per API. A new spec file needs an entry
# here: the registry test fails until it has one.
VALID_BODIES: dict[str, dict[str, Any]] = {
    "logistics.bindAccount": {"type": "bind", "biz_id": "test_biz_id", "delivery_id": "TEST"},
    "logistics.getAllAccount": {},
    "logistics.getAllDelivery": {},
    "logistics.getPrinter": {},
    "logistics.updatePrinter": {"openid": SEED_OPENID, "update_type": "bind", "tagid_list": "123,456"},
    "logistics.addOrder": order_body(),
    "logistics.batchGetOrder": {"order_list": [dict(REF)]},
    "logistics.cancelOrder": {**REF, "openid": SEED_OPENID},
    "logistics.getOrder": {**REF, "openid": SEED_OPENID},
    "logistics.getPath": {**REF, "openid": SEED_OPENID},
    "logistics.getQuota": {"delivery_id": "TEST", "biz_id": "test_biz_id"},
    "logistics.testUpdateOrder": {
        **REF,
        "biz_id": "test_biz_id",
        "action_time": 1764300000,
        "action_type": 100001,
        "action_msg": "揽件成功",
    },
    "logistics.getContact": {"token": "0" * 32, "waybill_id": WAYBILL},
    "logistics.previewTemplate": {
        "waybill_id": WAYBILL,
        "waybill_template": TEMPLATE,
        "waybill_data": "##TEST_bagAddr##北京市##",
        "custom": order_body(),
    },
    "logistics.updateBusiness": {"shop_app_id": DEFAULT_APPID, "biz_id": "EMS-001", "result_code": 0},
    "logistics.updatePath": {
        "token": "0" * 32,
        "waybill_id": WAYBILL,
        "action_time": 1764300000,
        "action_type": 200001,
        "action_msg": "运输中",
    },
}


def valid_body(api: str) -> dict[str, Any]:
    return copy.deepcopy(VALID_BODIES[api])


def spec(api: str) -> ApiSpec:
    found = default_registry().get(api)
    assert found is not None, api
    return found


def make_cloud(emulator: RunningEmulator, *, validate: bool = True) -> cloudfn.Cloud:
    return cloudfn.init(
        base_url=emulator.base_url, appid=emulator.appid, secret=emulator.secret, validate=validate
    )


def records(emulator: RunningEmulator) -> dict[str, Any]:
    """The emulator's per-app records, without the request log or token counters."""
    return emulator.state.snapshot()["apps"]


def load_example(monkeypatch: Any, emulator: RunningEmulator) -> ModuleType:
    """examples/logistics_flow/index.py, imported fresh with the emulator's settings."""
    monkeypatch.setenv("CLOUDFN_BASE_URL", emulator.base_url)
    monkeypatch.setenv("CLOUDFN_APPID", emulator.appid)
    monkeypatch.setenv("CLOUDFN_SECRET", emulator.secret)
    monkeypatch.setenv("CLOUDFN_CONFIG", str(LOGISTICS_FLOW_DIR / "config.json"))
    name = "logistics_flow_index"
    module_spec = importlib.util.spec_from_file_location(name, LOGISTICS_FLOW_DIR / "index.py")
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules.pop(name, None)
    module_spec.loader.exec_module(module)
    return module


class RawClient:
    """Posts raw bytes to the emulator's API paths with a valid access token."""

    def __init__(self, emulator: RunningEmulator, session: aiohttp.ClientSession) -> None:
        self.emulator = emulator
        self.session = session
        self.token = ""

    async def login(self) -> None:
        async with self.session.get(
            f"{self.emulator.base_url}/cgi-bin/token",
            params={
                "grant_type": "client_credential",
                "appid": self.emulator.appid,
                "secret": self.emulator.secret,
            },
        ) as response:
            self.token = (await response.json())["access_token"]

    async def post(self, path: str, data: bytes) -> tuple[int, dict[str, Any]]:
        async with self.session.post(
            f"{self.emulator.base_url}{path}",
            params={"access_token": self.token},
            data=data,
            headers={"Content-Type": "application/json"},
        ) as response:
            return response.status, await response.json(content_type=None)

    async def get(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        async with self.session.get(
            f"{self.emulator.base_url}{path}", params={"access_token": self.token, **params}
        ) as response:
            return response.status, await response.json(content_type=None)


def logistics_specs() -> Iterator[ApiSpec]:
    return (s for s in default_registry() if s.namespace == "logistics")
