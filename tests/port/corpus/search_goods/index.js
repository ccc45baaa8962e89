const cloud = require('wx-server-sdk')
cloud.init()
const db = cloud.database()
const _ = db.command

exports.main = async (event) => {
  const keyword = event.keyword || ''
  const pattern = db.RegExp({ regexp: keyword, options: 'i' })
  const res = await db.collection('goods')
    .where(_.or([{ name: pattern }, { tags: pattern }]))
    .limit(20)
    .get()
  return res.data.map(g => g.name)
}
