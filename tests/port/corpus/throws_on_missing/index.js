const cloud = require('wx-server-sdk')
cloud.init()

// No try/catch: a missing id reaches the platform as an uncaught error.
exports.main = async (event) => {
  if (!event.id) {
    throw new Error('id is required')
  }
  if (typeof event.id !== 'string') {
    throw new Error('id must be a string')
  }
  return { id: event.id, length: event.id.length }
}
