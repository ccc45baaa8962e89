"""Python port of index.js: check a user's comment before publishing it (security.msgSecCheck, v2 and v1)."""

import cloudfn

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})


async def main(event, context):
    openid = cloudfn.get_wx_context()["OPENID"]
    try:
        if event.get("version") == 1:
            # The first version: a risky text is an error (87014), a clean one a plain success.
            checked = await cloud.openapi.security.msgSecCheck({"content": event.get("content")})
            return {"publish": True, "errCode": checked["errCode"], "errMsg": checked["errMsg"]}
        request = {"content": event.get("content"), "version": 2, "scene": 2, "openid": openid}
        if "title" in event:  # JSON.stringify drops an undefined title; so does the port
            request["title"] = event["title"]
        checked = await cloud.openapi.security.msgSecCheck(request)
        suggest, label = checked["result"]["suggest"], checked["result"]["label"]
        return {
            "publish": suggest == "pass",
            "suggest": suggest,
            "label": label,
            "strategies": [d["strategy"] for d in checked["detail"]],
        }
    except cloudfn.CloudSDKError as err:
        return {"publish": False, "errCode": err.errCode, "errMsg": err.errMsg}
