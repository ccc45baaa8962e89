const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
const $ = db.command.aggregate

exports.main = async (event) => {
  const res = await db.collection('orders')
    .aggregate()
    .match({ status: 'paid' })
    .group({ _id: '$category', total: $.sum('$amount'), count: $.sum(1) })
    .sort({ total: -1 })
    .limit(event.top || 5)
    .end()
  return { categories: res.list }
}
