const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

exports.main = async (event) => {
  const res = await cloud.uploadFile({
    cloudPath: `notes/${event.name}.txt`,
    fileContent: Buffer.from(event.text || ''),
  })
  return { fileID: res.fileID }
}
