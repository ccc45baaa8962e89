const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event) => {
  try {
    await cloud.openapi.logistics.bindAccount({
      type: event.type || 'bind',
      bizId: event.bizId,
      deliveryId: 'TEST',
      password: event.password,
      remarkContent: event.remark,
    })
    const accounts = await cloud.openapi.logistics.getAllAccount({})
    return { bound: accounts.count, ids: accounts.list.map(a => a.bizId) }
  } catch (e) {
    return e
  }
}
