const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

// No try/catch: a refused call reaches the caller as an uncaught error.
exports.main = async () => {
  const res = await cloud.openapi.logistics.getPrinter({})
  return { count: res.count, openids: res.openid || [], tags: res.tagidList || [] }
}
