// Pricing (Node original): totals an order's items; asked to check an order, it asks `orders`.
const cloud = require('wx-server-sdk')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

const PRICES = { apple: 300, pear: 250, tea: 1200 } // in fen

exports.main = async (event, context) => {
  if (event.checkOrder) {
    const status = await cloud.callFunction({ name: 'orders', data: { action: 'status', orderId: event.checkOrder } })
    return { checked: status.result, source: cloud.getWXContext().SOURCE }
  }
  if (event.fail) {
    throw new Error(`cannot price ${event.fail}`)
  }
  const total = (event.items || []).reduce((sum, item) => sum + (PRICES[item] || 0), 0)
  return { total, source: cloud.getWXContext().SOURCE }
}
