// Greeting (Node original, no config.json): its cloud calls are refused by the platform.
const cloud = require('wx-server-sdk')

cloud.init()

exports.main = async (event, context) => {
  const contextNow = cloud.getWXContext()
  if (event.printers) {
    try {
      return await cloud.openapi.logistics.getPrinter({})
    } catch (err) {
      return err
    }
  }
  return { hello: event.name || 'world', openid: contextNow.OPENID }
}
