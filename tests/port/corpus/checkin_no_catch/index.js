const cloud = require('wx-server-sdk')
cloud.init()
const db = cloud.database()
const _ = db.command

exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext()
  const today = event.day
  const existing = await db.collection('checkins').where({ openid: OPENID, day: today }).count()
  if (existing.total > 0) {
    return { already: true }
  }
  await db.collection('checkins').add({ data: { openid: OPENID, day: today } })
  await db.collection('users').where({ _openid: OPENID }).update({ data: { points: _.inc(5) } })
  return { already: false, points: 5 }
}
