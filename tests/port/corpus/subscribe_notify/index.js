const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event, context) => {
  const { OPENID } = cloud.getWXContext()
  try {
    const result = await cloud.openapi.subscribeMessage.send({
      touser: event.touser || OPENID,
      page: 'pages/order/detail?id=' + event.orderId,
      lang: 'zh_CN',
      data: {
        thing1: { value: event.title },
        time2: { value: event.time },
        amount3: { value: `${event.amount}元` },
      },
      templateId: event.templateId,
      miniprogramState: 'developer',
    })
    return result
  } catch (err) {
    return err
  }
}
