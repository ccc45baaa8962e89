const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event, context) => {
  const { OPENID } = cloud.getWXContext()
  const res = await cloud.openapi.security.msgSecCheck({
    openid: OPENID,
    scene: 2,
    version: 2,
    content: event.content,
    title: event.title,
  })
  return { suggest: res.result.suggest, label: res.result.label }
}
