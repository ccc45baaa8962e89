const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  const ids = event.fileIDs || []
  if (ids.length === 0) {
    return []
  }
  const res = await cloud.getTempFileURL({ fileList: ids })
  return res.fileList.map(f => ({ fileID: f.fileID, ok: f.status === 0 }))
}
