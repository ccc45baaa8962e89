const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  const wxContext = cloud.getWXContext()
  await cloud.openapi.subscribeMessage.send({
    touser: wxContext.OPENID,
    templateId: event.templateId,
    data: { thing1: { value: event.text } },
  })
  return { sent: true }
}
