const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
const _ = db.command

exports.main = async (event) => {
  const page = event.page || 1
  const size = event.size || 10
  const query = db.collection('articles').where({ status: 'published', views: _.gte(event.minViews || 0) })
  const countResult = await query.count()
  const list = await query
    .orderBy('createdAt', 'desc')
    .skip((page - 1) * size)
    .limit(size)
    .field({ title: true, views: true })
    .get()
  return { total: countResult.total, page, hasMore: page * size < countResult.total, items: list.data }
}
