// Node original: tell the paying user their order is paid, with a one-off subscribe message.
const cloud = require('wx-server-sdk')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event, context) => {
  const { OPENID } = cloud.getWXContext()
  const data = {
    thing1: { value: event.item },
    amount2: { value: event.amount },
  }
  if (event.withoutAmount) {
    delete data.amount2
  }
  try {
    const result = await cloud.openapi.subscribeMessage.send({
      touser: OPENID,
      page: 'pages/order/detail?id=' + event.orderId,
      lang: 'zh_CN',
      data,
      templateId: 'tmplOrderPaid0001',
      miniprogramState: 'developer',
    })
    return { sent: true, result }
  } catch (err) {
    return { sent: false, errCode: err.errCode, errMsg: err.errMsg }
  }
}
