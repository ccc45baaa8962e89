const cloud = require('wx-server-sdk')
const TcbRouter = require('tcb-router')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event, context) => {
  const app = new TcbRouter({ event })
  const wxContext = cloud.getWXContext()

  app.use(async (ctx, next) => {
    ctx.data = {}
    ctx.data.openid = wxContext.OPENID
    await next()
  })

  app.router('hello', async (ctx, next) => {
    ctx.body = { message: `hello ${event.name || 'world'}`, openid: ctx.data.openid }
  })

  app.router('sum', async (ctx, next) => {
    const numbers = event.numbers || []
    ctx.body = { sum: numbers.reduce((a, b) => a + b, 0) }
  })

  return app.serve()
}
