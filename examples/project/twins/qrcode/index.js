// QR code (Node original): makes a mini program code for a scene, stores it, returns its temporary URL.
const cloud = require('wx-server-sdk')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event, context) => {
  try {
    const code = await cloud.openapi.wxacode.getUnlimited({ scene: event.scene || 'home', page: 'pages/index/index' })
    const stored = await cloud.uploadFile({
      cloudPath: `qrcodes/${event.scene || 'home'}.png`,
      fileContent: code.buffer
    })
    const link = await cloud.getTempFileURL({ fileList: [stored.fileID] })
    return {
      fileID: stored.fileID,
      tempFileURL: link.fileList[0].tempFileURL,
      contentType: code.contentType,
      bytes: code.buffer.length
    }
  } catch (err) {
    return err
  }
}
