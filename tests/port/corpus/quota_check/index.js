const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  const res = await cloud.openapi.logistics.getQuota({ deliveryId: 'TEST', bizId: event.bizId || 'test_biz_id' })
  return { quota: res.quotaNum, low: res.quotaNum < 100 }
}
