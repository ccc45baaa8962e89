const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  const { OPENID, APPID } = cloud.getWXContext()
  const name = event.nickname || '游客'
  return {
    greeting: `你好，${name}`,
    openid: OPENID,
    appid: APPID,
    known: OPENID === event.expected,
  }
}
