"""The logistics (物流助手) state model: plain Python, no HTTP (moto's ``models.py``).

One :class:`LogisticsBook` per app holds its delivery accounts, orders with
their waybills and paths, and quotas; the delivery-company catalogue is shared
and fixed. Every rule the server enforces beyond the request schema raises
:class:`~..errors.ApiError` with the documented code; the dispatcher adds the
`` rid:`` suffix. Handlers in :mod:`.responses` translate bodies to calls here.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import html
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from ..credentials import same_secret
from ..errors import ApiError

SANDBOX_DELIVERY_ID = "TEST"
SANDBOX_BIZ_ID = "test_biz_id"
TEST_UPDATES_PER_DAY = 10  # testUpdateOrder accepts at most this many updates per order per day
DEFAULT_QUOTA = 100  # waybills a freshly bound account may print (电子面单余额)
SANDBOX_QUOTA = 10_000
CHINA_UTC_OFFSET_S = 8 * 3600  # "a day" is a day in China Standard Time
CANCELLED_ACTION = 400001

# Order status as getOrder reports it.
ORDER_NORMAL = 0
ORDER_CANCELLED = 1

# A ``{{key}}`` placeholder in a waybill template (the shortest match: keys hold no braces).
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


class AccountStatus(IntEnum):
    """getAllAccount's ``status_code`` (the docs name the field, not its values; these are cloudfn's)."""

    BOUND = 0
    REVIEWING = 1  # submitted for the company's review (EMS); updateBusiness decides
    REJECTED = 2


class DeliveryError(ApiError):
    """9300501-style errors that carry the company's own result code in the answer."""

    def __init__(self, errcode: int, errmsg: str, *, resultcode: int, resultmsg: str) -> None:
        super().__init__(
            errcode, errmsg, extra={"delivery_resultcode": resultcode, "delivery_resultmsg": resultmsg}
        )


@dataclass
class Printer:
    """An openid allowed to print waybills (updatePrinter), with the tags it prints for."""

    openid: str
    tagids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ServiceType:
    service_type: int
    service_name: str

    def view(self) -> dict[str, Any]:
        return {"service_type": self.service_type, "service_name": self.service_name}


@dataclass(frozen=True)
class DeliveryCompany:
    delivery_id: str
    delivery_name: str
    services: tuple[ServiceType, ...]
    needs_password: bool = False  # bindAccount: "password 非必填" only for EMS, SF and JD
    needs_review: bool = False  # binding goes to the company's review first (EMS)
    can_use_cash: int = 0
    can_get_quota: int = 1
    cash_biz_id: str = ""

    def view(self) -> dict[str, Any]:
        return {
            "delivery_id": self.delivery_id,
            "delivery_name": self.delivery_name,
            "can_use_cash": self.can_use_cash,
            "can_get_quota": self.can_get_quota,
            "cash_biz_id": self.cash_biz_id,
            "service_type": [s.view() for s in self.services],
        }


_STANDARD = (ServiceType(0, "标准快递"),)
CATALOGUE: Mapping[str, DeliveryCompany] = {
    c.delivery_id: c
    for c in (
        DeliveryCompany(
            SANDBOX_DELIVERY_ID, "测试快递公司", (ServiceType(0, "标准快递"), ServiceType(1, "测试加急"))
        ),
        DeliveryCompany(
            "SF",
            "顺丰速运",
            (ServiceType(0, "标准快递"), ServiceType(1, "顺丰即日"), ServiceType(2, "顺丰次晨")),
            can_use_cash=1,
            cash_biz_id="SF_CASH",
        ),
        DeliveryCompany(
            "EMS",
            "中国邮政速递物流",
            (ServiceType(6, "标准快递"), ServiceType(9, "快递包裹")),
            needs_review=True,
        ),
        DeliveryCompany("JD", "京东物流", (ServiceType(0, "标准快递"),)),
        DeliveryCompany("YTO", "圆通速递", _STANDARD, needs_password=True),
        DeliveryCompany("ZTO", "中通快递", _STANDARD, needs_password=True),
        DeliveryCompany("STO", "申通快递", _STANDARD, needs_password=True),
        DeliveryCompany("YUNDA", "韵达快递", _STANDARD, needs_password=True),
        DeliveryCompany(
            "DB",
            "德邦快递",
            (ServiceType(1, "大件快递3.60"), ServiceType(2, "特准快件")),
            needs_password=True,
        ),
    )
}


