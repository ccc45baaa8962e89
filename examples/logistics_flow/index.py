"""A shop's shipping backend as one cloud function: bind the courier account, ship, track, cancel.

Each ``event["action"]`` is one step a shop's pages (or a timer) would ask
for. Against the emulator (``cloudfn invoke`` / ``CLOUDFN_BASE_URL``) the
sandbox courier ``TEST`` / ``test_biz_id`` is used, and ``track`` moves a
sandbox order along its path the way the real courier would.
"""

import time

import cloudfn

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})
logistics = cloud.openapi.logistics

SANDBOX = {"deliveryId": "TEST", "bizId": "test_biz_id"}
SHOP_ADDRESS = {
    "name": "张三",
    "mobile": "18666666666",
    "province": "广东省",
    "city": "广州市",
    "area": "海珠区",
    "address": "新港中路397号",
}


def _order_request(event):
    """addOrder's body for one shop order, in the SDK's camelCase."""
    return {
        "addSource": 0,
        "orderId": event["orderId"],
        "openid": event["openid"],
        **SANDBOX,
        "customRemark": "易碎物品",
        "sender": SHOP_ADDRESS,
        "receiver": event["receiver"],
        "cargo": {
            "count": 1,
            "weight": 1.2,
            "spaceX": 20,
            "spaceY": 15,
            "spaceZ": 10,
            "detailList": [{"name": event.get("goods", "咖啡豆"), "count": 1}],
        },
        "shop": {
            "wxaPath": f"/pages/order/index?id={event['orderId']}",
            "imgUrl": "https://example.com/goods.png",
            "goodsName": event.get("goods", "咖啡豆"),
            "goodsCount": 1,
        },
        "insured": {"useInsured": 0, "insuredValue": 0},
        "service": {"serviceType": 0, "serviceName": "标准快递"},
    }


def _ref(event):
    """Which order a call is about."""
    return {"orderId": event["orderId"], "deliveryId": SANDBOX["deliveryId"], "waybillId": event["waybillId"]}


def _users_order(event):
    """The order, plus (when known) the openid the server checks it belongs to."""
    ref = _ref(event)
    if "openid" in event:
        ref["openid"] = event["openid"]
    return ref


async def main(event, context):
    action = event.get("action")
    try:
        if action == "bindAccount":
            return await logistics.bindAccount({"type": "bind", **SANDBOX})
        if action == "accounts":
            return await logistics.getAllAccount({})
        if action == "placeOrder":
            return await logistics.addOrder(_order_request(event))
        if action == "track":
            # The sandbox courier reports a step (picked up, in transit, signed, ...).
            return await logistics.testUpdateOrder(
                {
                    **SANDBOX,
                    **_ref(event),
                    "actionTime": event.get("actionTime", int(time.time())),
                    "actionType": event["actionType"],
                    "actionMsg": event["actionMsg"],
                }
            )
        if action == "path":
            return await logistics.getPath(_users_order(event))
        if action == "order":
            return await logistics.getOrder(_users_order(event))
        if action == "cancel":
            return await logistics.cancelOrder(_users_order(event))
        if action == "orders":
            return await logistics.batchGetOrder({"orderList": [_ref(order) for order in event["orders"]]})
        if action == "quota":
            return await logistics.getQuota(SANDBOX)
        return {"errCode": -1, "errMsg": f"unknown action {action!r}"}
    except cloudfn.CloudSDKError as err:
        return err
