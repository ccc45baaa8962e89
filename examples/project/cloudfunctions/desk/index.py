"""Desk (Python, on cloudfn.router): one function, several routes chosen by the event's $url."""

import cloudfn
from cloudfn.router import TcbRouter

cloud = cloudfn.init({"env": cloudfn.DYNAMIC_CURRENT_ENV})


async def main(event, context):
    app = TcbRouter({"event": event})

    async def everyone(ctx, next):
        ctx.data = {"openid": cloudfn.getWXContext().get("OPENID")}
        await next()

    async def hello(ctx, next):
        ctx.body = {"hello": ctx.data["openid"]}

    async def quote(ctx, next):
        priced = await cloud.callFunction({"name": "pricing", "data": {"items": event.get("items", [])}})
        ctx.body = {"quote": priced["result"]["total"]}

    app.use(everyone)
    app.router("hello", hello)
    app.router("quote", quote)
    return await app.serve()
