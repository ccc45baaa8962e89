"""A printer desk as one cloud function built on cloudfn's router (a port of index.js, tcb-router).

The event's ``$url`` picks the route ("bind", "unbind", "list", "whoami").
"""

import cloudfn
from cloudfn.router import TcbRouter

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})


async def main(event, context):
    app = TcbRouter({"event": event})

    # Every route: who is asking, and a trail of the middlewares that ran.
    async def everyone(ctx, next):
        openid = cloudfn.getWXContext().get("OPENID")
        ctx.data = {"openid": event.get("openid") or openid, "trail": ["all"]}
        await next()
        ctx.body = {**(ctx.body or {}), "trail": ctx.data["trail"]}

    app.use(everyone)

    # Both printer-changing routes check the tag list first.
    async def check_tags(ctx, next):
        ctx.data["trail"].append("tags")
        tags = str(event.get("tags") or "")
        if len(tags.split(",")) > 10:
            ctx.body = {"code": 1, "message": "too many tags"}
            return
        ctx.data["tags"] = tags
        await next()

    app.router(["bind", "unbind"], check_tags)

    async def bind(ctx, next):
        ctx.data["trail"].append("bind")
        try:
            res = await cloud.openapi.logistics.updatePrinter(
                {"openid": ctx.data["openid"], "updateType": "bind", "tagidList": ctx.data["tags"]}
            )
            ctx.body = {"code": 0, "result": res}
        except cloudfn.CloudSDKError as err:
            ctx.body = {"code": 2, "error": err}

    app.router("bind", bind)

    async def unbind(ctx, next):
        ctx.data["trail"].append("unbind")
        res = await cloud.openapi.logistics.updatePrinter(
            {"openid": ctx.data["openid"], "updateType": "unbind", "tagidList": ctx.data["tags"]}
        )
        ctx.body = {"code": 0, "result": res}

    app.router("unbind", unbind)

    async def list_mark(ctx, next):
        ctx.data["trail"].append("list")
        await next()

    async def list_printers(ctx, next):
        res = await cloud.openapi.logistics.getPrinter({})
        ctx.body = {"code": 0, "count": res["count"], "openids": res["openid"]}

    app.router("list", list_mark, list_printers)

    def whoami(ctx, next):
        ctx.body = {"code": 0, "openid": ctx.data["openid"], "event": ctx._req.event}

    app.router("whoami", whoami)

    return await app.serve()
