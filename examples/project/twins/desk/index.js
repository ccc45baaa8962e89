// Desk (Node original, on tcb-router): one function, several routes chosen by the event's $url.
const cloud = require('wx-server-sdk')
const TcbRouter = require('tcb-router')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event, context) => {
  const app = new TcbRouter({ event })

  app.use(async (ctx, next) => {
    ctx.data = { openid: cloud.getWXContext().OPENID }
    await next()
  })

  app.router('hello', async (ctx, next) => {
    ctx.body = { hello: ctx.data.openid }
  })

  app.router('quote', async (ctx, next) => {
    const priced = await cloud.callFunction({ name: 'pricing', data: { items: event.items || [] } })
    ctx.body = { quote: priced.result.total }
  })

  return app.serve()
}
