const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  const res = await cloud.openapi.logistics.getAllDelivery({})
  const wanted = (event.keyword || '').toLowerCase()
  const list = res.data
    .filter(d => d.deliveryName.toLowerCase().includes(wanted) || d.deliveryId.toLowerCase().includes(wanted))
    .map(d => ({ id: d.deliveryId, name: d.deliveryName }))
  return { total: res.count, matched: list.length, list: list.slice(0, 5) }
}
