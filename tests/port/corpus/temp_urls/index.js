const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  const res = await cloud.getTempFileURL({ fileList: event.fileIDs || [] })
  return res.fileList.map(f => ({ fileID: f.fileID, url: f.tempFileURL, ok: f.status === 0 }))
}
