"""QR code (Python): makes a mini program code for a scene, stores it, returns its temporary URL."""

import cloudfn

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})


async def main(event, context):
    try:
        code = await cloud.openapi.wxacode.getUnlimited(
            {"scene": event.get("scene") or "home", "page": "pages/index/index"}
        )
        stored = await cloud.uploadFile(
            {"cloudPath": f"qrcodes/{event.get('scene') or 'home'}.png", "fileContent": code["buffer"]}
        )
        link = await cloud.getTempFileURL({"fileList": [stored["fileID"]]})
        return {
            "fileID": stored["fileID"],
            "tempFileURL": link["fileList"][0]["tempFileURL"],
            "contentType": code["contentType"],
            "bytes": len(code["buffer"]),
        }
    except cloudfn.CloudSDKError as err:
        return err
