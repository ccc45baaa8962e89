const cloud = require('wx-server-sdk')
cloud.init()
const db = cloud.database()

exports.main = async (event) => {
  try {
    const res = await db.collection('profiles').doc(event.id).get()
    return { found: true, profile: res.data }
  } catch (err) {
    return { found: false, errCode: err.errCode }
  }
}
