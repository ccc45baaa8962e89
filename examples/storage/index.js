// Notes kept in cloud storage (Node original): save a note as a file, hand out a link
// to it, read it back, remove it. `event.steps` runs several of these in one call.
const fs = require('fs')
const os = require('os')
const path = require('path')
const cloud = require('wx-server-sdk')

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event, context) => {
  try {
    const out = {}
    let fileID = event.fileID
    for (const step of event.steps || ['save']) {
      if (step === 'save') {
        const res = await cloud.uploadFile({
          cloudPath: event.cloudPath,
          fileContent: Buffer.from(event.text || '')
        })
        fileID = res.fileID
        out.save = res
      } else if (step === 'saveFromDisk') {
        // A local file, streamed rather than read whole.
        const local = path.join(os.tmpdir(), `note-${context.request_id || 'x'}.txt`)
        fs.writeFileSync(local, event.text || '')
        const res = await cloud.uploadFile({ cloudPath: event.cloudPath, fileContent: fs.createReadStream(local) })
        fs.unlinkSync(local)
        fileID = res.fileID
        out.saveFromDisk = res
      } else if (step === 'saveQRCode') {
        // The common case: a mini program code made by WeChat, kept in storage.
        const code = await cloud.openapi.wxacode.getUnlimited({ scene: event.scene || 'id=1' })
        const res = await cloud.uploadFile({ cloudPath: event.cloudPath, fileContent: code.buffer })
        fileID = res.fileID
        out.saveQRCode = { contentType: code.contentType, size: code.buffer.length, fileID: res.fileID }
      } else if (step === 'link') {
        out.link = await cloud.getTempFileURL({ fileList: [fileID] })
      } else if (step === 'linkFor') {
        out.linkFor = await cloud.getTempFileURL({ fileList: [{ fileID, maxAge: event.maxAge }] })
      } else if (step === 'read') {
        const res = await cloud.downloadFile({ fileID })
        out.read = { text: res.fileContent.toString('utf8'), statusCode: res.statusCode, errMsg: res.errMsg }
      } else if (step === 'remove') {
        out.remove = await cloud.deleteFile({ fileList: [fileID] })
      }
    }
    return out
  } catch (err) {
    return err
  }
}
