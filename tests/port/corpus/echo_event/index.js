const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event, context) => {
  const keys = Object.keys(event).sort()
  return { keys, count: keys.length, first: keys[0] || null, hasUserInfo: 'userInfo' in event }
}
