// Orders (Node): places an order priced by the Python function `pricing`,
// and answers `pricing`'s status checks (the two call each other).
const cloud = require('wx-server-sdk')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event, context) => {
  const { OPENID, SOURCE } = cloud.getWXContext()
  if (event.action === 'status') {
    return { orderId: event.orderId, status: 'paid', calledFrom: SOURCE }
  }
  if (event.action === 'place') {
    const priced = await cloud.callFunction({ name: 'pricing', data: { items: event.items || [] } })
    return { orderId: `o-${OPENID || 'anonymous'}`, total: priced.result.total, pricing: priced }
  }
  if (event.action === 'chain') {
    // orders -> pricing -> orders: the calls nest
    const res = await cloud.callFunction({ name: 'pricing', data: { checkOrder: 'o-1' } })
    return res.result
  }
  if (event.action === 'failing') {
    // The callee throws: the SDK rejects with the platform's error, returned here as is.
    try {
      return await cloud.callFunction({ name: 'pricing', data: { fail: event.item } })
    } catch (err) {
      return err
    }
  }
  if (event.action === 'missing') {
    try {
      return await cloud.callFunction({ name: 'no_such_function', data: {} })
    } catch (err) {
      return { errCode: err.errCode, errMsg: err.errMsg }
    }
  }
  return { error: `unknown action ${event.action}` }
}
