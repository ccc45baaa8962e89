const cloud = require('wx-server-sdk')
cloud.init()

exports.main = async (event) => {
  if (!Array.isArray(event.fileIDs) || event.fileIDs.length === 0) {
    return { deleted: 0 }
  }
  const res = await cloud.deleteFile({ fileList: event.fileIDs })
  return { deleted: res.fileList.filter(f => f.status === 0).length }
}
