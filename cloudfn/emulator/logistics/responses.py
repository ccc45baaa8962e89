"""Emulated logistics (物流助手) APIs: wire bodies in, calls on the model, answer fields out.

Each handler gets the calling app and a body that already passed the API's
request schema; it returns the answer's fields (errcode/errmsg are added by
the dispatcher) or raises ApiError for a rule the server checks beyond the schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ApiError
from .models import CATALOGUE, LogisticsBook, Printer, company

if TYPE_CHECKING:
    from ..state import AppState

NAMESPACE = "logistics"


def book(app: AppState) -> LogisticsBook:
    """The app's logistics records (made with the app, at each reset)."""
    records = app.models[NAMESPACE]
    assert isinstance(records, LogisticsBook)
    return records


def update_printer(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    openid = body["openid"]
    app.require_user(openid)
    printers = book(app).printers
    if body["update_type"] == "bind":
        tagids = [t for t in body.get("tagid_list", "").split(",") if t]
        printers[openid] = Printer(openid, tagids)
    else:
        # Unbinding an openid that is not bound succeeds and changes nothing:
        # the documented codes for this API name no error for it.
        printers.pop(openid, None)
    return {}


def get_printer(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    printers = book(app).printers
    tagids: list[str] = []
    for printer in printers.values():
        tagids.extend(t for t in printer.tagids if t not in tagids)
    return {
        "count": len(printers),
        "openid": list(printers),
        "tagid_list": tagids,
    }


def bind_account(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    records = book(app)
    if body["type"] == "bind":
        records.bind(
            body["delivery_id"], body["biz_id"], body.get("password", ""), body.get("remark_content", "")
        )
    else:
        records.unbind(body["delivery_id"], body["biz_id"])
    return {}


def get_all_account(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    accounts = [account.view() for account in book(app).accounts.values()]
    return {"count": len(accounts), "list": accounts}


def get_all_delivery(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    return {"count": len(CATALOGUE), "data": [c.view() for c in CATALOGUE.values()]}


def add_order(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    company(body["delivery_id"])  # an unknown company is reported before an unknown user
    if body["add_source"] == 0:
        app.require_user(body["openid"])  # the logistics notice goes to this user
    order = book(app).add_order(body)
    return {
        "order_id": order.order_id,
        "waybill_id": order.waybill_id,
        "waybill_data": order.waybill_data,
        "delivery_resultcode": 0,
        "delivery_resultmsg": "",
    }


def get_order(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    order = book(app).find(body["order_id"], body["delivery_id"], body.get("waybill_id"), body.get("openid"))
    return order.view()


def batch_get_order(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    records = book(app)
    answers: list[dict[str, Any]] = []
    for item in body["order_list"]:
        try:
            order = records.find(item["order_id"], item["delivery_id"], item.get("waybill_id"))
        except ApiError as exc:
            answers.append({"errcode": exc.errcode, "errmsg": exc.errmsg, **item})
        else:
            answers.append({"errcode": 0, "errmsg": "ok", **order.view()})
    return {"order_list": answers}


def cancel_order(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    records = book(app)
    order = records.find(body["order_id"], body["delivery_id"], body["waybill_id"], body.get("openid"))
    records.cancel(order)
    return {"delivery_resultcode": 0, "delivery_resultmsg": ""}


def get_path(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    order = book(app).find(body["order_id"], body["delivery_id"], body["waybill_id"], body.get("openid"))
    return {
        "openid": order.openid,
        "delivery_id": order.delivery_id,
        "waybill_id": order.waybill_id,
        "path_item_num": len(order.path),
        "path_item_list": [step.view() for step in order.path],
    }


def get_quota(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    return {"quota_num": book(app).quota(body["delivery_id"], body["biz_id"])}


def sandbox_update_order(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    book(app).test_update(body)
    return {}


# Delivery side. The emulator has no separate identity for a delivery company:
# these act on the calling app's own orders, so one app can play both roles.


def get_contact(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    records = book(app)
    return records.contact(records.by_waybill(body["waybill_id"], body["token"]))


def preview_template(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    rendered = book(app).preview(body["waybill_id"], body["waybill_template"], body["waybill_data"])
    return {"waybill_id": body["waybill_id"], "rendered_waybill_template": rendered}


def update_business(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    if body["shop_app_id"] != app.appid:
        raise ApiError(40013, "invalid appid")
    book(app).review(body["biz_id"], body["result_code"], body.get("result_msg", ""))
    return {}


def update_path(app: AppState, body: dict[str, Any]) -> dict[str, Any]:
    book(app).update_path(body)
    return {}


HANDLERS = {
    "logistics.updatePrinter": update_printer,
    "logistics.getPrinter": get_printer,
    "logistics.bindAccount": bind_account,
    "logistics.getAllAccount": get_all_account,
    "logistics.getAllDelivery": get_all_delivery,
    "logistics.addOrder": add_order,
    "logistics.batchGetOrder": batch_get_order,
    "logistics.cancelOrder": cancel_order,
    "logistics.getOrder": get_order,
    "logistics.getPath": get_path,
    "logistics.getQuota": get_quota,
    "logistics.testUpdateOrder": sandbox_update_order,
    "logistics.getContact": get_contact,
    "logistics.previewTemplate": preview_template,
    "logistics.updateBusiness": update_business,
    "logistics.updatePath": update_path,
}
