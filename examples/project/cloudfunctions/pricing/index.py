"""Pricing (Python): totals an order's items; asked by the Node function `orders`, it asks `orders` back."""

import cloudfn

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})

PRICES = {"apple": 300, "pear": 250, "tea": 1200}  # in fen


async def main(event, context):
    if event.get("checkOrder"):
        status = await cloud.callFunction(
            {"name": "orders", "data": {"action": "status", "orderId": event["checkOrder"]}}
        )
        return {"checked": status["result"], "source": cloudfn.getWXContext().get("SOURCE")}
    if event.get("fail"):
        raise ValueError(f"cannot price {event['fail']}")
    total = sum(PRICES.get(item, 0) for item in event.get("items", []))
    return {"total": total, "source": cloudfn.getWXContext().get("SOURCE")}
