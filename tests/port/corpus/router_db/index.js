const cloud = require('wx-server-sdk')
const TcbRouter = require('tcb-router')

cloud.init()
const db = cloud.database()

exports.main = async (event, context) => {
  const app = new TcbRouter({ event })

  app.router('list', async (ctx, next) => {
    const res = await db.collection('playlist').skip(event.start || 0).limit(event.count || 10).orderBy('createTime', 'desc').get()
    ctx.body = res
  })

  app.router('detail', async (ctx, next) => {
    const res = await db.collection('playlist').doc(event.id).get()
    ctx.body = res.data
  })

  return app.serve()
}
