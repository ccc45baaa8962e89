const cloud = require('wx-server-sdk')
cloud.init()

const DAY = 24 * 60 * 60 * 1000

exports.main = async (event) => {
  const start = new Date(event.start)
  const end = new Date(event.start + event.days * DAY)
  return {
    start: start.toISOString(),
    end: end.toISOString(),
    days: Math.floor((end.getTime() - start.getTime()) / DAY),
  }
}
