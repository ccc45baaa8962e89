const cloud = require('wx-server-sdk')
cloud.init()
const db = cloud.database()
const _ = db.command

exports.main = async (event) => {
  const wxContext = cloud.getWXContext()
  const comment = { openid: wxContext.OPENID, text: event.text, at: db.serverDate() }
  await db.collection('posts').doc(event.postId).update({
    data: { comments: _.push(comment), commentCount: _.inc(1) },
  })
  return { ok: true }
}
