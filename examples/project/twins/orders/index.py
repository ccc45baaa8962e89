"""Orders (Python port of the Node function): places an order priced by `pricing`, answers status checks."""

import cloudfn

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})


async def main(event, context):
    wx_context = cloudfn.getWXContext()
    OPENID, SOURCE = wx_context.get("OPENID"), wx_context.get("SOURCE")
    if event.get("action") == "status":
        return {"orderId": event.get("orderId"), "status": "paid", "calledFrom": SOURCE}
    if event.get("action") == "place":
        priced = await cloud.callFunction({"name": "pricing", "data": {"items": event.get("items") or []}})
        return {
            "orderId": f"o-{OPENID or 'anonymous'}",
            "total": priced["result"]["total"],
            "pricing": priced,
        }
    if event.get("action") == "chain":
        # orders -> pricing -> orders: the calls nest
        res = await cloud.callFunction({"name": "pricing", "data": {"checkOrder": "o-1"}})
        return res["result"]
    if event.get("action") == "failing":
        # The callee throws: the SDK rejects with the platform's error, returned here as is.
        try:
            return await cloud.callFunction({"name": "pricing", "data": {"fail": event.get("item")}})
        except cloudfn.CloudSDKError as err:
            return err
    if event.get("action") == "missing":
        try:
            return await cloud.callFunction({"name": "no_such_function", "data": {}})
        except cloudfn.CloudSDKError as err:
            return {"errCode": err.errCode, "errMsg": err.errMsg}
    return {"error": f"unknown action {event.get('action')}"}
