const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  try {
    return await cloud.openapi.logistics.getPrinter({})
  } catch (err) {
    return { refused: err.errCode === -604101, errCode: err.errCode }
  }
}
