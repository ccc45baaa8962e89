const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event) => {
  const qr = await cloud.openapi.wxacode.getUnlimited({
    scene: `id=${event.id}`,
    page: 'pages/detail/index',
    checkPath: false,
    width: 280,
  })
  const upload = await cloud.uploadFile({
    cloudPath: `qrcode/${event.id}.png`,
    fileContent: qr.buffer,
  })
  const { fileList } = await cloud.getTempFileURL({ fileList: [upload.fileID] })
  return { fileID: upload.fileID, url: fileList[0].tempFileURL }
}
