"""Python port of index.js: a goods page's mini program code, returned to the caller as the image itself."""

import cloudfn

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})


async def main(event, context):
    try:
        # {contentType, buffer (bytes), errMsg, errCode}: returned bytes travel as a Node Buffer does.
        return await cloud.openapi.wxacode.getUnlimited(
            {
                "scene": "id=" + str(event.get("goodsId")),
                "page": event.get("page") or "pages/goods/detail",
                "width": event.get("width") or 280,
                "checkPath": event.get("checkPath") is not False,
                "isHyaline": bool(event.get("hyaline")),
            }
        )
    except cloudfn.CloudSDKError as err:
        return err
