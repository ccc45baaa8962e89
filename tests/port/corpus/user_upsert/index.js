const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

exports.main = async (event, context) => {
  const { OPENID } = cloud.getWXContext()
  const users = db.collection('users')
  const found = await users.where({ _openid: OPENID }).get()
  if (found.data.length === 0) {
    const added = await users.add({
      data: { _openid: OPENID, nickName: event.nickName || '', visits: 1, createdAt: db.serverDate() },
    })
    return { created: true, id: added._id }
  }
  const user = found.data[0]
  await users.doc(user._id).update({ data: { nickName: event.nickName || user.nickName, visits: user.visits + 1 } })
  return { created: false, id: user._id, visits: user.visits + 1 }
}
