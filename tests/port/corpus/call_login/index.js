const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event) => {
  const res = await cloud.callFunction({ name: 'login', data: { from: 'call_login' } })
  return { openid: res.result.openid, via: 'callFunction' }
}
