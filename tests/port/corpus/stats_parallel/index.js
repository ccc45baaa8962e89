const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()

exports.main = async () => {
  const collections = ['users', 'orders', 'goods']
  const counts = await Promise.all(collections.map(name => db.collection(name).count()))
  const result = {}
  collections.forEach((name, i) => {
    result[name] = counts[i].total
  })
  return result
}
