const cloud = require('wx-server-sdk')
cloud.init()

const MAX_SIZE = 50

exports.main = async (event) => {
  const { page = 1, size = 10, keyword = '' } = event
  const pageSize = Math.min(size, MAX_SIZE)
  const skip = (page - 1) * pageSize
  return { skip, limit: pageSize, keyword: keyword.trim(), search: keyword.length > 0 }
}
