"""The seed's cloud function, ported from index.js: bind (or unbind) a waybill printer."""

import cloudfn

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})

SEED = {"openid": "oJ4v0wRAfiXcnIbM3SgGEUkTw3Qw", "updateType": "bind", "tagidList": "123,456"}


async def main(event, context):
    try:
        params = {key: event.get(key, default) for key, default in SEED.items()}
        if event.get("action") == "getPrinter":
            return await cloud.openapi.logistics.getPrinter({})
        if event.get("action") == "getAllAccount":
            # Not in config.json's permissions: refused with -604101, as on the platform.
            return await cloud.openapi.logistics.getAllAccount({})
        return await cloud.openapi.logistics.updatePrinter(params)
    except cloudfn.CloudSDKError as err:
        return err
