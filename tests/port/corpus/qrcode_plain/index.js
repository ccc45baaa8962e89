const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  try {
    const result = await cloud.openapi.wxacode.getUnlimited({ scene: event.scene || 'home' })
    return { contentType: result.contentType, size: result.buffer.length }
  } catch (err) {
    return { errCode: err.errCode }
  }
}
