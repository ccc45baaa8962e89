const cloud = require('wx-server-sdk')
cloud.init()

const SHIPPING_FREE_FROM = 99

exports.main = async (event) => {
  const items = event.items || []
  const subtotal = items.reduce((sum, item) => sum + item.price * item.count, 0)
  const count = items.map(item => item.count).reduce((a, b) => a + b, 0)
  const shipping = subtotal >= SHIPPING_FREE_FROM || subtotal === 0 ? 0 : 10
  const discount = event.coupon === 'HALF' ? Math.round(subtotal / 2) : 0
  return {
    count,
    subtotal,
    shipping,
    discount,
    total: subtotal + shipping - discount,
    expensive: items.filter(item => item.price > 50).map(item => item.name),
  }
}