def is_sandbox(delivery_id: str, biz_id: str) -> bool:
    return delivery_id == SANDBOX_DELIVERY_ID and biz_id == SANDBOX_BIZ_ID


def company(delivery_id: str) -> DeliveryCompany:
    try:
        return CATALOGUE[delivery_id]
    except KeyError:
        raise ApiError(9300503, "delivery_id 不存在") from None


def order_not_exists() -> ApiError:
    return ApiError(930563, "order not exists")


@dataclass
class Account:
    delivery_id: str
    biz_id: str
    create_time: int
    update_time: int
    status: AccountStatus
    quota_num: int
    remark_content: str = ""
    remark_wrong_msg: str = ""

    def view(self) -> dict[str, Any]:
        return {
            "biz_id": self.biz_id,
            "delivery_id": self.delivery_id,
            "create_time": self.create_time,
            "update_time": self.update_time,
            "status_code": int(self.status),
            "alias": "",
            "remark_wrong_msg": self.remark_wrong_msg,
            "remark_content": self.remark_content,
            "quota_num": self.quota_num,
            "quota_update_time": self.update_time,
            "service_type": [s.view() for s in CATALOGUE[self.delivery_id].services],
        }


@dataclass
class PathStep:
    action_time: int
    action_type: int
    action_msg: str

    def view(self) -> dict[str, Any]:
        return {
            "action_time": self.action_time,
            "action_type": self.action_type,
            "action_msg": self.action_msg,
        }


@dataclass
class Order:
    order_id: str
    delivery_id: str
    biz_id: str
    openid: str
    waybill_id: str
    token: str  # the add_waybill event's Token: what delivery-side calls must present
    request: dict[str, Any]
    status: int = ORDER_NORMAL
    path: list[PathStep] = field(default_factory=list)
    test_updates: dict[int, int] = field(default_factory=dict)  # China day -> testUpdateOrder calls

    @property
    def waybill_data(self) -> list[dict[str, str]]:
        receiver = self.request["receiver"]
        return [
            {"key": f"{self.delivery_id}_bagAddr", "value": receiver["city"]},
            {
                "key": f"{self.delivery_id}_mark",
                "value": f"{receiver['province']}-{receiver['city']}-{receiver['area']}",
            },
        ]

    @property
    def print_html(self) -> str:
        sender, receiver = self.request["sender"], self.request["receiver"]
        page = (
            f"<html><body><h1>{html.escape(self.waybill_id)}</h1>"
            f"<p>寄: {html.escape(sender['name'])}</p>"
            f"<p>收: {html.escape(receiver['name'])}</p></body></html>"
        )
        return base64.b64encode(page.encode()).decode()

    def view(self) -> dict[str, Any]:
        """getOrder's answer."""
        return {
            "print_html": self.print_html,
            "waybill_data": self.waybill_data,
            "delivery_id": self.delivery_id,
            "waybill_id": self.waybill_id,
            "order_id": self.order_id,
            "order_status": self.status,
        }

    def snapshot(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "delivery_id": self.delivery_id,
            "biz_id": self.biz_id,
            "openid": self.openid,
            "waybill_id": self.waybill_id,
            "token": self.token,
            "order_status": self.status,
            "path": [step.view() for step in self.path],
            "test_updates": {str(day): n for day, n in self.test_updates.items()},
        }


def _contact_view(contact: Mapping[str, Any]) -> dict[str, str]:
    parts = (contact.get(k, "") for k in ("province", "city", "area", "address"))
    return {
        "address": "".join(parts),
        "name": contact.get("name", ""),
        "tel": contact.get("tel", ""),
        "mobile": contact.get("mobile", ""),
    }


