const cloud = require('wx-server-sdk')
cloud.init()

// Kept across invocations of a warm instance, as on the platform.
let visits = 0
const seen = []

exports.main = async (event) => {
  visits += 1
  if (event.user && !seen.includes(event.user)) {
    seen.push(event.user)
  }
  return { visits, unique: seen.length }
}
