"""Python port of index.js: tell the paying user their order is paid, with a one-off subscribe message."""

import cloudfn

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})


async def main(event, context):
    openid = cloudfn.get_wx_context()["OPENID"]
    data = {
        "thing1": {"value": event.get("item")},
        "amount2": {"value": event.get("amount")},
    }
    if event.get("withoutAmount"):
        del data["amount2"]
    try:
        result = await cloud.openapi.subscribeMessage.send(
            {
                "touser": openid,
                "page": "pages/order/detail?id=" + str(event.get("orderId")),
                "lang": "zh_CN",
                "data": data,
                "templateId": "tmplOrderPaid0001",
                "miniprogramState": "developer",
            }
        )
        return {"sent": True, "result": result}
    except cloudfn.CloudSDKError as err:
        return {"sent": False, "errCode": err.errCode, "errMsg": err.errMsg}
