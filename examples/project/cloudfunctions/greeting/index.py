"""Greeting (Python, no config.json): runs as on the platform, so its cloud calls are refused."""

import cloudfn

cloud = cloudfn.init()


async def main(event, context):
    context_now = cloudfn.getWXContext()
    if event.get("printers"):
        try:
            return await cloud.openapi.logistics.getPrinter({})
        except cloudfn.CloudSDKError as err:
            return err
    return {"hello": event.get("name", "world"), "openid": context_now.get("OPENID")}
