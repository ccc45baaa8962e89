// One cloud call per invocation: what a typical small function does.
const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async (event) => {
  const res = await cloud.openapi.logistics.getPrinter({})
  return { count: res.count, n: event.n }
}
