const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event, context) => {
  const { OPENID } = cloud.getWXContext()
  switch (event.action) {
    case 'ping':
      return { pong: true }
    case 'whoami':
      return { openid: OPENID }
    case 'add':
    case 'sum': {
      const numbers = event.numbers || []
      return { sum: numbers.reduce((a, b) => a + b, 0) }
    }
    default:
      return { error: `unknown action: ${event.action}` }
  }
}
