const cloud = require('wx-server-sdk')
cloud.init()
const db = cloud.database()

exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext()
  const res = await db.collection('todos').where({ owner: OPENID, done: true }).remove()
  return { removed: res.stats.removed }
}
