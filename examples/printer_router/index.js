// A printer desk as one cloud function built on tcb-router: the event's $url
// picks the route ("bind", "unbind", "list", "whoami").
const cloud = require('wx-server-sdk')
const TcbRouter = require('tcb-router')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event, context) => {
  const app = new TcbRouter({ event })

  // Every route: who is asking, and a trail of the middlewares that ran.
  app.use(async (ctx, next) => {
    const { OPENID } = cloud.getWXContext()
    ctx.data = { openid: event.openid || OPENID, trail: ['all'] }
    await next()
    ctx.body = { ...ctx.body, trail: ctx.data.trail }
  })

  // Both printer-changing routes check the tag list first.
  app.router(['bind', 'unbind'], async (ctx, next) => {
    ctx.data.trail.push('tags')
    const tags = String(event.tags || '')
    if (tags.split(',').length > 10) {
      ctx.body = { code: 1, message: 'too many tags' }
      return
    }
    ctx.data.tags = tags
    await next()
  })

  app.router('bind', async (ctx) => {
    ctx.data.trail.push('bind')
    try {
      const res = await cloud.openapi.logistics.updatePrinter({
        openid: ctx.data.openid, updateType: 'bind', tagidList: ctx.data.tags
      })
      ctx.body = { code: 0, result: res }
    } catch (err) {
      ctx.body = { code: 2, error: err }
    }
  })

  app.router('unbind', async (ctx) => {
    ctx.data.trail.push('unbind')
    const res = await cloud.openapi.logistics.updatePrinter({
      openid: ctx.data.openid, updateType: 'unbind', tagidList: ctx.data.tags
    })
    ctx.body = { code: 0, result: res }
  })

  app.router('list', async (ctx, next) => {
    ctx.data.trail.push('list')
    await next()
  }, async (ctx) => {
    const res = await cloud.openapi.logistics.getPrinter({})
    ctx.body = { code: 0, count: res.count, openids: res.openid }
  })

  app.router('whoami', (ctx) => {
    ctx.body = { code: 0, openid: ctx.data.openid, event: ctx._req.event }
  })

  return app.serve()
}
