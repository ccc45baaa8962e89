const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  const shop = process.env.SHOP_NAME || 'default shop'
  const limit = parseInt(process.env.DAILY_LIMIT || '5', 10)
  return { shop, limit, over: (event.count || 0) > limit }
}