class LogisticsBook:
    """One app's logistics records. ``clock`` gives Unix seconds (the emulator's controllable clock)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.printers: dict[str, Printer] = {}  # openid -> printer
        self.accounts: dict[tuple[str, str], Account] = {}
        self.orders: dict[str, Order] = {}
        self.waybills: dict[str, str] = {}  # waybill_id -> order_id
        self.sandbox_quota = SANDBOX_QUOTA
        self._next_waybill = 1_000_000_000_001

    def now(self) -> int:
        return int(self.clock())

    # -- accounts --------------------------------------------------------

    def bind(self, delivery_id: str, biz_id: str, password: str, remark: str) -> None:
        found = company(delivery_id)
        key = (delivery_id, biz_id)
        existing = self.accounts.get(key)
        if existing is not None and existing.status is AccountStatus.BOUND:
            raise ApiError(9300529, "账号已绑定过")
        if existing is not None and existing.status is AccountStatus.REVIEWING:
            raise ApiError(9300532, "绑定已提交,审核中")
        if delivery_id == SANDBOX_DELIVERY_ID and biz_id != SANDBOX_BIZ_ID:
            raise ApiError(9300531, "账号或密码错误")
        if found.needs_password and not password:
            raise ApiError(9300531, "账号或密码错误")
        now = self.now()
        status = AccountStatus.REVIEWING if found.needs_review else AccountStatus.BOUND
        quota = SANDBOX_QUOTA if is_sandbox(delivery_id, biz_id) else DEFAULT_QUOTA
        self.accounts[key] = Account(delivery_id, biz_id, now, now, status, quota, remark_content=remark)

    def unbind(self, delivery_id: str, biz_id: str) -> None:
        company(delivery_id)
        if self.accounts.pop((delivery_id, biz_id), None) is None:
            raise ApiError(9300530, "解绑的biz_id不存在")

    def review(self, biz_id: str, result_code: int, result_msg: str) -> None:
        """updateBusiness: the delivery company's verdict on an account under review."""
        pending = [
            a for a in self.accounts.values() if a.biz_id == biz_id and a.status is AccountStatus.REVIEWING
        ]
        if not pending:
            raise ApiError(9300525, "商户未申请过审核")
        for account in pending:
            account.status = AccountStatus.BOUND if result_code == 0 else AccountStatus.REJECTED
            account.remark_wrong_msg = "" if result_code == 0 else result_msg
            account.update_time = self.now()

    def usable_account(self, delivery_id: str, biz_id: str) -> Account | None:
        """The account orders are charged to; None for the implicit sandbox account."""
        account = self.accounts.get((delivery_id, biz_id))
        if account is not None and account.status is AccountStatus.BOUND:
            return account
        if is_sandbox(delivery_id, biz_id):
            return None
        raise ApiError(9300525, "bizid未绑定")

    def quota(self, delivery_id: str, biz_id: str) -> int:
        company(delivery_id)
        account = self.usable_account(delivery_id, biz_id)
        return self.sandbox_quota if account is None else account.quota_num

    def _charge(self, delivery_id: str, biz_id: str, amount: int) -> None:
        account = self.usable_account(delivery_id, biz_id)
        if account is None:
            self.sandbox_quota -= amount
        else:
            account.quota_num -= amount
            account.update_time = self.now()

    # -- orders ----------------------------------------------------------

    def add_order(self, body: Mapping[str, Any]) -> Order:
        delivery_id, biz_id, order_id = body["delivery_id"], body["biz_id"], body["order_id"]
        found = company(delivery_id)
        existing = self.orders.get(order_id)
        if existing is not None:
            if (existing.delivery_id, existing.biz_id) != (delivery_id, biz_id):
                raise DeliveryError(
                    9300501,
                    "delivery logic fail",
                    resultcode=10002,
                    resultmsg="order_id already used for another delivery_id/biz_id",
                )
            if existing.status == ORDER_CANCELLED:
                raise DeliveryError(
                    9300501,
                    "delivery logic fail",
                    resultcode=10003,
                    resultmsg="order cancelled; use a new order_id",
                )
            return existing  # the same order placed again: the same waybill (documented idempotency)
        service_type = body["service"]["service_type"]
        if all(s.service_type != service_type for s in found.services):
            raise ApiError(9300504, "service_type 不存在")
        if self.quota(delivery_id, biz_id) <= 0:
            raise DeliveryError(9300501, "delivery logic fail", resultcode=10001, resultmsg="quota exhausted")
        self._charge(delivery_id, biz_id, 1)
        waybill_id = f"{delivery_id}{self._next_waybill}"
        self._next_waybill += 1
        order = Order(
            order_id=order_id,
            delivery_id=delivery_id,
            biz_id=biz_id,
            openid=body.get("openid", ""),
            waybill_id=waybill_id,
            token=secrets.token_hex(16),
            request=dict(body),
        )
        self.orders[order_id] = order
        self.waybills[waybill_id] = order_id
        return order

    def find(
        self, order_id: str, delivery_id: str, waybill_id: str | None, openid: str | None = None
    ) -> Order:
        """The order a business-side call names; every identifier given must match it."""
        order = self.orders.get(order_id)
        if (
            order is None
            or order.delivery_id != delivery_id
            or (waybill_id is not None and order.waybill_id != waybill_id)
            or (openid is not None and order.openid and order.openid != openid)
        ):
            raise order_not_exists()
        return order

    def cancel(self, order: Order) -> None:
        if order.status == ORDER_CANCELLED:
            raise ApiError(9300524, "订单已取消(一般为重复取消订单)")
        if order.path:
            raise ApiError(9300506, "运单 ID 已经存在轨迹,不可取消")
        order.status = ORDER_CANCELLED
        # The unused waybill goes back to the quota (unless the account was unbound since).
        with contextlib.suppress(ApiError):
            self._charge(order.delivery_id, order.biz_id, -1)

    def test_update(self, body: Mapping[str, Any]) -> None:
        """testUpdateOrder: the sandbox courier moves a TEST order along its path."""
        order = self.orders.get(body["order_id"])
        if order is None:
            raise order_not_exists()
        if not is_sandbox(order.delivery_id, order.biz_id):
            raise ApiError(40097, "invalid args")  # only sandbox orders can be moved by hand
        if order.waybill_id != body["waybill_id"]:
            raise order_not_exists()
        day = (self.now() + CHINA_UTC_OFFSET_S) // 86400
        if order.test_updates.get(day, 0) >= TEST_UPDATES_PER_DAY:
            raise ApiError(45009, "reach max api daily quota limit")
        order.test_updates[day] = order.test_updates.get(day, 0) + 1
        self._add_step(order, body)

    def _add_step(self, order: Order, body: Mapping[str, Any]) -> None:
        order.path.append(PathStep(body["action_time"], body["action_type"], body["action_msg"]))
        if body["action_type"] == CANCELLED_ACTION:
            order.status = ORDER_CANCELLED

    # -- delivery side ---------------------------------------------------

    def by_waybill(self, waybill_id: str, token: str | None = None) -> Order:
        order_id = self.waybills.get(waybill_id)
        if order_id is None:
            raise ApiError(40199, "运单 ID 错误,未查到运单")
        order = self.orders[order_id]
        if token is not None and not same_secret(order.token, token):
            raise ApiError(9300507, "Token 不正确")
        return order

    def update_path(self, body: Mapping[str, Any]) -> None:
        self._add_step(self.by_waybill(body["waybill_id"], body["token"]), body)

    def contact(self, order: Order) -> dict[str, Any]:
        return {
            "waybill_id": order.waybill_id,
            "sender": _contact_view(order.request["sender"]),
            "receiver": _contact_view(order.request["receiver"]),
        }

    def preview(self, waybill_id: str, template_b64: str, waybill_data: str) -> str:
        """previewTemplate: ``{{key}}`` in the template becomes its ``##key##value##`` waybill_data value."""
        order = self.by_waybill(waybill_id)
        try:
            template = base64.b64decode(template_b64, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ApiError(9300512, "模板格式错误,渲染失败") from None
        pieces = waybill_data.strip("#").split("##") if waybill_data else []
        if len(pieces) % 2:
            raise ApiError(9300502, "预览模板中出现该错误,一般是waybill_data数据错误")
        values = {"waybill_id": order.waybill_id, **dict(zip(pieces[::2], pieces[1::2], strict=True))}
        # One pass over the template, whatever the number of keys: replacing key
        # by key was O(keys x template) and held the event loop for seconds on a 1 MB body.
        escaped: dict[str, str] = {}

        def fill(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in values:
                return match.group(0)
            if key not in escaped:
                escaped[key] = html.escape(values[key])
            return escaped[key]

        return base64.b64encode(_PLACEHOLDER.sub(fill, template).encode()).decode()

    def snapshot(self) -> dict[str, Any]:
        """The app's ``printers`` and its ``logistics`` records, as /__emulator__/state shows them."""
        return {
            "printers": {o: {"tagids": list(p.tagids)} for o, p in self.printers.items()},
            "logistics": {
                "accounts": [a.view() for a in self.accounts.values()],
                "sandbox_quota": self.sandbox_quota,
                "orders": {order_id: order.snapshot() for order_id, order in self.orders.items()},
            },
        }
