const cloud = require('wx-server-sdk')
cloud.init()
const db = cloud.database()
const _ = db.command

exports.main = async (event) => {
  const step = event.unlike ? -1 : 1
  const res = await db.collection('posts').doc(event.postId).update({
    data: { likes: _.inc(step), lastLikedAt: db.serverDate() },
  })
  return { updated: res.stats.updated }
}
